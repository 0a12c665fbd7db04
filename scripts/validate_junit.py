"""Validates JUnit XML reports against the Jenkins xUnit plugin's JUnit schema
(scripts/schemas/junit-10.xsd) with lxml (libxml2's XML Schema validator), then checks
what the schema cannot: each testsuite's `tests`, `failures` and `skipped` counts match
its testcases, the totals of <testsuites> match the suites, and every failure's text
starts with `file:line:col: `.

    python validate_junit.py SCHEMA FILE.xml...
"""

import re
import sys

from lxml import etree

LOCATION = re.compile(r"^(.+):(\d+):(\d+): ")


def check(path, schema):
    doc = etree.parse(path)  # raises on anything XML 1.0 forbids
    if not schema.validate(doc):
        return [f"{path}: {e.line}: {e.message}" for e in schema.error_log]
    errors = []
    root = doc.getroot()
    total_tests = total_failures = 0
    for suite in root.iter("testsuite"):
        cases = suite.findall("testcase")
        failing = [c for c in cases if c.find("failure") is not None]
        skipped = [c for c in cases if c.find("failure") is None and c.find("skipped") is not None]
        name = suite.get("name")
        for attr, count in (("tests", len(cases)), ("failures", len(failing)), ("skipped", len(skipped))):
            if suite.get(attr) != str(count):
                errors.append(f"{path}: testsuite {name!r}: {attr}={suite.get(attr)}, counted {count}")
        for case in failing:
            for failure in case.findall("failure"):
                match = LOCATION.match(failure.text or "")
                if not match or match.group(1) != name:
                    errors.append(f"{path}: {name!r}: failure without file:line:col: {failure.text!r}")
        total_tests += len(cases)
        total_failures += len(failing)
    if root.get("tests") != str(total_tests) or root.get("failures") != str(total_failures):
        errors.append(f"{path}: testsuites totals do not match the suites")
    return errors


def main():
    schema = etree.XMLSchema(etree.parse(sys.argv[1]))
    errors = []
    for path in sys.argv[2:]:
        found = check(path, schema)
        errors += found
        print(f"{path}: {'invalid' if found else 'valid'}")
    for error in errors:
        print(error, file=sys.stderr)
    sys.exit(1 if errors else 0)


main()
