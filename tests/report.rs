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

/// JUnit XML: a testsuite per file whose counts match its testcases, a testcase per rule
/// of `check`,
/// a failure per finding that starts with `file:line:col:`. (scripts/validate-junit checks
/// the same output against the Jenkins JUnit schema.)
#[test]
fn junit() {
    let outcome = run(&[EXAMPLES]);
    let output = render(&outcome, Format::Junit);
    let doc = roxmltree::Document::parse(&output).unwrap();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let suites: Vec<_> = root.children().filter(|n| n.is_element()).collect();
    let files = outcome.sources.len();
    assert_eq!(suites.len(), files, "one testsuite per file");
    // Every rule of `check`: the `diff` rules run only in `iamlint diff`.
    let rules = common::registry()
        .rules()
        .iter()
        .filter(|r| !iamlint::rules::is_diff_rule(&r.meta.id))
        .count();
    let mut all_failures = 0;
    for suite in &suites {
        assert_eq!(suite.tag_name().name(), "testsuite");
        let path = suite.attribute("name").unwrap();
        let cases: Vec<_> = suite.children().filter(|n| n.has_tag_name("testcase")).collect();
        assert_eq!(cases.len(), rules, "{path}: a testcase per rule");
        let count = |attr: &str| suite.attribute(attr).unwrap().parse::<usize>().unwrap();
        assert_eq!(count("tests"), cases.len());
        let failing = cases
            .iter()
            .filter(|c| c.children().any(|n| n.has_tag_name("failure")));
        assert_eq!(count("failures"), failing.count());
        for case in &cases {
            assert_eq!(case.attribute("classname"), Some(path));
            for failure in case.children().filter(|n| n.has_tag_name("failure")) {
                all_failures += 1;
                let text = failure.text().unwrap();
                let location = text.split(": ").next().unwrap();
                let parts: Vec<&str> = location.rsplitn(3, ':').collect();
                assert_eq!(parts[2], path, "{text}");
                assert!(
                    parts[0].parse::<usize>().is_ok() && parts[1].parse::<usize>().is_ok(),
                    "{text}"
                );
                assert!(
                    text.contains(&format!("[{}]", case.attribute("name").unwrap())),
                    "{text}"
                );
            }
        }
    }
    assert_eq!(all_failures, outcome.findings.len());
    let total = |attr: &str| root.attribute(attr).unwrap().parse::<usize>().unwrap();
    assert_eq!(total("tests"), files * rules);
    insta::assert_snapshot!(output);
}

/// GitLab Code Quality: the fields GitLab's documentation requires ("Code Quality report
/// format": description, check_name, fingerprint, severity, location.path and
/// location.lines.begin), a severity of its scale, fingerprints unique in the report and
/// equal to SARIF's.
#[test]
fn gitlab() {
    let outcome = run(&[EXAMPLES]);
    let output = render(&outcome, Format::Gitlab);
    let issues: Vec<serde_json::Value> = serde_json::from_str(&output).unwrap();
    assert_eq!(issues.len(), outcome.findings.len());
    let mut fingerprints = std::collections::HashSet::new();
    for issue in &issues {
        for field in ["description", "check_name", "fingerprint", "severity"] {
            assert!(
                issue[field].as_str().is_some_and(|s| !s.is_empty()),
                "issue without {field}: {issue}"
            );
        }
        assert!(
            ["info", "minor", "major", "critical", "blocker"].contains(&issue["severity"].as_str().unwrap()),
            "{issue}"
        );
        let path = issue["location"]["path"].as_str().unwrap();
        assert!(!path.is_empty() && !path.starts_with("./"), "{issue}");
        assert!(
            issue["location"]["lines"]["begin"].as_u64().unwrap() >= 1,
            "{issue}"
        );
        assert!(
            fingerprints.insert(issue["fingerprint"].as_str().unwrap().to_string()),
            "{issue}"
        );
    }
    let sarif: serde_json::Value = serde_json::from_str(&render(&outcome, Format::Sarif)).unwrap();
    let unsuppressed: std::collections::HashSet<String> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r.get("suppressions").is_none())
        .map(|r| {
            r["partialFingerprints"]["iamlint/v2"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(fingerprints, unsuppressed, "the fingerprints of SARIF");
    insta::assert_snapshot!(output);
}

#[test]
fn no_format_prints_a_password_from_the_examples() {
    let outcome = run(&[EXAMPLES]);
    for &format in <Format as clap::ValueEnum>::value_variants() {
        let output = render(&outcome, format);
        for secret in ["Sup3rSecret!", "hunter2hunter2"] {
            assert!(!output.contains(secret), "{format:?} printed a password");
        }
    }
}
