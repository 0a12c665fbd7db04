//! The binary as users run it: exit codes, standard input, bad paths and bad input, file
//! discovery. That no output format ever prints a hard-coded password is tests/secrets.rs.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod common;

use std::fs;
use std::path::Path;

use common::{code, command, iamlint, iamlint_stdin, json, rules_in, stderr, stdout};

const CLEAN: &str = "testdata/rds/guard-incomplete/pass-all-actions.json";
const WARNINGS_ONLY: &str = "testdata/rds/guard-incomplete/fail-role-inline.yaml";
const ERRORS: &str = "testdata/rds/hardcoded-master-password/fail-literal.yaml";

#[test]
fn exit_code_zero_when_clean() {
    let output = iamlint(&["check", CLEAN]);
    assert_eq!(code(&output), 0, "{}", stdout(&output));
    assert!(stdout(&output).contains("Checked 1 file: no findings."));
}

#[test]
fn exit_code_follows_fail_on() {
    assert_eq!(
        code(&iamlint(&["check", WARNINGS_ONLY])),
        1,
        "warnings fail by default"
    );
    assert_eq!(code(&iamlint(&["check", "--fail-on", "error", WARNINGS_ONLY])), 0);
    assert_eq!(code(&iamlint(&["check", "--fail-on", "error", ERRORS])), 1);
    assert_eq!(code(&iamlint(&["check", "--fail-on", "info", CLEAN])), 0);
}

#[test]
fn usage_errors_exit_two() {
    assert_eq!(code(&iamlint(&["check", "--format", "xml", CLEAN])), 2);
    assert_eq!(code(&iamlint(&["check", "--no-such-flag"])), 2);
    assert_eq!(
        code(&iamlint(&["check", "--select", "rds/no-such-rule", CLEAN])),
        2
    );
    assert_eq!(code(&iamlint(&["explain", "no-such-rule"])), 2);
    let typo = iamlint(&["check", "--extend-select", "iam/resource-stars", CLEAN]);
    assert_eq!(code(&typo), 2);
    assert!(
        stderr(&typo)
            .contains("unknown rule or group `iam/resource-stars`; did you mean `iam/resource-star`?"),
        "{}",
        stderr(&typo)
    );
}

#[test]
fn a_path_that_does_not_exist_is_an_io_error_and_the_rest_is_checked() {
    let output = iamlint(&[
        "check",
        "--format",
        "json",
        "no/such/path.json",
        CLEAN,
        "no/such/dir",
    ]);
    assert_eq!(code(&output), 1, "io-error is an error");
    let report = json(&output);
    let findings = report["findings"].as_array().unwrap();
    let missing: Vec<_> = findings
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap(),
                f["rule"].as_str().unwrap(),
                f["line"].as_u64(),
                f["column"].as_u64(),
            )
        })
        .collect();
    assert_eq!(
        missing,
        [
            ("no/such/dir", "io-error", Some(1), Some(1)),
            ("no/such/path.json", "io-error", Some(1), Some(1)),
        ]
    );
    assert_eq!(findings[1]["message"], "cannot read: no such file or directory");
    assert_eq!(report["summary"]["files"], 3);
    let gnu = iamlint(&["check", "--format", "gnu", "missing/main.tf"]);
    assert_eq!(
        stdout(&gnu),
        "missing/main.tf:1:1: error: cannot read: no such file or directory [io-error]\n"
    );
}

#[test]
fn a_run_that_checks_no_file_says_so() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("package.json"), "{\"name\": \"x\"}").unwrap();
    let output = common::iamlint_in(dir.path(), &["check", "."]);
    assert_eq!(code(&output), 0);
    assert!(
        stderr(&output).contains(
            "iamlint: note: no IAM policy document, CloudFormation template or Terraform configuration found in ."
        ),
        "{}",
        stderr(&output)
    );
}

#[test]
fn statistics_count_findings_per_rule_most_first() {
    let dir = tempfile::tempdir().unwrap();
    let policy = r#"{"Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "*"}]}"#;
    for name in ["a.json", "b.json"] {
        fs::write(dir.path().join(name), policy).unwrap();
    }
    fs::write(
        dir.path().join("c.json"),
        r#"{"Version": "2012-10-17", "Statement": []}"#,
    )
    .unwrap();
    let text = common::iamlint_in(dir.path(), &["check", "--no-config", "--statistics", "."]);
    assert_eq!(code(&text), 1, "the exit code is the findings'");
    insta::assert_snapshot!(stdout(&text));
    // gnu, sarif and github print the same table; json an array.
    let gnu = common::iamlint_in(
        dir.path(),
        &["check", "--no-config", "--statistics", "--format", "gnu", "."],
    );
    assert_eq!(stdout(&gnu), stdout(&text));
    let json_out = common::iamlint_in(
        dir.path(),
        &["check", "--no-config", "--statistics", "--format", "json", "."],
    );
    let counts = json(&json_out);
    let counts: Vec<(&str, u64)> = counts
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["rule"].as_str().unwrap(), c["count"].as_u64().unwrap()))
        .collect();
    assert_eq!(counts[0], ("iam/missing-version", 2));
    assert!(
        counts
            .windows(2)
            .all(|w| w[0].1 > w[1].1 || (w[0].1 == w[1].1 && w[0].0 < w[1].0)),
        "{counts:?}"
    );
    let clean = iamlint(&["check", "--statistics", CLEAN]);
    assert_eq!((code(&clean), stdout(&clean)), (0, String::new()));
}

#[test]
fn reads_standard_input_named_by_stdin_filename() {
    let text = fs::read_to_string(ERRORS).unwrap();
    let output = iamlint_stdin(
        &[
            "check",
            "-",
            "--stdin-filename",
            "templates/db.yaml",
            "--format",
            "gnu",
        ],
        &text,
    );
    assert_eq!(code(&output), 1);
    assert!(
        stdout(&output).starts_with("templates/db.yaml:10:27: error:"),
        "{}",
        stdout(&output)
    );
    // Without a name the syntax is sniffed from the content.
    let policy = fs::read_to_string(CLEAN).unwrap();
    let output = iamlint_stdin(&["check", "-", "--format", "json"], &policy);
    assert_eq!(code(&output), 0, "{}", stdout(&output));
    assert_eq!(json(&output)["summary"]["files"], 1);
}

#[test]
fn a_hard_coded_default_in_a_sibling_file_is_reported_for_the_file_that_uses_it() {
    // pre-commit passes only main.tf; the literal default lives in variables.tf, and the
    // finding there labels the `password` of main.tf.
    let main = "testdata/rds/hardcoded-master-password/fail-variable-default-tf/main.tf";
    let output = iamlint(&["check", "--format", "json", main]);
    let report = json(&output);
    let finding = &report["findings"][0];
    assert_eq!(finding["rule"], "rds/hardcoded-master-password", "{report}");
    assert!(finding["file"].as_str().unwrap().ends_with("variables.tf"));
}

#[test]
fn a_named_tf_file_is_checked_with_its_module_and_reported_alone() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(
        d.join("main.tf"),
        "resource \"aws_db_instance\" \"a\" {\n  manage_master_user_password = var.manage\n  password = \"x\"\n}\n",
    )
    .unwrap();
    fs::write(
        d.join("variables.tf"),
        "variable \"manage\" {\n  default = true\n}\n",
    )
    .unwrap();
    fs::write(
        d.join("other.tf"),
        "resource \"aws_db_instance\" \"b\" {\n  password = \"y\"\n}\n",
    )
    .unwrap();
    let main = d.join("main.tf");
    let output = iamlint(&["check", "--format", "json", main.to_str().unwrap()]);
    let report = json(&output);
    let findings = report["findings"].as_array().unwrap();
    let rules: Vec<&str> = findings.iter().map(|f| f["rule"].as_str().unwrap()).collect();
    // The variable in variables.tf makes the flag true: the conflict is found.
    assert!(rules.contains(&"rds/managed-password-conflict"), "{rules:?}");
    for finding in findings {
        assert!(
            finding["file"].as_str().unwrap().ends_with("main.tf"),
            "{finding}"
        );
    }
    assert_eq!(report["summary"]["files"], 1);
    let output = iamlint(&["check", "--format", "json", d.to_str().unwrap()]);
    let files: Vec<String> = json(&output)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap().to_string())
        .collect();
    assert!(files.iter().any(|f| f.ends_with("other.tf")), "{files:?}");
}

#[test]
fn bad_input_is_reported_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("a-broken.json"), "{\"Statement\": [").unwrap();
    fs::write(d.join("b-binary.json"), [0x7b, 0x22, 0xff, 0xfe, 0x00, 0x01]).unwrap();
    fs::write(d.join("c-deep.json"), "[".repeat(200_000)).unwrap();
    let mut bomb = String::from("Resources:\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for level in 1..12 {
        let previous = if level == 1 {
            "a".to_string()
        } else {
            format!("l{}", level - 1)
        };
        let refs = vec![format!("*{previous}"); 10].join(", ");
        bomb.push_str(&format!("  l{level}: &l{level} [{refs}]\n"));
    }
    fs::write(d.join("d-bomb.yaml"), bomb).unwrap();
    fs::copy(ERRORS, d.join("e-good.yaml")).unwrap();
    let huge = fs::File::create(d.join("f-huge.json")).unwrap();
    huge.set_len(17 * 1024 * 1024).unwrap();

    let names = [
        "a-broken.json",
        "b-binary.json",
        "c-deep.json",
        "d-bomb.yaml",
        "e-good.yaml",
        "f-huge.json",
    ];
    let paths: Vec<String> = names
        .iter()
        .map(|n| d.join(n).to_string_lossy().into_owned())
        .collect();
    let mut args = vec!["check", "--format", "json"];
    args.extend(paths.iter().map(String::as_str));
    let output = iamlint(&args);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let report = json(&output);
    let by_file = |name: &str| -> Vec<String> {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["file"].as_str().unwrap().ends_with(name))
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(by_file("a-broken.json"), ["parse-error"]);
    assert_eq!(by_file("b-binary.json"), ["parse-error"]);
    assert_eq!(by_file("c-deep.json"), ["parse-error"]);
    assert_eq!(by_file("d-bomb.yaml"), ["parse-error"]);
    assert_eq!(by_file("e-good.yaml"), ["rds/hardcoded-master-password"]);
    assert_eq!(by_file("f-huge.json"), ["io-error"]);
    for finding in report["findings"].as_array().unwrap() {
        assert!(finding["line"].as_u64().unwrap() >= 1 && finding["column"].as_u64().unwrap() >= 1);
    }
    assert_eq!(report["summary"]["files"], 6);
}

#[test]
fn walking_skips_vendored_folders_and_unrelated_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for folder in ["node_modules", "target", ".git", ".terraform", "iam"] {
        fs::create_dir_all(d.join(folder)).unwrap();
        fs::copy(ERRORS, d.join(folder).join("db.yaml")).unwrap();
    }
    fs::write(
        d.join("package.json"),
        "{\"name\": \"x\", \"version\": \"1.0.0\"}",
    )
    .unwrap();
    fs::write(
        d.join("deployment.yaml"),
        "apiVersion: apps/v1\nkind: Deployment\n",
    )
    .unwrap();
    fs::write(d.join("broken-unrelated.json"), "{\"name\": ").unwrap();
    fs::write(d.join("notes.txt"), "Resources: not a template").unwrap();
    let output = iamlint(&["check", "--format", "gnu", d.to_str().unwrap()]);
    let out = stdout(&output);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.contains("/iam/db.yaml:"), "{out}");
    assert!(
        stderr(&output).is_empty(),
        "walked files are skipped silently: {}",
        stderr(&output)
    );

    // Named explicitly, a file that is neither gets a note.
    let explicit = iamlint(&["check", d.join("package.json").to_str().unwrap()]);
    assert_eq!(code(&explicit), 0);
    assert!(
        stderr(&explicit).contains("not an IAM policy document"),
        "{}",
        stderr(&explicit)
    );
}

#[test]
fn include_and_exclude_globs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::create_dir_all(d.join("prod")).unwrap();
    fs::create_dir_all(d.join("dev")).unwrap();
    fs::copy(ERRORS, d.join("prod/db.yaml")).unwrap();
    fs::copy(ERRORS, d.join("dev/db.yaml")).unwrap();
    fs::copy(ERRORS, d.join("prod/db.cfn")).unwrap();
    let root = d.to_str().unwrap();
    let files = |args: &[&str]| -> usize {
        let mut all = vec!["check", "--format", "json"];
        all.extend(args);
        json(&iamlint(&all))["summary"]["files"].as_u64().unwrap() as usize
    };
    assert_eq!(files(&[root]), 2);
    assert_eq!(files(&["--exclude", "dev", root]), 1);
    assert_eq!(files(&["--exclude", "*.yaml", root]), 0);
    assert_eq!(files(&["--include", "*.cfn", root]), 1);
    assert_eq!(files(&["--include", "prod/*", root]), 2);
    // Explicit files are checked unless --force-exclude.
    let dev = d.join("dev/db.yaml");
    let dev = dev.to_str().unwrap();
    assert_eq!(files(&["--exclude", "dev", dev]), 1);
    assert_eq!(files(&["--exclude", "dev/*", "--force-exclude", dev]), 0);
}

#[test]
fn select_and_ignore() {
    let all = rules_in(&iamlint(&["check", "--format", "json", "testdata/examples"]));
    assert!(all.iter().any(|r| r == "rds/guard-inverted"));
    let ignored = rules_in(&iamlint(&[
        "check",
        "--format",
        "json",
        "--ignore",
        "rds/guard-inverted",
        "testdata/examples",
    ]));
    assert_eq!(ignored.len(), all.len() - 1);
    let selected = rules_in(&iamlint(&[
        "check",
        "--format",
        "json",
        "--select",
        "rds/guard-inverted",
        "testdata/examples",
    ]));
    assert_eq!(selected, ["rds/guard-inverted"]);
}

#[test]
fn rules_and_explain() {
    let listed = iamlint(&["rules", "--format", "json"]);
    assert_eq!(code(&listed), 0);
    let rules = json(&listed);
    let ids: Vec<&str> = rules
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    for id in [
        "parse-error",
        "rds/guard-bypass-modify",
        "rds/guard-incomplete",
        "rds/guard-inverted",
        "rds/missing-secret-permissions",
        "rds/hardcoded-master-password",
        "rds/master-password-not-managed",
        "rds/managed-password-conflict",
        "rds/secret-kms-key-without-managed-password",
        "rds/managed-password-unsupported",
    ] {
        assert!(ids.contains(&id), "{id} not listed");
    }
    let explained = iamlint(&["explain", "rds/guard-bypass-modify"]);
    assert_eq!(code(&explained), 0);
    let text = stdout(&explained);
    assert!(text.contains("## Why it matters") && text.contains("rds:ModifyDBInstance"));
}

#[test]
fn the_readme_quick_start_command_runs() {
    let readme = fs::read_to_string("README.md").unwrap();
    // The first commands of the README are the two a newcomer runs on a fresh machine.
    let first_block = readme
        .split("```sh\n")
        .nth(1)
        .unwrap()
        .split("```")
        .next()
        .unwrap();
    let commands: Vec<&str> = first_block
        .lines()
        .map(|line| line.split('#').next().unwrap().trim())
        .collect();
    assert_eq!(
        commands,
        ["cargo run --release -- check testdata/examples", "cargo test"]
    );
    assert!(Path::new("testdata/examples").is_dir());
}

/// "AWS JSON policy elements: NotPrincipal": "all principals except the user named Bob in
/// AWS account 444455556666 are explicitly denied access to a resource", although the
/// `NotPrincipal` also lists Bob's account. Through the binary, as `simulate` users see it.
#[test]
fn simulate_not_principal_leaves_out_only_the_user_it_names() {
    let dir = tempfile::tempdir().unwrap();
    let bucket = dir.path().join("bucket.json");
    fs::write(
        &bucket,
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny",
  "NotPrincipal": {"AWS": ["arn:aws:iam::444455556666:user/Bob", "arn:aws:iam::444455556666:root"]},
  "Action": "s3:*", "Resource": ["arn:aws:s3:::BUCKETNAME", "arn:aws:s3:::BUCKETNAME/*"]}]}"#,
    )
    .unwrap();
    let identity = dir.path().join("identity.json");
    fs::write(
        &identity,
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}"#,
    )
    .unwrap();
    let decision = |caller: &str| {
        let output = iamlint(&[
            "simulate",
            identity.to_str().unwrap(),
            "--resource-policy",
            bucket.to_str().unwrap(),
            "--caller",
            caller,
            "--action",
            "s3:GetObject",
            "--resource",
            "arn:aws:s3:::BUCKETNAME/q1.csv",
            "--format",
            "json",
        ]);
        assert_eq!(code(&output), 0, "{}", stderr(&output));
        json(&output)["decision"].as_str().unwrap().to_string()
    };
    assert_eq!(decision("arn:aws:iam::444455556666:user/Bob"), "allow");
    assert_eq!(decision("arn:aws:iam::444455556666:user/carol"), "explicit-deny");
    assert_eq!(
        decision("arn:aws:sts::444455556666:assumed-role/Admin/carol"),
        "explicit-deny"
    );
}

/// "IAM policy elements: Variables and tags": "If you don't include the `Version` element
/// and set it to an appropriate version date, variables like `${aws:username}` are treated
/// as literal strings in the policy."
#[test]
fn simulate_treats_variables_as_text_without_version_2012_10_17() {
    let dir = tempfile::tempdir().unwrap();
    let statement = r#""Statement": {"Effect": "Allow", "Action": "s3:GetObject",
  "Resource": "arn:aws:s3:::mybucket/${aws:username}/*"}"#;
    let decision = |version: &str, resource: &str| {
        let policy = dir.path().join("home.json");
        fs::write(&policy, format!("{{{version}{statement}}}")).unwrap();
        let output = iamlint(&[
            "simulate",
            policy.to_str().unwrap(),
            "--caller",
            "arn:aws:iam::111122223333:user/David",
            "--action",
            "s3:GetObject",
            "--resource",
            resource,
            "--context",
            "aws:username=David",
            "--format",
            "json",
        ]);
        assert_eq!(code(&output), 0, "{}", stderr(&output));
        json(&output)["decision"].as_str().unwrap().to_string()
    };
    let own = "arn:aws:s3:::mybucket/David/notes.txt";
    assert_eq!(decision(r#""Version": "2012-10-17", "#, own), "allow");
    assert_eq!(decision("", own), "implicit-deny");
    assert_eq!(decision(r#""Version": "2008-10-17", "#, own), "implicit-deny");
    assert_eq!(
        decision("", "arn:aws:s3:::mybucket/${aws:username}/notes.txt"),
        "allow"
    );
}

#[test]
fn simulate_decides_with_a_trace() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("deployer.json");
    fs::write(
        &policy,
        r#"{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "rds:*", "Resource": "*"},
  {"Effect": "Deny", "Action": ["rds:CreateDBInstance", "rds:ModifyDBInstance"],
   "Resource": "arn:aws:rds:*:*:db:*",
   "Condition": {"Bool": {"rds:ManageMasterUserPassword": false}}}]}"#,
    )
    .unwrap();
    let policy = policy.to_str().unwrap();
    let denied = iamlint(&[
        "simulate",
        policy,
        "--action",
        "rds:ModifyDBInstance",
        "--resource",
        "arn:aws:rds:eu-west-1:111122223333:db:orders",
        "--context",
        "rds:ManageMasterUserPassword=false",
        "--format",
        "json",
    ]);
    assert_eq!(code(&denied), 0, "{}", stderr(&denied));
    let result = json(&denied);
    assert_eq!(result["decision"], "explicit-deny");
    let deny = &result["trace"][1];
    assert_eq!(
        (
            deny["effect"].as_str(),
            deny["applies"].as_bool(),
            deny["line"].as_u64()
        ),
        (Some("Deny"), Some(true), Some(3))
    );

    // A batch: the guard is scoped to instances, so a cluster gets through.
    let requests = dir.path().join("requests.jsonl");
    fs::write(
        &requests,
        "{\"action\": \"rds:CreateDBCluster\", \"resource\": \"arn:aws:rds:eu-west-1:111122223333:cluster:c\", \"context\": {\"rds:ManageMasterUserPassword\": false}}\n\
         {\"action\": \"rds:CreateDBInstance\", \"resource\": \"arn:aws:rds:eu-west-1:111122223333:db:d\", \"context\": {\"rds:ManageMasterUserPassword\": true}}\n\
         {\"action\": \"s3:GetObject\", \"resource\": \"arn:aws:s3:::b/k\"}\n",
    )
    .unwrap();
    let batch = iamlint(&[
        "simulate",
        policy,
        "--request",
        requests.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let decisions: Vec<String> = stdout(&batch)
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["decision"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(decisions, ["allow", "allow", "implicit-deny"]);

    let missing = iamlint(&["simulate", "no/such/policy.json", "--action", "s3:GetObject"]);
    assert_eq!(code(&missing), 2);
}

#[test]
fn iamlint_timing_reports_phases_and_rules_on_stderr_and_leaves_stdout_alone() {
    let paths = [
        "check",
        "--format",
        "json",
        WARNINGS_ONLY,
        ERRORS,
        "testdata/examples",
    ];
    let plain = iamlint(&paths);
    assert!(!stderr(&plain).contains("iamlint timing"), "{}", stderr(&plain));
    let timed = command(&paths).env("IAMLINT_TIMING", "all").output().unwrap();
    assert_eq!(stdout(&timed), stdout(&plain), "the report is the same");
    assert_eq!(code(&timed), code(&plain));
    let report = stderr(&timed);
    assert!(report.starts_with("iamlint timing: "), "{report}");
    for phase in ["discover", "read", "parse", "model", "rules", "report"] {
        assert!(
            report.lines().any(|l| l.starts_with(&format!("{phase} "))),
            "no `{phase}` line in {report}"
        );
    }
    // Every rule that ran has a line, including the ones over principals.
    for rule in [
        "rds/guard-incomplete",
        "rds/hardcoded-master-password",
        "rds/missing-secret-permissions",
        "iam/redundant-action",
        "(shared) action table",
    ] {
        assert!(
            report.lines().any(|l| l.starts_with(&format!("{rule} "))),
            "no `{rule}` line in {report}"
        );
    }
    // `1` lists the ten slowest, as ESLint's TIMING=1.
    let top = command(&paths).env("IAMLINT_TIMING", "1").output().unwrap();
    assert_eq!(stdout(&top), stdout(&plain));
    let rule_lines = stderr(&top)
        .lines()
        .skip_while(|l| !l.starts_with("Rule "))
        .skip(2)
        .take_while(|l| l.contains(" | "))
        .count();
    assert_eq!(rule_lines, 10, "{}", stderr(&top));
    assert!(stderr(&top).contains("more; IAMLINT_TIMING=all lists every rule"));
}
