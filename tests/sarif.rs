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

#[test]
fn uris_are_relative_and_percent_encoded() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("a b#c");
    std::fs::create_dir(&sub).unwrap();
    std::fs::write(sub.join("x%y.json"), POLICY_WITH_FINDINGS).unwrap();
    let sarif = sarif_in(dir.path(), &["."]);
    assert_eq!(uri_of(&results(&sarif)[0]), "a%20b%23c/x%25y.json");
}
