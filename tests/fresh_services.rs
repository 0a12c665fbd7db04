//! Every rule that reads the catalog works on services AWS launched after 2024 (Amazon S3
//! Vectors and Amazon Bedrock AgentCore, both 2025): known names are accepted, typos are
//! caught, and keys and actions are related as the Service Authorization Reference says.
//! A stale catalog fails here.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use iamlint::discover::Input;
use iamlint::engine::{Selection, check};
use iamlint::rules::Registry;

/// The findings of `rule` on a policy document given as text.
fn findings(rule: &str, policy: &str) -> Vec<String> {
    let registry = Registry::global().unwrap();
    assert!(registry.get(rule).is_some(), "{rule} is not registered");
    let selection = Selection {
        select: vec![rule.to_string()],
        ignore: Vec::new(),
    };
    let input = Input::Stdin {
        name: "fresh.json".into(),
    };
    let outcome = check(&[input], Some(policy), registry, &selection);
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
