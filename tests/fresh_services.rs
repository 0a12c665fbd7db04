//! Every rule that reads the catalog works on services AWS launched after 2024 (Amazon S3
//! Vectors and Amazon Bedrock AgentCore, both 2025): known names are accepted, typos are
//! caught, and keys and actions are related as the Service Authorization Reference says.
//! A stale catalog fails here.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use iamlint::discover::Input;
use iamlint::engine::{RuleSettings, Selection, check};
use iamlint::rules::Registry;

/// The findings of `rule` on a policy document given as text.
fn findings(rule: &str, policy: &str) -> Vec<String> {
    let registry = Registry::global().unwrap();
    assert!(registry.get(rule).is_some(), "{rule} is not registered");
    let selection = RuleSettings::from_command_line(Selection {
        select: Some(vec![rule.to_string()]),
        ..Selection::default()
    });
    let input = Input::Stdin {
        name: "fresh.json".into(),
    };
    let outcome = check(&[input], Some(policy.as_bytes()), registry, &selection);
    outcome
        .findings
        .iter()
        .filter(|f| f.rule == rule)
        .map(|f| f.message.clone())
        .collect()
}

fn policy(statements: &str) -> String {
    format!(r#"{{"Version": "2012-10-17", "Statement": [{statements}]}}"#)
}

#[test]
fn deny_guard_incomplete_knows_s3_vectors_keys() {
    let guard = policy(
        r#"{"Effect": "Deny", "Action": "s3vectors:CreateVectorBucket", "Resource": "*",
            "Condition": {"StringNotEquals": {"s3vectors:sseType": "aws:kms"}}}"#,
    );
    let found = findings("iam/deny-guard-incomplete", &guard);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("s3vectors:CreateIndex"), "{found:?}");
    let complete = policy(
        r#"{"Effect": "Deny", "Action": ["s3vectors:CreateVectorBucket", "s3vectors:CreateIndex"], "Resource": "*",
            "Condition": {"StringNotEquals": {"s3vectors:sseType": "aws:kms"}}}"#,
    );
    assert!(findings("iam/deny-guard-incomplete", &complete).is_empty());
}

#[test]
fn condition_key_rules_know_s3_vectors_keys() {
    let known = policy(
        r#"{"Effect": "Allow", "Action": "s3vectors:CreateVectorBucket", "Resource": "*",
            "Condition": {"StringEquals": {"s3vectors:sseType": "aws:kms"},
                          "ArnEquals": {"s3vectors:kmsKeyArn": "arn:aws:kms:eu-west-1:111122223333:key/abc"}}}"#,
    );
    for rule in [
        "iam/unknown-condition-key",
        "iam/condition-key-not-supported",
        "iam/condition-type-mismatch",
        "iam/string-operator-on-arn-key",
    ] {
        assert!(
            findings(rule, &known).is_empty(),
            "{rule} on known S3 Vectors keys"
        );
    }
    let typo = policy(
        r#"{"Effect": "Allow", "Action": "s3vectors:CreateVectorBucket", "Resource": "*",
            "Condition": {"StringEquals": {"s3vectors:sseTyp": "aws:kms"}}}"#,
    );
    let found = findings("iam/unknown-condition-key", &typo);
    assert_eq!(found.len(), 1, "{found:?}");
    // The key exists, but GetVectors requests do not carry it.
    let unsupported = policy(
        r#"{"Effect": "Allow", "Action": "s3vectors:GetVectors", "Resource": "*",
            "Condition": {"StringEquals": {"s3vectors:sseType": "aws:kms"}}}"#,
    );
    assert_eq!(findings("iam/condition-key-not-supported", &unsupported).len(), 1);
    // kmsKeyArn is an ARN key: Bool does not fit it, StringEquals works but is flagged.
    let mistyped = policy(
        r#"{"Effect": "Allow", "Action": "s3vectors:CreateIndex", "Resource": "*",
            "Condition": {"Bool": {"s3vectors:kmsKeyArn": "true"},
                          "StringEquals": {"s3vectors:kmsKeyArn": "arn:aws:kms:eu-west-1:111122223333:key/abc"}}}"#,
    );
    assert_eq!(findings("iam/condition-type-mismatch", &mistyped).len(), 1);
    assert_eq!(findings("iam/string-operator-on-arn-key", &mistyped).len(), 1);
}

#[test]
fn action_rules_know_2025_services() {
    let known = policy(
        r#"{"Effect": "Allow", "Action": ["s3vectors:QueryVectors", "s3vectors:Get*",
            "bedrock-agentcore:InvokeAgentRuntime"], "Resource": "*"}"#,
    );
    for rule in [
        "iam/unknown-service",
        "iam/unknown-action",
        "iam/undocumented-action",
        "iam/action-matches-nothing",
    ] {
        assert!(
            findings(rule, &known).is_empty(),
            "{rule} on S3 Vectors / AgentCore actions"
        );
    }
    let typos = policy(
        r#"{"Effect": "Allow", "Action": ["s3vector:QueryVectors", "s3vectors:QueryVector",
            "s3vectors:Frobnicate*"], "Resource": "*"}"#,
    );
    let service = findings("iam/unknown-service", &typos);
    assert!(
        service.len() == 1 && service[0].contains("s3vector"),
        "{service:?}"
    );
    assert_eq!(findings("iam/unknown-action", &typos).len(), 1);
    assert_eq!(findings("iam/action-matches-nothing", &typos).len(), 1);
}

#[test]
fn resource_rules_know_2025_arn_formats() {
    let index = "arn:aws:s3vectors:eu-west-1:111122223333:bucket/embeddings/index/docs";
    let scoped = policy(&format!(
        r#"{{"Effect": "Allow", "Action": ["s3vectors:QueryVectors", "s3vectors:PutVectors"], "Resource": "{index}"}}"#
    ));
    for rule in ["iam/invalid-arn", "iam/resource-mismatch", "iam/resource-star"] {
        assert!(
            findings(rule, &scoped).is_empty(),
            "{rule} on an S3 Vectors index ARN"
        );
    }
    // S3 Vectors ARNs have a Region and an account, unlike S3 bucket ARNs.
    let no_region = policy(
        r#"{"Effect": "Allow", "Action": "s3vectors:QueryVectors", "Resource": "arn:aws:s3vectors:::bucket/embeddings/index/docs"}"#,
    );
    assert_eq!(findings("iam/invalid-arn", &no_region).len(), 1);
    // QueryVectors acts on indexes, not on vector buckets.
    let bucket = policy(
        r#"{"Effect": "Allow", "Action": "s3vectors:QueryVectors", "Resource": "arn:aws:s3vectors:eu-west-1:111122223333:bucket/embeddings"}"#,
    );
    assert_eq!(findings("iam/resource-mismatch", &bucket).len(), 1);
    let star = policy(r#"{"Effect": "Allow", "Action": "s3vectors:QueryVectors", "Resource": "*"}"#);
    assert_eq!(findings("iam/resource-star", &star).len(), 1);
}
