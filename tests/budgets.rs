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

#[test]
fn principals_sharing_a_large_policy_are_evaluated_within_a_budget() {
    // 2,100 roles attached to one managed policy of 1,000 statements: every rds rule that
    // evaluates principals would visit 2,100,000 statements per request. The shared finding
    // names five roles and counts the rest; past the budget, the rule says where it stopped.
    let roles = 2_100;
    let mut statements = vec![
        r#"{"Effect": "Deny", "Action": "rds:CreateDBInstance", "Resource": "*", "Condition": {"Bool": {"rds:ManageMasterUserPassword": "false"}}}"#.to_string(),
        r#"{"Effect": "Allow", "Action": ["rds:CreateDBInstance", "rds:ModifyDBInstance"], "Resource": "*"}"#.to_string(),
    ];
    statements.extend((2..1_000).map(|i| {
        format!(r#"{{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b{i}/*"}}"#)
    }));
    let trust = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}"#;
    let mut resources = vec![format!(
        r#""Shared": {{"Type": "AWS::IAM::ManagedPolicy", "Properties": {{"Roles": [{}], "PolicyDocument": {{"Version": "2012-10-17", "Statement": [{}]}}}}}}"#,
        (0..roles)
            .map(|i| format!(r#"{{"Ref": "Role{i}"}}"#))
            .collect::<Vec<_>>()
            .join(", "),
        statements.join(", ")
    )];
    // One role per line: role `i` is on line `i + 4`.
    resources.extend((0..roles).map(|i| {
        format!(r#""Role{i}": {{"Type": "AWS::IAM::Role", "Properties": {{"AssumeRolePolicyDocument": {trust}}}}}"#)
    }));
    let template = format!("{{\n  \"Resources\": {{\n{}\n  }}\n}}\n", resources.join(",\n"));
    let findings = check("template.json", &template);
    let gaps = of_rule(&findings, "rds/guard-bypass-modify");
    assert_eq!(gaps.len(), 1, "{findings:#?}");
    let message = gaps[0]["message"].as_str().unwrap();
    assert!(
        message.contains(
            "(for role `Role0`, role `Role1`, role `Role2`, role `Role3`, role `Role4` and 1,995 more)"
        ),
        "{message}"
    );
    // 1,000 statements a role: the budget of 2,000,000 holds 2,000 roles.
    let limits: Vec<&Value> = of_rule(&findings, "analysis-limit")
        .into_iter()
        .filter(|f| {
            f["message"]
                .as_str()
                .unwrap()
                .starts_with("`rds/guard-bypass-modify` stopped early")
        })
        .collect();
    assert_eq!(limits.len(), 1, "{findings:#?}");
    assert_eq!(at(limits[0]), (2_000 + 4, 1), "{:?}", limits[0]);
    let message = limits[0]["message"].as_str().unwrap();
    assert!(
        message.contains("role `Role2000` and the 99 after it were not checked"),
        "{message}"
    );
}

#[test]
fn a_plan_of_thousands_of_attachments_is_lowered_with_each_one_resolved() {
    // 5,000 policies, roles and attachments that name each other by ARN and by name: a
    // lookup by scan for each was 5,000 x 15,000 comparisons per reference. The last policy
    // holds the guard and the grant; its attachment names the last role.
    let n = 5_000;
    let mut resources = Vec::new();
    for i in 0..n {
        let statement = if i == n - 1 {
            r#"[{"Effect": "Deny", "Action": "rds:CreateDBInstance", "Resource": "*", "Condition": {"Bool": {"rds:ManageMasterUserPassword": "false"}}}, {"Effect": "Allow", "Action": "rds:CreateDBInstance", "Resource": "*"}]"#.to_string()
        } else {
            format!(r#"[{{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b{i}/*"}}]"#)
        };
        let document = serde_json::to_string(&format!(
            r#"{{"Version": "2012-10-17", "Statement": {statement}}}"#
        ))
        .unwrap();
        let arn = format!("arn:aws:iam::111122223333:policy/p{i}");
        resources.push(format!(
            r#"{{"address": "aws_iam_policy.p{i}", "mode": "managed", "type": "aws_iam_policy", "name": "p{i}", "values": {{"name": "p{i}", "arn": "{arn}", "policy": {document}}}}}"#
        ));
        resources.push(format!(
            r#"{{"address": "aws_iam_role.r{i}", "mode": "managed", "type": "aws_iam_role", "name": "r{i}", "values": {{"name": "r{i}"}}}}"#
        ));
        resources.push(format!(
            r#"{{"address": "aws_iam_role_policy_attachment.a{i}", "mode": "managed", "type": "aws_iam_role_policy_attachment", "name": "a{i}", "values": {{"role": "r{i}", "policy_arn": "{arn}"}}}}"#
        ));
    }
    let plan = format!(
        r#"{{"format_version": "1.2", "planned_values": {{"root_module": {{"resources": [{}]}}}}}}"#,
        resources.join(",\n")
    );
    let findings = check("plan.json", &plan);
    let missing = of_rule(&findings, "rds/missing-secret-permissions");
    assert_eq!(missing.len(), 1, "{findings:#?}");
    let message = missing[0]["message"].as_str().unwrap();
    assert!(message.contains("(for role `aws_iam_role.r4999`)"), "{message}");
}

#[test]
fn suppressions_stacked_by_the_100000_name_one_line() {
    let n = 100_000;
    let mut text = String::from("Version: \"2012-10-17\"\nStatement:\n");
    for _ in 0..n {
        text.push_str("  # iamlint: ignore[iam/resource-star] reason: x\n");
    }
    text.push_str("  - Effect: Allow\n    Action: s3:GetObject\n    Resource: \"*\"\n");
    let findings = check("stacked.yaml", &text);
    // The first one suppresses the finding; every other one is unused.
    assert!(of_rule(&findings, "iam/resource-star").is_empty());
    let unused = of_rule(&findings, "iamlint/unused-suppression");
    assert_eq!(unused.len(), n - 1);
    assert_eq!(at(unused[0]), (4, 3));
}

#[test]
fn suppressions_of_30000_statements_inside_one_outer_suppression() {
    // The outer comment covers every statement, so a scan back over the scopes that
    // start before a finding would visit them all for each finding.
    let n = 30_000;
    let mut text = String::from(
        "Version: \"2012-10-17\"\n# iamlint: ignore[iam/pass-role-star] reason: outer\nStatement:\n",
    );
    for i in 0..n {
        let action = if i == n - 1 {
            "iam:PassRole"
        } else {
            "s3:GetObject"
        };
        text.push_str(&format!(
            "  - Effect: Allow\n    Action: {action}\n    Resource: \"*\" # iamlint: ignore[iam/resource-star] reason: inner\n"
        ));
    }
    let findings = check("nested.yaml", &text);
    assert!(of_rule(&findings, "iam/resource-star").is_empty());
    assert!(
        of_rule(&findings, "iam/pass-role-star").is_empty(),
        "the outer one applies"
    );
    assert!(of_rule(&findings, "iamlint/unused-suppression").is_empty());
}
