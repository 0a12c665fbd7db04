//! A second oracle for the evaluator: the request/decision examples of the AWS IAM User
//! Guide, each written as a row of (policies, request, the decision the page documents,
//! the page and the sentence that says so). Every row goes through `iamlint::eval::decide`
//! and `evaluate` (the entry `scripts/difftest` uses) and must give the documented decision.
//!
//! Pages: "Policy evaluation logic", "Cross-account policy evaluation logic", "AWS JSON
//! policy elements: NotPrincipal", "IAM JSON policy elements: Condition operators",
//! "Conditions with multiple context keys or values", "Single-valued vs. multivalued
//! context keys" (set operators), "IAM policy elements: Variables and tags".

use std::borrow::Cow;

use iamlint::eval::{Caller, Context, Decision, PolicySet, Request, decide, evaluate};
use iamlint::model::{PolicyDocument, PolicyKind};
use iamlint::parse::{Syntax, parse};
use iamlint::source::FileId;

const EVALUATION: &str = "Policy evaluation logic";
const CROSS_ACCOUNT: &str = "Cross-account policy evaluation logic";
const NOT_PRINCIPAL: &str = "AWS JSON policy elements: NotPrincipal";
const OPERATORS: &str = "IAM JSON policy elements: Condition operators";
const MULTIPLE: &str = "Conditions with multiple context keys or values";
const SET_OPERATORS: &str = "Single-valued vs. multivalued context keys (set operators)";
const VARIABLES: &str = "IAM policy elements: Variables and tags";

use Decision::{Allow, ExplicitDeny, ImplicitDeny};

/// One documented request. Policies are JSON texts; `resource_account` empty means the
/// caller's own account; a caller ending in `.amazonaws.com` is a service principal.
struct Example {
    page: &'static str,
    sentence: &'static str,
    identity: &'static [&'static str],
    resource: &'static [&'static str],
    boundary: Option<&'static str>,
    session: Option<&'static str>,
    /// One SCP per level.
    scps: &'static [&'static str],
    caller: &'static str,
    action: &'static str,
    resource_arn: &'static str,
    resource_account: &'static str,
    context: &'static [(&'static str, &'static [&'static str])],
    decision: Decision,
}

const BASE: Example = Example {
    page: "",
    sentence: "",
    identity: &[],
    resource: &[],
    boundary: None,
    session: None,
    scps: &[],
    caller: "arn:aws:iam::111122223333:user/alice",
    action: "",
    resource_arn: "",
    resource_account: "",
    context: &[],
    decision: ImplicitDeny,
};

// ----------------------------------------------------------------------------------------
// Policy evaluation logic

/// "Example identity-based and resource-based policy evaluation": Carlos's user policy.
const CARLOS: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Sid": "AllowS3ListRead", "Effect": "Allow", "Action": ["s3:GetBucketLocation", "s3:GetAccountPublicAccessBlock", "s3:ListAccessPoints", "s3:ListAllMyBuckets"], "Resource": "arn:aws:s3:::*"},
  {"Sid": "AllowS3Self", "Effect": "Allow", "Action": "s3:*", "Resource": ["arn:aws:s3:::carlossalazar/*", "arn:aws:s3:::carlossalazar"]},
  {"Sid": "DenyS3Logs", "Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::*log*"}]}"#;
/// Its bucket policy on `carlossalazar`.
const CARLOS_BUCKET: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:user/carlossalazar"}, "Action": "s3:*",
   "Resource": ["arn:aws:s3:::carlossalazar/*", "arn:aws:s3:::carlossalazar"]}]}"#;
const CARLOS_ARN: &str = "arn:aws:iam::123456789012:user/carlossalazar";

/// "The difference between explicit and implicit denies".
const GET_LIST: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Sid": "AllowGetList", "Effect": "Allow", "Action": ["iam:Get*", "iam:List*"], "Resource": "*"},
  {"Sid": "DenyReports", "Effect": "Deny", "Action": "iam:*Report", "Resource": "*"}]}"#;
const REPORTS: &str = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "iam:GenerateCredentialReport", "Resource": "*"}}"#;

const ALLOW_S3: &str =
    r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}"#;
const ALLOW_EC2: &str =
    r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}}"#;
const ALLOW_ALL: &str =
    r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#;

const ROLE_SESSION: &str = "arn:aws:sts::111122223333:assumed-role/examplerole/examplerolesessionname";
const USER: &str = "arn:aws:iam::111122223333:user/exampleuser";
const FEDERATED: &str = "arn:aws:sts::111122223333:federated-user/exampleuser";
const REPORT_OBJECT: &str = "arn:aws:s3:::example-bucket/report.csv";

const GRANT_ROLE: &str = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/examplerole"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}}"#;
const GRANT_SESSION: &str = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:sts::111122223333:assumed-role/examplerole/examplerolesessionname"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}}"#;
const GRANT_USER: &str = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/exampleuser"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}}"#;
const GRANT_FEDERATED: &str = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:sts::111122223333:federated-user/exampleuser"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}}"#;
const DENY_S3: &str =
    r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:*", "Resource": "*"}}"#;

const EVALUATION_EXAMPLES: &[Example] = &[
    Example {
        page: EVALUATION,
        sentence: "It finds one, because the identity-based policy explicitly denies Carlos access to any S3 buckets used for logging. Carlos is denied access.",
        identity: &[CARLOS],
        resource: &[CARLOS_BUCKET],
        caller: CARLOS_ARN,
        action: "s3:PutObject",
        resource_arn: "arn:aws:s3:::carlossalazar-logs/file.txt",
        decision: ExplicitDeny,
        ..BASE
    },
    Example {
        page: EVALUATION,
        sentence: "Both the identity-based policy and the resource-based policy allow the request. Therefore, AWS allows the request.",
        identity: &[CARLOS],
        resource: &[CARLOS_BUCKET],
        caller: CARLOS_ARN,
        action: "s3:PutObject",
        resource_arn: "arn:aws:s3:::carlossalazar/file.txt",
        decision: Allow,
        ..BASE
    },
    Example {
        page: EVALUATION,
        sentence: "If one of the policy types allows the request and the other doesn't, the request is still allowed. (identity-based policy alone)",
        identity: &[CARLOS],
        caller: CARLOS_ARN,
        action: "s3:PutObject",
        resource_arn: "arn:aws:s3:::carlossalazar/file.txt",
        decision: Allow,
        ..BASE
    },
    Example {
        page: EVALUATION,
        sentence: "If one of the policy types allows the request and the other doesn't, the request is still allowed. (bucket policy alone)",
        resource: &[CARLOS_BUCKET],
        caller: CARLOS_ARN,
        action: "s3:PutObject",
        resource_arn: "arn:aws:s3:::carlossalazar/file.txt",
        decision: Allow,
        ..BASE
    },
    Example {
        page: EVALUATION,
        sentence: "The AllowS3ListRead statement in this policy allows Carlos to view a list of all of the buckets in the account.",
        identity: &[CARLOS],
        caller: CARLOS_ARN,
        action: "s3:GetBucketLocation",
        resource_arn: "arn:aws:s3:::other-bucket",
        decision: Allow,
        ..BASE
    },
    Example {
        page: EVALUATION,
        sentence: "If either of them explicitly denied the statement, the request would have been denied.",
        identity: &[CARLOS, DENY_S3],
        resource: &[CARLOS_BUCKET],
        caller: CARLOS_ARN,
        action: "s3:PutObject",
        resource_arn: "arn:aws:s3:::carlossalazar/file.txt",
        decision: ExplicitDeny,
        ..BASE
    },
    Example {
        page: EVALUATION,
        sentence: "By default, all requests are implicitly denied with the exception of the AWS account root user, which has full access.",
        caller: "arn:aws:iam::111122223333:root",
        action: "s3:GetObject",
        resource_arn: REPORT_OBJECT,
        decision: Allow,
        ..BASE
    },
    Example {
        page: EVALUATION,
        sentence: "By default, all requests are implicitly denied with the exception of the AWS account root user, which has full access. (an IAM user without policies)",
        caller: USER,
        action: "s3:GetObject",
        resource_arn: REPORT_OBJECT,
        decision: ImplicitDeny,
        ..BASE
    },
    Example {
        page: EVALUATION,
        sentence: "The AllowGetList statement allows read-only access to IAM actions that begin with the prefixes Get and List.",
        identity: &[GET_LIST],
        action: "iam:GetUser",
        resource_arn: "arn:aws:iam::111122223333:user/alice",
        decision: Allow,
        ..BASE
    },
    Example {
        page: EVALUATION,
        sentence: "The AllowGetList statement allows read-only access to IAM actions that begin with the prefixes Get and List.",
        identity: &[GET_LIST],
        action: "iam:ListRoles",
        resource_arn: "*",
        decision: Allow,
        ..BASE
    },
    Example {
        page: EVALUATION,
        sentence: "All other actions in IAM, such as iam:CreatePolicy are implicitly denied.",
        identity: &[GET_LIST],
        action: "iam:CreatePolicy",
        resource_arn: "arn:aws:iam::111122223333:policy/p",
        decision: ImplicitDeny,
        ..BASE
    },
    Example {
        page: EVALUATION,
        sentence: "The DenyReports statement explicitly denies access to IAM reports by denying access to actions that include the Report suffix, such as iam:GetOrganizationsAccessReport.",
        identity: &[GET_LIST],
        action: "iam:GetOrganizationsAccessReport",
        resource_arn: "*",
        decision: ExplicitDeny,
        ..BASE
    },
    Example {
        page: EVALUATION,
        sentence: "If someone adds another policy to this principal to grant them access to IAM reports, such as iam:GenerateCredentialReport, report-related requests are still denied because of this explicit deny.",
        identity: &[GET_LIST, REPORTS],
        action: "iam:GenerateCredentialReport",
        resource_arn: "*",
        decision: ExplicitDeny,
        ..BASE
    },
    Example {
        page: EVALUATION,
        sentence: "IAM role – Resource-based policies that grant permissions to an IAM role ARN are limited by an implicit deny in a permissions boundary or session policy. (boundary)",
        identity: &[ALLOW_EC2],
        resource: &[GRANT_ROLE],
        boundary: Some(ALLOW_EC2),
        caller: ROLE_SESSION,
        action: "s3:GetObject",
        resource_arn: REPORT_OBJECT,
        decision: ImplicitDeny,
        ..BASE
    },
    Example {
        page: EVALUATION,
        sentence: "IAM role – Resource-based policies that grant permissions to an IAM role ARN are limited by an implicit deny in a permissions boundary or session policy. (neither: the grant applies to the role's session)",
        resource: &[GRANT_ROLE],
        caller: ROLE_SESSION,
        action: "s3:GetObject",
        resource_arn: REPORT_OBJECT,
        decision: Allow,
        ..BASE
    },
    Example {
        page: EVALUATION,
        sentence: "IAM role – Resource-based policies that grant permissions to an IAM role ARN are limited by an implicit deny in a permissions boundary or session policy. (session policy)",
        identity: &[ALLOW_EC2],
        resource: &[GRANT_ROLE],
        session: Some(ALLOW_EC2),
        caller: ROLE_SESSION,
        action: "s3:GetObject",
        resource_arn: REPORT_OBJECT,
        decision: ImplicitDeny,
        ..BASE
    },
    Example {
        page: EVALUATION,
        sentence: "Permissions granted directly to a session are not limited by an implicit deny in an identity-based policy, a permissions boundary, or session policy. (role session, boundary)",
        resource: &[GRANT_SESSION],
        boundary: Some(ALLOW_EC2),
        caller: ROLE_SESSION,
        action: "s3:GetObject",
        resource_arn: REPORT_OBJECT,
        decision: Allow,
        ..BASE
    },
    Example {
        page: EVALUATION,
        sentence: "Permissions granted directly to a session are not limited by an implicit deny in an identity-based policy, a permissions boundary, or session policy. (role session, session policy)",
        identity: &[ALLOW_EC2],
        resource: &[GRANT_SESSION],
        session: Some(ALLOW_EC2),
        caller: ROLE_SESSION,
        action: "s3:GetObject",
        resource_arn: REPORT_OBJECT,
        decision: Allow,
        ..BASE
    },
    Example {
        page: EVALUATION,
        sentence: "Within the same account, resource-based policies that grant permissions to an IAM user ARN (that is not a federated user session) are not limited by an implicit deny in an identity-based policy or permissions boundary.",
        identity: &[ALLOW_EC2],
        resource: &[GRANT_USER],
        boundary: Some(ALLOW_EC2),
        caller: USER,
        action: "s3:GetObject",
        resource_arn: REPORT_OBJECT,
        decision: Allow,
        ..BASE
    },
    Example {
        page: EVALUATION,
        sentence: "Within the same account, resource-based policies that grant permissions to a federated user ARN grant permissions directly to the session.",
        resource: &[GRANT_FEDERATED],
        boundary: Some(ALLOW_EC2),
        caller: FEDERATED,
        action: "s3:GetObject",
        resource_arn: REPORT_OBJECT,
        decision: Allow,
        ..BASE
    },
    Example {
        page: EVALUATION,
        sentence: "However, if a resource-based policy grants permission to the ARN of the IAM user who federated, then requests made by the federated user during the session are limited by an implicit deny in a permission boundary or session policy.",
        identity: &[ALLOW_S3],
        resource: &[GRANT_USER],
        session: Some(ALLOW_EC2),
        caller: FEDERATED,
        action: "s3:GetObject",
        resource_arn: REPORT_OBJECT,
        decision: ImplicitDeny,
        ..BASE
    },
    Example {
        page: EVALUATION,
        sentence: "If there are no identity-based policies or no statements in identity-based policies that allow the requested action, then the request is implicitly denied",
        identity: &[ALLOW_EC2],
        action: "s3:GetObject",
        resource_arn: REPORT_OBJECT,
        decision: ImplicitDeny,
        ..BASE
    },
    Example {
        page: EVALUATION,
        sentence: "If the policy that is used to set the permissions boundary does not allow the requested action, then the request is implicitly denied.",
        identity: &[ALLOW_S3],
        boundary: Some(ALLOW_EC2),
        action: "s3:GetObject",
        resource_arn: REPORT_OBJECT,
        decision: ImplicitDeny,
        ..BASE
    },
    Example {
        page: EVALUATION,
        sentence: "If there is no permissions boundary, or if the permissions boundary allows the requested action, the code continues.",
        identity: &[ALLOW_S3],
        boundary: Some(ALLOW_S3),
        action: "s3:GetObject",
        resource_arn: REPORT_OBJECT,
        decision: Allow,
        ..BASE
    },
    Example {
        page: EVALUATION,
        sentence: "If a session policy is present and does not allow the requested action, then the request is implicitly denied.",
        identity: &[ALLOW_S3],
        session: Some(ALLOW_EC2),
        caller: ROLE_SESSION,
        action: "s3:GetObject",
        resource_arn: REPORT_OBJECT,
        decision: ImplicitDeny,
        ..BASE
    },
    Example {
        page: EVALUATION,
        sentence: "If a session policy is present and allows the requested action, then the enforcement code returns a final decision of Allow.",
        identity: &[ALLOW_S3],
        session: Some(ALLOW_S3),
        caller: ROLE_SESSION,
        action: "s3:GetObject",
        resource_arn: REPORT_OBJECT,
        decision: Allow,
        ..BASE
    },
    Example {
        page: EVALUATION,
        sentence: "If the enforcement code does not find any applicable Allow statements in the SCPs, then the request is implicitly denied.",
        identity: &[ALLOW_S3],
        scps: &[ALLOW_EC2],
        action: "s3:GetObject",
        resource_arn: REPORT_OBJECT,
        decision: ImplicitDeny,
        ..BASE
    },
    Example {
        page: EVALUATION,
        sentence: "When a user belongs to an account that is a member of an organization, the resulting permissions are the intersection of the user's policies and the SCP.",
        identity: &[ALLOW_S3],
        scps: &[ALLOW_ALL],
        action: "s3:GetObject",
        resource_arn: REPORT_OBJECT,
        decision: Allow,
        ..BASE
    },
    Example {
        page: EVALUATION,
        sentence: "An explicit deny in either of these policies overrides the allow. (SCP)",
        identity: &[ALLOW_S3],
        scps: &[
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}, {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"}]}"#,
        ],
        action: "s3:GetObject",
        resource_arn: REPORT_OBJECT,
        decision: ExplicitDeny,
        ..BASE
    },
];

// ----------------------------------------------------------------------------------------
// Cross-account policy evaluation logic: Carlos in 111111111111, the Production bucket in
// 222222222222.

const CARLOS_CROSS: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Sid": "AllowS3ListRead", "Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"},
  {"Sid": "AllowS3ProductionObjectActions", "Effect": "Allow", "Action": "s3:*Object*", "Resource": "arn:aws:s3:::Production/*"},
  {"Sid": "DenyS3Logs", "Effect": "Deny", "Action": "s3:*", "Resource": ["arn:aws:s3:::*log*", "arn:aws:s3:::*log*/*"]}]}"#;
const PRODUCTION: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": ["s3:GetObject*", "s3:PutObject*", "s3:ReplicateObject", "s3:RestoreObject"],
   "Principal": {"AWS": "arn:aws:iam::111111111111:user/carlossalazar"}, "Resource": "arn:aws:s3:::Production/*"}]}"#;
const CARLOS_111: &str = "arn:aws:iam::111111111111:user/carlossalazar";

const CROSS_ACCOUNT_EXAMPLES: &[Example] = &[
    Example {
        page: CROSS_ACCOUNT,
        sentence: "Because the request is explicitly denied within one of the accounts, the final decision is to deny the request.",
        identity: &[CARLOS_CROSS],
        caller: CARLOS_111,
        action: "s3:PutObject",
        resource_arn: "arn:aws:s3:::Production-logs/file.txt",
        resource_account: "222222222222",
        decision: ExplicitDeny,
        ..BASE
    },
    Example {
        page: CROSS_ACCOUNT,
        sentence: "Because both accounts allow the request, the final decision is to allow the request.",
        identity: &[CARLOS_CROSS],
        resource: &[PRODUCTION],
        caller: CARLOS_111,
        action: "s3:PutObject",
        resource_arn: "arn:aws:s3:::Production/file.txt",
        resource_account: "222222222222",
        decision: Allow,
        ..BASE
    },
    Example {
        page: CROSS_ACCOUNT,
        sentence: "This policy allows the carlossalazar user to access objects in the Production bucket. He can create and edit, but not delete the objects in the bucket.",
        identity: &[CARLOS_CROSS],
        resource: &[PRODUCTION],
        caller: CARLOS_111,
        action: "s3:DeleteObject",
        resource_arn: "arn:aws:s3:::Production/file.txt",
        resource_account: "222222222222",
        decision: ImplicitDeny,
        ..BASE
    },
    Example {
        page: CROSS_ACCOUNT,
        sentence: "This policy allows the carlossalazar user to access objects in the Production bucket.",
        identity: &[CARLOS_CROSS],
        resource: &[PRODUCTION],
        caller: CARLOS_111,
        action: "s3:GetObjectAcl",
        resource_arn: "arn:aws:s3:::Production/file.txt",
        resource_account: "222222222222",
        decision: Allow,
        ..BASE
    },
    Example {
        page: CROSS_ACCOUNT,
        sentence: "Additionally, the resource-based policy in AccountB must allow the requester in AccountA to access the resource.",
        identity: &[CARLOS_CROSS],
        caller: CARLOS_111,
        action: "s3:PutObject",
        resource_arn: "arn:aws:s3:::Production/file.txt",
        resource_account: "222222222222",
        decision: ImplicitDeny,
        ..BASE
    },
    Example {
        page: CROSS_ACCOUNT,
        sentence: "For cross-account requests, the requester in the trusted AccountA must have an identity-based policy.",
        resource: &[PRODUCTION],
        caller: CARLOS_111,
        action: "s3:PutObject",
        resource_arn: "arn:aws:s3:::Production/file.txt",
        resource_account: "222222222222",
        decision: ImplicitDeny,
        ..BASE
    },
    Example {
        page: CROSS_ACCOUNT,
        sentence: "The request is allowed only if both evaluations return a decision of Allow. (the bucket policy grants to another user)",
        identity: &[CARLOS_CROSS],
        resource: &[PRODUCTION],
        caller: "arn:aws:iam::111111111111:user/maria",
        action: "s3:PutObject",
        resource_arn: "arn:aws:s3:::Production/file.txt",
        resource_account: "222222222222",
        decision: ImplicitDeny,
        ..BASE
    },
];

// ----------------------------------------------------------------------------------------
// NotPrincipal

const BOB_BUCKET: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": ["arn:aws:s3:::BUCKETNAME", "arn:aws:s3:::BUCKETNAME/*"]},
  {"Effect": "Deny", "NotPrincipal": {"AWS": ["arn:aws:iam::444455556666:user/Bob", "arn:aws:iam::444455556666:root"]},
   "Action": "s3:*", "Resource": ["arn:aws:s3:::BUCKETNAME", "arn:aws:s3:::BUCKETNAME/*"]}]}"#;
const BOB_ONLY_DENY: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Effect": "Deny", "NotPrincipal": {"AWS": ["arn:aws:iam::444455556666:user/Bob", "arn:aws:iam::444455556666:root"]},
   "Action": "s3:*", "Resource": ["arn:aws:s3:::BUCKETNAME", "arn:aws:s3:::BUCKETNAME/*"]}]}"#;
const AUDIT_BUCKET: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": ["arn:aws:s3:::Bucket_AccountAudit", "arn:aws:s3:::Bucket_AccountAudit/*"]},
  {"Effect": "Deny", "NotPrincipal": {"AWS": [
     "arn:aws:sts::444455556666:assumed-role/cross-account-read-only-role/cross-account-audit-app",
     "arn:aws:iam::444455556666:role/cross-account-read-only-role",
     "arn:aws:iam::444455556666:root"]},
   "Action": "s3:*", "Resource": ["arn:aws:s3:::Bucket_AccountAudit", "arn:aws:s3:::Bucket_AccountAudit/*"]}]}"#;
const AUDIT_ROLE_ONLY: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": ["arn:aws:s3:::Bucket_AccountAudit", "arn:aws:s3:::Bucket_AccountAudit/*"]},
  {"Effect": "Deny", "NotPrincipal": {"AWS": [
     "arn:aws:iam::444455556666:role/cross-account-read-only-role",
     "arn:aws:iam::444455556666:root"]},
   "Action": "s3:*", "Resource": ["arn:aws:s3:::Bucket_AccountAudit", "arn:aws:s3:::Bucket_AccountAudit/*"]}]}"#;
const AUDIT_APP: &str =
    "arn:aws:sts::444455556666:assumed-role/cross-account-read-only-role/cross-account-audit-app";
const ALLOW_NOT_BOB: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:user/Bob"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::BUCKETNAME/*"}]}"#;

const NOT_PRINCIPAL_EXAMPLES: &[Example] = &[
    Example {
        page: NOT_PRINCIPAL,
        sentence: "In the following example, all principals except the user named Bob in AWS account 444455556666 are explicitly denied access to a resource. (Bob)",
        identity: &[ALLOW_S3],
        resource: &[BOB_BUCKET],
        caller: "arn:aws:iam::444455556666:user/Bob",
        action: "s3:GetObject",
        resource_arn: "arn:aws:s3:::BUCKETNAME/q1.csv",
        resource_account: "111122223333",
        decision: Allow,
        ..BASE
    },
    Example {
        page: NOT_PRINCIPAL,
        sentence: "In the following example, all principals except the user named Bob in AWS account 444455556666 are explicitly denied access to a resource. (another user of Bob's account)",
        identity: &[ALLOW_S3],
        resource: &[BOB_BUCKET],
        caller: "arn:aws:iam::444455556666:user/carol",
        action: "s3:GetObject",
        resource_arn: "arn:aws:s3:::BUCKETNAME/q1.csv",
        resource_account: "111122223333",
        decision: ExplicitDeny,
        ..BASE
    },
    Example {
        page: NOT_PRINCIPAL,
        sentence: "In the following example, all principals except the user named Bob in AWS account 444455556666 are explicitly denied access to a resource. (a session in Bob's account)",
        identity: &[ALLOW_S3],
        resource: &[BOB_BUCKET],
        caller: "arn:aws:sts::444455556666:assumed-role/Admin/carol",
        action: "s3:GetObject",
        resource_arn: "arn:aws:s3:::BUCKETNAME/q1.csv",
        resource_account: "111122223333",
        decision: ExplicitDeny,
        ..BASE
    },
    Example {
        page: NOT_PRINCIPAL,
        sentence: "In the following example, all principals except the user named Bob in AWS account 444455556666 are explicitly denied access to a resource. (a user of the bucket's own account)",
        identity: &[ALLOW_S3],
        resource: &[BOB_BUCKET],
        caller: "arn:aws:iam::111122223333:user/alice",
        action: "s3:GetObject",
        resource_arn: "arn:aws:s3:::BUCKETNAME/q1.csv",
        resource_account: "111122223333",
        decision: ExplicitDeny,
        ..BASE
    },
    Example {
        page: NOT_PRINCIPAL,
        sentence: "This example by itself does not grant access to Bob, it only omits Bob from the list of principals that are explicitly denied.",
        identity: &[ALLOW_S3],
        resource: &[BOB_ONLY_DENY],
        caller: "arn:aws:iam::444455556666:user/Bob",
        action: "s3:GetObject",
        resource_arn: "arn:aws:s3:::BUCKETNAME/q1.csv",
        resource_account: "111122223333",
        decision: ImplicitDeny,
        ..BASE
    },
    Example {
        page: NOT_PRINCIPAL,
        sentence: "In the following example, all principals except the assumed-role user named cross-account-audit-app in AWS account 444455556666 are explicitly denied access to a resource. (the session)",
        identity: &[ALLOW_S3],
        resource: &[AUDIT_BUCKET],
        caller: AUDIT_APP,
        action: "s3:GetObject",
        resource_arn: "arn:aws:s3:::Bucket_AccountAudit/report",
        resource_account: "111122223333",
        decision: Allow,
        ..BASE
    },
    Example {
        page: NOT_PRINCIPAL,
        sentence: "In the following example, all principals except the assumed-role user named cross-account-audit-app in AWS account 444455556666 are explicitly denied access to a resource. (another session of the role)",
        identity: &[ALLOW_S3],
        resource: &[AUDIT_BUCKET],
        caller: "arn:aws:sts::444455556666:assumed-role/cross-account-read-only-role/other-app",
        action: "s3:GetObject",
        resource_arn: "arn:aws:s3:::Bucket_AccountAudit/report",
        resource_account: "111122223333",
        decision: ExplicitDeny,
        ..BASE
    },
    Example {
        page: NOT_PRINCIPAL,
        sentence: "The assumed-role user is identified by the role session name that is specified when they assumed the role. (the role's ARN without the session's)",
        identity: &[ALLOW_S3],
        resource: &[AUDIT_ROLE_ONLY],
        caller: AUDIT_APP,
        action: "s3:GetObject",
        resource_arn: "arn:aws:s3:::Bucket_AccountAudit/report",
        resource_account: "111122223333",
        decision: ExplicitDeny,
        ..BASE
    },
    Example {
        page: NOT_PRINCIPAL,
        sentence: "The NotPrincipal element with a Deny effect will always deny any IAM principal that has a permissions boundary policy attached, regardless of the values specified in the NotPrincipal element.",
        identity: &[ALLOW_S3],
        resource: &[BOB_BUCKET],
        boundary: Some(ALLOW_S3),
        caller: "arn:aws:iam::444455556666:user/Bob",
        action: "s3:GetObject",
        resource_arn: "arn:aws:s3:::BUCKETNAME/q1.csv",
        resource_account: "111122223333",
        decision: ExplicitDeny,
        ..BASE
    },
    Example {
        page: NOT_PRINCIPAL,
        sentence: "Doing so allows all principals except the one named in the NotPrincipal element. (NotPrincipal with Allow, another principal)",
        resource: &[ALLOW_NOT_BOB],
        caller: "arn:aws:iam::111122223333:user/carol",
        action: "s3:GetObject",
        resource_arn: "arn:aws:s3:::BUCKETNAME/q1.csv",
        decision: Allow,
        ..BASE
    },
    Example {
        page: NOT_PRINCIPAL,
        sentence: "Doing so allows all principals except the one named in the NotPrincipal element. (the principal named)",
        resource: &[ALLOW_NOT_BOB],
        caller: "arn:aws:iam::111122223333:user/Bob",
        action: "s3:GetObject",
        resource_arn: "arn:aws:s3:::BUCKETNAME/q1.csv",
        decision: ImplicitDeny,
        ..BASE
    },
];

// ----------------------------------------------------------------------------------------
// Condition operators, multiple keys and values

const JOB_CATEGORY: &str = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "iam:*AccessKey*", "Resource": "arn:aws:iam::111122223333:user/*",
  "Condition": {"StringEquals": {"aws:PrincipalTag/job-category": "iamuser-admin"}}}}"#;
const INSTANCE_TYPES: &str = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*",
  "Condition": {"StringLikeIfExists": {"ec2:InstanceType": ["t1.*", "t2.*", "m3.*"]}}}}"#;
const DENY_LONG_TERM: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "ec2:*", "Resource": "*"},
  {"Effect": "Deny", "Action": "ec2:StopInstances", "Resource": "*", "Condition": {"Null": {"aws:TokenIssueTime": "true"}}}]}"#;
const BEFORE_JUNE_30: &str = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "iam:*AccessKey*", "Resource": "arn:aws:iam::111122223333:user/*",
  "Condition": {"DateLessThan": {"aws:CurrentTime": "2020-06-30T00:00:00Z"}}}}"#;
const MAX_KEYS: &str = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::example_bucket",
  "Condition": {"NumericLessThanEquals": {"s3:max-keys": "10"}}}}"#;
const TLS_ONLY: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
  {"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}"#;
const FROM_NETWORK: &str = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "iam:*AccessKey*", "Resource": "arn:aws:iam::111122223333:user/*",
  "Condition": {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:DB8:1234:5678::/64"]}}}}"#;
const QUEUE_FROM_TOPIC: &str = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage",
  "Resource": "arn:aws:sqs:us-east-1:111122223333:QUEUE-ID",
  "Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:TOPIC-ID"}}}}"#;
const NOT_MARKETING: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
  {"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Condition": {"StringNotEquals": {"aws:PrincipalTag/department": ["finance", "marketing"]}}}]}"#;
const TWO_KEYS: &str = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
  "Condition": {"StringEquals": {"aws:PrincipalTag/department": "finance", "aws:PrincipalTag/project": ["alpha", "beta"]}}}}"#;
const NOT_LIKE_DENY: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
  {"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Condition": {"StringNotLike": {"aws:PrincipalTag/project": "alpha*"}}}]}"#;

const CONDITION_EXAMPLES: &[Example] = &[
    Example {
        page: OPERATORS,
        sentence: "Use condition operators in the Condition element to match the condition key and value in the policy against values in the request context. (StringEquals, the tag matches)",
        identity: &[JOB_CATEGORY],
        action: "iam:CreateAccessKey",
        resource_arn: "arn:aws:iam::111122223333:user/bob",
        context: &[("aws:PrincipalTag/job-category", &["iamuser-admin"])],
        decision: Allow,
        ..BASE
    },
    Example {
        page: OPERATORS,
        sentence: "If the key that you specify in a policy condition is not present in the request context, the values do not match and the condition is false.",
        identity: &[JOB_CATEGORY],
        action: "iam:CreateAccessKey",
        resource_arn: "arn:aws:iam::111122223333:user/bob",
        decision: ImplicitDeny,
        ..BASE
    },
    Example {
        page: OPERATORS,
        sentence: "Exact matching, case sensitive (StringEquals: another case does not match)",
        identity: &[JOB_CATEGORY],
        action: "iam:CreateAccessKey",
        resource_arn: "arn:aws:iam::111122223333:user/bob",
        context: &[("aws:PrincipalTag/job-category", &["IAMUser-Admin"])],
        decision: ImplicitDeny,
        ..BASE
    },
    Example {
        page: OPERATORS,
        sentence: "If the policy condition requires that the key is not matched, such as StringNotLike or ArnNotLike, and the right key is not present, the condition is true.",
        identity: &[NOT_LIKE_DENY],
        action: "s3:GetObject",
        resource_arn: REPORT_OBJECT,
        decision: ExplicitDeny,
        ..BASE
    },
    Example {
        page: OPERATORS,
        sentence: "If the key is not present, evaluate the condition element as true. (StringLikeIfExists on ec2:InstanceType, key absent)",
        identity: &[INSTANCE_TYPES],
        action: "ec2:RunInstances",
        resource_arn: "arn:aws:ec2:us-east-1:111122223333:volume/vol-1",
        decision: Allow,
        ..BASE
    },
    Example {
        page: OPERATORS,
        sentence: "If the condition key is present in the context of the request, process the key as specified in the policy. (t2.micro)",
        identity: &[INSTANCE_TYPES],
        action: "ec2:RunInstances",
        resource_arn: "arn:aws:ec2:us-east-1:111122223333:instance/*",
        context: &[("ec2:InstanceType", &["t2.micro"])],
        decision: Allow,
        ..BASE
    },
    Example {
        page: OPERATORS,
        sentence: "If the condition key is present in the context of the request, process the key as specified in the policy. (m5.large)",
        identity: &[INSTANCE_TYPES],
        action: "ec2:RunInstances",
        resource_arn: "arn:aws:ec2:us-east-1:111122223333:instance/*",
        context: &[("ec2:InstanceType", &["m5.large"])],
        decision: ImplicitDeny,
        ..BASE
    },
    Example {
        page: OPERATORS,
        sentence: "Use a Null condition operator to check if a condition key is absent at the time of authorization. (aws:TokenIssueTime absent: long-term credentials)",
        identity: &[DENY_LONG_TERM],
        action: "ec2:StopInstances",
        resource_arn: "arn:aws:ec2:us-east-1:111122223333:instance/i-1",
        decision: ExplicitDeny,
        ..BASE
    },
    Example {
        page: OPERATORS,
        sentence: "Use a Null condition operator to check if a condition key is absent at the time of authorization. (aws:TokenIssueTime present: temporary credentials)",
        identity: &[DENY_LONG_TERM],
        action: "ec2:StopInstances",
        resource_arn: "arn:aws:ec2:us-east-1:111122223333:instance/i-1",
        context: &[("aws:TokenIssueTime", &["2020-06-01T00:00:00Z"])],
        decision: Allow,
        ..BASE
    },
    Example {
        page: OPERATORS,
        sentence: "Date condition operators let you construct Condition elements that restrict access based on comparing a key to a date/time value. (before the date)",
        identity: &[BEFORE_JUNE_30],
        action: "iam:CreateAccessKey",
        resource_arn: "arn:aws:iam::111122223333:user/bob",
        context: &[("aws:CurrentTime", &["2020-06-01T12:00:00Z"])],
        decision: Allow,
        ..BASE
    },
    Example {
        page: OPERATORS,
        sentence: "Date condition operators let you construct Condition elements that restrict access based on comparing a key to a date/time value. (after the date)",
        identity: &[BEFORE_JUNE_30],
        action: "iam:CreateAccessKey",
        resource_arn: "arn:aws:iam::111122223333:user/bob",
        context: &[("aws:CurrentTime", &["2020-07-01T00:00:00Z"])],
        decision: ImplicitDeny,
        ..BASE
    },
    Example {
        page: OPERATORS,
        sentence: "Numeric condition operators let you construct Condition elements that restrict access based on comparing a key to an integer or decimal value. (10 items)",
        identity: &[MAX_KEYS],
        action: "s3:ListBucket",
        resource_arn: "arn:aws:s3:::example_bucket",
        context: &[("s3:max-keys", &["10"])],
        decision: Allow,
        ..BASE
    },
    Example {
        page: OPERATORS,
        sentence: "Numeric condition operators let you construct Condition elements that restrict access based on comparing a key to an integer or decimal value. (11 items)",
        identity: &[MAX_KEYS],
        action: "s3:ListBucket",
        resource_arn: "arn:aws:s3:::example_bucket",
        context: &[("s3:max-keys", &["11"])],
        decision: ImplicitDeny,
        ..BASE
    },
    Example {
        page: OPERATORS,
        sentence: "Boolean conditions let you construct Condition elements that restrict access based on comparing a key to true or false. (SecureTransport false)",
        identity: &[TLS_ONLY],
        action: "s3:GetObject",
        resource_arn: REPORT_OBJECT,
        context: &[("aws:SecureTransport", &["false"])],
        decision: ExplicitDeny,
        ..BASE
    },
    Example {
        page: OPERATORS,
        sentence: "Boolean conditions let you construct Condition elements that restrict access based on comparing a key to true or false. (SecureTransport true)",
        identity: &[TLS_ONLY],
        action: "s3:GetObject",
        resource_arn: REPORT_OBJECT,
        context: &[("aws:SecureTransport", &["true"])],
        decision: Allow,
        ..BASE
    },
    Example {
        page: OPERATORS,
        sentence: "IP address condition operators let you construct Condition elements that restrict access based on comparing a key to an IPv4 or IPv6 address or range of IP addresses. (in 203.0.113.0/24)",
        identity: &[FROM_NETWORK],
        action: "iam:CreateAccessKey",
        resource_arn: "arn:aws:iam::111122223333:user/bob",
        context: &[("aws:SourceIp", &["203.0.113.45"])],
        decision: Allow,
        ..BASE
    },
    Example {
        page: OPERATORS,
        sentence: "IP address condition operators let you construct Condition elements that restrict access based on comparing a key to an IPv4 or IPv6 address or range of IP addresses. (in the IPv6 range)",
        identity: &[FROM_NETWORK],
        action: "iam:CreateAccessKey",
        resource_arn: "arn:aws:iam::111122223333:user/bob",
        context: &[("aws:SourceIp", &["2001:db8:1234:5678::1"])],
        decision: Allow,
        ..BASE
    },
    Example {
        page: OPERATORS,
        sentence: "IP address condition operators let you construct Condition elements that restrict access based on comparing a key to an IPv4 or IPv6 address or range of IP addresses. (outside both)",
        identity: &[FROM_NETWORK],
        action: "iam:CreateAccessKey",
        resource_arn: "arn:aws:iam::111122223333:user/bob",
        context: &[("aws:SourceIp", &["198.51.100.7"])],
        decision: ImplicitDeny,
        ..BASE
    },
    Example {
        page: OPERATORS,
        sentence: "Amazon Resource Name (ARN) condition operators let you construct Condition elements that restrict access based on comparing a key to an ARN. (the topic named)",
        resource: &[QUEUE_FROM_TOPIC],
        caller: "sns.amazonaws.com",
        action: "sqs:SendMessage",
        resource_arn: "arn:aws:sqs:us-east-1:111122223333:QUEUE-ID",
        context: &[("aws:SourceArn", &["arn:aws:sns:us-east-1:111122223333:TOPIC-ID"])],
        decision: Allow,
        ..BASE
    },
    Example {
        page: OPERATORS,
        sentence: "Amazon Resource Name (ARN) condition operators let you construct Condition elements that restrict access based on comparing a key to an ARN. (another topic)",
        resource: &[QUEUE_FROM_TOPIC],
        caller: "sns.amazonaws.com",
        action: "sqs:SendMessage",
        resource_arn: "arn:aws:sqs:us-east-1:111122223333:QUEUE-ID",
        context: &[("aws:SourceArn", &["arn:aws:sns:us-east-1:444455556666:TOPIC-ID"])],
        decision: ImplicitDeny,
        ..BASE
    },
    Example {
        page: MULTIPLE,
        sentence: "If a single negated matching condition operator includes multiple values for a context key, those values are evaluated using a logical NOR. (a listed value)",
        identity: &[NOT_MARKETING],
        action: "s3:GetObject",
        resource_arn: REPORT_OBJECT,
        context: &[("aws:PrincipalTag/department", &["marketing"])],
        decision: Allow,
        ..BASE
    },
    Example {
        page: MULTIPLE,
        sentence: "If a single negated matching condition operator includes multiple values for a context key, those values are evaluated using a logical NOR. (no listed value)",
        identity: &[NOT_MARKETING],
        action: "s3:GetObject",
        resource_arn: REPORT_OBJECT,
        context: &[("aws:PrincipalTag/department", &["engineering"])],
        decision: ExplicitDeny,
        ..BASE
    },
    Example {
        page: MULTIPLE,
        sentence: "If a single condition operator includes multiple values for a context key, those values are evaluated using a logical OR.",
        identity: &[TWO_KEYS],
        action: "s3:GetObject",
        resource_arn: REPORT_OBJECT,
        context: &[
            ("aws:PrincipalTag/department", &["finance"]),
            ("aws:PrincipalTag/project", &["beta"]),
        ],
        decision: Allow,
        ..BASE
    },
    Example {
        page: MULTIPLE,
        sentence: "If your policy statement has multiple context keys attached to a single condition operator, the context keys are evaluated using a logical AND.",
        identity: &[TWO_KEYS],
        action: "s3:GetObject",
        resource_arn: REPORT_OBJECT,
        context: &[
            ("aws:PrincipalTag/department", &["finance"]),
            ("aws:PrincipalTag/project", &["gamma"]),
        ],
        decision: ImplicitDeny,
        ..BASE
    },
    Example {
        page: MULTIPLE,
        sentence: "All context keys in a condition element block must resolve to true to invoke the desired Allow or Deny effect.",
        identity: &[TWO_KEYS],
        action: "s3:GetObject",
        resource_arn: REPORT_OBJECT,
        context: &[("aws:PrincipalTag/project", &["alpha"])],
        decision: ImplicitDeny,
        ..BASE
    },
];

// ----------------------------------------------------------------------------------------
// Set operators

const ALLOWED_ATTRIBUTES: &str = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "dynamodb:GetItem",
  "Resource": "arn:aws:dynamodb:us-east-1:111122223333:table/Thread",
  "Condition": {"ForAllValues:StringLike": {"dynamodb:requestedAttributes": ["PostDateTime", "Message", "Tags"]}}}}"#;
const FORBIDDEN_ATTRIBUTES: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"},
  {"Effect": "Deny", "Action": "dynamodb:PutItem", "Resource": "arn:aws:dynamodb:us-east-1:111122223333:table/Thread",
   "Condition": {"ForAnyValue:StringLike": {"dynamodb:requestedAttributes": ["ID", "PostDateTime"]}}}]}"#;
const TAG_KEYS_ANY: &str = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*",
  "Condition": {"ForAnyValue:StringEquals": {"aws:TagKeys": ["environment", "cost-center"]}}}}"#;
const TAG_KEYS_ANY_IF_EXISTS: &str = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*",
  "Condition": {"ForAnyValue:StringEqualsIfExists": {"aws:TagKeys": ["environment", "cost-center"]}}}}"#;
const TAG_KEYS_ALL: &str = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*",
  "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["environment", "cost-center"]}}}}"#;
const TAG_KEYS_PLAIN: &str = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*",
  "Condition": {"StringEquals": {"aws:TagKeys": "environment"}}}}"#;
const CALLED_VIA_ATHENA: &str = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "lambda:InvokeFunction",
  "Resource": "arn:aws:lambda:us-east-1:111122223333:function:OneAthenaLambdaFunction",
  "Condition": {"ForAnyValue:StringEquals": {"aws:CalledVia": "athena.amazonaws.com"}}}}"#;
const THREAD: &str = "arn:aws:dynamodb:us-east-1:111122223333:table/Thread";
const VOLUME: &str = "arn:aws:ec2:us-east-1:111122223333:volume/vol-1";

const SET_OPERATOR_EXAMPLES: &[Example] = &[
    Example {
        page: SET_OPERATORS,
        sentence: "If the user makes a request to DynamoDB to get the attributes PostDateTime and Message from the Threads table, the request is allowed, because the user's requested attributes all match values specified in the policy.",
        identity: &[ALLOWED_ATTRIBUTES],
        action: "dynamodb:GetItem",
        resource_arn: THREAD,
        context: &[("dynamodb:requestedAttributes", &["PostDateTime", "Message"])],
        decision: Allow,
        ..BASE
    },
    Example {
        page: SET_OPERATORS,
        sentence: "However, if the user's request includes the ID attribute, the request fails, because ID is not within the list of allowed attributes",
        identity: &[ALLOWED_ATTRIBUTES],
        action: "dynamodb:GetItem",
        resource_arn: THREAD,
        context: &[("dynamodb:requestedAttributes", &["PostDateTime", "ID"])],
        decision: ImplicitDeny,
        ..BASE
    },
    Example {
        page: SET_OPERATORS,
        sentence: "There's no match for UserName, so the condition operator returns false, and the policy does not allow the request.",
        identity: &[ALLOWED_ATTRIBUTES],
        action: "dynamodb:GetItem",
        resource_arn: THREAD,
        context: &[("dynamodb:requestedAttributes", &["PostDateTime", "UserName"])],
        decision: ImplicitDeny,
        ..BASE
    },
    Example {
        page: SET_OPERATORS,
        sentence: "In this case, there is one match (PostDateTime), so the condition is true. [...] Because the policy's effect is Deny, the request is denied.",
        identity: &[FORBIDDEN_ATTRIBUTES],
        action: "dynamodb:PutItem",
        resource_arn: THREAD,
        context: &[("dynamodb:requestedAttributes", &["PostDateTime", "Message"])],
        decision: ExplicitDeny,
        ..BASE
    },
    Example {
        page: SET_OPERATORS,
        sentence: "The condition returns false, so the effect of the policy (Deny) is also false, and the request is not denied by this policy.",
        identity: &[FORBIDDEN_ATTRIBUTES],
        action: "dynamodb:PutItem",
        resource_arn: THREAD,
        context: &[("dynamodb:requestedAttributes", &["UserName"])],
        decision: Allow,
        ..BASE
    },
    Example {
        page: SET_OPERATORS,
        sentence: "The last test returns true, so the condition is true; because the Effect element is set to Deny, the request is denied.",
        identity: &[FORBIDDEN_ATTRIBUTES],
        action: "dynamodb:PutItem",
        resource_arn: THREAD,
        context: &[(
            "dynamodb:requestedAttributes",
            &["UserName", "Message", "PostDateTime"],
        )],
        decision: ExplicitDeny,
        ..BASE
    },
    Example {
        page: SET_OPERATORS,
        sentence: "ForAnyValue: The context key returns true if any one of the context key values in the request matches any one of the context key values in the policy.",
        identity: &[TAG_KEYS_ANY],
        action: "ec2:CreateTags",
        resource_arn: VOLUME,
        context: &[("aws:TagKeys", &["environment", "owner"])],
        decision: Allow,
        ..BASE
    },
    Example {
        page: SET_OPERATORS,
        sentence: "For no matching context key or a null dataset, the condition returns false. (no key)",
        identity: &[TAG_KEYS_ANY],
        action: "ec2:CreateTags",
        resource_arn: VOLUME,
        decision: ImplicitDeny,
        ..BASE
    },
    Example {
        page: SET_OPERATORS,
        sentence: "For no matching context key or a null dataset, the condition returns false. (an empty set)",
        identity: &[TAG_KEYS_ANY],
        action: "ec2:CreateTags",
        resource_arn: VOLUME,
        context: &[("aws:TagKeys", &[])],
        decision: ImplicitDeny,
        ..BASE
    },
    Example {
        page: SET_OPERATORS,
        sentence: "For no matching context key or a null dataset, the condition returns false. (with IfExists: iamlint's reading, see docs/difftest.md)",
        identity: &[TAG_KEYS_ANY_IF_EXISTS],
        action: "ec2:CreateTags",
        resource_arn: VOLUME,
        decision: ImplicitDeny,
        ..BASE
    },
    Example {
        page: SET_OPERATORS,
        sentence: "ForAllValues: The condition returns true if every context key value in the request matches at least one context key value in the policy.",
        identity: &[TAG_KEYS_ALL],
        action: "ec2:CreateTags",
        resource_arn: VOLUME,
        context: &[("aws:TagKeys", &["environment"])],
        decision: Allow,
        ..BASE
    },
    Example {
        page: SET_OPERATORS,
        sentence: "ForAllValues: The condition returns true if every context key value in the request matches at least one context key value in the policy. (a key outside the list)",
        identity: &[TAG_KEYS_ALL],
        action: "ec2:CreateTags",
        resource_arn: VOLUME,
        context: &[("aws:TagKeys", &["environment", "owner"])],
        decision: ImplicitDeny,
        ..BASE
    },
    Example {
        page: SET_OPERATORS,
        sentence: "It also returns true if there are no context keys in the request.",
        identity: &[TAG_KEYS_ALL],
        action: "ec2:CreateTags",
        resource_arn: VOLUME,
        decision: Allow,
        ..BASE
    },
    Example {
        page: SET_OPERATORS,
        sentence: "Multivalued context keys require a condition set operator. (a plain StringEquals on aws:TagKeys: iamlint's reading, see docs/difftest.md)",
        identity: &[TAG_KEYS_PLAIN],
        action: "ec2:CreateTags",
        resource_arn: VOLUME,
        context: &[("aws:TagKeys", &["environment"])],
        decision: ImplicitDeny,
        ..BASE
    },
    Example {
        page: SET_OPERATORS,
        sentence: "The following statement specifies that a user can invoke a Lambda function only from Athena. (\"Use CalledVia context keys for Athena\": ForAnyValue:StringEquals on aws:CalledVia)",
        identity: &[CALLED_VIA_ATHENA],
        action: "lambda:InvokeFunction",
        resource_arn: "arn:aws:lambda:us-east-1:111122223333:function:OneAthenaLambdaFunction",
        context: &[("aws:CalledVia", &["athena.amazonaws.com"])],
        decision: Allow,
        ..BASE
    },
    Example {
        page: SET_OPERATORS,
        sentence: "The following statement specifies that a user can invoke a Lambda function only from Athena. (called directly)",
        identity: &[CALLED_VIA_ATHENA],
        action: "lambda:InvokeFunction",
        resource_arn: "arn:aws:lambda:us-east-1:111122223333:function:OneAthenaLambdaFunction",
        decision: ImplicitDeny,
        ..BASE
    },
];

// ----------------------------------------------------------------------------------------
// Policy variables

const HOME_DIRECTORY: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Action": ["s3:ListBucket"], "Effect": "Allow", "Resource": ["arn:aws:s3:::mybucket"], "Condition": {"StringLike": {"s3:prefix": ["${aws:username}/*"]}}},
  {"Action": ["s3:GetObject", "s3:PutObject"], "Effect": "Allow", "Resource": ["arn:aws:s3:::mybucket/${aws:username}/*"]}]}"#;
const HOME_DIRECTORY_UNVERSIONED: &str = r#"{"Statement": [
  {"Action": ["s3:GetObject", "s3:PutObject"], "Effect": "Allow", "Resource": ["arn:aws:s3:::mybucket/${aws:username}/*"]}]}"#;
const HOME_DIRECTORY_2008: &str = r#"{"Version": "2008-10-17", "Statement": [
  {"Action": ["s3:GetObject", "s3:PutObject"], "Effect": "Allow", "Resource": ["arn:aws:s3:::mybucket/${aws:username}/*"]}]}"#;
const OWN_QUEUES: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Sid": "ListForConsole", "Effect": "Allow", "Action": "sqs:ListQueues", "Resource": "*"},
  {"Sid": "AllQueueActions", "Effect": "Allow", "Action": "sqs:*", "Resource": "arn:aws:sqs:us-east-2:*:${aws:username}-queue"}]}"#;
const OWN_ACCESS_KEYS: &str = r#"{"Version": "2012-10-17", "Statement": [{"Action": ["iam:*AccessKey*"], "Effect": "Allow", "Resource": ["arn:aws:iam::111122223333:user/${aws:username}"]}]}"#;
const DEPARTMENT_BUCKET: &str = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": ["arn:aws:s3:::bucket/${aws:PrincipalTag/department}"]}}"#;
const COST_CENTER: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["iam:*user*"], "Resource": "*",
  "Condition": {"StringLike": {"iam:ResourceTag/costCenter": ["12345", "67890"]}}}]}"#;
const DAVID: &str = "arn:aws:iam::111122223333:user/David";

const VARIABLE_EXAMPLES: &[Example] = &[
    Example {
        page: VARIABLES,
        sentence: "When this policy is evaluated, IAM replaces the variable ${aws:username} with the friendly name of the actual current user.",
        identity: &[HOME_DIRECTORY],
        caller: DAVID,
        action: "s3:GetObject",
        resource_arn: "arn:aws:s3:::mybucket/David/notes.txt",
        context: &[("aws:username", &["David"])],
        decision: Allow,
        ..BASE
    },
    Example {
        page: VARIABLES,
        sentence: "It gives each of the users in the group full programmatic access to a user-specific object (their own \"home directory\") in Amazon S3. (another user's directory)",
        identity: &[HOME_DIRECTORY],
        caller: DAVID,
        action: "s3:GetObject",
        resource_arn: "arn:aws:s3:::mybucket/Adele/notes.txt",
        context: &[("aws:username", &["David"])],
        decision: ImplicitDeny,
        ..BASE
    },
    Example {
        page: VARIABLES,
        sentence: "You can use a policy variable for Condition values in any condition that involves the string operators or the ARN operators. (s3:prefix)",
        identity: &[HOME_DIRECTORY],
        caller: DAVID,
        action: "s3:ListBucket",
        resource_arn: "arn:aws:s3:::mybucket",
        context: &[("aws:username", &["David"]), ("s3:prefix", &["David/2024"])],
        decision: Allow,
        ..BASE
    },
    Example {
        page: VARIABLES,
        sentence: "You can use a policy variable for Condition values in any condition that involves the string operators or the ARN operators. (another prefix)",
        identity: &[HOME_DIRECTORY],
        caller: DAVID,
        action: "s3:ListBucket",
        resource_arn: "arn:aws:s3:::mybucket",
        context: &[("aws:username", &["David"]), ("s3:prefix", &["Adele/2024"])],
        decision: ImplicitDeny,
        ..BASE
    },
    Example {
        page: VARIABLES,
        sentence: "If you don't include the Version element and set it to an appropriate version date, variables like ${aws:username} are treated as literal strings in the policy. (no Version)",
        identity: &[HOME_DIRECTORY_UNVERSIONED],
        caller: DAVID,
        action: "s3:GetObject",
        resource_arn: "arn:aws:s3:::mybucket/David/notes.txt",
        context: &[("aws:username", &["David"])],
        decision: ImplicitDeny,
        ..BASE
    },
    Example {
        page: VARIABLES,
        sentence: "Earlier versions of the policy language don't support policy variables. (2008-10-17)",
        identity: &[HOME_DIRECTORY_2008],
        caller: DAVID,
        action: "s3:GetObject",
        resource_arn: "arn:aws:s3:::mybucket/David/notes.txt",
        context: &[("aws:username", &["David"])],
        decision: ImplicitDeny,
        ..BASE
    },
    Example {
        page: VARIABLES,
        sentence: "If you don't include the Version element and set it to an appropriate version date, variables like ${aws:username} are treated as literal strings in the policy. (the literal text matches)",
        identity: &[HOME_DIRECTORY_UNVERSIONED],
        caller: DAVID,
        action: "s3:GetObject",
        resource_arn: "arn:aws:s3:::mybucket/${aws:username}/notes.txt",
        context: &[("aws:username", &["David"])],
        decision: Allow,
        ..BASE
    },
    Example {
        page: VARIABLES,
        sentence: "It gives users in that group the ability to create, use, and delete queues that have their names and that are in the us-east-2 Region.",
        identity: &[OWN_QUEUES],
        action: "sqs:SendMessage",
        resource_arn: "arn:aws:sqs:us-east-2:111122223333:alice-queue",
        context: &[("aws:username", &["alice"])],
        decision: Allow,
        ..BASE
    },
    Example {
        page: VARIABLES,
        sentence: "It gives users in that group the ability to create, use, and delete queues that have their names and that are in the us-east-2 Region. (another Region)",
        identity: &[OWN_QUEUES],
        action: "sqs:SendMessage",
        resource_arn: "arn:aws:sqs:us-west-2:111122223333:alice-queue",
        context: &[("aws:username", &["alice"])],
        decision: ImplicitDeny,
        ..BASE
    },
    Example {
        page: VARIABLES,
        sentence: "When a user makes a request to modify his or her access key, IAM substitutes the user name from the current request for the ${aws:username} variable and evaluates the policy.",
        identity: &[OWN_ACCESS_KEYS],
        caller: DAVID,
        action: "iam:CreateAccessKey",
        resource_arn: "arn:aws:iam::111122223333:user/David",
        context: &[("aws:username", &["David"])],
        decision: Allow,
        ..BASE
    },
    Example {
        page: VARIABLES,
        sentence: "not present means that the value is not in the current request information, and any attempt to match it fails and causes the statement to be invalid. (aws:username for a role)",
        identity: &[OWN_ACCESS_KEYS],
        caller: ROLE_SESSION,
        action: "iam:CreateAccessKey",
        resource_arn: "arn:aws:iam::111122223333:user/examplerole",
        decision: ImplicitDeny,
        ..BASE
    },
    Example {
        page: VARIABLES,
        sentence: "the following Resource element refers to only a bucket that is named the same as the value in the requesting user's department tag.",
        identity: &[DEPARTMENT_BUCKET],
        action: "s3:ListBucket",
        resource_arn: "arn:aws:s3:::bucket/finance",
        context: &[("aws:PrincipalTag/department", &["finance"])],
        decision: Allow,
        ..BASE
    },
    Example {
        page: VARIABLES,
        sentence: "the following Resource element refers to only a bucket that is named the same as the value in the requesting user's department tag. (another department's bucket)",
        identity: &[DEPARTMENT_BUCKET],
        action: "s3:ListBucket",
        resource_arn: "arn:aws:s3:::bucket/marketing",
        context: &[("aws:PrincipalTag/department", &["finance"])],
        decision: ImplicitDeny,
        ..BASE
    },
    Example {
        page: VARIABLES,
        sentence: "The tag must also have a value of either 12345 or 67890.",
        identity: &[COST_CENTER],
        action: "iam:GetUser",
        resource_arn: "arn:aws:iam::111122223333:user/bob",
        context: &[("iam:ResourceTag/costCenter", &["67890"])],
        decision: Allow,
        ..BASE
    },
    Example {
        page: VARIABLES,
        sentence: "If the tag has no value, or has any other value, then the request fails.",
        identity: &[COST_CENTER],
        action: "iam:GetUser",
        resource_arn: "arn:aws:iam::111122223333:user/bob",
        context: &[("iam:ResourceTag/costCenter", &["99999"])],
        decision: ImplicitDeny,
        ..BASE
    },
];

const TABLES: &[&[Example]] = &[
    EVALUATION_EXAMPLES,
    CROSS_ACCOUNT_EXAMPLES,
    NOT_PRINCIPAL_EXAMPLES,
    CONDITION_EXAMPLES,
    SET_OPERATOR_EXAMPLES,
    VARIABLE_EXAMPLES,
];

fn document(text: &str, kind: PolicyKind) -> PolicyDocument<'static> {
    let node = parse(FileId(0), text, Syntax::Json).unwrap_or_else(|e| panic!("{}: {text}", e.message));
    PolicyDocument::from_node(Cow::Owned(node), kind, None)
}

fn documents(texts: &[&str], kind: PolicyKind) -> Vec<PolicyDocument<'static>> {
    texts.iter().map(|t| document(t, kind)).collect()
}

/// The decision for one example, by `decide` and by `evaluate` (they must agree).
fn decided(example: &Example) -> (Decision, Decision) {
    let identity = documents(example.identity, PolicyKind::Identity);
    let resource = documents(example.resource, PolicyKind::Resource);
    let boundary = example.boundary.map(|b| document(b, PolicyKind::Identity));
    let session = example.session.map(|s| document(s, PolicyKind::Identity));
    let scps = documents(example.scps, PolicyKind::ServiceControl);
    let caller = if example.caller.ends_with(".amazonaws.com") {
        Caller {
            arn: example.caller.to_string(),
            account: String::new(),
            service: Some(example.caller.to_string()),
        }
    } else {
        iamlint::simulate::caller_from_arn(example.caller)
    };
    let cross_account = caller.service.is_none()
        && !example.resource_account.is_empty()
        && example.resource_account != caller.account;
    let mut context = Context::new();
    for (key, values) in example.context {
        context.set(key, values.iter().map(|v| v.to_string()).collect());
    }
    let request = Request {
        action: example.action.to_string(),
        resource: example.resource_arn.to_string(),
        caller,
        context,
    };
    let set = PolicySet {
        identity: identity.iter().collect(),
        resource: resource.iter().collect(),
        boundary: boundary.as_ref().map(|b| vec![b]),
        session: session.as_ref().map(|s| vec![s]),
        scps: scps.iter().map(|scp| vec![scp]).collect(),
        rcps: Vec::new(),
        cross_account,
    };
    (decide(&set, &request), evaluate(&set, &request).decision)
}

#[test]
fn the_user_guide_examples_decide_as_documented() {
    let mut failures = Vec::new();
    let mut count = 0;
    for example in TABLES.iter().flat_map(|table| table.iter()) {
        count += 1;
        let (fast, traced) = decided(example);
        if fast != example.decision || traced != example.decision {
            failures.push(format!(
                "{} ({} on {} by {}): documented {:?}, decide {fast:?}, evaluate {traced:?}\n  \"{}\"",
                example.page,
                example.action,
                example.resource_arn,
                example.caller,
                example.decision,
                example.sentence
            ));
        }
    }
    assert!(count >= 60, "only {count} examples");
    assert!(
        failures.is_empty(),
        "{} of {count} examples fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_example_names_its_page_and_sentence() {
    for example in TABLES.iter().flat_map(|table| table.iter()) {
        assert!(
            !example.page.is_empty() && example.sentence.len() > 20,
            "{}",
            example.action
        );
        assert!(
            !example.action.is_empty() && !example.resource_arn.is_empty(),
            "{}",
            example.sentence
        );
    }
}
