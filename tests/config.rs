//! `.iamlint.toml` through the binary: principals formed from plain policy files, the
//! organization's SCPs, assertions, pre-commit runs on some of the files, and
//! `simulate --principal`. The project is testdata/projects/org.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn project() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/projects/org")
}

/// Runs the binary in the project directory, where it finds the config by itself.
fn iamlint_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iamlint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// `file:line:col rule` of each gnu line, for comparisons that do not depend on wording.
fn hits(output: &Output) -> Vec<String> {
    stdout(output)
        .lines()
        .filter_map(|line| {
            let (at, rest) = line.split_once(": ")?;
            let rule = rest.rsplit_once(" [")?.1.trim_end_matches(']');
            Some(format!("{at} {rule}"))
        })
        .collect()
}

#[test]
fn whole_project_judges_principals_and_assertions() {
    let output = iamlint_in(&project(), &["check", "--format", "gnu", "."]);
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!(stdout(&output));
    let hits = hits(&output);
    // The SCP guard protects the deployer but leaves restores open for it.
    assert!(hits.contains(&"./org/scp/require-managed-passwords.json:7:17 rds/guard-incomplete".to_string()));
    // The deployer's policies are judged together: one file allows the creates, the other
    // the secret permissions except TagResource.
    assert!(hits.contains(&"./iam/deployer/databases.json:4:5 rds/missing-secret-permissions".to_string()));
    assert!(hits.contains(&"./iam/deployer/databases.json:4:5 assert/no-hand-set-passwords".to_string()));
    assert!(hits.contains(&"./iam/analyst.json:4:5 assert/analyst-reads-only".to_string()));
    // The allow assertion holds: the deployer may create with a managed password.
    assert!(!hits.iter().any(|h| h.contains("deployer-creates-databases")));
}

#[test]
fn one_changed_file_reports_what_its_principal_breaks() {
    // pre-commit passes only the changed file; the finding it causes is in a sibling
    // policy of the same principal, read from the config.
    let output = iamlint_in(
        &project(),
        &["check", "--format", "gnu", "iam/deployer/secrets.json"],
    );
    let hits = hits(&output);
    assert!(
        hits.contains(&"iam/deployer/databases.json:4:5 rds/missing-secret-permissions".to_string()),
        "{hits:?}"
    );
    // Per-file rules run only on the file passed.
    assert!(!hits.iter().any(|h| h.contains("analyst")), "{hits:?}");
    assert!(!hits.iter().any(|h| h.contains("scp/")), "{hits:?}");
}

#[test]
fn without_the_config_each_file_stands_alone() {
    let output = iamlint_in(&project(), &["check", "--no-config", "--format", "gnu", "."]);
    let hits = hits(&output);
    assert!(!hits.iter().any(|h| h.contains("assert/")), "{hits:?}");
    assert!(
        !hits.iter().any(|h| h.contains("missing-secret-permissions")),
        "{hits:?}"
    );
    // The SCP alone still leaves the restores out, whoever it governs.
    assert!(
        hits.contains(&"./org/scp/require-managed-passwords.json:7:17 rds/guard-incomplete".to_string()),
        "{hits:?}"
    );
}

#[test]
fn assertion_ids_select_like_rules() {
    let output = iamlint_in(
        &project(),
        &[
            "check",
            "--format",
            "gnu",
            "--select",
            "assert/analyst-reads-only",
            ".",
        ],
    );
    assert_eq!(
        hits(&output),
        ["./iam/analyst.json:4:5 assert/analyst-reads-only"]
    );
    let sarif: serde_json::Value = serde_json::from_slice(
        &iamlint_in(&project(), &["check", "--format", "sarif", "iam/analyst.json"]).stdout,
    )
    .unwrap();
    let run = &sarif["runs"][0];
    let index = run["results"][0]["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(
        run["tool"]["driver"]["rules"][index]["id"],
        "assert/analyst-reads-only"
    );
}

#[test]
fn bad_configs_are_usage_errors_with_a_location() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".iamlint.toml"), "[[principal]]\nname = 1\n").unwrap();
    let output = iamlint_in(dir.path(), &["check", "."]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(".iamlint.toml:2:8:"), "{stderr}");

    std::fs::write(
        dir.path().join(".iamlint.toml"),
        "[[principal]]\nname = \"a\"\npolicies = [\"nothing/*.json\"]\n",
    )
    .unwrap();
    let output = iamlint_in(dir.path(), &["check", "."]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("`nothing/*.json` matches no file"));
}

#[test]
fn simulate_a_principal_of_the_config() {
    let decide = |action: &str, value: &str| -> String {
        let output = iamlint_in(
            &project(),
            &[
                "simulate",
                "--principal",
                "deployer",
                "--action",
                action,
                "--resource",
                "arn:aws:rds:eu-west-1:111122223333:db:orders",
                "--context",
                &format!("rds:ManageMasterUserPassword={value}"),
                "--format",
                "json",
            ],
        );
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let line: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        line["decision"].as_str().unwrap().to_string()
    };
    assert_eq!(decide("rds:CreateDBInstance", "false"), "explicit-deny");
    assert_eq!(decide("rds:CreateDBInstance", "true"), "allow");
    assert_eq!(decide("rds:RestoreDBInstanceFromDBSnapshot", "false"), "allow");
    // Not in the deployer's policies, nor in its boundary.
    assert_eq!(decide("rds:DeleteDBInstance", "true"), "implicit-deny");
}

#[test]
fn assertions_without_a_list_apply_where_they_make_sense() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("iam")).unwrap();
    std::fs::write(
        d.join("iam/deployer.json"),
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "rds:*", "Resource": "*"}]}"#,
    )
    .unwrap();
    // A policy file no principal holds: it stands alone.
    std::fs::write(
        d.join("iam/reader.json"),
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#,
    )
    .unwrap();
    std::fs::write(
        d.join(".iamlint.toml"),
        r#"
[[principal]]
name = "deployer"
policies = ["iam/deployer.json"]

[[assert]]
name = "deployer-creates"
allow = { actions = ["rds:CreateDBInstance"] }

[[assert]]
name = "nobody-deletes-databases"
deny = { actions = ["rds:DeleteDBInstance"] }
"#,
    )
    .unwrap();
    let output = iamlint_in(d, &["check", "--format", "gnu", "--select", "assert", "."]);
    // The allow holds for the declared principal and is not asked of reader.json; the
    // deny is asked of every principal and broken by the deployer alone.
    assert_eq!(
        hits(&output),
        ["./iam/deployer.json:1:41 assert/nobody-deletes-databases"],
        "{}",
        stdout(&output)
    );
}
