//! Bounded time and memory on hostile input (issue 9, item 7): documents built to make a
//! parser or a rule do more than linear work. Nothing here is timed: each test asserts
//! what the result is (the finding still found among many items, or the budget finding
//! with its location), on inputs large enough that the quadratic code they replace would
//! not finish in any reasonable time. `scripts/hostile-bench` measures time and memory.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod common;

use iamlint::report::Format;
use serde_json::Value;

/// Checks one file written to a temporary directory; its findings as the JSON report has
/// them (rule, message, line, column, labels).
fn check(name: &str, text: &str) -> Vec<Value> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    let outcome = common::run(&[path.to_str().unwrap()]);
    let report: Value = serde_json::from_str(&common::render(&outcome, Format::Json)).unwrap();
    report["findings"].as_array().unwrap().clone()
}

fn of_rule<'f>(findings: &'f [Value], rule: &str) -> Vec<&'f Value> {
    findings.iter().filter(|f| f["rule"] == rule).collect()
}

/// `(line, column)` of a finding.
fn at(finding: &Value) -> (u64, u64) {
    (
        finding["line"].as_u64().unwrap(),
        finding["column"].as_u64().unwrap(),
    )
}

/// A policy document with one statement per line (line `i + 3` holds statement `i`).
fn policy(statements: impl Iterator<Item = String>) -> String {
    let statements: Vec<String> = statements.collect();
    format!(
        "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n{}\n  ]\n}}\n",
        statements.join(",\n")
    )
}

#[test]
fn redundant_statement_finds_the_one_duplicate_among_50000_statements() {
    let n = 50_000;
    let statements = (0..n)
        .map(|i| {
            format!(
                r#"    {{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b{i}/*"}}"#
            )
        })
        .chain(std::iter::once(
            r#"    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b7/*"}"#
                .to_string(),
        ));
    let findings = check("many.json", &policy(statements));
    let redundant = of_rule(&findings, "iam/redundant-statement");
    assert_eq!(redundant.len(), 1, "{redundant:#?}");
    assert_eq!(at(redundant[0]), (n + 4, 6));
    assert_eq!(redundant[0]["labels"][0]["line"], 4 + 7);
}

#[test]
fn redundant_statement_stops_at_its_budget_and_says_where() {
    // Every statement shares its scope and names another action: each pair of action
    // lists must be compared, 6,000^2 of them.
    let catalog = std::fs::read_to_string("catalog/aws-iam-catalog.jsonl").unwrap();
    let actions: Vec<String> = catalog
        .lines()
        .skip(1)
        .flat_map(|line| {
            let service: Value = serde_json::from_str(line).unwrap();
            let prefix = service["p"].as_str().unwrap().to_string();
            service["a"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |a| format!("{prefix}:{}", a[0].as_str().unwrap()))
                .collect::<Vec<_>>()
        })
        .take(6_000)
        .collect();
    let statements = actions
        .iter()
        .map(|a| format!(r#"    {{"Effect": "Allow", "Action": "{a}", "Resource": "*"}}"#));
    let findings = check("pairs.json", &policy(statements));
    let limits = of_rule(&findings, "analysis-limit");
    assert_eq!(limits.len(), 1, "{limits:#?}");
    let message = limits[0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("`iam/redundant-statement` stopped early:"),
        "{message}"
    );
    let (line, column) = at(limits[0]);
    assert!(line > 4 && line < 6_004, "{line}");
    assert_eq!(column, 6);
}

#[test]
fn duplicate_sid_among_50000_statements() {
    let n = 50_000;
    let statements = (0..n)
        .map(|i| format!(r#"    {{"Sid": "S{i}", "Effect": "Deny", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b{i}"}}"#))
        .chain(std::iter::once(
            r#"    {"Sid": "S42", "Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"}"#.to_string(),
        ));
    let findings = check("sids.json", &policy(statements));
    let duplicates = of_rule(&findings, "iam/duplicate-sid");
    assert_eq!(duplicates.len(), 1);
    assert_eq!(at(duplicates[0]), (n + 4, 13));
    assert_eq!(duplicates[0]["labels"][0]["line"], 4 + 42);
}

#[test]
fn redundant_condition_value_among_150000_values() {
    let values: Vec<String> = (0..150_000)
        .map(|i| format!("\"team-{i}\""))
        .chain(std::iter::once("\"team-7\"".to_string()))
        .collect();
    let statement = format!(
        r#"    {{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {{"StringEquals": {{"aws:PrincipalTag/team": [
{}
    ]}}}}}}"#,
        values.join(",\n")
    );
    let findings = check("values.json", &policy(std::iter::once(statement)));
    let redundant = of_rule(&findings, "iam/redundant-condition-value");
    assert_eq!(redundant.len(), 1);
    assert_eq!(at(redundant[0]).0, 4 + 150_000 + 1);
}

#[test]
fn redundant_resource_among_50000_resources() {
    let resources: Vec<String> = (0..50_000)
        .map(|i| format!("\"arn:aws:s3:::bucket-{i}/*\""))
        .chain(std::iter::once("\"arn:aws:s3:::bucket-12*\"".to_string()))
        .collect();
    let statement = format!(
        "    {{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": [\n{}\n    ]}}",
        resources.join(",\n")
    );
    let findings = check("resources.json", &policy(std::iter::once(statement)));
    let redundant = of_rule(&findings, "iam/redundant-resource");
    // `bucket-12*` covers bucket-12, bucket-120..129, bucket-1200..1299, bucket-12000..12999.
    assert_eq!(redundant.len(), 1 + 10 + 100 + 1000);
    assert!(redundant.iter().all(|f| f["labels"][0]["line"] == 4 + 50_000 + 1));
}

#[test]
fn policy_variables_nested_100000_deep_or_left_open() {
    let nested = format!(
        "arn:aws:s3:::b/{}aws:username{}",
        "${".repeat(100_000),
        "}".repeat(100_000)
    );
    let unclosed = format!("arn:aws:s3:::b/{}", "${".repeat(100_000));
    for (name, resource, more) in [("nested", nested, "99,998"), ("unclosed", unclosed, "99,999")] {
        let statement =
            format!(r#"    {{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "{resource}"}}"#);
        let first = statement.find("${").unwrap() as u64 + 1;
        let findings = check(&format!("{name}.json"), &policy(std::iter::once(statement)));
        let variables = of_rule(&findings, "iam/policy-variable");
        // One finding for the value, at its first `${`, that counts the others: one
        // mistake to fix, not 100,000 findings.
        assert_eq!(variables.len(), 1, "{name}: {variables:?}");
        assert_eq!(at(variables[0]), (4, first), "{name}");
        let message = variables[0]["message"].as_str().unwrap();
        assert!(
            message.ends_with(&format!("(and {more} more like it in this value)")),
            "{message}"
        );
    }
}

#[test]
fn columns_on_a_minified_line_with_many_findings() {
    // One line of 1.5 MB with 100,000 findings: each column counted from the line start
    // would be 200,000 scans of the line.
    let actions: Vec<String> = (0..100_000).map(|_| "\"s3:GetObject\"".to_string()).collect();
    let text = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Resource":"*","Action":[{}]}}]}}"#,
        actions.join(",")
    );
    let last_item = text.rfind("\"s3:GetObject\"").unwrap() as u64 + 1;
    let findings = check("minified.json", &text);
    let redundant = of_rule(&findings, "iam/redundant-action");
    assert_eq!(redundant.len(), 99_999);
    assert_eq!(at(redundant.last().unwrap()), (1, last_item));
}
