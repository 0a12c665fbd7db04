//! Suppressions as users write them, through the binary: comments in YAML and Terraform,
//! `Metadata` in CloudFormation JSON and YAML, the file-level form, expiry, unused ones,
//! `--no-inline-suppressions`, and how suppressed findings reach the exit code, JSON and
//! SARIF. The rule fixtures of `testdata/iamlint/` cover the malformed forms.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod common;

use common::{code, iamlint, json, stdout};
use serde_json::Value;

const YAML: &str = "testdata/suppressions/template.yaml";
const JSON: &str = "testdata/suppressions/template.json";
const TERRAFORM: &str = "testdata/suppressions/module-tf";
const EXPIRY: &str = "testdata/suppressions/expiry.yaml";
const UNUSED: &str = "testdata/iamlint/unused-suppression/fail-unused.yaml";
const INVALID: &str = "testdata/iamlint/invalid-suppression/fail-comments.yaml";

/// `rule@line` of each entry of a JSON report's list.
fn at(report: &Value, list: &str) -> Vec<String> {
    report[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{}@{}", f["rule"].as_str().unwrap(), f["line"]))
        .collect()
}

fn check_json(args: &[&str]) -> Value {
    let mut all = vec!["check", "--no-config", "--format", "json"];
    all.extend(args);
    json(&iamlint(&all))
}

#[test]
fn yaml_comments_cover_their_line_or_the_next_element() {
    let report = check_json(&[YAML]);
    assert_eq!(at(&report, "findings"), Vec::<String>::new());
    assert_eq!(
        at(&report, "suppressed_findings"),
        [
            // `ignore-file` at the top.
            "iam/missing-version@9",
            "iam/missing-version@16",
            // At the end of the line.
            "iam/resource-star@19",
            // On the line before a statement: the whole statement, both ids used.
            "iam/pass-role-star@23",
            "iam/resource-star@23",
            // On the line before a resource, a group, with an expiry to come.
            "rds/master-password-not-managed@30",
        ]
    );
    let reasons: Vec<(&str, &str, &Value)> = report["suppressed_findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let s = &f["suppressed"];
            (
                s["kind"].as_str().unwrap(),
                s["reason"].as_str().unwrap(),
                &s["until"],
            )
        })
        .collect();
    assert_eq!(
        reasons[2],
        (
            "inSource",
            "bucket names come from a StackSet parameter",
            &Value::Null
        )
    );
    assert_eq!(
        reasons[5],
        (
            "inSource",
            "a test database, deleted with the stack",
            &Value::from("2099-12-31")
        )
    );
    assert_eq!(report["summary"]["suppressed"], 6);
}

#[test]
fn suppressed_findings_do_not_fail_the_run_and_are_counted() {
    let output = iamlint(&["check", "--no-config", YAML]);
    assert_eq!(code(&output), 0, "{}", stdout(&output));
    assert!(
        stdout(&output).ends_with("Checked 1 file: no findings (6 suppressed).\n"),
        "{}",
        stdout(&output)
    );
    for format in ["gnu", "github"] {
        let output = iamlint(&["check", "--no-config", "--format", format, YAML]);
        assert_eq!(stdout(&output), "", "{format} prints no suppressed finding");
    }
    let output = iamlint(&["check", "--no-config", "--fail-on", "info", JSON]);
    assert_eq!(code(&output), 1, "the one finding left still fails");
    assert!(stdout(&output).ends_with("Checked 1 file: 0 errors, 0 warnings, 1 info (4 suppressed).\n"));
}

#[test]
fn terraform_comments_with_hash_and_slashes() {
    let report = check_json(&[TERRAFORM]);
    // The heredoc's `# iamlint: ...` line is text: the finding after it stays.
    assert_eq!(at(&report, "findings"), ["iam/resource-star@31"]);
    assert_eq!(
        at(&report, "suppressed_findings"),
        [
            "iam/missing-version@6",
            "iam/resource-star@9",
            "iam/missing-version@17",
            "iam/pass-role-star@20",
            "iam/resource-star@20",
            "iam/missing-version@31",
        ]
    );
}

#[test]
fn cloudformation_metadata_of_the_template_and_of_a_resource() {
    let report = check_json(&[JSON]);
    // `WritePolicy` has no Metadata of its own.
    assert_eq!(at(&report, "findings"), ["iam/resource-star@33"]);
    assert_eq!(
        at(&report, "suppressed_findings"),
        [
            "iam/missing-version@22",
            "iam/pass-role-star@23",
            "iam/resource-star@23",
            "iam/missing-version@32",
        ]
    );
    let until = &report["suppressed_findings"][0]["suppressed"]["until"];
    assert_eq!(until, "2099-12-31");
}

#[test]
fn cloudformation_metadata_in_yaml() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("template.yaml");
    std::fs::write(
        &path,
        "Metadata:\n  iamlint:\n    ignore:\n      - rule: iam/missing-version\n        reason: older policies\n\
         Resources:\n  Policy:\n    Type: AWS::IAM::ManagedPolicy\n    Metadata:\n      iamlint:\n        ignore:\n\
         \x20         - rule: [iam/resource-star]\n            reason: a sandbox\n            until: 2099-12-31\n\
         \x20   Properties:\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n\
         \x20           Action: s3:GetObject\n            Resource: \"*\"\n",
    )
    .unwrap();
    let report = check_json(&[path.to_str().unwrap()]);
    assert_eq!(at(&report, "findings"), Vec::<String>::new());
    assert_eq!(
        at(&report, "suppressed_findings"),
        ["iam/missing-version@17", "iam/resource-star@20"]
    );
}

#[test]
fn expired_suppressions_stop_applying() {
    let report = check_json(&[EXPIRY]);
    assert_eq!(
        at(&report, "findings"),
        ["iam/resource-star@8", "iamlint/expired-suppression@8"]
    );
    assert_eq!(at(&report, "suppressed_findings"), ["iam/resource-star@5"]);
    assert_eq!(report["findings"][1]["column"], 62, "points at the date");
}

#[test]
fn no_inline_suppressions_reports_every_finding_and_checks_no_suppression() {
    for (path, total) in [(YAML, 6), (JSON, 5), (TERRAFORM, 7), (EXPIRY, 2)] {
        let report = check_json(&["--no-inline-suppressions", path]);
        let rules = at(&report, "findings");
        assert_eq!(rules.len(), total, "{path}: {rules:?}");
        assert!(
            rules.iter().all(|r| !r.starts_with("iamlint/")),
            "{path}: {rules:?}"
        );
        assert_eq!(report["summary"]["suppressed"], 0);
    }
    let report = check_json(&["--no-inline-suppressions", INVALID]);
    assert!(
        at(&report, "findings")
            .iter()
            .all(|r| r.starts_with("iam/resource-star"))
    );
    let output = iamlint(&["check", "--no-config", "--no-inline-suppressions", YAML]);
    assert_eq!(code(&output), 1);
}

#[test]
fn unused_suppressions_of_rules_that_did_not_run_are_not_reported() {
    let report = check_json(&[UNUSED]);
    assert_eq!(
        at(&report, "findings"),
        [
            "iamlint/unused-suppression@1",
            "iamlint/unused-suppression@6",
            "iamlint/unused-suppression@10",
        ]
    );
    // One id of two unused: the finding points at that id.
    assert_eq!(report["findings"][2]["column"], 56);
    let report = check_json(&["--ignore", "iam/pass-role-star", UNUSED]);
    assert_eq!(
        at(&report, "findings"),
        ["iamlint/unused-suppression@1", "iamlint/unused-suppression@6"]
    );
    let report = check_json(&["--select", "iam/resource-star", "--select", "iamlint", UNUSED]);
    assert_eq!(at(&report, "findings"), ["iamlint/unused-suppression@6"]);
    let report = check_json(&["--ignore", "iamlint/unused-suppression", UNUSED]);
    assert_eq!(at(&report, "findings"), Vec::<String>::new());
}

#[test]
fn invalid_suppressions_do_not_apply() {
    let report = check_json(&[INVALID]);
    let findings = at(&report, "findings");
    // Each malformed suppression leaves its finding reported; the valid id of the last
    // list still applies.
    for line in [5, 8, 11, 14] {
        assert!(
            findings.contains(&format!("iam/resource-star@{line}")),
            "{findings:?}"
        );
    }
    assert_eq!(at(&report, "suppressed_findings"), ["iam/resource-star@17"]);
    let unknown = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["message"] == "unknown rule `iam/resource-stars` in a suppression")
        .unwrap();
    assert_eq!(
        unknown["help"],
        "did you mean `iam/resource-star`? `iamlint rules` lists the ids"
    );
}

/// `runs[0].results` of a SARIF log, without the rule descriptors.
fn sarif_results(args: &[&str]) -> Value {
    let mut all = vec!["check", "--no-config", "--format", "sarif"];
    all.extend(args);
    let log = json(&iamlint(&all));
    log["runs"][0]["results"].clone()
}

#[test]
fn json_and_sarif_carry_suppressed_findings() {
    let output = iamlint(&["check", "--no-config", "--format", "json", JSON, EXPIRY]);
    insta::assert_snapshot!("json", stdout(&output));
    let results = sarif_results(&[JSON, EXPIRY]);
    insta::assert_snapshot!("sarif_results", serde_json::to_string_pretty(&results).unwrap());
}

#[test]
fn sarif_fingerprints_do_not_depend_on_suppressions() {
    let fingerprints = |results: &Value| -> Vec<Value> {
        results
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["partialFingerprints"].clone())
            .collect()
    };
    let with = sarif_results(&[YAML]);
    let without = sarif_results(&["--no-inline-suppressions", YAML]);
    assert_eq!(fingerprints(&with), fingerprints(&without));
    assert!(
        with.as_array()
            .unwrap()
            .iter()
            .all(|r| r["suppressions"][0]["kind"] == "inSource")
    );
    assert!(
        without
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r.get("suppressions").is_none())
    );
}

const PROJECT: &str = "testdata/projects/lint-ignore";

fn in_project(args: &[&str]) -> std::process::Output {
    common::iamlint_in(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(PROJECT),
        args,
    )
}

/// `rule@path:line` of each entry of a JSON report's list.
fn located(report: &Value, list: &str) -> Vec<String> {
    report[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let path = f["file"].as_str().unwrap().trim_start_matches("./");
            format!("{}@{path}:{}", f["rule"].as_str().unwrap(), f["line"])
        })
        .collect()
}

/// The config's `[[lint.ignore]]` entries: a file by glob, a statement by `Sid` (also in a
/// policy held in a template's string and in Terraform's `jsonencode`), and the entries
/// that hide nothing, expired, or name no file reported at their line in the config.
#[test]
fn config_entries_suppress_by_file_and_sid() {
    let output = in_project(&["check", ".", "--format", "json"]);
    assert_eq!(code(&output), 1, "{}", stdout(&output));
    let report = json(&output);
    assert_eq!(
        located(&report, "suppressed_findings"),
        [
            // The statement `ReadReports` only: `WriteReports` is still reported.
            "iam/resource-star@legacy/reports.json:4",
            "iam/resource-star@sandbox/open.json:3",
            "iam/resource-star@stack.json:8",
            "iam/resource-star@tf/main.tf:5",
        ]
    );
    assert_eq!(
        located(&report, "findings"),
        [
            "iam/resource-star@legacy/reports.json:5",
            // Its entry expired: reported again.
            "iam/missing-version@sandbox/open.json:2",
            "iamlint/unused-suppression@.iamlint.toml:19",
            "iamlint/expired-suppression@.iamlint.toml:26",
            "iamlint/unused-suppression@.iamlint.toml:29",
        ]
    );
    let suppressed = &report["suppressed_findings"][0]["suppressed"];
    assert_eq!(suppressed["kind"], "external");
    assert_eq!(
        suppressed["reason"],
        "report buckets are named by a parameter, SEC-123"
    );
    assert_eq!(suppressed["until"], "2099-12-31");
    let messages: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["file"].as_str().unwrap().ends_with(".iamlint.toml"))
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        [
            "`iam/pass-role-star` in this `[[lint.ignore]]` entry matches no finding",
            "`[[lint.ignore]]` entry for `iam/missing-version` expired on 2021-01-31",
            "`[[lint.ignore]]` entry names no file that was checked",
        ]
    );
    let sarif = json(&in_project(&["check", ".", "--format", "sarif"]));
    let kinds: Vec<&Value> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r.get("suppressions"))
        .map(|s| &s[0]["kind"])
        .collect();
    assert_eq!(kinds.len(), 4);
    assert!(kinds.iter().all(|k| *k == "external"), "{kinds:?}");
}

/// A run over some of the files (a pre-commit hook's) cannot tell whether an entry is
/// still needed by the files it did not check: it reports an entry unused only when it
/// checked every file the entry names.
#[test]
fn config_entries_are_unused_only_when_every_file_they_name_was_checked() {
    let partial = in_project(&["check", "legacy/archive.json", "--format", "gnu"]);
    assert_eq!(stdout(&partial), "", "reports.json, not checked, needs the entry");
    let every = in_project(&["check", "sandbox/open.json", "--format", "gnu"]);
    assert!(
        stdout(&every).contains(".iamlint.toml:19:31: warning: `iam/pass-role-star` in this"),
        "{}",
        stdout(&every)
    );
    assert!(
        !stdout(&every).contains(".iamlint.toml:29:"),
        "an entry that names no file is reported only in a run over the whole directory"
    );
}

/// `--no-inline-suppressions` bans the suppressions written in the checked files; the
/// config's entries are the reviewed, central ones and still apply.
#[test]
fn config_entries_apply_without_inline_suppressions() {
    let report = json(&in_project(&[
        "check",
        ".",
        "--format",
        "json",
        "--no-inline-suppressions",
    ]));
    assert_eq!(report["summary"]["suppressed"], 4);
}

#[test]
fn explain_says_how_to_suppress_each_rule() {
    let text = stdout(&iamlint(&["explain", "rds/master-password-not-managed"]));
    assert!(text.contains("## Suppressing it"), "{text}");
    assert!(text.contains("`# iamlint: ignore[rds/master-password-not-managed] reason: ...`"));
    assert!(text.contains(r#"{"rule": "rds/master-password-not-managed", "reason": "..."}"#));
    for rule in ["parse-error", "iamlint/unused-suppression"] {
        let text = stdout(&iamlint(&["explain", rule]));
        assert!(
            text.contains(&format!("Findings of `{rule}` cannot be suppressed")),
            "{text}"
        );
    }
}
