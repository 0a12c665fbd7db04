//! `check --fix`, `--unsafe-fixes` and `--diff` through the binary. Every fixture of
//! testdata/fix/<rule>/ is copied to a temporary directory, fixed, snapshotted after the
//! fix and checked again: the rule's findings are gone and no error-severity finding is
//! new. A fixture named `unsafe-*` holds only unsafe fixes: `--fix` alone leaves it as it
//! is, `--fix --unsafe-fixes` fixes it.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{code, iamlint, iamlint_in, iamlint_stdin, registry, stderr, stdout, texts};
use iamlint::fix::Applicability;
use serde_json::Value;

/// (rule id, fixture path): a file, or a directory holding a Terraform module (`*-tf`).
fn fix_fixtures() -> Vec<(String, PathBuf)> {
    let mut found = Vec::new();
    for rule in registry().rules() {
        let dir = Path::new("testdata/fix").join(&rule.meta.id);
        let Ok(entries) = fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            found.push((rule.meta.id.clone(), entry.path()));
        }
    }
    found.sort();
    found
}

/// Copies a fixture (file or directory) into `into`; the copy's path.
fn copy(fixture: &Path, into: &Path) -> PathBuf {
    let target = into.join(fixture.file_name().unwrap());
    if fixture.is_dir() {
        fs::create_dir_all(&target).unwrap();
        for entry in fs::read_dir(fixture).unwrap().flatten() {
            fs::copy(entry.path(), target.join(entry.file_name())).unwrap();
        }
    } else {
        fs::copy(fixture, &target).unwrap();
    }
    target
}

fn findings(path: &Path) -> Vec<Value> {
    let output = iamlint(&["check", "--no-config", "--format", "json", path.to_str().unwrap()]);
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    report["findings"].as_array().unwrap().clone()
}

fn of_rule<'a>(findings: &'a [Value], rule: &str) -> Vec<&'a Value> {
    findings.iter().filter(|f| f["rule"] == rule).collect()
}

/// (rule, message) of the error-severity findings.
fn errors(findings: &[Value]) -> Vec<(String, String)> {
    findings
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| {
            (
                f["rule"].as_str().unwrap().into(),
                f["message"].as_str().unwrap().into(),
            )
        })
        .collect()
}

#[test]
fn every_fix_fixture_is_fixed_and_its_finding_gone() {
    let fixtures = fix_fixtures();
    assert!(fixtures.len() >= 20, "only {} fix fixtures", fixtures.len());
    for (rule, fixture) in fixtures {
        let name = fixture.file_name().unwrap().to_string_lossy().into_owned();
        let unsafe_only = name.starts_with("unsafe-");
        let dir = tempfile::tempdir().unwrap();
        let copied = copy(&fixture, dir.path());
        let path = copied.to_str().unwrap();
        let before = findings(&copied);
        let fixable = of_rule(&before, &rule);
        assert!(!fixable.is_empty(), "{}: no `{rule}` finding", fixture.display());
        let meta = &registry().get(&rule).unwrap().meta;
        for finding in &fixable {
            let fix = &finding["fix"];
            assert!(
                fix.is_object(),
                "{}: a `{rule}` finding without a fix: {finding}",
                fixture.display()
            );
            let applicability = match fix["applicability"].as_str().unwrap() {
                "safe" => Applicability::Safe,
                _ => Applicability::Unsafe,
            };
            assert!(
                meta.offers(applicability),
                "{}: rules/{rule}.md says `fix = \"{}\"` but the rule made a {} fix",
                fixture.display(),
                meta.fix,
                applicability.as_str()
            );
            assert_eq!(
                applicability == Applicability::Unsafe,
                unsafe_only,
                "{}: unsafe-* fixtures hold unsafe fixes, the others safe ones",
                fixture.display()
            );
        }
        let original = texts(&copied);
        if unsafe_only {
            let output = iamlint(&["check", "--no-config", "--fix", path]);
            assert_eq!(
                texts(&copied),
                original,
                "{}: --fix applied an unsafe fix",
                fixture.display()
            );
            assert!(
                stdout(&output).contains("fixable with --fix --unsafe-fixes"),
                "{}",
                stdout(&output)
            );
        }
        let mut args = vec!["check", "--no-config", "--fix"];
        if unsafe_only {
            args.push("--unsafe-fixes");
        }
        args.push(path);
        let output = iamlint(&args);
        assert!(
            !stderr(&output).contains("was not applied"),
            "{}: {}",
            fixture.display(),
            stderr(&output)
        );
        assert!(stdout(&output).contains("Fixed "), "{}", stdout(&output));
        let after = findings(&copied);
        assert!(
            of_rule(&after, &rule).is_empty(),
            "{}: `{rule}` remains after --fix: {:?}",
            fixture.display(),
            of_rule(&after, &rule)
        );
        let old_errors = errors(&before);
        for error in errors(&after) {
            assert!(
                old_errors.contains(&error),
                "{}: new error {error:?}",
                fixture.display()
            );
        }
        let fixed = texts(&copied);
        assert_ne!(fixed, original);
        let shown: String = fixed
            .iter()
            .map(|(file, text)| format!("--- {file}\n{text}"))
            .collect();
        let snapshot = format!("{rule}__{name}").replace('/', "__");
        insta::assert_snapshot!(snapshot, shown);
    }
}

#[test]
fn diff_shows_the_change_writes_nothing_and_exits_one() {
    let dir = tempfile::tempdir().unwrap();
    copy(
        Path::new("testdata/fix/iam/redundant-action/policy.json"),
        dir.path(),
    );
    let before = fs::read_to_string(dir.path().join("policy.json")).unwrap();
    let output = iamlint_in(dir.path(), &["check", "--no-config", "--diff", "policy.json"]);
    assert_eq!(code(&output), 1);
    assert_eq!(
        fs::read_to_string(dir.path().join("policy.json")).unwrap(),
        before
    );
    insta::assert_snapshot!("diff_redundant_action", stdout(&output));
    assert!(
        stderr(&output).contains("--fix would fix 3 findings in 1 file"),
        "{}",
        stderr(&output)
    );

    // Nothing to fix: no diff, exit 0 (whatever other findings there are).
    fs::write(
        dir.path().join("clean.json"),
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#,
    )
    .unwrap();
    let output = iamlint_in(dir.path(), &["check", "--no-config", "--diff", "clean.json"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(stdout(&output), "");

    // Unsafe fixes are in the diff only with --unsafe-fixes.
    copy(
        Path::new("testdata/fix/iam/missing-version/unsafe-policy-variables.json"),
        dir.path(),
    );
    let args = ["check", "--no-config", "--diff", "unsafe-policy-variables.json"];
    assert_eq!(code(&iamlint_in(dir.path(), &args)), 0);
    let output = iamlint_in(dir.path(), &[&args[..], &["--unsafe-fixes"]].concat());
    assert_eq!(code(&output), 1);
    assert!(
        stdout(&output).contains("+  \"Version\": \"2012-10-17\","),
        "{}",
        stdout(&output)
    );
}

#[test]
fn fix_writes_only_changed_files_and_reports_what_remains() {
    let dir = tempfile::tempdir().unwrap();
    copy(
        Path::new("testdata/fix/iam/unknown-action/policy.json"),
        dir.path(),
    );
    let untouched = dir.path().join("other.json");
    // Findings, none of them fixable.
    let other = "{\"Version\": \"2012-10-17\", \"Statement\": \"not a list of statements\"}\n";
    fs::write(&untouched, other).unwrap();
    let modified = fs::metadata(&untouched).unwrap().modified().unwrap();
    let output = iamlint_in(dir.path(), &["check", "--no-config", "--fix", "."]);
    let out = stdout(&output);
    assert!(out.contains("Fixed 3 findings ("), "{out}");
    assert_eq!(fs::read_to_string(&untouched).unwrap(), other);
    assert_eq!(fs::metadata(&untouched).unwrap().modified().unwrap(), modified);
    let fixed = fs::read_to_string(dir.path().join("policy.json")).unwrap();
    assert!(
        fixed.contains(r#"["s3:GetObject", "ec2:DescribeInstances", "S3:ListBucket"]"#),
        "{fixed}"
    );
    // The JSON report counts what was fixed.
    let output = iamlint_in(
        dir.path(),
        &["check", "--no-config", "--fix", "--format", "json", "."],
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["summary"]["fixed"], 0, "nothing left to fix");
}

#[test]
fn fix_of_standard_input_writes_the_fixed_text() {
    let text = fs::read_to_string("testdata/fix/iam/redundant-resource/template.yaml").unwrap();
    let output = iamlint_stdin(
        &["check", "--no-config", "--fix", "--stdin-filename", "t.yaml", "-"],
        &text,
    );
    assert_eq!(
        stdout(&output),
        text.replace("              - arn:aws:s3:::reports/2024/summary.csv\n", "")
    );
    // The report goes to standard error.
    assert!(
        stderr(&output).contains("Fixed 1 finding (0 remaining)."),
        "{}",
        stderr(&output)
    );
    assert_eq!(code(&output), 0);
    // Nothing to fix: the text comes back unchanged.
    let clean = "{\"Version\": \"2012-10-17\", \"Statement\": []}\n";
    let output = iamlint_stdin(
        &["check", "--no-config", "--fix", "--stdin-filename", "c.json", "-"],
        clean,
    );
    assert_eq!(stdout(&output), clean);
}

#[test]
fn suppressed_and_baseline_findings_are_not_fixed() {
    let dir = tempfile::tempdir().unwrap();
    let suppressed = "Resources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Version: \"2012-10-17\"\n        Statement:\n          - Effect: Allow\n            Action:\n              - s3:Get*\n              # iamlint: ignore[iam/redundant-action] reason: kept for the reader\n              - s3:GetObject\n            Resource: \"*\"\n";
    fs::write(dir.path().join("s.yaml"), suppressed).unwrap();
    let output = iamlint_in(dir.path(), &["check", "--no-config", "--fix", "s.yaml"]);
    assert_eq!(
        fs::read_to_string(dir.path().join("s.yaml")).unwrap(),
        suppressed,
        "{}",
        stdout(&output)
    );

    copy(
        Path::new("testdata/fix/iam/redundant-resource/policy.json"),
        dir.path(),
    );
    let before = fs::read_to_string(dir.path().join("policy.json")).unwrap();
    let record = [
        "check",
        "--no-config",
        "--write-baseline",
        "b.json",
        "policy.json",
    ];
    iamlint_in(dir.path(), &record);
    let output = iamlint_in(
        dir.path(),
        &[
            "check",
            "--no-config",
            "--baseline",
            "b.json",
            "--fix",
            "policy.json",
        ],
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("policy.json")).unwrap(),
        before,
        "{}",
        stdout(&output)
    );
}

#[test]
fn an_ambiguous_typo_gets_no_fix() {
    // `s3:PutObjectAc` is one edit from `s3:PutObjectAcl` and two from `s3:PutObject`.
    let dir = tempfile::tempdir().unwrap();
    let text = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:PutObjectAc", "Resource": "*"}]}"#;
    fs::write(dir.path().join("p.json"), text).unwrap();
    let found = findings(&dir.path().join("p.json"));
    let typo = of_rule(&found, "iam/unknown-action");
    assert_eq!(typo.len(), 1, "{found:?}");
    assert!(typo[0]["help"].as_str().unwrap().contains("did you mean"));
    assert!(typo[0].get("fix").is_none(), "{}", typo[0]);
}

#[test]
fn human_report_marks_fixable_findings_and_counts_them() {
    let dir = tempfile::tempdir().unwrap();
    copy(
        Path::new("testdata/fix/iam/redundant-action/policy.json"),
        dir.path(),
    );
    copy(
        Path::new("testdata/fix/iam/redundant-action/unsafe-catalog-coverage.json"),
        dir.path(),
    );
    let output = iamlint_in(dir.path(), &["check", "--no-config", "."]);
    let out = stdout(&output);
    assert!(out.contains("[*] fix (--fix): remove `s3:GetObject`"), "{out}");
    assert!(
        out.contains("[*] unsafe fix available (--unsafe-fixes): remove `s3:*Torrent`"),
        "{out}"
    );
    assert!(
        out.contains("[*] 3 fixable with --fix (1 more with --unsafe-fixes)."),
        "{out}"
    );
    let output = iamlint_in(dir.path(), &["check", "--no-config", "--unsafe-fixes", "."]);
    assert!(
        stdout(&output).contains("[*] 4 fixable with --fix --unsafe-fixes."),
        "{}",
        stdout(&output)
    );
}

#[test]
fn json_and_sarif_carry_each_fix() {
    let path = "testdata/fix/iam/unknown-action/template.yaml";
    let output = iamlint(&["check", "--no-config", "--format", "json", path]);
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let fixes: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| &f["fix"])
        .collect();
    insta::assert_json_snapshot!("json_fixes", fixes);
    let output = iamlint(&["check", "--no-config", "--format", "sarif", path]);
    let sarif: Value = serde_json::from_slice(&output.stdout).unwrap();
    let fixes: Vec<&Value> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["fixes"])
        .collect();
    insta::assert_json_snapshot!("sarif_fixes", fixes);
    // The edits of the JSON report, applied to the file, give what --fix writes.
    let text = fs::read_to_string(path).unwrap();
    let mut edits: Vec<(usize, usize, String)> = fixes_edits(&report);
    edits.sort();
    let mut fixed = String::new();
    let mut at = 0;
    for (start, end, replacement) in edits {
        fixed.push_str(&text[at..start]);
        fixed.push_str(&replacement);
        at = end;
    }
    fixed.push_str(&text[at..]);
    let output = iamlint_stdin(
        &["check", "--no-config", "--fix", "--stdin-filename", "t.yaml", "-"],
        &text,
    );
    assert_eq!(stdout(&output), fixed);
}

fn fixes_edits(report: &Value) -> Vec<(usize, usize, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["fix"]["edits"].as_array().cloned().unwrap_or_default())
        .map(|e| {
            (
                e["start_offset"].as_u64().unwrap() as usize,
                e["end_offset"].as_u64().unwrap() as usize,
                e["replacement"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn fix_and_diff_conflict_with_writing_a_baseline() {
    let path = "testdata/fix/iam/unknown-action/policy.json";
    assert_eq!(code(&iamlint(&["check", "--fix", "--diff", path])), 2);
    assert_eq!(
        code(&iamlint(&["check", "--fix", "--write-baseline", "b.json", path])),
        2
    );
}

#[test]
fn fixes_of_files_past_the_first_batch_are_applied() {
    // The engine checks files 256 at a time and renumbers each batch's files after the
    // previous ones: the fix's edits must follow their finding.
    let dir = tempfile::tempdir().unwrap();
    let clean = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#;
    for i in 0..300 {
        fs::write(dir.path().join(format!("p{i:03}.json")), clean).unwrap();
    }
    copy(
        Path::new("testdata/fix/iam/unknown-action/policy.json"),
        dir.path(),
    );
    let output = iamlint_in(dir.path(), &["check", "--no-config", "--format", "json", "."]);
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let typo = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "iam/unknown-action")
        .unwrap();
    assert!(typo["file"].as_str().unwrap().ends_with("policy.json"));
    let edit = &typo["fix"]["edits"][0];
    assert_eq!(
        (edit["line"].as_u64(), edit["column"].as_u64()),
        (Some(6), Some(19)),
        "{edit}"
    );
    let output = iamlint_in(dir.path(), &["check", "--no-config", "--fix", "."]);
    assert!(
        stdout(&output).contains("Fixed 3 findings"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn a_byte_order_mark_is_kept_and_utf16_files_are_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let text = fs::read_to_string("testdata/fix/iam/missing-version/policy.json").unwrap();
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(text.as_bytes());
    fs::write(dir.path().join("bom.json"), &bom).unwrap();
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    fs::write(dir.path().join("wide.json"), &utf16).unwrap();
    let output = iamlint_in(dir.path(), &["check", "--no-config", "--fix", "."]);
    let fixed = fs::read(dir.path().join("bom.json")).unwrap();
    assert!(
        fixed.starts_with(b"\xEF\xBB\xBF{\n  \"Version\": \"2012-10-17\","),
        "{fixed:?}"
    );
    assert_eq!(fs::read(dir.path().join("wide.json")).unwrap(), utf16);
    assert!(
        stderr(&output).contains("wide.json: not fixed: it is UTF-16 text, and fixes are written as UTF-8"),
        "{}",
        stderr(&output)
    );
}
