"""Runs action.yml's steps outside GitHub, as the runner runs a composite action, and checks
what each input does. Called by scripts/action-check, which builds the wheel and points pip at
it (PIP_NO_INDEX, PIP_FIND_LINKS).

What the runner does, and so this file (docs.github.com, "Metadata syntax for GitHub
Actions" and "Workflow commands"):
- a step with `shell: bash` runs as `bash --noprofile --norc -eo pipefail FILE`;
- `${{ inputs.NAME }}` is the input's value, or its `default` when the workflow gives none;
  composite actions get no INPUT_* variables, only what a step's `env` names;
- GITHUB_ACTION_PATH is the action's directory, RUNNER_TEMP a scratch directory;
- a line a step appends to the file named by GITHUB_PATH is put in front of PATH for the
  steps that follow;
- the first step that fails ends the action, with its exit status.
Any other `${{ }}` expression, an `if:` or a shell other than bash is refused rather than
half-emulated, and so is a `${{ }}` in a script's text (inputs reach scripts through `env`).
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "testdata" / "examples"
EXPRESSION = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")


scratches = []


class Run:
    def __init__(self, status, stdout, stderr, path_added, seconds):
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
        self.path_added = path_added
        self.seconds = seconds

    def annotations(self):
        return [line for line in self.stdout.splitlines() if re.match(r"::(error|warning|notice) ", line)]


def run_action(workspace, inputs):
    """Runs every step of action.yml in WORKSPACE with INPUTS (a dict of input name -> text)."""
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite", action["runs"]
    declared = action["inputs"]
    unknown = set(inputs) - set(declared)
    assert not unknown, f"inputs the action does not declare: {unknown}"
    values = {name: inputs.get(name, spec.get("default", "")) for name, spec in declared.items()}

    scratch = Path(tempfile.mkdtemp(prefix="iamlint-action-runner."))
    runner_temp = scratch / "temp"
    runner_temp.mkdir()
    files = {name: scratch / name.lower() for name in ("GITHUB_PATH", "GITHUB_ENV", "GITHUB_OUTPUT")}
    for path in files.values():
        path.touch()
    context = {"github.action_path": str(ROOT), "runner.temp": str(runner_temp)}

    def evaluate(text):
        def replace(match):
            expression = match.group(1)
            if expression.startswith("inputs."):
                return values[expression[len("inputs."):]]
            if expression in context:
                return context[expression]
            raise AssertionError(f"expression the emulator does not know: {expression}")

        return EXPRESSION.sub(replace, str(text))

    base_env = dict(os.environ)
    base_env.update({name: str(path) for name, path in files.items()})
    base_env.update(GITHUB_ACTION_PATH=str(ROOT), RUNNER_TEMP=str(runner_temp), RUNNER_OS="Linux",
                    GITHUB_WORKSPACE=str(workspace), GITHUB_ACTIONS="true", CI="true")
    path_added = []
    stdout, stderr, status = "", "", 0
    start = time.monotonic()
    for step in action["runs"]["steps"]:
        assert step.get("shell") == "bash", step
        assert "if" not in step and "uses" not in step, step
        assert "${{" not in step["run"], f"an expression in the script of {step['name']!r}"
        script = scratch / "step.sh"
        script.write_text(step["run"])
        env = dict(base_env)
        env["PATH"] = os.pathsep.join(path_added[::-1] + [base_env["PATH"]])
        env.update({name: evaluate(value) for name, value in step.get("env", {}).items()})
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                              cwd=workspace, env=env, capture_output=True, text=True)
        stdout += done.stdout
        stderr += done.stderr
        path_added += [line for line in files["GITHUB_PATH"].read_text().splitlines() if line]
        files["GITHUB_PATH"].write_text("")
        status = done.returncode
        if status != 0:
            break
    seconds = time.monotonic() - start
    scratches.append(scratch)  # the venv stays usable until the end
    return Run(status, stdout, stderr, path_added, seconds)


failures = []


def check(condition, what, run=None):
    if condition:
        print(f"ok: {what}")
    else:
        failures.append(what)
        print(f"FAIL: {what}")
        if run is not None:
            print(f"  exit {run.status}\n  stdout:\n{run.stdout}\n  stderr:\n{run.stderr}")


def workspace_with_examples():
    workspace = Path(tempfile.mkdtemp(prefix="iamlint-action-ws."))
    shutil.copytree(EXAMPLES, workspace, dirs_exist_ok=True)
    return workspace


def warnings_only(workspace):
    (workspace / "admin.json").write_text(
        '{"Version": "2012-10-17",\n "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}\n')


def summary(iamlint, workspace, *args):
    done = subprocess.run([iamlint, "check", "--format", "json", *args], cwd=workspace,
                          capture_output=True, text=True)
    return json.loads(done.stdout)["summary"]


def main():
    version = re.search(r'^version = "(.*)"$', (ROOT / "Cargo.toml").read_text(), re.M).group(1)

    # Defaults: format github, paths ".", the version of this revision.
    workspace = workspace_with_examples()
    run = run_action(workspace, {})
    print(f"install + run with the defaults: {run.seconds:.1f} s")
    check(f"iamlint {version} (AWS catalog:" in run.stdout, "the install step prints the version", run)
    check(run.status == 1, "defaults: exit 1 on the examples' findings", run)
    iamlint = os.path.join(run.path_added[0], "iamlint") if run.path_added else "iamlint"
    check(os.access(iamlint, os.X_OK), "the venv's bin folder is added to GITHUB_PATH", run)
    expected = summary(iamlint, workspace)
    check(len(run.annotations()) == expected["errors"] + expected["warnings"] + expected["infos"],
          f"defaults: one annotation per finding ({len(run.annotations())})", run)
    check(all(line.startswith(("::error file=", "::warning file=")) for line in run.annotations()),
          "defaults: annotations name their file", run)

    # sarif-file, in a folder that does not exist yet: SARIF written, annotations still printed.
    run = run_action(workspace, {"sarif-file": "reports/iamlint.sarif"})
    sarif_path = workspace / "reports" / "iamlint.sarif"
    check(run.status == 1, "sarif-file: exit 1", run)
    results = json.loads(sarif_path.read_text())["runs"][0]["results"] if sarif_path.exists() else []
    check(len(results) == len(run.annotations()) > 0,
          f"sarif-file: {len(results)} SARIF results, {len(run.annotations())} annotations", run)
    validated = subprocess.run([str(ROOT / "scripts" / "validate-sarif"), str(sarif_path)],
                               capture_output=True, text=True,  # installs its validator from PyPI
                               env={k: v for k, v in os.environ.items() if not k.startswith("PIP_")})
    check(validated.returncode == 0, "sarif-file: the SARIF passes scripts/validate-sarif",
          Run(validated.returncode, validated.stdout, validated.stderr, [], 0))

    # paths: two, one per line; only they are checked.
    run = run_action(workspace, {"paths": "rds-guard-policy.json\nterraform"})
    files = {re.search(r"file=(?:\./)?([^,]*)", line).group(1) for line in run.annotations()}
    check(files == {"rds-guard-policy.json", "terraform/db.tf", "terraform/variables.tf"},
          f"paths: only the named paths are checked ({sorted(files)})", run)

    # format
    run = run_action(workspace, {"format": "gnu", "paths": "database.yaml"})
    lines = run.stdout.splitlines()[1:]
    check(run.status == 1 and lines and all(re.match(r"^(\./)?database\.yaml:\d+:\d+: error: ", line) for line in lines),
          "format gnu: gnu lines", run)

    # fail-on and config, on a repository with warnings only.
    plain = Path(tempfile.mkdtemp(prefix="iamlint-action-ws."))
    warnings_only(plain)
    counts = summary(iamlint, plain)
    check(counts["errors"] == 0 and counts["warnings"] > 0, f"the warnings-only fixture has only warnings ({counts})")
    run = run_action(plain, {})
    check(run.status == 1 and run.annotations(), "no fail-on: a warning fails the step", run)
    run = run_action(plain, {"fail-on": "error"})
    check(run.status == 0 and run.annotations(), "fail-on error: warnings annotated, the step passes", run)
    (plain / "ci").mkdir()
    (plain / "ci" / "lint.toml").write_text('[lint]\nfail-on = "error"\n')
    run = run_action(plain, {"config": "ci/lint.toml"})
    check(run.status == 0 and run.annotations(), "config: the named config's fail-on applies", run)
    run = run_action(plain, {"config": "ci/missing.toml"})
    check(run.status == 2, "config: a config that does not exist is a usage error (2)", run)
    run = run_action(plain, {"fail-on": "error", "sarif-file": "out.sarif", "format": "bogus"})
    check(run.status == 2, "sarif-file with a bad format: the usage error fails the step (2)", run)

    # version
    run = run_action(plain, {"version": version, "fail-on": "error"})
    check(run.status == 0, f"version {version}: installs that version", run)
    run = run_action(plain, {"version": "9.9.9"})
    check(run.status != 0 and "iamlint==9.9.9" in run.stderr and not run.annotations(),
          "version 9.9.9: the install fails and nothing runs", run)
    run = run_action(plain, {"version": "main"})
    check(run.status == 2 and "version must be" in run.stdout, "version main: refused", run)

    # Inputs are data, not shell.
    run = run_action(plain, {"paths": "$(touch pwned) `touch pwned2`"})
    check(not (plain / "pwned").exists() and not (plain / "pwned2").exists() and run.status == 1,
          "paths with shell syntax: no command runs (each word is a path that does not exist)", run)

    for path in [workspace, plain, *scratches]:
        shutil.rmtree(path)
    if failures:
        print(f"{len(failures)} check(s) failed")
        sys.exit(1)
    print("all action checks passed")


if __name__ == "__main__":
    main()
