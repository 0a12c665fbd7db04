use super::*;
use crate::model::{PolicyDocument, PolicyKind};
use crate::parse::{Syntax, parse};
use crate::source::FileId;

fn doc(json: &str, kind: PolicyKind) -> PolicyDocument<'static> {
    let node = parse(FileId(0), json, Syntax::Json).unwrap();
    PolicyDocument::from_node(std::borrow::Cow::Owned(node), kind, None)
}

/// The decision of `evaluate`, after checking that `decide` makes the same one: every case
/// of these tests is also a case of the fast path.
fn decision(set: &PolicySet<'_, '_>, request: &Request) -> Decision {
    let decision = evaluate(set, request).decision;
    assert_eq!(decide(set, request), decision, "decide disagrees on {request:?}");
    decision
}

fn request(action: &str, resource: &str) -> Request {
    Request {
        action: action.into(),
        resource: resource.into(),
        caller: Caller {
            arn: "arn:aws:iam::111122223333:role/Deployer".into(),
            account: "111122223333".into(),
            service: None,
        },
        context: Context::new(),
    }
}

const GUARD: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "rds:*", "Resource": "*"},
  {"Effect": "Deny", "Action": ["rds:CreateDBInstance", "rds:ModifyDBInstance"],
   "Resource": "arn:aws:rds:*:*:db:*",
   "Condition": {"Bool": {"rds:ManageMasterUserPassword": false}}}]}"#;

#[test]
fn explicit_deny_wins_and_the_trace_says_why() {
    let identity = doc(GUARD, PolicyKind::Identity);
    let set = PolicySet {
        identity: vec![&identity],
        ..PolicySet::default()
    };
    let mut hand_set = request(
        "rds:CreateDBInstance",
        "arn:aws:rds:eu-west-1:111122223333:db:orders",
    );
    hand_set
        .context
        .set("rds:ManageMasterUserPassword", vec!["false".into()]);
    let evaluation = evaluate(&set, &hand_set);
    assert_eq!(decide(&set, &hand_set), evaluation.decision);
    assert_eq!(evaluation.decision, Decision::ExplicitDeny);
    assert!(
        evaluation
            .trace
            .iter()
            .any(|t| t.effect == Effect::Deny && t.applies)
    );

    let mut managed = hand_set.clone();
    managed
        .context
        .set("rds:ManageMasterUserPassword", vec!["true".into()]);
    assert_eq!(decision(&set, &managed), Decision::Allow);

    // The guard is scoped to instances: a cluster with a hand-set password gets through.
    let mut cluster = request(
        "rds:CreateDBCluster",
        "arn:aws:rds:eu-west-1:111122223333:cluster:orders",
    );
    cluster
        .context
        .set("rds:ManageMasterUserPassword", vec!["false".into()]);
    let evaluation = evaluate(&set, &cluster);
    assert_eq!(decide(&set, &cluster), evaluation.decision);
    assert_eq!(evaluation.decision, Decision::Allow);
    let deny = evaluation
        .trace
        .iter()
        .find(|t| t.effect == Effect::Deny)
        .unwrap();
    assert!(
        !deny.applies && deny.reason.contains("actions"),
        "{}",
        deny.reason
    );
}

#[test]
fn scps_boundaries_and_sessions_must_allow() {
    let identity = doc(
        r#"{"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}"#,
        PolicyKind::Identity,
    );
    let full = doc(
        r#"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#,
        PolicyKind::ServiceControl,
    );
    let ec2_only = doc(
        r#"{"Statement": {"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}}"#,
        PolicyKind::ServiceControl,
    );
    let get = request("s3:GetObject", "arn:aws:s3:::reports/q1.csv");
    fn with<'a>(
        identity: &'a PolicyDocument<'static>,
        scps: Vec<Vec<&'a PolicyDocument<'static>>>,
        boundary: Option<Vec<&'a PolicyDocument<'static>>>,
    ) -> PolicySet<'a, 'static> {
        PolicySet {
            identity: vec![identity],
            scps,
            boundary,
            ..PolicySet::default()
        }
    }
    assert_eq!(
        decision(&with(&identity, vec![vec![&full]], None), &get),
        Decision::Allow
    );
    let nested = with(&identity, vec![vec![&full], vec![&ec2_only]], None);
    assert_eq!(decision(&nested, &get), Decision::ImplicitDeny);
    let bounded = with(&identity, Vec::new(), Some(vec![&ec2_only]));
    assert_eq!(decision(&bounded, &get), Decision::ImplicitDeny);
    let open = with(&identity, Vec::new(), Some(vec![&full]));
    assert_eq!(decision(&open, &get), Decision::Allow);
}

#[test]
fn resource_policies_union_within_an_account_and_intersect_across() {
    let bucket = doc(
        r#"{"Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
            "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}}"#,
        PolicyKind::Resource,
    );
    let identity = doc(
        r#"{"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}"#,
        PolicyKind::Identity,
    );
    let get = request("s3:GetObject", "arn:aws:s3:::reports/q1.csv");
    // Naming the account delegates to it: within the account, its identity-based policies
    // must allow the request ("AWS JSON policy elements: Principal", account principals).
    let same_account = PolicySet {
        resource: vec![&bucket],
        ..PolicySet::default()
    };
    let evaluation = evaluate(&same_account, &get);
    assert_eq!(evaluation.decision, Decision::ImplicitDeny);
    assert!(evaluation.reason.contains("account"), "{}", evaluation.reason);
    let with_identity = PolicySet {
        identity: vec![&identity],
        resource: vec![&bucket],
        ..PolicySet::default()
    };
    assert_eq!(decision(&with_identity, &get), Decision::Allow);
    // Naming the caller itself grants on its own within the account.
    let to_caller = doc(
        r#"{"Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/Deployer"},
            "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}}"#,
        PolicyKind::Resource,
    );
    let direct = PolicySet {
        resource: vec![&to_caller],
        ..PolicySet::default()
    };
    assert_eq!(decision(&direct, &get), Decision::Allow);
    let cross = PolicySet {
        resource: vec![&bucket],
        cross_account: true,
        ..PolicySet::default()
    };
    assert_eq!(decision(&cross, &get), Decision::ImplicitDeny);
    let both = PolicySet {
        identity: vec![&identity],
        resource: vec![&bucket],
        cross_account: true,
        ..PolicySet::default()
    };
    assert_eq!(decision(&both, &get), Decision::Allow);
    let mut stranger = get.clone();
    stranger.caller.account = "444455556666".into();
    stranger.caller.arn = "arn:aws:iam::444455556666:role/Other".into();
    assert_eq!(decision(&direct, &stranger), Decision::ImplicitDeny);
}

/// The caller of these tests as a user, a role, or a session of the role.
fn caller(arn: &str) -> Caller {
    Caller {
        arn: arn.into(),
        account: "111122223333".into(),
        service: None,
    }
}

#[test]
fn role_sessions_match_their_role_and_boundaries_limit_role_grants() {
    let bucket = |principal: &str| {
        doc(
            &format!(
                r#"{{"Statement": {{"Effect": "Allow", "Principal": {{"AWS": "{principal}"}},
                    "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}}}}"#
            ),
            PolicyKind::Resource,
        )
    };
    let boundary = doc(
        r#"{"Statement": {"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}}"#,
        PolicyKind::Identity,
    );
    let role = "arn:aws:iam::111122223333:role/Deployer";
    let session = "arn:aws:sts::111122223333:assumed-role/Deployer/alice";
    let user = "arn:aws:iam::111122223333:user/alice";
    let get = request("s3:GetObject", "arn:aws:s3:::reports/q1.csv");
    let decide_for = |principal: &str, caller_arn: &str, bounded: bool| {
        let policy = bucket(principal);
        let set = PolicySet {
            resource: vec![&policy],
            boundary: bounded.then(|| vec![&boundary]),
            ..PolicySet::default()
        };
        let mut request = get.clone();
        request.caller = caller(caller_arn);
        decision(&set, &request)
    };
    // A role ARN names every session of the role (a path in the role ARN is not in the
    // session ARN).
    assert_eq!(decide_for(role, session, false), Decision::Allow);
    assert_eq!(
        decide_for("arn:aws:iam::111122223333:role/team/Deployer", session, false),
        Decision::Allow
    );
    assert_eq!(
        decide_for("arn:aws:iam::111122223333:role/Other", session, false),
        Decision::ImplicitDeny
    );
    // "Permissions boundaries for IAM entities": within an account, a grant to a user or a
    // role session ARN is not limited by an implicit deny in the boundary, a grant to a role
    // ARN is.
    assert_eq!(decide_for(user, user, true), Decision::Allow);
    assert_eq!(decide_for(session, session, true), Decision::Allow);
    assert_eq!(decide_for(role, session, true), Decision::ImplicitDeny);
    assert_eq!(decide_for(role, role, true), Decision::ImplicitDeny);
    assert_eq!(decide_for("*", role, true), Decision::Allow);
}

#[test]
fn not_principal_with_deny_denies_every_principal_with_a_boundary() {
    let bucket = doc(
        r#"{"Statement": [
          {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"},
          {"Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:role/Deployer"},
           "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}]}"#,
        PolicyKind::Resource,
    );
    let boundary = doc(
        r#"{"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}"#,
        PolicyKind::Identity,
    );
    let get = request("s3:GetObject", "arn:aws:s3:::reports/q1.csv");
    let open = PolicySet {
        resource: vec![&bucket],
        ..PolicySet::default()
    };
    assert_eq!(decision(&open, &get), Decision::Allow);
    let bounded = PolicySet {
        resource: vec![&bucket],
        boundary: Some(vec![&boundary]),
        ..PolicySet::default()
    };
    assert_eq!(decision(&bounded, &get), Decision::ExplicitDeny);
}

/// "AWS JSON policy elements: NotPrincipal", its example for an IAM user: "all principals
/// except the user named Bob in AWS account 444455556666 are explicitly denied access to a
/// resource", with `NotPrincipal` listing Bob and `arn:aws:iam::444455556666:root`. The
/// account in the list does not leave out the account's other users.
#[test]
fn not_principal_with_deny_leaves_out_only_the_principals_it_names() {
    let bucket = doc(
        r#"{"Version": "2012-10-17", "Statement": [
          {"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::BUCKETNAME/*"},
          {"Effect": "Deny", "NotPrincipal": {"AWS": [
             "arn:aws:iam::444455556666:user/Bob", "arn:aws:iam::444455556666:root"]},
           "Action": "s3:*", "Resource": ["arn:aws:s3:::BUCKETNAME", "arn:aws:s3:::BUCKETNAME/*"]}]}"#,
        PolicyKind::Resource,
    );
    let set = PolicySet {
        resource: vec![&bucket],
        ..PolicySet::default()
    };
    let get = |arn: &str| {
        let mut get = request("s3:GetObject", "arn:aws:s3:::BUCKETNAME/q1.csv");
        get.caller = crate::simulate::caller_from_arn(arn);
        decision(&set, &get)
    };
    assert_eq!(get("arn:aws:iam::444455556666:user/Bob"), Decision::Allow);
    assert_eq!(
        get("arn:aws:iam::444455556666:user/carol"),
        Decision::ExplicitDeny
    );
    assert_eq!(get("arn:aws:iam::444455556666:root"), Decision::Allow);
    assert_eq!(get("arn:aws:iam::111122223333:user/Bob"), Decision::ExplicitDeny);
}

/// The same page, its example for a role: "all principals except the assumed-role user
/// named cross-account-audit-app [...] are explicitly denied", and "The assumed-role user
/// is identified by the role session name": the role's ARN alone leaves out no session.
#[test]
fn not_principal_with_a_role_arn_does_not_leave_out_its_sessions() {
    let policy = |names: &str| {
        doc(
            &format!(
                r#"{{"Version": "2012-10-17", "Statement": [
                  {{"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}},
                  {{"Effect": "Deny", "NotPrincipal": {{"AWS": [{names}]}}, "Action": "s3:*",
                   "Resource": ["arn:aws:s3:::Bucket_AccountAudit", "arn:aws:s3:::Bucket_AccountAudit/*"]}}]}}"#
            ),
            PolicyKind::Resource,
        )
    };
    let role =
        r#""arn:aws:iam::444455556666:role/cross-account-read-only-role", "arn:aws:iam::444455556666:root""#;
    let session =
        "arn:aws:sts::444455556666:assumed-role/cross-account-read-only-role/cross-account-audit-app";
    let decide_for = |doc: &PolicyDocument<'static>, arn: &str| {
        let set = PolicySet {
            resource: vec![doc],
            ..PolicySet::default()
        };
        let mut get = request("s3:GetObject", "arn:aws:s3:::Bucket_AccountAudit/report");
        get.caller = crate::simulate::caller_from_arn(arn);
        decision(&set, &get)
    };
    let role_only = policy(role);
    assert_eq!(decide_for(&role_only, session), Decision::ExplicitDeny);
    let with_session = policy(&format!(r#""{session}", {role}"#));
    assert_eq!(decide_for(&with_session, session), Decision::Allow);
    let other_session = "arn:aws:sts::444455556666:assumed-role/cross-account-read-only-role/other-app";
    assert_eq!(decide_for(&with_session, other_session), Decision::ExplicitDeny);
}

/// "Policy evaluation logic": "By default, all requests are implicitly denied with the
/// exception of the AWS account root user, which has full access." SCPs and explicit denies
/// still apply, and across accounts the resource policy must allow.
#[test]
fn the_root_user_has_full_access_within_its_account() {
    let mut get = request("s3:GetObject", "arn:aws:s3:::reports/q1.csv");
    get.caller = crate::simulate::caller_from_arn("arn:aws:iam::111122223333:root");
    assert_eq!(decision(&PolicySet::default(), &get), Decision::Allow);
    let scp = doc(
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}}"#,
        PolicyKind::ServiceControl,
    );
    let governed = PolicySet {
        scps: vec![vec![&scp]],
        ..PolicySet::default()
    };
    assert_eq!(decision(&governed, &get), Decision::ImplicitDeny);
    let deny = doc(
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}}"#,
        PolicyKind::Resource,
    );
    let denied = PolicySet {
        resource: vec![&deny],
        ..PolicySet::default()
    };
    assert_eq!(decision(&denied, &get), Decision::ExplicitDeny);
    let across = PolicySet {
        cross_account: true,
        ..PolicySet::default()
    };
    assert_eq!(decision(&across, &get), Decision::ImplicitDeny);
    // A user named root is not the root user.
    get.caller = crate::simulate::caller_from_arn("arn:aws:iam::111122223333:user/root");
    assert_eq!(decision(&PolicySet::default(), &get), Decision::ImplicitDeny);
}

/// "Variables and tags": "If you don't include the `Version` element and set it to an
/// appropriate version date, variables like `${aws:username}` are treated as literal
/// strings in the policy."
#[test]
fn policy_variables_need_version_2012_10_17() {
    let home = |version: &str| {
        doc(
            &format!(
                r#"{{{version}"Statement": {{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::mybucket/${{aws:username}}/*"}}}}"#
            ),
            PolicyKind::Identity,
        )
    };
    let mut get = request("s3:GetObject", "arn:aws:s3:::mybucket/David/notes.txt");
    get.context.set("aws:username", vec!["David".into()]);
    let decide_with = |doc: &PolicyDocument<'static>, request: &Request| {
        let set = PolicySet {
            identity: vec![doc],
            ..PolicySet::default()
        };
        decision(&set, request)
    };
    assert_eq!(
        decide_with(&home(r#""Version": "2012-10-17", "#), &get),
        Decision::Allow
    );
    assert_eq!(decide_with(&home(""), &get), Decision::ImplicitDeny);
    assert_eq!(
        decide_with(&home(r#""Version": "2008-10-17", "#), &get),
        Decision::ImplicitDeny
    );
    // In the old language the text is compared as it is written.
    let literal = request("s3:GetObject", "arn:aws:s3:::mybucket/${aws:username}/notes.txt");
    assert_eq!(decide_with(&home(""), &literal), Decision::Allow);
}

#[test]
fn unresolved_variables_make_negated_conditions_and_not_resource_fail() {
    // "If AWS cannot resolve a variable this might cause the entire statement to be
    // invalid": a Deny that compares with `${aws:username}` does not apply to a role.
    let identity = doc(
        r#"{"Version": "2012-10-17", "Statement": [
          {"Effect": "Allow", "Action": "*", "Resource": "*"},
          {"Effect": "Deny", "Action": "*", "Resource": "*",
           "Condition": {"StringNotEquals": {"aws:PrincipalTag/owner": "${aws:username}"}}},
          {"Effect": "Deny", "Action": "sqs:*", "NotResource": "arn:aws:sqs:*:*:${aws:PrincipalTag/team}-*"}]}"#,
        PolicyKind::Identity,
    );
    let set = PolicySet {
        identity: vec![&identity],
        ..PolicySet::default()
    };
    let mut send = request(
        "sqs:SendMessage",
        "arn:aws:sqs:eu-west-1:111122223333:orders-queue",
    );
    send.context.set("aws:PrincipalTag/owner", vec!["alice".into()]);
    assert_eq!(decision(&set, &send), Decision::Allow);
    // With the variables resolved, both Denies apply.
    send.context.set("aws:username", vec!["bob".into()]);
    assert_eq!(decision(&set, &send), Decision::ExplicitDeny);
    send.context.set("aws:username", vec!["alice".into()]);
    send.context.set("aws:PrincipalTag/team", vec!["billing".into()]);
    assert_eq!(decision(&set, &send), Decision::ExplicitDeny);
    send.context.set("aws:PrincipalTag/team", vec!["orders".into()]);
    assert_eq!(decision(&set, &send), Decision::Allow);
    // A `NotResource` whose variable cannot be resolved still applies to resources that no
    // value of the variable would list.
    let elsewhere = doc(
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "sqs:*", "NotResource": "arn:aws:s3:::home/${aws:username}/*"}}"#,
        PolicyKind::Identity,
    );
    let only = PolicySet {
        identity: vec![&elsewhere],
        ..PolicySet::default()
    };
    let plain = request(
        "sqs:SendMessage",
        "arn:aws:sqs:eu-west-1:111122223333:orders-queue",
    );
    assert_eq!(decision(&only, &plain), Decision::Allow);
}

#[test]
fn not_action_not_resource_and_variables() {
    let identity = doc(
        r#"{"Version": "2012-10-17", "Statement": [
          {"Effect": "Allow", "NotAction": "iam:*", "NotResource": "arn:aws:s3:::secret/*"},
          {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::home/${aws:username}/*"}]}"#,
        PolicyKind::Identity,
    );
    let set = PolicySet {
        identity: vec![&identity],
        ..PolicySet::default()
    };
    assert_eq!(
        decision(&set, &request("s3:PutObject", "arn:aws:s3:::public/x")),
        Decision::Allow
    );
    assert_eq!(
        decision(&set, &request("iam:CreateUser", "*")),
        Decision::ImplicitDeny
    );
    assert_eq!(
        decision(&set, &request("s3:PutObject", "arn:aws:s3:::secret/x")),
        Decision::ImplicitDeny
    );
    let mut own = request("s3:GetObject", "arn:aws:s3:::home/alice/notes");
    own.context.set("aws:username", vec!["alice".into()]);
    let mut other = own.clone();
    other.resource = "arn:aws:s3:::home/bob/notes".into();
    let only_home = doc(
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::home/${aws:username}/*"}}"#,
        PolicyKind::Identity,
    );
    let home = PolicySet {
        identity: vec![&only_home],
        ..PolicySet::default()
    };
    assert_eq!(decision(&home, &own), Decision::Allow);
    assert_eq!(decision(&home, &other), Decision::ImplicitDeny);
}

/// A small deterministic generator (xorshift64*), so that the random cases below are the
/// same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const ACTIONS: [&str; 6] = [
    "s3:GetObject",
    "s3:PutObject",
    "ec2:RunInstances",
    "iam:PassRole",
    "kms:Decrypt",
    "sts:AssumeRole",
];
const RESOURCES: [&str; 5] = [
    "arn:aws:s3:::reports/q1.csv",
    "arn:aws:s3:::home/alice/notes",
    "arn:aws:ec2:eu-west-1:111122223333:instance/i-1",
    "arn:aws:iam::111122223333:role/app-worker",
    "*",
];

/// A random statement from realistic parts; `principal` for resource policies.
fn random_statement(rng: &mut Rng, principal: bool) -> String {
    let effect = if rng.chance(30) { "Deny" } else { "Allow" };
    let action_patterns = [
        "s3:*",
        "s3:Get*",
        "ec2:RunInstances",
        "iam:Pass?ole",
        "*",
        "kms:*",
        "sts:AssumeRole",
    ];
    let resource_patterns = [
        "*",
        "arn:aws:s3:::reports/*",
        "arn:aws:s3:::home/${aws:username}/*",
        "arn:aws:ec2:*:111122223333:instance/*",
        "arn:aws:iam::*:role/app-*",
    ];
    let conditions = [
        r#""StringEquals": {"aws:PrincipalTag/team": ["data", "ops"]}"#,
        r#""StringLike": {"aws:username": "a*"}"#,
        r#""ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/Deploy*"}"#,
        r#""IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"]}"#,
        r#""NotIpAddress": {"aws:SourceIp": "198.51.100.0/24"}"#,
        r#""Bool": {"aws:MultiFactorAuthPresent": "true"}"#,
        r#""BoolIfExists": {"aws:SecureTransport": "false"}"#,
        r#""Null": {"aws:RequestTag/team": "true"}"#,
        r#""ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env"]}"#,
        r#""ForAnyValue:StringLike": {"aws:TagKeys": "cost*"}"#,
        r#""NumericLessThan": {"s3:max-keys": "100"}"#,
        r#""DateGreaterThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}"#,
        r#""StringEqualsIgnoreCase": {"aws:PrincipalTag/team": "${aws:PrincipalTag/owner, 'DATA'}"}"#,
    ];
    let list = |rng: &mut Rng, items: &[&str]| {
        let n = 1 + rng.below(2);
        let picked: Vec<String> = (0..n).map(|_| format!("\"{}\"", rng.pick(items))).collect();
        format!("[{}]", picked.join(", "))
    };
    let mut parts = vec![format!("\"Effect\": \"{effect}\"")];
    let action_key = if rng.chance(15) { "NotAction" } else { "Action" };
    parts.push(format!("\"{action_key}\": {}", list(rng, &action_patterns)));
    if !principal || rng.chance(60) {
        let resource_key = if rng.chance(10) { "NotResource" } else { "Resource" };
        parts.push(format!("\"{resource_key}\": {}", list(rng, &resource_patterns)));
    }
    if principal {
        let principals = [
            r#""Principal": "*""#,
            r#""Principal": {"AWS": "arn:aws:iam::111122223333:root"}"#,
            r#""Principal": {"AWS": ["444455556666", "arn:aws:iam::111122223333:role/Deployer"]}"#,
            r#""NotPrincipal": {"AWS": "arn:aws:iam::444455556666:root"}"#,
            r#""Principal": {"Service": "lambda.amazonaws.com"}"#,
        ];
        parts.push(rng.pick(&principals).to_string());
    }
    if rng.chance(60) {
        let n = 1 + rng.below(2);
        let picked: Vec<&str> = (0..n).map(|_| rng.pick(&conditions)).collect();
        parts.push(format!("\"Condition\": {{{}}}", picked.join(", ")));
    }
    format!("{{{}}}", parts.join(", "))
}

fn random_policy(rng: &mut Rng, kind: PolicyKind) -> PolicyDocument<'static> {
    let n = 1 + rng.below(4);
    let statements: Vec<String> = (0..n)
        .map(|_| random_statement(rng, kind == PolicyKind::Resource))
        .collect();
    doc(
        &format!(
            r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#,
            statements.join(", ")
        ),
        kind,
    )
}

fn random_request(rng: &mut Rng) -> Request {
    let mut request = request(rng.pick(&ACTIONS), rng.pick(&RESOURCES));
    if rng.chance(20) {
        request.caller.account = "444455556666".into();
        request.caller.arn = "arn:aws:iam::444455556666:role/Other".into();
    }
    let optional = [
        ("aws:username", &["alice", "bob"][..]),
        ("aws:PrincipalTag/team", &["data", "Data", "web"][..]),
        ("aws:PrincipalTag/owner", &["data"][..]),
        (
            "aws:PrincipalArn",
            &["arn:aws:iam::111122223333:role/Deployer"][..],
        ),
        (
            "aws:SourceIp",
            &["203.0.113.9", "198.51.100.7", "2001:db8::5"][..],
        ),
        ("aws:MultiFactorAuthPresent", &["true", "false"][..]),
        ("aws:SecureTransport", &["true", "false"][..]),
        ("aws:RequestTag/team", &["data"][..]),
        ("s3:max-keys", &["10", "1000"][..]),
        (
            "aws:CurrentTime",
            &["2026-06-01T00:00:00Z", "2025-06-01T00:00:00Z"][..],
        ),
    ];
    for (key, values) in optional {
        if rng.chance(60) {
            request.context.set(key, vec![rng.pick(values).to_string()]);
        }
    }
    if rng.chance(70) {
        let tags = ["team", "env", "cost-center"];
        let n = rng.below(3);
        request.context.set(
            "aws:TagKeys",
            (0..n).map(|_| rng.pick(&tags).to_string()).collect(),
        );
    }
    request
}

#[test]
fn decide_agrees_with_evaluate_on_random_cases() {
    let mut rng = Rng(0x5eed_1a11_2026);
    let mut decisions = [0usize; 3];
    for _ in 0..400 {
        let identity = [
            random_policy(&mut rng, PolicyKind::Identity),
            random_policy(&mut rng, PolicyKind::Identity),
        ];
        let resource = random_policy(&mut rng, PolicyKind::Resource);
        let boundary = random_policy(&mut rng, PolicyKind::Identity);
        let scps = [
            random_policy(&mut rng, PolicyKind::ServiceControl),
            random_policy(&mut rng, PolicyKind::ServiceControl),
        ];
        let rcp = random_policy(&mut rng, PolicyKind::ResourceControl);
        let set = PolicySet {
            identity: identity.iter().take(1 + rng.below(2)).collect(),
            resource: if rng.chance(50) {
                vec![&resource]
            } else {
                Vec::new()
            },
            boundary: rng.chance(30).then(|| vec![&boundary]),
            session: rng.chance(10).then(|| vec![&boundary]),
            scps: if rng.chance(30) {
                vec![vec![&scps[0]], vec![&scps[1]]]
            } else {
                Vec::new()
            },
            rcps: if rng.chance(15) {
                vec![vec![&rcp]]
            } else {
                Vec::new()
            },
            cross_account: rng.chance(20),
        };
        for _ in 0..10 {
            let request = random_request(&mut rng);
            let decision = decision(&set, &request);
            decisions[decision as usize] += 1;
        }
    }
    // The generator reaches every decision often enough for the comparison to mean something.
    assert!(decisions.iter().all(|&n| n > 200), "{decisions:?}");
}

#[test]
fn the_quick_action_match_agrees_with_the_model() {
    let patterns = [
        "*",
        "s3:*",
        "S3:get*",
        "s3:GetObject",
        "s3:GetObjec",
        "s3:GetObjectX",
        "s3:Get?bject",
        "*Object",
        "s3:*Obj*t",
        "",
        "s",
        "ıam:*",
        "iam:*",
        "KMS:Decrypt",
        "kms:decrypt*",
        "s3:GetObject*",
    ];
    let actions = [
        "s3:GetObject",
        "kms:Decrypt",
        "iam:PassRole",
        "İam:PassRole",
        "s3:Get",
        "",
        "s3:GetObjectVersion",
    ];
    for pattern in patterns {
        for action in actions {
            assert_eq!(
                action_covered(pattern, action),
                crate::model::action_matches(pattern, action),
                "{pattern} vs {action}"
            );
        }
    }
}
