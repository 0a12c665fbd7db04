//! Request evaluation: does this set of policies allow this request, and why. The logic is
//! AWS's "Policy evaluation logic" (IAM User Guide): an explicit Deny in any policy wins;
//! every level of SCPs and RCPs must allow; a permissions boundary and a session policy
//! intersect the identity policies; within one account the identity side and the resource
//! policy are a union, across accounts both are needed. Every decision carries a trace of
//! the statements that applied or not, with their spans.

pub mod condition;
pub mod context;
pub mod ip;

pub use context::Context;

use crate::model::{Effect, ElementList, PolicyDocument, Statement};
use crate::parse::{Node, Value};
use crate::source::Span;
use context::{Piece, glob, substitute};

/// The caller, for matching `Principal`/`NotPrincipal` of resource-based policies.
#[derive(Clone, Debug, Default)]
pub struct Caller {
    /// `arn:aws:iam::111122223333:role/Deployer` (or an assumed-role session ARN).
    pub arn: String,
    /// The 12-digit account of the caller.
    pub account: String,
    /// For a request made by an AWS service: `cloudtrail.amazonaws.com`.
    pub service: Option<String>,
}

/// One request: who, what, on which resource, with which context keys.
#[derive(Clone, Debug, Default)]
pub struct Request {
    pub action: String,
    pub resource: String,
    pub caller: Caller,
    pub context: Context,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Allow,
    ExplicitDeny,
    ImplicitDeny,
}

/// The role a policy plays in an evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Identity,
    Resource,
    Boundary,
    Session,
    /// A service control policy at this level of the organization (0: root).
    Scp(usize),
    /// A resource control policy at this level.
    Rcp(usize),
}

/// Why one statement did or did not apply to the request.
#[derive(Clone, Debug)]
pub struct TraceEntry {
    pub role: Role,
    pub span: Span,
    pub effect: Effect,
    pub applies: bool,
    pub reason: String,
}

#[derive(Clone, Debug)]
pub struct Evaluation {
    pub decision: Decision,
    /// Why the decision was made, in a sentence.
    pub reason: String,
    pub trace: Vec<TraceEntry>,
}

/// The policies that apply to one principal's request. Empty `scps`/`rcps` mean the
/// account is not governed by any; `boundary`/`session` are `None` when there is none.
#[derive(Default)]
pub struct PolicySet<'a, 'd> {
    pub identity: Vec<&'a PolicyDocument<'d>>,
    pub resource: Vec<&'a PolicyDocument<'d>>,
    pub boundary: Option<Vec<&'a PolicyDocument<'d>>>,
    pub session: Option<Vec<&'a PolicyDocument<'d>>>,
    /// One entry per level (root, OU..., account): at least one policy of each must allow.
    pub scps: Vec<Vec<&'a PolicyDocument<'d>>>,
    pub rcps: Vec<Vec<&'a PolicyDocument<'d>>>,
    /// The resource belongs to another account than the caller.
    pub cross_account: bool,
}

/// Evaluates a request against a policy set.
pub fn evaluate(set: &PolicySet<'_, '_>, request: &Request) -> Evaluation {
    let mut trace = Vec::new();
    let mut verdicts = |role: Role, docs: &[&PolicyDocument<'_>]| -> (bool, bool) {
        let (mut allow, mut deny) = (false, false);
        for doc in docs {
            for (statement, node) in doc.statements.iter().zip(doc.statement_nodes()) {
                let (applies, reason) = applies(statement, node, role, request);
                let effect = statement.effect.map_or(Effect::Allow, |(e, _)| e);
                if applies && statement.effect.is_some() {
                    allow |= effect == Effect::Allow;
                    deny |= effect == Effect::Deny;
                }
                trace.push(TraceEntry {
                    role,
                    span: statement.span,
                    effect,
                    applies: applies && statement.effect.is_some(),
                    reason,
                });
            }
        }
        (allow, deny)
    };
    let (identity_allow, identity_deny) = verdicts(Role::Identity, &set.identity);
    let (resource_allow, resource_deny) = verdicts(Role::Resource, &set.resource);
    let boundary = set.boundary.as_ref().map(|docs| verdicts(Role::Boundary, docs));
    let session = set.session.as_ref().map(|docs| verdicts(Role::Session, docs));
    let scps: Vec<(bool, bool)> = set
        .scps
        .iter()
        .enumerate()
        .map(|(level, docs)| verdicts(Role::Scp(level), docs))
        .collect();
    let rcps: Vec<(bool, bool)> = set
        .rcps
        .iter()
        .enumerate()
        .map(|(level, docs)| verdicts(Role::Rcp(level), docs))
        .collect();

    let decide = |decision: Decision, reason: &str| (decision, reason.to_string());
    let explicit_deny = identity_deny
        || resource_deny
        || boundary.is_some_and(|b| b.1)
        || session.is_some_and(|s| s.1)
        || scps.iter().any(|s| s.1)
        || rcps.iter().any(|r| r.1);
    let (decision, reason) = if explicit_deny {
        decide(Decision::ExplicitDeny, "an explicit Deny applies")
    } else if scps.iter().any(|s| !s.0) {
        decide(
            Decision::ImplicitDeny,
            "a level of service control policies does not allow it",
        )
    } else if rcps.iter().any(|r| !r.0) {
        decide(
            Decision::ImplicitDeny,
            "a level of resource control policies does not allow it",
        )
    } else {
        let limited = boundary.is_none_or(|b| b.0) && session.is_none_or(|s| s.0);
        let identity_side = identity_allow && limited;
        if set.cross_account {
            if identity_side && resource_allow {
                decide(
                    Decision::Allow,
                    "both the caller's policies and the resource policy allow it",
                )
            } else if !resource_allow {
                decide(
                    Decision::ImplicitDeny,
                    "across accounts the resource policy must allow it too",
                )
            } else {
                decide(
                    Decision::ImplicitDeny,
                    "the caller's own policies do not allow it",
                )
            }
        } else if identity_side || resource_allow {
            decide(Decision::Allow, "an Allow applies and nothing limits it")
        } else if identity_allow {
            decide(
                Decision::ImplicitDeny,
                "the permissions boundary or session policy does not allow it",
            )
        } else {
            decide(Decision::ImplicitDeny, "no policy allows it")
        }
    };
    Evaluation {
        decision,
        reason,
        trace,
    }
}

/// Whether a statement applies to the request, and why (not).
fn applies(statement: &Statement, node: &Node, role: Role, request: &Request) -> (bool, String) {
    match statement.covers_action(&request.action) {
        Some(true) => {}
        Some(false) => return (false, format!("its actions do not include `{}`", request.action)),
        None => return (false, "its actions are not literal".to_string()),
    }
    match &statement.resource {
        Some(resources) => {
            if !covers_resource(resources, &request.resource, &request.context) {
                return (
                    false,
                    format!("its resources do not include `{}`", request.resource),
                );
            }
        }
        // Identity and organization policies need a resource element; trust and key
        // policies apply to the resource that holds them.
        None if matches!(role, Role::Resource) => {}
        None => return (false, "it has no `Resource`".to_string()),
    }
    if role == Role::Resource && !covers_principal(node, &request.caller) {
        return (false, "its principal is not the caller".to_string());
    }
    for clause in &statement.condition {
        let outcome = condition::evaluate(clause, &request.context);
        if !outcome.matched {
            let op = &clause.operator;
            return (
                false,
                format!(
                    "its condition `{}` on `{}` does not match: {}",
                    op.base, clause.key, outcome.reason
                ),
            );
        }
    }
    (
        true,
        "action, resource, principal and conditions match".to_string(),
    )
}

fn covers_resource(list: &ElementList, resource: &str, context: &Context) -> bool {
    let matched = list.items.iter().any(|item| {
        let Some(text) = item.pattern.as_deref() else {
            return false;
        };
        let Some(pattern) = substitute(text, context, true) else {
            return false;
        };
        pattern == [Piece::Any] || glob(&pattern, resource, false)
    });
    matched != list.negated
}

/// `Principal`/`NotPrincipal` of a resource-based statement against the caller: `*`, the
/// caller's ARN, its account (`111122223333` or `arn:aws:iam::111122223333:root`), or its
/// service.
fn covers_principal(statement: &Node, caller: &Caller) -> bool {
    let (element, negated) = match (statement.get("Principal"), statement.get("NotPrincipal")) {
        (Some(p), _) => (p, false),
        (None, Some(p)) => (p, true),
        (None, None) => return false,
    };
    let names = |value: &Node| -> Vec<String> {
        match &value.value {
            Value::Array(items) => items.iter().filter_map(Node::scalar_text).collect(),
            _ => value.scalar_text().into_iter().collect(),
        }
    };
    let matched = if element.as_str() == Some("*") {
        true
    } else {
        element.as_object().unwrap_or_default().iter().any(|entry| {
            names(&entry.value).iter().any(|name| match entry.key.as_str() {
                "AWS" => {
                    name == "*"
                        || *name == caller.arn
                        || *name == caller.account
                        || name.strip_suffix(":root").and_then(|a| a.rsplit(':').next())
                            == Some(caller.account.as_str())
                            && name.starts_with("arn:")
                }
                "Service" => caller.service.as_deref() == Some(name.as_str()),
                _ => false,
            })
        })
    };
    matched != negated
}

#[cfg(test)]
mod tests;
