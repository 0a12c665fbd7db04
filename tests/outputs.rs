//! Several reports from one run (`--output FORMAT[:FILE]`), the CI formats (JUnit,
//! GitLab Code Quality) as the binary writes them, and the shell completions.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod common;

use std::fs;
use std::path::Path;

use common::{code, iamlint, iamlint_in, stderr, stdout};

const EXAMPLES: &str = "testdata/examples";
const CLEAN: &str = "testdata/rds/guard-incomplete/pass-all-actions.json";

/// Three formats written to three files by one run are byte for byte what three runs
/// with `--format` print.
#[test]
fn three_outputs_from_one_run_match_three_single_runs() {
    let dir = tempfile::tempdir().unwrap();
    let file = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    let (sarif, junit, gitlab) = (file("a.sarif"), file("report.xml"), file("gl.json"));
    let one_run = iamlint(&[
        "check",
        "--no-config",
        "--output",
        "github",
        "--output",
        &format!("sarif:{sarif}"),
        "--output",
        &format!("junit:{junit}"),
        "--output",
        &format!("gitlab:{gitlab}"),
        EXAMPLES,
    ]);
    assert_eq!(code(&one_run), 1, "{}", stderr(&one_run));
    let single = |format: &str| {
        let output = iamlint(&["check", "--no-config", "--format", format, EXAMPLES]);
        assert_eq!(code(&output), 1);
        output.stdout
    };
    assert_eq!(one_run.stdout, single("github"), "github on standard output");
    assert_eq!(fs::read(&sarif).unwrap(), single("sarif"));
    assert_eq!(fs::read(&junit).unwrap(), single("junit"));
    assert_eq!(fs::read(&gitlab).unwrap(), single("gitlab"));
}

#[test]
fn format_and_output_share_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("r.json");
    let both = iamlint(&[
        "check",
        "--no-config",
        "--format",
        "gnu",
        "--output",
        &format!("json:{}", json.display()),
        EXAMPLES,
    ]);
    assert_eq!(code(&both), 1);
    assert!(stdout(&both).contains(": error: "), "{}", stdout(&both));
    let report: serde_json::Value = serde_json::from_slice(&fs::read(&json).unwrap()).unwrap();
    assert_eq!(report["version"], 1);

    let two = iamlint(&["check", "--format", "gnu", "--output", "json", CLEAN]);
    assert_eq!(code(&two), 2);
    assert!(
        stderr(&two).contains("only one report can go to standard output"),
        "{}",
        stderr(&two)
    );
    assert!(stdout(&two).is_empty());
}

#[test]
fn bad_outputs_are_usage_errors() {
    let xml = iamlint(&["check", "--output", "xml:report.xml", CLEAN]);
    assert_eq!(code(&xml), 2);
    assert!(
        stderr(&xml).contains("unknown format `xml`; the formats are human, json"),
        "{}",
        stderr(&xml)
    );
    let empty = iamlint(&["check", "--output", "sarif:", CLEAN]);
    assert_eq!(code(&empty), 2);
    assert!(
        stderr(&empty).contains("no file after `sarif:`"),
        "{}",
        stderr(&empty)
    );

    let dir = tempfile::tempdir().unwrap();
    let same = dir.path().join("same.json").to_string_lossy().into_owned();
    let twice = iamlint(&[
        "check",
        "--output",
        &format!("json:{same}"),
        "--output",
        &format!("sarif:{same}"),
        CLEAN,
    ]);
    assert_eq!(code(&twice), 2);
    assert!(
        stderr(&twice).contains("two reports would be written to"),
        "{}",
        stderr(&twice)
    );
}

/// A file that cannot be opened stops the run before the work: no report anywhere.
#[test]
fn an_unwritable_report_file_stops_the_run_before_the_work() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-dir").join("r.xml");
    let output = iamlint(&[
        "check",
        "--no-config",
        "--format",
        "gnu",
        "--output",
        &format!("junit:{}", missing.display()),
        EXAMPLES,
    ]);
    assert_eq!(code(&output), 2);
    assert!(stdout(&output).is_empty(), "{}", stdout(&output));
    assert!(
        stderr(&output).contains("cannot write the report to") && stderr(&output).contains("r.xml"),
        "{}",
        stderr(&output)
    );
    // A directory is not a file to write either.
    let directory = iamlint(&[
        "check",
        "--output",
        &format!("json:{}", dir.path().display()),
        CLEAN,
    ]);
    assert_eq!(code(&directory), 2, "{}", stderr(&directory));
}

/// A run that stops before the work leaves an earlier report whole: files are emptied only
/// when the new report is written.
#[test]
fn a_run_that_stops_early_keeps_the_earlier_report() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("r.json");
    fs::write(&report, "earlier report").unwrap();
    let output = iamlint(&[
        "check",
        "--no-config",
        "--baseline",
        &dir.path().join("missing-baseline.json").to_string_lossy(),
        "--output",
        &format!("json:{}", report.display()),
        CLEAN,
    ]);
    assert_eq!(code(&output), 2, "{}", stderr(&output));
    assert_eq!(fs::read_to_string(&report).unwrap(), "earlier report");
}

/// A write that fails after the work (a full disk) is an error, exit 2, and the other
/// reports are still written.
#[cfg(target_os = "linux")]
#[test]
fn a_failed_write_is_an_error_after_every_report_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let sarif = dir.path().join("r.sarif");
    let output = iamlint(&[
        "check",
        "--no-config",
        "--output",
        "gitlab:/dev/full",
        "--output",
        &format!("sarif:{}", sarif.display()),
        EXAMPLES,
    ]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("cannot write the report to /dev/full"),
        "{}",
        stderr(&output)
    );
    let written: serde_json::Value = serde_json::from_slice(&fs::read(&sarif).unwrap()).unwrap();
    assert_eq!(written["version"], "2.1.0");
}

const PASSWORD_TEMPLATE: &str = "AWSTemplateFormatVersion: \"2010-09-09\"
Resources:
  Database:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      MasterUsername: admin
      ManageMasterUserPassword: true
  Legacy:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      MasterUsername: admin
      # iamlint: ignore[rds/hardcoded-master-password] reason: a throw-away test database
      MasterUserPassword: \"LiteralPassw0rd!\"
";

fn junit_and_gitlab(dir: &Path, args: &[&str]) -> (String, serde_json::Value) {
    let mut all = vec![
        "check",
        "--no-config",
        "--output",
        "junit:r.xml",
        "--output",
        "gitlab:gl.json",
    ];
    all.extend(args);
    let output = iamlint_in(dir, &all);
    assert!(matches!(code(&output), 0 | 1), "{}", stderr(&output));
    let junit = fs::read_to_string(dir.join("r.xml")).unwrap();
    roxmltree::Document::parse(&junit).unwrap();
    let gitlab = serde_json::from_slice(&fs::read(dir.join("gl.json")).unwrap()).unwrap();
    (junit, gitlab)
}

/// A suppressed finding is no failure and no Code Quality issue: JUnit lists its rule as
/// skipped, with the reason.
#[test]
fn suppressed_findings_are_skipped_not_failed() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("db.yaml"), PASSWORD_TEMPLATE).unwrap();
    let (junit, gitlab) = junit_and_gitlab(dir.path(), &["db.yaml"]);
    let doc = roxmltree::Document::parse(&junit).unwrap();
    let case = doc
        .descendants()
        .find(|n| n.attribute("name") == Some("rds/hardcoded-master-password"))
        .unwrap();
    assert!(!case.children().any(|n| n.has_tag_name("failure")), "{junit}");
    let skipped = case.children().find(|n| n.has_tag_name("skipped")).unwrap();
    assert_eq!(skipped.attribute("message"), Some("1 finding suppressed"));
    assert!(skipped.text().unwrap().contains("db.yaml:15:27: "), "{junit}");
    assert!(
        skipped.text().unwrap().contains("a throw-away test database"),
        "{junit}"
    );
    let suite = doc.descendants().find(|n| n.has_tag_name("testsuite")).unwrap();
    assert_eq!(suite.attribute("skipped"), Some("1"));
    assert!(
        !gitlab
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["check_name"] == "rds/hardcoded-master-password"),
        "{gitlab}"
    );

    // Without the suppression, the same finding fails.
    let (junit, gitlab) = junit_and_gitlab(dir.path(), &["--no-inline-suppressions", "db.yaml"]);
    assert!(
        junit.contains("db.yaml:15:27: error: DB instance `Legacy`"),
        "{junit}"
    );
    assert!(
        gitlab
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["check_name"] == "rds/hardcoded-master-password"),
        "{gitlab}"
    );
}

/// Findings a baseline holds are no failures and no issues.
#[test]
fn baseline_matched_findings_are_not_reported() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("db.yaml"), PASSWORD_TEMPLATE).unwrap();
    let (before, issues) = junit_and_gitlab(dir.path(), &["--no-inline-suppressions", "db.yaml"]);
    assert!(before.contains("<failure "));
    assert!(!issues.as_array().unwrap().is_empty());
    let written = iamlint_in(
        dir.path(),
        &[
            "check",
            "--no-config",
            "--no-inline-suppressions",
            "--write-baseline",
            "base.json",
            "db.yaml",
        ],
    );
    assert_eq!(code(&written), 0, "{}", stderr(&written));
    let (junit, gitlab) = junit_and_gitlab(
        dir.path(),
        &["--no-inline-suppressions", "--baseline", "base.json", "db.yaml"],
    );
    assert!(!junit.contains("<failure "), "{junit}");
    assert!(junit.contains(r#"failures="0""#), "{junit}");
    assert_eq!(gitlab, serde_json::json!([]));
}

/// The testcases of a file are the rules that ran on it: `--select` and
/// `per-file-ignores` decide them; a file that does not parse has only its parse error,
/// and a file that is neither a policy nor a template no testsuite.
#[test]
fn junit_testcases_are_the_rules_that_ran() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("db.yaml"), PASSWORD_TEMPLATE).unwrap();
    fs::write(dir.path().join("broken.json"), "{\"Version\": ").unwrap();
    fs::write(dir.path().join("notes.yaml"), "hello: world\n").unwrap();
    let (junit, _) = junit_and_gitlab(
        dir.path(),
        &["--select", "rds", "db.yaml", "broken.json", "notes.yaml"],
    );
    let doc = roxmltree::Document::parse(&junit).unwrap();
    for suite in doc.descendants().filter(|n| n.has_tag_name("testsuite")) {
        let names: Vec<&str> = suite
            .children()
            .filter_map(|n| n.attribute("name").filter(|_| n.has_tag_name("testcase")))
            .collect();
        match suite.attribute("name").unwrap() {
            "broken.json" => assert_eq!(names, ["parse-error"]),
            "db.yaml" => {
                assert!(names.len() > 3, "{names:?}");
                let engine = ["parse-error", "io-error", "analysis-limit"];
                assert!(
                    names.iter().all(|n| n.starts_with("rds/") || engine.contains(n)),
                    "{names:?}"
                );
            }
            other => panic!("unexpected testsuite {other}"),
        }
    }
}

/// Every shell's completion script names the subcommands and the flags; bash's parses.
#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let output = iamlint(&["completions", shell]);
        assert_eq!(code(&output), 0, "{shell}: {}", stderr(&output));
        let script = stdout(&output);
        for word in ["check", "explain", "output", "fail-on"] {
            assert!(script.contains(word), "{shell}: no {word}");
        }
    }
    let bash = iamlint(&["completions", "bash"]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("iamlint.bash");
    fs::write(&path, &bash.stdout).unwrap();
    if let Ok(status) = std::process::Command::new("bash").arg("-n").arg(&path).status() {
        assert!(status.success(), "bash -n rejects the completion script");
    }
    assert_eq!(code(&iamlint(&["completions", "tcsh"])), 2);
}
