//! SARIF for GitHub code scanning (issue 9, items 5 and 16): rule metadata, fingerprints
//! that survive unrelated changes and never hash a password, URIs that name the file.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod common;

use std::path::Path;

use common::iamlint_in;
use serde_json::Value;

fn sarif_in(dir: &Path, args: &[&str]) -> Value {
    let args = [&["check", "--no-config", "--format", "sarif"], args].concat();
    let output = iamlint_in(dir, &args);
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{}",
        common::stderr(&output)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn results(sarif: &Value) -> &Vec<Value> {
    sarif["runs"][0]["results"].as_array().unwrap()
}

fn uri_of(result: &Value) -> &str {
    result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .unwrap()
}

/// The bytes a percent-encoded URI reference stands for.
fn percent_decode(uri: &str) -> Vec<u8> {
    let bytes = uri.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&uri[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

const POLICY_WITH_FINDINGS: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:NoSuchAction", "Resource": "*"}]}"#;

/// A file name that is not valid UTF-8 gets a URI with its real bytes, percent-encoded;
/// the JSON report, whose strings are Unicode, shows U+FFFD in their place.
#[cfg(unix)]
#[test]
fn a_file_name_that_is_not_utf8_keeps_its_bytes_in_the_uri() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;

    let dir = tempfile::tempdir().unwrap();
    let name = OsStr::from_bytes(b"bad\xff\xfename.json");
    std::fs::create_dir(dir.path().join("iam")).unwrap();
    std::fs::write(dir.path().join("iam").join(name), POLICY_WITH_FINDINGS).unwrap();

    // A Terraform module's files are read another way.
    std::fs::create_dir(dir.path().join("tf")).unwrap();
    std::fs::write(
        dir.path().join("tf").join(OsStr::from_bytes(b"db\xff.tf")),
        "resource \"aws_db_instance\" \"main\" {\n  manage_master_user_password = true\n  password = \"x\"\n}\n",
    )
    .unwrap();

    let sarif = sarif_in(dir.path(), &["."]);
    let results = results(&sarif);
    let uris: std::collections::BTreeSet<&str> = results.iter().map(uri_of).collect();
    assert_eq!(
        uris.into_iter().collect::<Vec<_>>(),
        ["iam/bad%FF%FEname.json", "tf/db%FF.tf"]
    );
    for result in results {
        let uri = uri_of(result);
        // The URI names the file that was checked.
        let path = dir.path().join(OsStr::from_bytes(&percent_decode(uri)));
        assert!(path.is_file(), "{uri} names no file");
    }

    let output = iamlint_in(dir.path(), &["check", "--no-config", "--format", "json", "."]);
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["findings"][0]["file"], "./iam/bad\u{fffd}\u{fffd}name.json");
}

/// pre-commit passes the names of changed files as arguments: a name that is not UTF-8 is
/// checked like any other (clap used to reject it as an invalid argument, exit 2).
#[cfg(unix)]
#[test]
fn a_file_named_on_the_command_line_need_not_be_utf8() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;

    let dir = tempfile::tempdir().unwrap();
    let name = OsStr::from_bytes(b"bad\xffname.json");
    std::fs::write(dir.path().join(name), POLICY_WITH_FINDINGS).unwrap();
    let output = common::command(&["check", "--no-config", "--format", "sarif"])
        .arg(name)
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let sarif: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(uri_of(&results(&sarif)[0]), "bad%FFname.json");
}

#[test]
fn uris_are_relative_and_percent_encoded() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("a b#c");
    std::fs::create_dir(&sub).unwrap();
    std::fs::write(sub.join("x%y.json"), POLICY_WITH_FINDINGS).unwrap();
    let sarif = sarif_in(dir.path(), &["."]);
    assert_eq!(uri_of(&results(&sarif)[0]), "a%20b%23c/x%25y.json");
}

/// Each result's rule and fingerprint, in report order.
fn fingerprints(sarif: &Value) -> Vec<(String, String)> {
    results(sarif)
        .iter()
        .map(|r| {
            (
                r["ruleId"].as_str().unwrap().to_string(),
                r["partialFingerprints"]["iamlint/v2"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect()
}

/// The fingerprints of `text` checked as `name` in a fresh directory.
fn fingerprints_of(name: &str, text: &str) -> Vec<(String, String)> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(name), text).unwrap();
    fingerprints(&sarif_in(dir.path(), &[name]))
}

const STATEMENTS: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "s3:NoSuchAction", "Resource": "*"},
  {"Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObject"], "Resource": "arn:aws:s3:::b/*"}
]}"#;

#[test]
fn fingerprints_survive_lines_inserted_above() {
    let before = fingerprints_of("p.json", STATEMENTS);
    assert!(before.len() >= 2, "{before:?}");
    let moved = STATEMENTS.replacen("\"Statement\": [", "\n\n\n  \"Statement\": [\n\n", 1);
    let moved = format!("\n\n{moved}");
    assert_eq!(fingerprints_of("p.json", &moved), before);
    // Re-indenting the flagged element does not change it either.
    let reindented = STATEMENTS.replace(
        "\"Action\": \"s3:NoSuchAction\"",
        "\"Action\":\n      \"s3:NoSuchAction\"",
    );
    assert_eq!(fingerprints_of("p.json", &reindented), before);
}

#[test]
fn fingerprints_survive_an_unrelated_finding_above() {
    let before = fingerprints_of("p.json", STATEMENTS);
    let more = STATEMENTS.replacen(
        "\"Statement\": [",
        "\"Statement\": [\n  {\"Effect\": \"Allow\", \"Action\": \"ec2:NoSuchThing\", \"Resource\": \"*\"},",
        1,
    );
    let after = fingerprints_of("p.json", &more);
    assert_eq!(after.len(), before.len() + 1, "{after:?}");
    for fingerprint in &before {
        assert!(after.contains(fingerprint), "{fingerprint:?} lost in {after:?}");
    }
}

#[test]
fn fingerprints_do_not_hash_the_message() {
    // A reworded message, or one that quotes another catalog date, is the same finding.
    let outcome = common::run(&["testdata/examples"]);
    let before = fingerprints(
        &serde_json::from_str(&common::render(&outcome, iamlint::report::Format::Sarif)).unwrap(),
    );
    let mut reworded = common::run(&["testdata/examples"]);
    for finding in &mut reworded.findings {
        finding.message = format!("reworded as of 2099-01-01: {}", finding.message);
        finding.help = Some("other help".to_string());
    }
    let after = fingerprints(
        &serde_json::from_str(&common::render(&reworded, iamlint::report::Format::Sarif)).unwrap(),
    );
    assert_eq!(after, before);
}

#[test]
fn distinct_elements_have_distinct_fingerprints() {
    let twice = r#"{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "s3:NoSuchAction", "Resource": "*"},
  {"Effect": "Allow", "Action": "s3:OtherMissingAction", "Resource": "*"},
  {"Effect": "Allow", "Action": "s3:NoSuchAction", "Resource": "*"}
]}"#;
    let found: Vec<String> = fingerprints_of("p.json", twice)
        .into_iter()
        .filter(|(rule, _)| rule == "iam/undocumented-action")
        .map(|(_, fp)| fp)
        .collect();
    assert_eq!(found.len(), 3, "{found:?}");
    // Two elements with different text hash differently; the same text twice has the
    // same hash and its occurrence number after it.
    let hash = |fp: &String| fp.split_once(':').unwrap().0.to_string();
    assert_ne!(hash(&found[0]), hash(&found[1]));
    assert_eq!(hash(&found[0]), hash(&found[2]));
    assert!(found[0].ends_with(":1") && found[2].ends_with(":2"), "{found:?}");
    // The same text in another file is another element.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.json"), STATEMENTS).unwrap();
    std::fs::write(dir.path().join("b.json"), STATEMENTS).unwrap();
    let both = fingerprints(&sarif_in(dir.path(), &["."]));
    let (a, b) = both.split_at(both.len() / 2);
    assert!(a.iter().zip(b).all(|(x, y)| x.0 == y.0 && x.1 != y.1), "{both:?}");
}

/// A template whose passwords are `first` and `second`.
fn template_with_passwords(first: &str, second: &str) -> String {
    format!(
        r#"AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  AdminPassword:
    Type: String
    NoEcho: true
    Default: {first}
Resources:
  Database:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBInstanceClass: db.t4g.micro
      MasterUsername: admin
      MasterUserPassword: !Ref AdminPassword
  Cluster:
    Type: AWS::RDS::DBCluster
    Properties:
      Engine: aurora-postgresql
      MasterUsername: admin
      ManageMasterUserPassword: true
      MasterUserPassword: {second}
"#
    )
}

#[test]
fn no_fingerprint_is_derived_from_a_password() {
    let before = fingerprints_of(
        "db.yaml",
        &template_with_passwords("Sup3rSecret!", "hunter2hunter2"),
    );
    let rules: Vec<&str> = before.iter().map(|(rule, _)| rule.as_str()).collect();
    assert!(
        rules
            .iter()
            .filter(|r| **r == "rds/hardcoded-master-password")
            .count()
            == 2,
        "{before:?}"
    );
    // Other passwords, of other lengths: every fingerprint is the same, so none of them
    // depends on the password's bytes (or its length).
    for (first, second) in [("x", "y"), ("a-much-longer-password-0123456789", "Sup3rSecret!")] {
        assert_eq!(
            fingerprints_of("db.yaml", &template_with_passwords(first, second)),
            before
        );
    }
}

#[test]
fn every_rule_descriptor_has_what_code_scanning_shows() {
    let outcome = common::run(&["testdata/examples"]);
    let sarif: Value =
        serde_json::from_str(&common::render(&outcome, iamlint::report::Format::Sarif)).unwrap();
    let driver = &sarif["runs"][0]["tool"]["driver"];
    let version = driver["semanticVersion"].as_str().unwrap();
    let parts: Vec<&str> = version.split(['-', '+']).next().unwrap().split('.').collect();
    assert!(
        parts.len() == 3 && parts.iter().all(|p| p.parse::<u64>().is_ok()),
        "{version}"
    );
    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(rules.len(), common::registry().rules().len());
    for rule in rules {
        let id = rule["id"].as_str().unwrap();
        let group = match id.split_once('/') {
            Some((group, _)) => group,
            None => "engine",
        };
        assert_eq!(
            rule["properties"]["tags"],
            serde_json::json!(["security", group]),
            "{id}"
        );
        // GitHub: a string, a score above 0.0 up to 10.0; its band follows the level.
        let score: f64 = rule["properties"]["security-severity"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        let band = match rule["defaultConfiguration"]["level"].as_str().unwrap() {
            "error" => 7.0..9.0,
            "warning" => 4.0..7.0,
            "note" => 0.1..4.0,
            other => panic!("{other}"),
        };
        assert!(band.contains(&score), "{id}: {score}");
        for field in ["shortDescription", "fullDescription"] {
            let text = rule[field]["text"].as_str().unwrap();
            assert!(!text.is_empty() && text.chars().count() <= 1024, "{id} {field}");
        }
        assert!(rule["name"].as_str().unwrap().len() <= 255);
        assert!(!rule["help"]["text"].as_str().unwrap().is_empty());
    }
}

#[test]
fn assertions_are_documented_from_the_config() {
    let project = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/projects/org");
    let output = iamlint_in(&project, &["check", "--format", "sarif", "."]);
    let sarif: Value = serde_json::from_slice(&output.stdout).unwrap();
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    let rule = |id: &str| {
        rules
            .iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("{id}"))
    };

    let passwords = rule("assert/no-hand-set-passwords");
    let help = passwords["help"]["markdown"].as_str().unwrap();
    for part in [
        "must be denied",
        "`rds:CreateDBInstance`, `rds:Restore*`",
        "`rds:ManageMasterUserPassword` = `false`",
        "database master passwords are generated by RDS",
        "## What to write instead",
    ] {
        assert!(help.contains(part), "{part} missing in {help}");
    }
    assert_eq!(passwords["defaultConfiguration"]["level"], "error");
    assert!(
        passwords["fullDescription"]["text"]
            .as_str()
            .unwrap()
            .contains("no-hand-set-passwords")
    );

    let allow = rule("assert/deployer-creates-databases");
    let help = allow["help"]["text"].as_str().unwrap();
    assert!(
        help.contains("must be allowed for principal `deployer`"),
        "{help}"
    );
    assert!(
        help.contains("`arn:aws:rds:eu-west-1:111122223333:db:orders`"),
        "{help}"
    );

    let analyst = rule("assert/analyst-reads-only");
    assert_eq!(analyst["defaultConfiguration"]["level"], "warning");
    assert_eq!(
        analyst["properties"]["tags"],
        serde_json::json!(["security", "assert"])
    );
    assert_eq!(analyst["properties"]["security-severity"], "5.5");
}
