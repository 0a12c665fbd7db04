//! Output formats on their own axis: one input with several findings (the shipped
//! examples), one snapshot per format, plus checks of each format's contract.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod common;

use common::{render, run};
use iamlint::report::Format;

const EXAMPLES: &str = "testdata/examples";

#[test]
fn human() {
    insta::assert_snapshot!(render(&run(&[EXAMPLES]), Format::Human));
}

#[test]
fn gnu() {
    let output = render(&run(&[EXAMPLES]), Format::Gnu);
    let line = regex_free_gnu_check(&output);
    assert!(line, "every line is file:line:col: severity: message [rule]");
    insta::assert_snapshot!(output);
}

/// `file:line:col: severity: message [rule]`, checked without a regex dependency.
fn regex_free_gnu_check(output: &str) -> bool {
    output.lines().all(|line| {
        let parts: Vec<&str> = line.splitn(5, ": ").collect();
        let location: Vec<&str> = parts[0].rsplitn(3, ':').collect();
        location.len() == 3
            && location[0].parse::<usize>().is_ok()
            && location[1].parse::<usize>().is_ok()
            && matches!(parts.get(1), Some(&("error" | "warning" | "info")))
            && line.ends_with(']')
    })
}

#[test]
fn json() {
    let output = render(&run(&[EXAMPLES]), Format::Json);
    let value: serde_json::Value = serde_json::from_str(&output).unwrap();
    assert_eq!(value["version"], 1);
    let findings = value["findings"].as_array().unwrap();
    let keys = |f: &serde_json::Value| {
        (
            f["file"].as_str().unwrap().to_string(),
            f["line"].as_u64().unwrap(),
            f["column"].as_u64().unwrap(),
            f["rule"].as_str().unwrap().to_string(),
        )
    };
    let order: Vec<_> = findings.iter().map(keys).collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted, "findings sorted by file, line, column, rule");
    insta::assert_snapshot!(output);
}

#[test]
fn sarif() {
    let output = render(&run(&[EXAMPLES]), Format::Sarif);
    let value: serde_json::Value = serde_json::from_str(&output).unwrap();
    assert_eq!(value["version"], "2.1.0");
    let run = &value["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for rule in rules {
        for field in ["id", "shortDescription", "fullDescription", "help", "helpUri"] {
            assert!(!rule[field].is_null(), "rule descriptor without {field}");
        }
    }
    for result in run["results"].as_array().unwrap() {
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1);
        assert!(region["startColumn"].as_u64().unwrap() >= 1);
        assert!(!result["partialFingerprints"]["iamlint/v2"].is_null());
        let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(
            !uri.starts_with('/') && !uri.contains('\\'),
            "relative URI: {uri}"
        );
    }
    insta::assert_snapshot!(output);
}

#[test]
fn github() {
    let output = render(&run(&[EXAMPLES]), Format::Github);
    for line in output.lines() {
        assert!(
            line.starts_with("::error file=")
                || line.starts_with("::warning file=")
                || line.starts_with("::notice file="),
            "{line}"
        );
        assert!(line.contains(",endLine=") && line.contains(",title="), "{line}");
    }
    insta::assert_snapshot!(output);
}

#[test]
fn no_format_prints_a_password_from_the_examples() {
    let outcome = run(&[EXAMPLES]);
    for format in [
        Format::Human,
        Format::Json,
        Format::Gnu,
        Format::Sarif,
        Format::Github,
    ] {
        let output = render(&outcome, format);
        for secret in ["Sup3rSecret!", "hunter2hunter2"] {
            assert!(!output.contains(secret), "{format:?} printed a password");
        }
    }
}
