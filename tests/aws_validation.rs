//! Issue 11, "IAM validation misses": each case runs the binary on a fixture and checks the
//! exact finding (rule, line and column), or its absence, citing the AWS sentence (or the peer
//! fixture) that decides it.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod common;

use common::{iamlint, stdout};

/// The gnu lines of `path` for `rule`, without the path prefix: `line:col: severity: message`.
fn findings(path: &str, rule: &str) -> Vec<String> {
    let output = iamlint(&["check", path, "--format", "gnu", "--no-config"]);
    let tag = format!("[{rule}]");
    stdout(&output)
        .lines()
        .filter(|l| l.ends_with(&tag))
        .map(|l| l.strip_prefix(&format!("{path}:")).unwrap_or(l).to_string())
        .collect()
}

fn positions(path: &str, rule: &str) -> Vec<String> {
    findings(path, rule)
        .iter()
        .map(|l| l.splitn(3, ':').take(2).collect::<Vec<_>>().join(":"))
        .collect()
}

/// Item 7. Service Authorization Reference, IAM's resource types table: `role` and `user` list
/// `iam:ResourceTag/${TagKey}`; IAM User Guide, "Controlling access to and for IAM users and
/// roles using tags": tags attached to the resource control "access to user or role
/// resources". A key of IAM's resource types never reaches `ec2:RunInstances`.
#[test]
fn resource_type_keys_are_judged_by_condition_key_not_supported() {
    let fail = "testdata/iam/condition-key-not-supported/fail-iam-resource-tag-on-run-instances.json";
    assert_eq!(positions(fail, "iam/condition-key-not-supported"), ["9:38"]);
    let pass = "testdata/iam/condition-key-not-supported/pass-some-action-accepts.yaml";
    assert!(findings(pass, "iam/condition-key-not-supported").is_empty());
}

/// Item 8. Service Authorization Reference: "If the column includes a resource type, then you
/// can specify an ARN of that type in a statement with that action." No `ec2` action takes an
/// S3 object ARN.
#[test]
fn wildcard_actions_are_held_against_the_resources() {
    let fail = "testdata/iam/resource-mismatch/fail-wildcard-actions.json";
    let found = findings(fail, "iam/resource-mismatch");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("7:26: warning: "), "{found:?}");
    assert!(found[0].contains("`ec2:*`"), "{found:?}");
    let pass = "testdata/iam/resource-mismatch/pass-near-misses.json";
    assert!(findings(pass, "iam/resource-mismatch").is_empty());
}

/// Item 9. IAM policy validation check reference, "Invalid ARN resource": "The resource ARN
/// must match the specifications for known resource types."
#[test]
fn an_arn_fitting_no_resource_type_of_its_service_is_reported() {
    let fail = "testdata/iam/resource-mismatch/fail-arn-fits-no-type.yaml";
    assert_eq!(
        positions(fail, "iam/resource-mismatch"),
        ["12:23", "17:17"],
        "the stream ARN in Resource and `tables/Books` in NotResource"
    );
}

/// Item 10. IAM User Guide, Condition operators: "You must specify date/time values with one
/// of the W3C implementations of the ISO 8601 date formats or in epoch (UNIX) time." IAM
/// accepts epoch; the check reference's "Invalid date value" warns that "Epoch time might not
/// resolve to the precise time that you expect", which iamlint follows except on
/// `aws:EpochTime`, a key of seconds since 1970.
#[test]
fn epoch_values_in_date_conditions_get_access_analyzers_warning() {
    let fail = "testdata/iam/invalid-condition-value/fail-epoch-date.json";
    let found = findings(fail, "iam/invalid-condition-value");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("9:57: warning: `1798761600` is epoch time"),
        "{found:?}"
    );
    let pass = "testdata/iam/invalid-condition-value/pass-dates.json";
    assert!(findings(pass, "iam/invalid-condition-value").is_empty());
}

/// Item 11. Access Analyzer, "Specific github repo and branch recommended": a trust for
/// `repo:octo-org/*` (any repository) or `repo:octo-org/octo-repo:*` (any branch) is open;
/// a specific repository and branch or environment is not reported.
#[test]
fn github_subjects_must_name_a_repository_and_a_branch() {
    let fail = "testdata/iam/oidc-trust-unrestricted/fail-github-org-wide.json";
    assert_eq!(positions(fail, "iam/oidc-trust-unrestricted"), ["11:67", "21:67"]);
    let pass = "testdata/iam/oidc-trust-unrestricted/pass-restricted.yaml";
    assert!(findings(pass, "iam/oidc-trust-unrestricted").is_empty());
}

/// Item 12. Check reference, "Missing statement": a document with a policy `Version` and no
/// `Statement` is a policy without statements, named or found by the walk.
#[test]
fn a_version_without_statement_is_a_policy_named_or_walked() {
    let fail = "testdata/iam/missing-element/fail-version-only.json";
    assert_eq!(positions(fail, "iam/missing-element"), ["2:3"]);
    let dir = std::env::temp_dir().join(format!("iamlint-version-only-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("policy.json"), "{\"Version\": \"2012-10-17\"}\n").unwrap();
    std::fs::write(dir.join("package.json"), "{\"version\": \"1.0.0\"}\n").unwrap();
    let output = iamlint(&["check", dir.to_str().unwrap(), "--format", "gnu", "--no-config"]);
    let text = stdout(&output);
    assert!(
        text.contains("policy.json:1:2: error: policy document has no `Statement`"),
        "{text}"
    );
    assert!(!text.contains("package.json"), "{text}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Item 13. Check reference, "Federated principal not supported": a `Federated` principal in
/// a bucket policy is not a role trust policy, so no trust findings.
#[test]
fn a_federated_principal_in_a_bucket_policy_is_not_a_trust_policy() {
    let fail = "testdata/iam/invalid-principal/fail-federated-bucket-policy.json";
    let found = findings(fail, "iam/invalid-principal");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0]
            .starts_with("7:21: error: a federated principal is not supported in a resource-based policy"),
        "{found:?}"
    );
    for rule in [
        "iam/oidc-trust-unrestricted",
        "iam/element-not-allowed",
        "iam/trust-action-mismatch",
    ] {
        assert!(findings(fail, rule).is_empty(), "{rule}");
    }
}

/// Item 14. cfn-lint's fixture `test/fixtures/templates/bad/resources/iam/iam_policy.yaml`:
/// line 38 is a `PolicyDocument` written as a list holding `Fn::If`, and `'arn'` in
/// `NotResource` beside `Resource` (a conflicting-elements error) is not an ARN either.
#[test]
fn cfn_lint_iam_policy_fixture_shapes_are_reported() {
    let list = "testdata/iam/invalid-element-type/fail-policy-document-list.yaml";
    assert_eq!(positions(list, "iam/invalid-element-type"), ["11:9"]);
    assert!(
        findings(
            "testdata/iam/invalid-element-type/pass-intrinsics.yaml",
            "iam/invalid-element-type"
        )
        .is_empty()
    );
    let both = "testdata/iam/invalid-arn/fail-not-resource-beside-resource.yaml";
    assert_eq!(positions(both, "iam/conflicting-elements"), ["14:13"]);
    assert_eq!(positions(both, "iam/invalid-arn"), ["14:27"]);
}

/// Item 15. parliament's RESOURCE_EFFECTIVELY_STAR: `arn:*:*:*:*:*` names every resource.
#[test]
fn an_arn_of_wildcards_is_resource_star() {
    let fail = "testdata/iam/resource-star/fail-effectively-star.json";
    assert_eq!(positions(fail, "iam/resource-star"), ["8:19", "14:19"]);
}

/// Item 16. AWS Security Blog, "AWS Organizations service control policy now supports full IAM
/// language" (September 2025): "you can now use wildcards at the beginning or middle of the
/// Action element strings".
#[test]
fn scps_accept_wildcards_anywhere_in_an_action() {
    let pass = "testdata/iam/organization-policy-syntax/pass-scp-wildcards.json";
    assert!(findings(pass, "iam/organization-policy-syntax").is_empty());
}
