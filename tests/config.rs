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

/// A project whose three policies each break `iam/missing-version` (a warning) and
/// `iam/resource-star` (an info), with a Terraform module whose two findings point into
/// its two files, and `config` as its `.iamlint.toml`.
fn lint_project(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let policy = r#"{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#;
    for file in ["iam/app.json", "legacy/old.json", "examples/demo.json"] {
        std::fs::create_dir_all(d.join(file).parent().unwrap()).unwrap();
        std::fs::write(d.join(file), policy).unwrap();
    }
    std::fs::create_dir(d.join("tf")).unwrap();
    for file in ["db.tf", "variables.tf"] {
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("testdata/examples/terraform")
                .join(file),
            d.join("tf").join(file),
        )
        .unwrap();
    }
    std::fs::write(d.join(".iamlint.toml"), config).unwrap();
    dir
}

/// `file severity rule` of each finding of a JSON report, paths without the leading `./`.
fn findings(output: &Output) -> Vec<String> {
    let report: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&output.stderr)));
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let file = f["file"].as_str().unwrap().trim_start_matches("./");
            format!(
                "{file} {} {}",
                f["severity"].as_str().unwrap(),
                f["rule"].as_str().unwrap()
            )
        })
        .collect()
}

fn check_json(dir: &Path, args: &[&str]) -> (Vec<String>, Option<i32>) {
    let mut all = vec!["check", "--format", "json"];
    all.extend(args);
    let output = iamlint_in(dir, &all);
    (findings(&output), output.status.code())
}

#[test]
fn lint_select_ignore_and_extend_select_come_from_the_config() {
    let dir = lint_project("[lint]\nselect = [\"iam/missing-version\"]\n");
    let (found, code) = check_json(dir.path(), &["."]);
    assert_eq!(
        found,
        [
            "examples/demo.json warning iam/missing-version",
            "iam/app.json warning iam/missing-version",
            "legacy/old.json warning iam/missing-version",
        ]
    );
    assert_eq!(code, Some(1));

    let dir = lint_project("[lint]\nignore = [\"iam\"]\n");
    let (found, _) = check_json(dir.path(), &["."]);
    assert_eq!(
        found,
        [
            "tf/db.tf error rds/managed-password-conflict",
            "tf/variables.tf error rds/hardcoded-master-password",
        ]
    );

    let dir = lint_project(
        "[lint]\nselect = [\"rds/\"]\nextend-select = [\"iam/resource-star\"]\nignore = [\"rds/managed-password-conflict\"]\n",
    );
    let (found, _) = check_json(dir.path(), &["."]);
    assert_eq!(
        found,
        [
            "examples/demo.json info iam/resource-star",
            "iam/app.json info iam/resource-star",
            "legacy/old.json info iam/resource-star",
            "tf/variables.tf error rds/hardcoded-master-password",
        ]
    );
}

#[test]
fn lint_flags_override_the_config() {
    let dir = lint_project("[lint]\nselect = [\"iam/missing-version\"]\nignore = [\"iam/resource-star\"]\n");
    let d = dir.path();
    // --select replaces the config's select and ignore.
    let (found, code) = check_json(d, &["--select", "iam/resource-star", "iam/app.json"]);
    assert_eq!(found, ["iam/app.json info iam/resource-star"]);
    assert_eq!(code, Some(0));
    // --extend-select adds to them, and wins over the config's ignore.
    let (found, _) = check_json(d, &["--extend-select", "iam/resource-star", "iam/app.json"]);
    assert_eq!(
        found,
        [
            "iam/app.json warning iam/missing-version",
            "iam/app.json info iam/resource-star"
        ]
    );
    // --ignore adds to the config's ignore.
    let (found, code) = check_json(d, &["--ignore", "iam/missing-version", "iam/app.json"]);
    assert!(found.is_empty(), "{found:?}");
    assert_eq!(code, Some(0));
    // Without the config, nothing of it applies.
    let (found, _) = check_json(d, &["--no-config", "iam/app.json"]);
    assert_eq!(found.len(), 2, "{found:?}");
}

#[test]
fn lint_severity_is_stamped_on_every_finding_and_decides_the_exit_code() {
    // An info does not fail the run; raised to an error, it does, in every format.
    let only_star = "[lint]\nselect = [\"iam/resource-star\"]\n";
    let dir = lint_project(only_star);
    assert_eq!(check_json(dir.path(), &["iam/app.json"]).1, Some(0));
    let dir = lint_project(&format!(
        "{only_star}severity = {{ \"iam/resource-star\" = \"error\" }}\n"
    ));
    let (found, code) = check_json(dir.path(), &["iam/app.json"]);
    assert_eq!(found, ["iam/app.json error iam/resource-star"]);
    assert_eq!(code, Some(1));
    let gnu = iamlint_in(dir.path(), &["check", "--format", "gnu", "iam/app.json"]);
    assert!(stdout(&gnu).contains(": error: "), "{}", stdout(&gnu));
    let sarif: serde_json::Value = serde_json::from_slice(
        &iamlint_in(dir.path(), &["check", "--format", "sarif", "iam/app.json"]).stdout,
    )
    .unwrap();
    assert_eq!(sarif["runs"][0]["results"][0]["level"], "error");

    // The most specific key wins; `off` turns a rule off.
    let dir = lint_project(
        "[lint]\nseverity = { \"iam\" = \"error\", \"iam/resource-star\" = \"off\", \"rds\" = \"info\" }\n",
    );
    let (found, code) = check_json(dir.path(), &["iam/app.json", "tf"]);
    assert_eq!(
        found,
        [
            "iam/app.json error iam/missing-version",
            "tf/db.tf info rds/managed-password-conflict",
            "tf/variables.tf info rds/hardcoded-master-password",
        ]
    );
    assert_eq!(code, Some(1));
    // A warning lowered to an info passes.
    let dir = lint_project("[lint]\nseverity = { \"iam\" = \"info\", \"rds\" = \"off\" }\n");
    assert_eq!(check_json(dir.path(), &["."]).1, Some(0));
}

#[test]
fn lint_per_file_ignores_match_the_file_a_finding_points_at() {
    let dir = lint_project(
        r#"[lint]
per-file-ignores = { "legacy" = ["iam/"], "examples/*.json" = ["iam/resource-star"], "tf/variables.tf" = ["rds"] }
"#,
    );
    let (found, _) = check_json(dir.path(), &["."]);
    // The module's finding in variables.tf is dropped, the one in db.tf stays.
    assert_eq!(
        found,
        [
            "examples/demo.json warning iam/missing-version",
            "iam/app.json warning iam/missing-version",
            "iam/app.json info iam/resource-star",
            "tf/db.tf error rds/managed-password-conflict",
        ]
    );
    // Globs are relative to the config's directory, wherever iamlint runs from.
    let (found, _) = check_json(&dir.path().join("legacy"), &["old.json"]);
    assert!(found.is_empty(), "{found:?}");
    let (found, _) = check_json(&dir.path().join("iam"), &["app.json"]);
    assert_eq!(found.len(), 2, "{found:?}");
}

#[test]
fn lint_exclude_merges_with_the_flag_and_spares_named_files_without_force_exclude() {
    let dir = lint_project(
        "[lint]\nexclude = [\"legacy\", \"examples/*.json\"]\nselect = [\"iam/missing-version\"]\n",
    );
    let d = dir.path();
    let (found, _) = check_json(d, &["."]);
    assert_eq!(found, ["iam/app.json warning iam/missing-version"]);
    let (found, _) = check_json(d, &["--exclude", "iam", "."]);
    assert!(found.is_empty(), "{found:?}");
    // pre-commit names the files: checked unless --force-exclude.
    let (found, _) = check_json(d, &["legacy/old.json"]);
    assert_eq!(found, ["legacy/old.json warning iam/missing-version"]);
    let output = iamlint_in(
        d,
        &[
            "check",
            "--format",
            "json",
            "--force-exclude",
            "legacy/old.json",
            "iam/app.json",
        ],
    );
    assert_eq!(findings(&output), ["iam/app.json warning iam/missing-version"]);
    // A glob with `/` is anchored at the config's directory.
    let output = iamlint_in(
        &d.join("iam"),
        &[
            "check",
            "--format",
            "json",
            "--force-exclude",
            "../examples/demo.json",
        ],
    );
    assert!(findings(&output).is_empty());
    assert!(String::from_utf8_lossy(&output.stderr).contains("no IAM policy document"));
}

#[test]
fn lint_fail_on_sets_the_threshold_and_the_flag_overrides_it() {
    let dir = lint_project("[lint]\nfail-on = \"error\"\nselect = [\"iam\"]\n");
    assert_eq!(check_json(dir.path(), &["."]).1, Some(0));
    assert_eq!(check_json(dir.path(), &["--fail-on", "warning", "."]).1, Some(1));
    let dir = lint_project("[lint]\nfail-on = \"info\"\nselect = [\"iam/resource-star\"]\n");
    assert_eq!(check_json(dir.path(), &["."]).1, Some(1));
}

#[test]
fn lint_and_assertion_errors_exit_two_at_their_line_and_column() {
    for (config, expected) in [
        (
            "[lint]\nselect = [\"iam/resource-stars\"]\n",
            ".iamlint.toml:2:11: unknown rule or group `iam/resource-stars`; did you mean `iam/resource-star`?",
        ),
        (
            "[lint]\nper-file-ignores = { \"../x/*.json\" = [\"iam\"] }\n",
            ".iamlint.toml:2:22: `../x/*.json` leads out",
        ),
        (
            "[[assert]]\nname = \"x\"\ndeny = { actions = [\"rds:CreateDBInstanse\"] }\n",
            ".iamlint.toml:3:21: `rds` has no action `CreateDBInstanse` in iamlint's catalog; did you mean `rds:CreateDBInstance`?",
        ),
    ] {
        let dir = lint_project(config);
        let output = iamlint_in(dir.path(), &["check", "."]);
        assert_eq!(output.status.code(), Some(2), "{config}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(expected), "{stderr}");
    }
}

/// `[lint] inline-suppressions = false` is `--no-inline-suppressions` for the repository.
#[test]
fn inline_suppressions_can_be_turned_off_in_the_config() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("p.yaml"),
        "Version: \"2012-10-17\"\nStatement:\n  - Effect: Allow\n    Action: s3:GetObjekt # iamlint: ignore[iam/unknown-action] reason: on purpose\n    Resource: \"*\"\n",
    )
    .unwrap();
    let suppressed = iamlint_in(dir.path(), &["check", "--format", "gnu", "p.yaml"]);
    assert_eq!(hits(&suppressed), Vec::<String>::new(), "{}", stdout(&suppressed));
    std::fs::write(
        dir.path().join(".iamlint.toml"),
        "[lint]\ninline-suppressions = false\n",
    )
    .unwrap();
    let reported = iamlint_in(dir.path(), &["check", "--format", "gnu", "p.yaml"]);
    assert_eq!(
        hits(&reported),
        ["p.yaml:4:13 iam/unknown-action"],
        "{}",
        stdout(&reported)
    );
    assert_eq!(reported.status.code(), Some(1));
}

/// `[lint] severity` re-levels the findings of the suppression rules as any other's.
#[test]
fn the_suppression_rules_take_their_configured_severity() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("p.yaml"),
        "Version: \"2012-10-17\"\nStatement:\n  - Effect: Allow\n    Action: s3:GetObject # iamlint: ignore[iam/unknown-action] reason: nothing to hide\n    Resource: \"arn:aws:s3:::b/*\"\n",
    )
    .unwrap();
    let warned = iamlint_in(
        dir.path(),
        &["check", "--format", "gnu", "--fail-on", "error", "p.yaml"],
    );
    assert!(stdout(&warned).contains(": warning: "), "{}", stdout(&warned));
    assert_eq!(warned.status.code(), Some(0));
    std::fs::write(
        dir.path().join(".iamlint.toml"),
        "[lint]\nseverity = { \"iamlint/unused-suppression\" = \"error\" }\n",
    )
    .unwrap();
    let raised = iamlint_in(
        dir.path(),
        &["check", "--format", "gnu", "--fail-on", "error", "p.yaml"],
    );
    assert_eq!(
        hits(&raised),
        ["p.yaml:4:26 iamlint/unused-suppression"],
        "{}",
        stdout(&raised)
    );
    assert!(stdout(&raised).contains(": error: "), "{}", stdout(&raised));
    assert_eq!(raised.status.code(), Some(1));
}

#[test]
fn escalation_paths_cross_files_of_a_project() {
    // A declared user may create keys for the declared administrator; a declared role may
    // pass a role of the project's template to Lambda. Each path is reported at the
    // statement that opens it, in the file that holds it.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/projects/escalation");
    let output = iamlint_in(&dir, &["check", "--format", "gnu", "--select", "escalation", "."]);
    assert_eq!(output.status.code(), Some(1));
    let hits = hits(&output);
    assert_eq!(
        hits,
        [
            "./iam/ci.json:11:17 escalation/pass-role",
            "./iam/support.json:6:33 escalation/credentials-for-others",
        ]
    );
    let text = stdout(&output);
    assert!(text.contains("principal `ci` → `iam:PassRole + lambda:CreateFunction` → role `AppWorker`"));
    assert!(text.contains("principal `support` → `iam:CreateAccessKey` → principal `admin`"));
}
