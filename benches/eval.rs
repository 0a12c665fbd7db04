//! Evaluations per second of the policy evaluator on realistic policy sets: a 20-statement
//! identity policy alone, and the same under two levels of SCPs and a permissions boundary.
//! Each set gets three requests: one that the first statement allows, one that only the
//! last statement allows, and one that nothing allows. `decide` is the trace-free path the
//! rules use; `evaluate` builds the trace that `iamlint simulate` shows.
//! `cargo bench --bench eval` (criterion prints elem/s: one element is one evaluation).

use std::borrow::Cow;
use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use iamlint::eval::{Caller, Context, Decision, PolicySet, Request, decide, evaluate};
use iamlint::model::{PolicyDocument, PolicyKind};
use iamlint::parse::{Syntax, parse};
use iamlint::source::FileId;

/// An application role's policy as teams write them: several services, ARNs with
/// wildcards, tag-based access, a policy variable, guard Denies and an MFA `NotAction`.
const IDENTITY: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Sid": "ReadAppData", "Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket"],
   "Resource": ["arn:aws:s3:::app-data", "arn:aws:s3:::app-data/*"]},
  {"Sid": "OwnUploads", "Effect": "Allow", "Action": ["s3:PutObject", "s3:DeleteObject"],
   "Resource": "arn:aws:s3:::app-data/uploads/${aws:username}/*"},
  {"Sid": "Tables", "Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem"],
   "Resource": ["arn:aws:dynamodb:eu-west-1:111122223333:table/orders", "arn:aws:dynamodb:eu-west-1:111122223333:table/orders/index/*"]},
  {"Sid": "Describe", "Effect": "Allow", "Action": ["ec2:Describe*", "elasticloadbalancing:Describe*"], "Resource": "*"},
  {"Sid": "OwnInstances", "Effect": "Allow", "Action": ["ec2:StartInstances", "ec2:StopInstances", "ec2:RebootInstances"],
   "Resource": "arn:aws:ec2:eu-west-1:111122223333:instance/*",
   "Condition": {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}},
  {"Sid": "Queue", "Effect": "Allow", "Action": ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"],
   "Resource": "arn:aws:sqs:eu-west-1:111122223333:orders-*",
   "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:sns:eu-west-1:111122223333:orders-*"}}},
  {"Sid": "Keys", "Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
   "Resource": "arn:aws:kms:eu-west-1:111122223333:key/*",
   "Condition": {"StringLike": {"kms:ViaService": ["s3.*.amazonaws.com", "dynamodb.*.amazonaws.com"]}}},
  {"Sid": "Logs", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
   "Resource": "arn:aws:logs:eu-west-1:111122223333:log-group:/app/*:*"},
  {"Sid": "Functions", "Effect": "Allow", "Action": "lambda:InvokeFunction",
   "Resource": "arn:aws:lambda:eu-west-1:111122223333:function:app-*"},
  {"Sid": "Metrics", "Effect": "Allow", "Action": "cloudwatch:PutMetricData", "Resource": "*",
   "Condition": {"StringEquals": {"cloudwatch:namespace": ["App", "App/Orders"]}}},
  {"Sid": "Notify", "Effect": "Allow", "Action": "sns:Publish",
   "Resource": "arn:aws:sns:eu-west-1:111122223333:orders-*"},
  {"Sid": "Secrets", "Effect": "Allow", "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
   "Resource": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:app/*",
   "Condition": {"Bool": {"aws:SecureTransport": "true"}}},
  {"Sid": "OfficeOnly", "Effect": "Deny", "Action": "*", "Resource": "*",
   "Condition": {"NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"]},
                 "Bool": {"aws:ViaAWSService": "false"}}},
  {"Sid": "PassAppRoles", "Effect": "Allow", "Action": "iam:PassRole",
   "Resource": "arn:aws:iam::111122223333:role/app-*",
   "Condition": {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}},
  {"Sid": "KeepBuckets", "Effect": "Deny", "Action": ["s3:DeleteBucket", "s3:PutBucketPolicy"], "Resource": "*"},
  {"Sid": "RequireMfa", "Effect": "Deny",
   "NotAction": ["iam:ChangePassword", "iam:GetUser", "iam:ListMFADevices", "sts:GetSessionToken"],
   "Resource": "*", "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}},
  {"Sid": "Parameters", "Effect": "Allow", "Action": ["ssm:GetParameter", "ssm:GetParametersByPath"],
   "Resource": "arn:aws:ssm:eu-west-1:111122223333:parameter/app/*"},
  {"Sid": "Images", "Effect": "Allow", "Action": ["ecr:GetAuthorizationToken", "ecr:BatchGetImage"], "Resource": "*"},
  {"Sid": "TagOnLaunch", "Effect": "Deny", "Action": "ec2:RunInstances",
   "Resource": "arn:aws:ec2:*:*:instance/*", "Condition": {"Null": {"aws:RequestTag/team": "true"}}},
  {"Sid": "Queries", "Effect": "Allow", "Action": ["athena:StartQueryExecution", "athena:GetQueryResults"],
   "Resource": "arn:aws:athena:eu-west-1:111122223333:workgroup/app",
   "Condition": {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"]}}}
]}"#;

const FULL_ACCESS: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Sid": "FullAWSAccess", "Effect": "Allow", "Action": "*", "Resource": "*"}]}"#;

/// An OU's guardrails: approved regions only (global services excepted), nobody leaves
/// the organization, the security tooling role cannot be touched.
const GUARDRAILS: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Sid": "Allow", "Effect": "Allow", "Action": "*", "Resource": "*"},
  {"Sid": "Regions", "Effect": "Deny",
   "NotAction": ["iam:*", "organizations:*", "sts:*", "support:*", "cloudfront:*", "route53:*"],
   "Resource": "*", "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]}}},
  {"Sid": "StayInOrg", "Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"},
  {"Sid": "SecurityRole", "Effect": "Deny", "Action": ["iam:*Role*", "iam:*Policy*"],
   "Resource": "arn:aws:iam::*:role/security-*",
   "Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/security-admin"}}}]}"#;

const BOUNDARY: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Sid": "Services", "Effect": "Allow",
   "Action": ["s3:*", "dynamodb:*", "ec2:*", "elasticloadbalancing:*", "sqs:*", "sns:*", "kms:*", "logs:*",
              "lambda:*", "cloudwatch:*", "secretsmanager:*", "ssm:*", "ecr:*", "athena:*", "iam:PassRole"],
   "Resource": "*"},
  {"Sid": "NoUserAdmin", "Effect": "Deny", "Action": ["iam:CreateUser", "iam:CreateAccessKey"], "Resource": "*"}]}"#;

fn document(json: &str, kind: PolicyKind) -> PolicyDocument<'static> {
    let node = parse(FileId(0), json, Syntax::Json).expect("the benchmark's policies are valid JSON");
    PolicyDocument::from_node(Cow::Owned(node), kind, None)
}

/// A console user's request context: identity, network, transport, MFA, time, tags.
fn request(action: &str, resource: &str) -> Request {
    let mut context = Context::new()
        .with("aws:username", "alice")
        .with("aws:userid", "AIDAEXAMPLE1234567890")
        .with("aws:PrincipalArn", "arn:aws:iam::111122223333:user/alice")
        .with("aws:PrincipalAccount", "111122223333")
        .with("aws:PrincipalTag/team", "orders")
        .with("aws:SourceIp", "203.0.113.40")
        .with("aws:SecureTransport", "true")
        .with("aws:ViaAWSService", "false")
        .with("aws:MultiFactorAuthPresent", "true")
        .with("aws:RequestedRegion", "eu-west-1")
        .with("aws:CurrentTime", "2026-11-26T10:00:00Z");
    context.set("aws:PrincipalServiceNamesList", Vec::new());
    Request {
        action: action.to_string(),
        resource: resource.to_string(),
        caller: Caller {
            arn: "arn:aws:iam::111122223333:user/alice".to_string(),
            account: "111122223333".to_string(),
            service: None,
        },
        context,
    }
}

fn benches(c: &mut Criterion) {
    let identity = document(IDENTITY, PolicyKind::Identity);
    let full = document(FULL_ACCESS, PolicyKind::ServiceControl);
    let guardrails = document(GUARDRAILS, PolicyKind::ServiceControl);
    let boundary = document(BOUNDARY, PolicyKind::Identity);
    let alone = PolicySet {
        identity: vec![&identity],
        ..PolicySet::default()
    };
    let governed = PolicySet {
        identity: vec![&identity],
        boundary: Some(vec![&boundary]),
        scps: vec![vec![&full], vec![&guardrails]],
        ..PolicySet::default()
    };
    let requests = [
        // Allowed by the first statement.
        (
            "early",
            request("s3:GetObject", "arn:aws:s3:::app-data/reports/2026-11.csv"),
        ),
        // Allowed only by the last statement.
        (
            "late",
            request(
                "athena:StartQueryExecution",
                "arn:aws:athena:eu-west-1:111122223333:workgroup/app",
            ),
        ),
        // Allowed by nothing.
        (
            "none",
            request(
                "rds:DeleteDBInstance",
                "arn:aws:rds:eu-west-1:111122223333:db:orders",
            ),
        ),
    ];

    for (set_name, set) in [("identity-20", &alone), ("identity-20+scp-2+boundary", &governed)] {
        // The cases measure what their names say.
        let decisions: Vec<Decision> = requests.iter().map(|(_, r)| decide(set, r)).collect();
        assert_eq!(
            decisions,
            [Decision::Allow, Decision::Allow, Decision::ImplicitDeny],
            "{set_name}"
        );
        let mut group = c.benchmark_group(set_name);
        group.throughput(Throughput::Elements(1));
        group.warm_up_time(Duration::from_secs(1));
        group.measurement_time(Duration::from_secs(3));
        for (request_name, request) in &requests {
            group.bench_function(format!("decide/{request_name}"), |b| {
                b.iter(|| decide(black_box(set), black_box(request)));
            });
            group.bench_function(format!("evaluate/{request_name}"), |b| {
                b.iter(|| evaluate(black_box(set), black_box(request)));
            });
        }
        group.finish();
    }
}

criterion_group!(eval, benches);
criterion_main!(eval);
