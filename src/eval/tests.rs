use super::*;
use crate::model::{PolicyDocument, PolicyKind};
use crate::parse::{Syntax, parse};
use crate::source::FileId;

fn doc(json: &str, kind: PolicyKind) -> PolicyDocument<'static> {
    let node = parse(FileId(0), json, Syntax::Json).unwrap();
    PolicyDocument::from_node(std::borrow::Cow::Owned(node), kind, None)
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
    assert_eq!(evaluate(&set, &managed).decision, Decision::Allow);

    // The guard is scoped to instances: a cluster with a hand-set password gets through.
    let mut cluster = request(
        "rds:CreateDBCluster",
        "arn:aws:rds:eu-west-1:111122223333:cluster:orders",
    );
    cluster
        .context
        .set("rds:ManageMasterUserPassword", vec!["false".into()]);
    let evaluation = evaluate(&set, &cluster);
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
        evaluate(&with(&identity, vec![vec![&full]], None), &get).decision,
        Decision::Allow
    );
    let nested = with(&identity, vec![vec![&full], vec![&ec2_only]], None);
    assert_eq!(evaluate(&nested, &get).decision, Decision::ImplicitDeny);
    let bounded = with(&identity, Vec::new(), Some(vec![&ec2_only]));
    assert_eq!(evaluate(&bounded, &get).decision, Decision::ImplicitDeny);
    let open = with(&identity, Vec::new(), Some(vec![&full]));
    assert_eq!(evaluate(&open, &get).decision, Decision::Allow);
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
    let same_account = PolicySet {
        resource: vec![&bucket],
        ..PolicySet::default()
    };
    assert_eq!(evaluate(&same_account, &get).decision, Decision::Allow);
    let cross = PolicySet {
        resource: vec![&bucket],
        cross_account: true,
        ..PolicySet::default()
    };
    assert_eq!(evaluate(&cross, &get).decision, Decision::ImplicitDeny);
    let both = PolicySet {
        identity: vec![&identity],
        resource: vec![&bucket],
        cross_account: true,
        ..PolicySet::default()
    };
    assert_eq!(evaluate(&both, &get).decision, Decision::Allow);
    let mut stranger = get.clone();
    stranger.caller.account = "444455556666".into();
    stranger.caller.arn = "arn:aws:iam::444455556666:role/Other".into();
    assert_eq!(
        evaluate(&same_account, &stranger).decision,
        Decision::ImplicitDeny
    );
}

#[test]
fn not_action_not_resource_and_variables() {
    let identity = doc(
        r#"{"Statement": [
          {"Effect": "Allow", "NotAction": "iam:*", "NotResource": "arn:aws:s3:::secret/*"},
          {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::home/${aws:username}/*"}]}"#,
        PolicyKind::Identity,
    );
    let set = PolicySet {
        identity: vec![&identity],
        ..PolicySet::default()
    };
    assert_eq!(
        evaluate(&set, &request("s3:PutObject", "arn:aws:s3:::public/x")).decision,
        Decision::Allow
    );
    assert_eq!(
        evaluate(&set, &request("iam:CreateUser", "*")).decision,
        Decision::ImplicitDeny
    );
    assert_eq!(
        evaluate(&set, &request("s3:PutObject", "arn:aws:s3:::secret/x")).decision,
        Decision::ImplicitDeny
    );
    let mut own = request("s3:GetObject", "arn:aws:s3:::home/alice/notes");
    own.context.set("aws:username", vec!["alice".into()]);
    let mut other = own.clone();
    other.resource = "arn:aws:s3:::home/bob/notes".into();
    let only_home = doc(
        r#"{"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::home/${aws:username}/*"}}"#,
        PolicyKind::Identity,
    );
    let home = PolicySet {
        identity: vec![&only_home],
        ..PolicySet::default()
    };
    assert_eq!(evaluate(&home, &own).decision, Decision::Allow);
    assert_eq!(evaluate(&home, &other).decision, Decision::ImplicitDeny);
}
