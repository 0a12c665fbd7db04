//! `iamlint diff`, through the binary: every case of testdata/diff/<case>/{base,head}
//! reports what it must (the harness asserts it, the snapshot records it), every reported
//! request is replayed with `iamlint simulate` on both sides, and BASE can be a git
//! revision or a file.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{code, iamlint, iamlint_in, json, stderr, stdout};

/// Each case and the actions its new access must include (none: nothing is reported).
const CASES: [(&str, &[&str]); 29] = [
    // A condition dropped from a statement whose resource holds a policy variable.
    ("resource-variable", &["kms:DescribeKey"]),
    // A condition that keeps to the principal's own account with a policy variable.
    ("principal-account-variable", &["glue:DeleteTable"]),
    // Access narrowed: only `diff/access-removed`, as information.
    ("access-removed", &[]),
    // `iam:PassRole` widened to every role, one of which is an administrator Lambda may
    // assume: new access and a new escalation path (`diff/new-escalation`).
    ("escalation-opened", &["iam:PassRole"]),
    // A statement adds actions.
    ("new-action", &["s3:PutObject", "s3:DeleteObject"]),
    // Statements reordered, Sids renamed, lists reformatted: the same access.
    ("reformat-only", &[]),
    // `NotAction` grants everything it does not name.
    ("not-action", &["s3:DeleteBucket", "kms:Decrypt"]),
    // A resource pattern widened from one prefix to the whole bucket.
    ("widened-resource", &["s3:PutObject"]),
    // A Deny taken out.
    ("removed-deny", &["dynamodb:DeleteTable"]),
    // A condition key dropped from an Allow (Terraform).
    ("dropped-condition", &["cloudformation:UpdateStack"]),
    // The SCP of the organization (from .iamlint.toml) loosened.
    (
        "scp-loosened",
        &["kms:Decrypt", "ec2:RunInstances aws:RequestedRegion=eu-west-1"],
    ),
    // A role's permissions boundary removed.
    ("boundary-removed", &["secretsmanager:GetSecretValue"]),
    // A trust policy that now trusts another account (Terraform).
    ("trust-another-account", &["sts:AssumeRole"]),
    // The same cases in the other formats: `<case>-json` (policy files, with a
    // `.iamlint.toml` where the case needs a principal, a boundary or SCPs), `<case>-cfn`
    // (a CloudFormation template) and `<case>-tf` (a Terraform module).
    ("new-action-cfn", &["s3:PutObject", "s3:DeleteObject"]),
    ("new-action-tf", &["s3:PutObject", "s3:DeleteObject"]),
    ("widened-resource-json", &["s3:PutObject"]),
    ("widened-resource-tf", &["s3:PutObject"]),
    ("dropped-condition-json", &["cloudformation:UpdateStack"]),
    ("dropped-condition-cfn", &["cloudformation:UpdateStack"]),
    ("not-action-cfn", &["s3:DeleteBucket", "kms:Decrypt"]),
    ("not-action-tf", &["s3:DeleteBucket", "kms:Decrypt"]),
    ("removed-deny-json", &["dynamodb:DeleteTable"]),
    ("removed-deny-tf", &["dynamodb:DeleteTable"]),
    // SCPs govern principals only through `.iamlint.toml`; here it names an
    // `AWS::Organizations::Policy` template and an `aws_organizations_policy` module.
    (
        "scp-loosened-cfn",
        &["kms:Decrypt", "ec2:RunInstances aws:RequestedRegion=eu-west-1"],
    ),
    (
        "scp-loosened-tf",
        &["kms:Decrypt", "ec2:RunInstances aws:RequestedRegion=eu-west-1"],
    ),
    ("boundary-removed-json", &["secretsmanager:GetSecretValue"]),
    ("boundary-removed-tf", &["secretsmanager:GetSecretValue"]),
    // A plain trust policy file: the role that holds it is unknown.
    ("trust-another-account-json", &["sts:AssumeRole"]),
    ("trust-another-account-cfn", &["sts:AssumeRole"]),
];

fn case_dir(case: &str) -> PathBuf {
    Path::new("testdata/diff").join(case)
}

fn diff_json(case: &str) -> (i32, serde_json::Value) {
    let dir = case_dir(case);
    let output = iamlint(&[
        "diff",
        &dir.join("base").to_string_lossy(),
        &dir.join("head").to_string_lossy(),
        "--format",
        "json",
    ]);
    assert!(
        output.status.code().is_some_and(|c| c <= 1),
        "{case}: {}",
        stderr(&output)
    );
    (code(&output), json(&output))
}

/// The message of each finding names its actions: the first five, then a count. The
/// actions of a case are found in the message or, past the first five, by replaying.
fn findings(report: &serde_json::Value) -> Vec<serde_json::Value> {
    report["findings"].as_array().cloned().unwrap_or_default()
}

#[test]
fn every_case_reports_its_new_access_and_nothing_else() {
    for (case, actions) in CASES {
        let (exit, report) = diff_json(case);
        let found = findings(&report);
        let new: Vec<&serde_json::Value> = found.iter().filter(|f| f["rule"] == "diff/new-access").collect();
        if actions.is_empty() {
            assert!(new.is_empty(), "{case}: {found:#?}");
            assert_eq!(exit, 0, "{case}");
            let removed = found
                .iter()
                .filter(|f| f["rule"] == "diff/access-removed")
                .count();
            assert_eq!(removed > 0, case == "access-removed", "{case}: {found:#?}");
            continue;
        }
        assert_eq!(exit, 1, "{case}: new access exits 1");
        assert!(!new.is_empty(), "{case}: no new access found");
        for action in actions {
            let replayed = replay(case, "head", &new, action);
            assert!(
                replayed,
                "{case}: HEAD's new access does not include `{action}` ({new:#?})"
            );
        }
        // Every finding points at a statement of HEAD (new access) or BASE (removed).
        for finding in &found {
            let file = finding["file"].as_str().unwrap();
            let side = if finding["rule"] != "diff/access-removed" {
                "/head/"
            } else {
                "/base/"
            };
            assert!(file.contains(side), "{case}: {file}");
            assert!(finding["line"].as_u64().unwrap() > 1, "{case}: {finding}");
        }
    }
}

/// Whether `action` is allowed on HEAD with the request of one of the findings (the
/// finding's example with its action swapped in, and the context values given after it as
/// `key=value`): it is among the new access.
fn replay(case: &str, side: &str, new: &[&serde_json::Value], expected: &str) -> bool {
    let mut words = expected.split(' ');
    let action = words.next().unwrap();
    let context: Vec<(&str, &str)> = words.map(|w| w.split_once('=').unwrap()).collect();
    new.iter().any(|finding| {
        let message = finding["message"].as_str().unwrap_or_default();
        let named = message.contains(&format!("`{action}`"));
        let counted = message.contains(" more;");
        if !named && !counted {
            return false;
        }
        let mut request = finding["request"].clone();
        request["action"] = serde_json::json!(action);
        for (key, value) in &context {
            request["context"][*key] = serde_json::json!(value);
        }
        let decisions = simulate(case, side, finding["subject"].as_str().unwrap(), &[request]);
        decisions[0] == "allow"
    })
}

/// Runs `iamlint simulate --in <side> --subject KEY --request FILE` and returns each
/// decision.
fn simulate(case: &str, side: &str, subject: &str, requests: &[serde_json::Value]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("requests.jsonl");
    let lines: Vec<String> = requests.iter().map(|r| r.to_string()).collect();
    fs::write(&file, lines.join("\n") + "\n").unwrap();
    let path = case_dir(case).join(side);
    let output = iamlint(&[
        "simulate",
        "--in",
        &path.to_string_lossy(),
        "--subject",
        subject,
        "--request",
        &file.to_string_lossy(),
        "--format",
        "json",
    ]);
    assert_eq!(code(&output), 0, "{case}/{side}: {}", stderr(&output));
    stdout(&output)
        .lines()
        .map(|line| {
            let decision: serde_json::Value = serde_json::from_str(line).unwrap();
            decision["decision"].as_str().unwrap().to_string()
        })
        .collect()
}

/// The evaluator itself checks the diff: for every request a finding reports, `simulate`
/// on BASE denies it and on HEAD allows it (the other way round for removed access).
#[test]
fn every_reported_request_is_denied_on_base_and_allowed_on_head_by_simulate() {
    let mut replayed = 0;
    for entry in fs::read_dir("testdata/diff").unwrap().flatten() {
        let case = entry.file_name().to_string_lossy().into_owned();
        let (_, report) = diff_json(&case);
        for finding in findings(&report) {
            let Some(request) = finding.get("request") else {
                continue;
            };
            let subject = finding["subject"].as_str().unwrap();
            let (was, now) = if finding["rule"] == "diff/new-access" {
                ("deny", "allow")
            } else {
                ("allow", "deny")
            };
            let base = simulate(&case, "base", subject, std::slice::from_ref(request));
            let head = simulate(&case, "head", subject, std::slice::from_ref(request));
            let denied = |d: &str| d != "allow";
            assert_eq!(
                (denied(&base[0]), denied(&head[0])),
                (was == "deny", now == "deny"),
                "{case}: {request} is {} on BASE and {} on HEAD",
                base[0],
                head[0]
            );
            replayed += 1;
        }
    }
    assert!(replayed >= 8, "only {replayed} requests were replayed");
}

/// What a reviewer reads, per case: each finding (gnu format) and its request.
#[test]
fn snapshots_of_every_case() {
    for entry in fs::read_dir("testdata/diff").unwrap().flatten() {
        let case = entry.file_name().to_string_lossy().into_owned();
        let dir = case_dir(&case);
        let gnu = iamlint(&[
            "diff",
            &dir.join("base").to_string_lossy(),
            &dir.join("head").to_string_lossy(),
            "--format",
            "gnu",
        ]);
        let (_, report) = diff_json(&case);
        let mut text = stdout(&gnu);
        for finding in findings(&report) {
            text.push_str(&format!(
                "subject: {}\nrequest: {}\n",
                finding["subject"].as_str().unwrap_or("-"),
                finding["request"]
            ));
        }
        insta::assert_snapshot!(format!("diff_{case}"), text);
    }
}

#[test]
fn fail_on_new_access_high_ignores_what_is_not_high() {
    let dir = case_dir("new-action");
    let (base, head) = (dir.join("base"), dir.join("head"));
    let (base, head) = (base.to_string_lossy(), head.to_string_lossy());
    assert_eq!(code(&iamlint(&["diff", &base, &head])), 1);
    assert_eq!(
        code(&iamlint(&["diff", &base, &head, "--fail-on-new-access", "high"])),
        0
    );
    assert_eq!(
        code(&iamlint(&["diff", &base, &head, "--fail-on-new-access", "none"])),
        0
    );
    let dir = case_dir("not-action");
    let (base, head) = (dir.join("base"), dir.join("head"));
    assert_eq!(
        code(&iamlint(&[
            "diff",
            &base.to_string_lossy(),
            &head.to_string_lossy(),
            "--fail-on-new-access",
            "high"
        ])),
        1
    );
}

#[test]
fn two_files_are_compared_with_each_other() {
    let dir = case_dir("new-action");
    let output = iamlint(&[
        "diff",
        &dir.join("base/reports.json").to_string_lossy(),
        &dir.join("head/reports.json").to_string_lossy(),
        "--format",
        "json",
    ]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let report = json(&output);
    assert_eq!(report["findings"][0]["rule"], "diff/new-access");
    assert_eq!(report["findings"][0]["line"], 10);
}

#[test]
fn every_format_carries_the_finding_and_sarif_the_request() {
    let dir = case_dir("removed-deny");
    let (base, head) = (dir.join("base"), dir.join("head"));
    for format in common::format_names() {
        let output = iamlint(&[
            "diff",
            &base.to_string_lossy(),
            &head.to_string_lossy(),
            "--format",
            &format,
        ]);
        assert_eq!(code(&output), 1, "{format}: {}", stderr(&output));
        assert!(stdout(&output).contains("DeleteTable"), "{format}");
    }
    let sarif = iamlint(&[
        "diff",
        &base.to_string_lossy(),
        &head.to_string_lossy(),
        "--format",
        "sarif",
    ]);
    let sarif = json(&sarif);
    assert_eq!(
        sarif["runs"][0]["results"][0]["properties"]["request"]["action"],
        "dynamodb:DeleteTable"
    );
}

fn git(dir: &Path, args: &[&str]) {
    let status = std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

/// `--base REV` reads the old files with git: a file changed, one deleted and one added in
/// the working tree, in a subdirectory run from the repository's root and from inside it.
#[test]
fn base_revision_is_read_with_git_without_a_checkout() {
    let repo = tempfile::tempdir().unwrap();
    let root = repo.path();
    git(root, &["init", "-q"]);
    fs::create_dir_all(root.join("iam")).unwrap();
    let case = case_dir("removed-deny");
    fs::copy(case.join("base/template.json"), root.join("iam/template.json")).unwrap();
    fs::copy(
        case_dir("new-action").join("base/reports.json"),
        root.join("iam/gone.json"),
    )
    .unwrap();
    fs::create_dir_all(root.join("iam/tf")).unwrap();
    fs::copy(
        case_dir("trust-another-account").join("base/main.tf"),
        root.join("iam/tf/main.tf"),
    )
    .unwrap();
    git(root, &["add", "."]);
    git(root, &["commit", "-qm", "base"]);
    // Unchanged: nothing to report.
    let output = iamlint_in(root, &["diff", "--base", "HEAD", "--format", "json"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(findings(&json(&output)).is_empty());
    fs::copy(case.join("head/template.json"), root.join("iam/template.json")).unwrap();
    fs::remove_file(root.join("iam/gone.json")).unwrap();
    fs::copy(
        case_dir("new-action").join("head/reports.json"),
        root.join("iam/new.json"),
    )
    .unwrap();
    // A file added to a Terraform module: the revision's module does not have it.
    fs::write(
        root.join("iam/tf/extra.tf"),
        r#"resource "aws_iam_role_policy" "extra" {
  role   = aws_iam_role.auditor.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::audit/*" }]
  })
}
"#,
    )
    .unwrap();
    for (dir, path) in [(root.to_path_buf(), "."), (root.join("iam"), ".")] {
        let output = iamlint_in(&dir, &["diff", "--base", "HEAD", path, "--format", "json"]);
        assert_eq!(code(&output), 1, "{}", stderr(&output));
        let found = findings(&json(&output));
        let summary: Vec<(String, String)> = found
            .iter()
            .map(|f| {
                (
                    f["rule"].as_str().unwrap().to_string(),
                    f["file"].as_str().unwrap().trim_start_matches("./").to_string(),
                )
            })
            .collect();
        let prefix = if dir == root { "iam/" } else { "" };
        assert!(
            summary.contains(&("diff/new-access".into(), format!("{prefix}template.json"))),
            "{summary:?}"
        );
        assert!(
            summary.contains(&("diff/new-access".into(), format!("{prefix}new.json"))),
            "{summary:?}"
        );
        assert!(
            summary.contains(&("diff/new-access".into(), format!("{prefix}tf/extra.tf"))),
            "{summary:?}"
        );
        // The deleted file's access is removed, shown at the revision's file.
        assert!(
            summary.contains(&("diff/access-removed".into(), format!("HEAD:{prefix}gone.json"))),
            "{summary:?}"
        );
    }
    let output = iamlint_in(root, &["diff", "--base", "no-such-revision"]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("not a git revision"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn usage_errors_exit_two() {
    assert_eq!(code(&iamlint(&["diff"])), 2);
    assert_eq!(code(&iamlint(&["diff", "testdata/diff/new-action/base"])), 2);
    assert_eq!(
        code(&iamlint(&[
            "diff",
            "testdata/diff/new-action/base",
            "no/such/dir"
        ])),
        2
    );
}

/// `diff/new-escalation` runs the `escalation/` rules' analysis on both sides: the path that
/// widening `iam:PassRole` opens is reported at HEAD's `iam:PassRole`, and no other case,
/// reformatting included, opens one.
#[test]
fn a_change_that_opens_an_escalation_path_is_reported_once_where_it_opens() {
    for entry in fs::read_dir("testdata/diff").unwrap().flatten() {
        let case = entry.file_name().to_string_lossy().into_owned();
        let (_, report) = diff_json(&case);
        let opened: Vec<serde_json::Value> = findings(&report)
            .into_iter()
            .filter(|f| f["rule"] == "diff/new-escalation")
            .collect();
        if case != "escalation-opened" {
            assert!(opened.is_empty(), "{case}: {opened:#?}");
            continue;
        }
        assert_eq!(opened.len(), 1, "{opened:#?}");
        let finding = &opened[0];
        assert!(finding["file"].as_str().unwrap().ends_with("head/template.yaml"));
        assert_eq!(
            (finding["line"].as_u64(), finding["column"].as_u64()),
            (Some(22), Some(25))
        );
        let message = finding["message"].as_str().unwrap();
        assert!(
            message.contains("role `Deployer`") && message.contains("role `Admin`"),
            "{message}"
        );
        assert_eq!(finding["severity"], "error");
    }
    // The same template on its own side has no path: BASE's PassRole reaches only `app-*`.
    let base = iamlint(&[
        "check",
        "--no-config",
        "--select",
        "escalation",
        "--format",
        "json",
        "testdata/diff/escalation-opened/base",
    ]);
    assert_eq!(json(&base)["findings"], serde_json::json!([]));
}
