"""Validates SARIF files: against the SARIF 2.1.0 JSON schema with the jsonschema library
(draft 4, with format checks, so URIs must be valid URI references), then against what
GitHub code scanning documents for uploads ("SARIF support for code scanning": required
properties, lengths and the limits table). Run through scripts/validate-sarif, which
installs both.

Exit status 1 when a file fails; warnings (GitHub truncates, but accepts) do not fail.
"""

import argparse
import gzip
import json
import sys

import jsonschema

# GitHub's documented limits ("SARIF support for code scanning", validating your file).
MAX_GZIP_BYTES = 10 * 1024 * 1024
MAX_RUNS = 20
MAX_RESULTS = 25_000
SHOWN_RESULTS = 5_000
MAX_RULES = 25_000
MAX_EXTENSIONS = 100
MAX_LOCATIONS = 10  # the result object: "up to a maximum of 10" (the limits table says 1,000)
MAX_TAGS = 20
SHOWN_TAGS = 10
MAX_NAME = 255
MAX_DESCRIPTION = 1024


def github_problems(log):
    """(errors, warnings) of a parsed SARIF log against GitHub's documented rules."""
    errors, warnings = [], []
    if not log.get("$schema"):
        errors.append("$schema is required")
    if log.get("version") != "2.1.0":
        errors.append("version must be 2.1.0")
    runs = log.get("runs") or []
    if not runs or len(runs) > MAX_RUNS:
        errors.append(f"{len(runs)} runs (1 to {MAX_RUNS})")
    for r, run in enumerate(runs):
        where = f"runs[{r}]"
        driver = (run.get("tool") or {}).get("driver") or {}
        if not driver.get("name"):
            errors.append(f"{where}: tool.driver.name is required")
        if len((run.get("tool") or {}).get("extensions") or []) > MAX_EXTENSIONS:
            errors.append(f"{where}: more than {MAX_EXTENSIONS} tool extensions")
        rules = bounded_list(driver, "rules", MAX_RULES, f"{where}.tool.driver", errors)
        for i, rule in enumerate(rules):
            errors += [f"{where}.rules[{i}] ({rule.get('id')}): {p}" for p in rule_problems(rule)]
            if len((rule.get("properties") or {}).get("tags") or []) > SHOWN_TAGS:
                warnings.append(f"{where}.rules[{i}]: only {SHOWN_TAGS} tags are shown")
        results = bounded_list(run, "results", MAX_RESULTS, where, errors)
        if len(results) > SHOWN_RESULTS:
            warnings.append(
                f"{where}: {len(results)} results; GitHub keeps the top {SHOWN_RESULTS} by severity"
            )
        for i, result in enumerate(results):
            errors += [f"{where}.results[{i}]: {p}" for p in result_problems(result, rules)]
    return errors, warnings


def bounded_list(parent, key, maximum, where, errors):
    """parent[key], a required list of at most `maximum` items ([] when missing)."""
    items = parent.get(key)
    if items is None:
        errors.append(f"{where}: {key} is required")
        return []
    if len(items) > maximum:
        errors.append(f"{where}: {len(items)} {key}, more than {maximum}")
    return items


def rule_problems(rule):
    problems = []
    if not rule.get("id"):
        problems.append("id is required")
    if len(rule.get("name") or "") > MAX_NAME:
        problems.append(f"name longer than {MAX_NAME} characters")
    for field in ("shortDescription", "fullDescription"):
        text = (rule.get(field) or {}).get("text") or ""
        if not text:
            problems.append(f"{field}.text is required")
        if len(text) > MAX_DESCRIPTION:
            problems.append(f"{field}.text longer than {MAX_DESCRIPTION} characters")
    if not (rule.get("help") or {}).get("text"):
        problems.append("help.text is required")
    level = (rule.get("defaultConfiguration") or {}).get("level")
    if level is not None and level not in ("note", "warning", "error"):
        problems.append(f"defaultConfiguration.level {level!r}")
    properties = rule.get("properties") or {}
    tags = properties.get("tags") or []
    if len(tags) > MAX_TAGS:
        problems.append(f"{len(tags)} tags, more than {MAX_TAGS}")
    if "security-severity" in properties:
        score = properties["security-severity"]
        try:
            ok = isinstance(score, str) and 0.0 < float(score) <= 10.0
        except ValueError:
            ok = False
        if not ok:
            problems.append(f"security-severity {score!r} is not a string score in (0.0, 10.0]")
        if "security" not in tags:
            problems.append("security-severity without the tag `security`")
    return problems


def result_problems(result, rules):
    problems = []
    if not (result.get("message") or {}).get("text"):
        problems.append("message.text is required")
    index = result.get("ruleIndex")
    if index is not None:
        if not 0 <= index < len(rules):
            problems.append(f"ruleIndex {index} out of range")
        elif result.get("ruleId") not in (None, rules[index].get("id")):
            problems.append(f"ruleId {result.get('ruleId')} is not rules[{index}].id")
    locations = result.get("locations") or []
    if not 1 <= len(locations) <= MAX_LOCATIONS:
        problems.append(f"{len(locations)} locations (1 to {MAX_LOCATIONS})")
    for location in locations:
        problems += location_problems(location)
    for location in result.get("relatedLocations") or []:
        problems += location_problems(location)
    if not result.get("partialFingerprints"):
        problems.append("partialFingerprints is required")
    return problems


def location_problems(location):
    physical = location.get("physicalLocation") or {}
    if not (physical.get("artifactLocation") or {}).get("uri"):
        return ["physicalLocation.artifactLocation.uri is required"]
    region = physical.get("region") or {}
    keys = ("startLine", "startColumn", "endLine", "endColumn")
    if not all(isinstance(region.get(k), int) and region[k] >= 1 for k in keys):
        return [f"region needs {', '.join(keys)} (1-based): {region}"]
    start = (region["startLine"], region["startColumn"])
    end = (region["endLine"], region["endColumn"])
    return [] if end >= start else [f"region ends before it starts: {region}"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schema", required=True)
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    with open(args.schema, encoding="utf-8-sig") as f:
        schema = json.load(f)
    jsonschema.Draft4Validator.check_schema(schema)
    # Every format jsonschema knows, not only draft 4's: the schema marks URIs as
    # `uri-reference`, a later draft's name.
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
    failed = False
    for path in args.files:
        with open(path, "rb") as f:
            raw = f.read()
        try:
            log = json.loads(raw)
        except ValueError as e:
            print(f"FAIL: {path}: not JSON: {e}")
            failed = True
            continue
        errors = [
            f"schema: /{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(log)
        ]
        if len(gzip.compress(raw)) > MAX_GZIP_BYTES:
            errors.append("larger than 10 MB gzip-compressed")
        github_errors, warnings = github_problems(log)
        errors += github_errors
        results = sum(len(run.get("results") or []) for run in log.get("runs") or [])
        status = "FAIL" if errors else "ok"
        print(f"{status}: {path}: {results} results, {len(raw)} bytes")
        for message in errors[:50]:
            print(f"  error: {message}")
        if len(errors) > 50:
            print(f"  ... and {len(errors) - 50} more errors")
        for message in warnings:
            print(f"  warning: {message}")
        failed |= bool(errors)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
