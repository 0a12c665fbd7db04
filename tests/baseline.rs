//! `--write-baseline` and `--baseline` through the binary: entries keyed by content survive
//! moved lines, reformatting and edits elsewhere, and a changed element is reported.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod common;

use std::fs;
use std::path::Path;

use common::{code, iamlint_in, json, stderr, stdout};

/// Two statements with a finding each, one named by its Sid.
const POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObjekt"], "Resource": "*"},
    {"Effect": "Allow", "Action": "ec2:DescribeInstanses", "Resource": "*"}
  ]
}
"#;

fn repository(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    dir
}

fn check(dir: &Path, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["check", "--no-config", "--format", "json"];
    all.extend(args);
    let output = iamlint_in(dir, &all);
    assert!(matches!(code(&output), 0 | 1), "{}", stderr(&output));
    json(&output)
}

fn findings(report: &serde_json::Value) -> Vec<(String, u64)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_written_baseline_silences_the_findings_it_holds() {
    let dir = repository(&[("iam/app.json", POLICY)]);
    let before = check(dir.path(), &["."]);
    assert_eq!(findings(&before).len(), 2, "{before}");

    let written = iamlint_in(
        dir.path(),
        &["check", "--no-config", ".", "--write-baseline", "baseline.json"],
    );
    assert_eq!(code(&written), 0, "{}", stdout(&written));
    assert!(stderr(&written).contains("wrote 2 baseline entries to baseline.json"));
    assert!(stdout(&written).contains("no findings (2 in the baseline)"));

    let after = iamlint_in(
        dir.path(),
        &["check", "--no-config", ".", "--baseline", "baseline.json"],
    );
    assert_eq!(code(&after), 0, "{}", stdout(&after));
    let report = check(dir.path(), &[".", "--baseline", "baseline.json"]);
    assert_eq!(
        report["summary"]["baseline"],
        serde_json::json!({"matched": 2, "fixed": 0})
    );
}

#[test]
fn the_file_is_sorted_reviewable_json_keyed_by_content() {
    let dir = repository(&[("iam/app.json", POLICY)]);
    check(dir.path(), &[".", "--write-baseline", "baseline.json"]);
    let text = fs::read_to_string(dir.path().join("baseline.json")).unwrap();
    let baseline: serde_json::Value = serde_json::from_str(&text).unwrap();
    let entries = baseline["entries"].as_array().unwrap();
    let locations: Vec<&str> = entries.iter().map(|e| e["location"].as_str().unwrap()).collect();
    assert_eq!(
        locations,
        ["Statement[Sid=\"Read\"]/Action[]", "Statement[]/Action"]
    );
    for entry in entries {
        assert_eq!(entry["file"], "iam/app.json");
        assert_eq!(entry["rule"], "iam/unknown-action");
        assert_eq!(entry["occurrence"], 1);
        assert!(entry.get("line").is_none(), "no line numbers: {entry}");
    }
    // Writing again changes nothing: the file is stable.
    check(dir.path(), &[".", "--write-baseline", "baseline.json"]);
    assert_eq!(
        fs::read_to_string(dir.path().join("baseline.json")).unwrap(),
        text
    );
}

#[test]
fn entries_survive_moved_lines_reformatting_and_edits_elsewhere() {
    let dir = repository(&[("iam/app.json", POLICY)]);
    check(dir.path(), &[".", "--write-baseline", "baseline.json"]);
    let edits = [
        ("lines added above", format!("\n\n\n{POLICY}")),
        (
            "reformatted",
            serde_json::to_string(&serde_json::from_str::<serde_json::Value>(POLICY).unwrap()).unwrap(),
        ),
        (
            "a statement inserted before them",
            POLICY.replace(
                "\"Statement\": [\n",
                "\"Statement\": [\n    {\"Effect\": \"Deny\", \"Action\": \"s3:DeleteBucket\", \"Resource\": \"*\"},\n",
            ),
        ),
        (
            "another statement edited",
            POLICY.replace("\"Sid\": \"Read\", \"Effect\": \"Allow\"", "\"Sid\": \"Read\", \"Effect\": \"Deny\""),
        ),
    ];
    for (what, text) in edits {
        fs::write(dir.path().join("iam/app.json"), &text).unwrap();
        let report = check(dir.path(), &[".", "--baseline", "baseline.json"]);
        assert_eq!(findings(&report), [], "{what}: {report}");
        assert_eq!(report["summary"]["baseline"]["fixed"], 0, "{what}");
    }
}

#[test]
fn a_changed_element_is_new_and_its_old_entry_is_fixed() {
    let dir = repository(&[("iam/app.json", POLICY)]);
    check(dir.path(), &[".", "--write-baseline", "baseline.json"]);
    fs::write(
        dir.path().join("iam/app.json"),
        POLICY.replace("ec2:DescribeInstanses", "ec2:DescribeInstanzes"),
    )
    .unwrap();
    let output = iamlint_in(
        dir.path(),
        &[
            "check",
            "--no-config",
            ".",
            "--baseline",
            "baseline.json",
            "--format",
            "gnu",
        ],
    );
    assert_eq!(code(&output), 1);
    assert!(
        stdout(&output).starts_with("./iam/app.json:5:35: error: `ec2` has no action `DescribeInstanzes`"),
        "{}",
        stdout(&output)
    );
    assert!(
        stderr(&output)
            .contains("1 entry of the baseline no longer occurs: run with --write-baseline to trim them"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn repeated_findings_are_counted() {
    let twice = r#"{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "*"},
  {"Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "arn:aws:s3:::b/*"}
]}
"#;
    let dir = repository(&[("p.json", twice)]);
    check(dir.path(), &[".", "--write-baseline", "baseline.json"]);
    let baseline = fs::read_to_string(dir.path().join("baseline.json")).unwrap();
    assert!(baseline.contains("\"occurrence\": 2"), "{baseline}");
    let thrice = twice.replace(
        "\n]}",
        ",\n  {\"Effect\": \"Allow\", \"Action\": \"s3:GetObjekt\", \"Resource\": \"arn:aws:s3:::c/*\"}\n]}",
    );
    fs::write(dir.path().join("p.json"), thrice).unwrap();
    let report = check(dir.path(), &[".", "--baseline", "baseline.json"]);
    // The third is new; which of three identical findings is "the new one" cannot be
    // known, and the last in the file is reported.
    assert_eq!(findings(&report), [("iam/unknown-action".to_string(), 4)]);
}

#[test]
fn a_password_never_reaches_the_baseline() {
    let template = fs::read_to_string("testdata/rds/hardcoded-master-password/fail-literal.yaml").unwrap();
    let dir = repository(&[("db.yaml", &template)]);
    check(dir.path(), &[".", "--write-baseline", "baseline.json"]);
    let baseline = fs::read_to_string(dir.path().join("baseline.json")).unwrap();
    assert!(baseline.contains("rds/hardcoded-master-password"), "{baseline}");
    // The literal of the fixture (see its pass/fail pair) appears nowhere.
    for line in template.lines().filter(|l| l.contains("MasterUserPassword:")) {
        let value = line.split(':').nth(1).unwrap().trim().trim_matches(['"', '\'']);
        if !value.is_empty() && !value.starts_with('!') {
            assert!(!baseline.contains(value), "{value} in {baseline}");
        }
    }
}

#[test]
fn a_run_over_some_files_keeps_the_entries_of_the_others() {
    let dir = repository(&[("a.json", POLICY), ("b.json", POLICY)]);
    check(dir.path(), &[".", "--write-baseline", "baseline.json"]);
    // b.json fixed; a run over a.json alone neither reports b's entries as fixed nor
    // forgets them when it writes.
    fs::write(
        dir.path().join("b.json"),
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}"#,
    )
    .unwrap();
    let report = check(dir.path(), &["a.json", "--baseline", "baseline.json"]);
    assert_eq!(
        report["summary"]["baseline"],
        serde_json::json!({"matched": 2, "fixed": 0})
    );
    check(dir.path(), &["a.json", "--write-baseline", "baseline.json"]);
    let report = check(dir.path(), &[".", "--baseline", "baseline.json"]);
    assert_eq!(
        report["summary"]["baseline"],
        serde_json::json!({"matched": 2, "fixed": 2})
    );
    // A whole run trims them.
    check(dir.path(), &[".", "--write-baseline", "baseline.json"]);
    let baseline = fs::read_to_string(dir.path().join("baseline.json")).unwrap();
    assert!(!baseline.contains("b.json"), "{baseline}");
}

#[test]
fn paths_are_relative_to_the_baseline_file() {
    let dir = repository(&[("iam/app.json", POLICY)]);
    check(dir.path(), &[".", "--write-baseline", "ci/baseline.json"]);
    let baseline = fs::read_to_string(dir.path().join("ci/baseline.json")).unwrap();
    assert!(baseline.contains("\"file\": \"../iam/app.json\""), "{baseline}");
    // The same baseline from another directory, and with the files named another way.
    let report = check(
        &dir.path().join("iam"),
        &["app.json", "--baseline", "../ci/baseline.json"],
    );
    assert_eq!(findings(&report), []);
    let report = check(
        dir.path(),
        &["./iam/../iam/app.json", "--baseline", "ci/baseline.json"],
    );
    assert_eq!(findings(&report), []);
}

#[test]
fn parse_errors_are_never_baselined() {
    let dir = repository(&[("broken.json", "{\"Version\": \"2012-10-17\", \"Statement\": [")]);
    let output = iamlint_in(
        dir.path(),
        &["check", "--no-config", ".", "--write-baseline", "baseline.json"],
    );
    assert_eq!(code(&output), 1, "a file that was not checked must not pass");
    assert!(stderr(&output).contains("wrote 0 baseline entries"));
    assert!(stdout(&output).contains("parse-error"));
}

#[test]
fn an_unreadable_baseline_is_a_usage_error() {
    let dir = repository(&[
        ("p.json", POLICY),
        ("bad.json", "{\"version\": 1,\n \"entries\": 3}"),
    ]);
    for (file, expected) in [
        ("missing.json", "missing.json"),
        ("bad.json", "bad.json:2:13: not an iamlint baseline"),
    ] {
        let output = iamlint_in(dir.path(), &["check", "--no-config", ".", "--baseline", file]);
        assert_eq!(code(&output), 2);
        assert!(stderr(&output).contains(expected), "{}", stderr(&output));
    }
}

#[test]
fn a_suppressed_finding_is_not_recorded() {
    let template = "Resources:
  Role:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: p
      PolicyDocument:
        Version: \"2012-10-17\"
        Statement:
          - Effect: Allow
            Action: s3:GetObjekt # iamlint: ignore[iam/unknown-action] reason: kept on purpose
            Resource: \"*\"
          - Effect: Allow
            Action: ec2:DescribeInstanses
            Resource: \"*\"
";
    let dir = repository(&[("t.yaml", template)]);
    check(dir.path(), &[".", "--write-baseline", "baseline.json"]);
    let baseline = fs::read_to_string(dir.path().join("baseline.json")).unwrap();
    assert_eq!(baseline.matches("\"rule\"").count(), 1, "{baseline}");
    let output = iamlint_in(
        dir.path(),
        &["check", "--no-config", ".", "--baseline", "baseline.json"],
    );
    assert_eq!(code(&output), 0);
    assert!(
        stdout(&output).contains("no findings (1 in the baseline, 1 suppressed)."),
        "{}",
        stdout(&output)
    );
}
