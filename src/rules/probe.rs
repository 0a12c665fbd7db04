//! Asking the evaluator about a principal: the policy set its requests are judged by, and
//! requests made by it. Semantic rules decide with probe requests instead of reading
//! policy text, so wildcards, `NotAction`, resource scoping and conditions count the way
//! AWS counts them.

use crate::eval::{
    Caller, Context, Decision, Evaluation, Missed, PolicySet, Request, Role, decide, evaluate_matching,
};
use crate::model::{ACCOUNT, Effect, Principal, Visibility, allow_all, is_synthetic, scp_level};
use crate::source::Span;

/// The Region probe requests are made in.
pub const REGION: &str = "us-east-1";

/// How a principal's permissions beyond what iamlint sees are assumed to be.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Unseen {
    /// Whatever iamlint cannot see may allow anything: for guards, which must hold
    /// whatever else the principal is granted.
    AllowAll,
    /// Only what iamlint sees is granted: for permissions a principal lacks.
    Nothing,
}

/// The name of an IAM user from its ARN (`arn:aws:iam::ACCOUNT:user/PATH/NAME`).
fn user_name(arn: &str) -> Option<&str> {
    let resource = arn.splitn(6, ':').nth(5)?;
    let path = resource.strip_prefix("user/")?;
    path.rsplit('/').next().filter(|name| !name.is_empty())
}

/// A principal's policy set and caller, ready to be asked.
pub struct Probe<'m, 'a> {
    set: PolicySet<'m, 'a>,
    caller: Caller,
    /// Statements with a condition: what they decide for a probe may differ for the
    /// real request, which carries keys the probe does not.
    conditional: Vec<Span>,
}

impl<'m, 'a> Probe<'m, 'a> {
    pub fn new(principal: &Principal<'m, 'a>, unseen: Unseen) -> Probe<'m, 'a> {
        let mut identity = principal.identity.clone();
        if unseen == Unseen::AllowAll && principal.visibility != Visibility::Complete {
            identity.push(allow_all());
        }
        let mut scps = Vec::new();
        if !principal.scps.is_empty() {
            scps.push(scp_level(principal.scps.clone()));
        }
        let conditional = principal
            .statements()
            .filter(|s| !s.condition.is_empty())
            .map(|s| s.span)
            .collect();
        Probe {
            conditional,
            set: PolicySet {
                identity,
                boundary: principal.boundary.clone(),
                scps,
                ..PolicySet::default()
            },
            caller: Caller {
                arn: principal.arn.clone(),
                account: ACCOUNT.to_string(),
                service: None,
            },
        }
    }

    pub fn request(&self, action: &str, resource: &str, context: Context) -> Request {
        let mut context = context;
        if context.get("aws:PrincipalArn").is_none() {
            context.set("aws:PrincipalArn", vec![self.caller.arn.clone()]);
        }
        if context.get("aws:PrincipalAccount").is_none() {
            context.set("aws:PrincipalAccount", vec![ACCOUNT.to_string()]);
        }
        // The IAM User Guide's global condition keys: `aws:username` "is always included in
        // the request context for IAM users", so `${aws:username}` in a user's policy is
        // its own name.
        if context.get("aws:username").is_none()
            && let Some(name) = user_name(&self.caller.arn)
        {
            context.set("aws:username", vec![name.to_string()]);
        }
        Request {
            action: action.to_string(),
            resource: resource.to_string(),
            caller: self.caller.clone(),
            context,
        }
    }

    /// The evaluation, with a trace of the statements whose actions match the request.
    pub fn evaluate(&self, request: &Request) -> Evaluation {
        evaluate_matching(&self.set, request)
    }

    /// The decision alone, without the trace: much cheaper.
    pub fn decide(&self, request: &Request) -> Decision {
        decide(&self.set, request)
    }

    /// Whether the principal may make `action` on at least one of `resources`.
    pub fn access(&self, action: &str, resources: &[String]) -> Access {
        let mut best = Access::Denied;
        for resource in resources {
            let request = self.request(action, resource, Context::new());
            if self.decide(&request) == Decision::Allow {
                return Access::Allowed;
            }
            let evaluation = self.evaluate(&request);
            let held_back = match evaluation.decision {
                Decision::Allow => return Access::Allowed,
                // Denied only by statements with conditions: the real request may not
                // match them.
                Decision::ExplicitDeny => evaluation
                    .trace
                    .iter()
                    .filter(|t| t.applies && t.effect == Effect::Deny)
                    .all(|t| self.conditional.contains(&t.span)),
                // An Allow held back only by a condition on a key the probe does not
                // carry may well apply to the real request.
                Decision::ImplicitDeny => evaluation.trace.iter().any(|t| {
                    t.role == Role::Identity
                        && t.effect == Effect::Allow
                        && !t.applies
                        && matches!(t.missed, Some(Missed::Condition { .. }))
                }),
            };
            if held_back {
                best = Access::Conditional;
            }
        }
        best
    }
}

/// The first statement of the principal's own policies (not one iamlint made up) that
/// applied with `effect` in an evaluation: the statement that decided it.
pub fn deciding(evaluation: &Evaluation, effect: Effect) -> Option<Span> {
    deciding_all(evaluation, effect).next()
}

/// Every statement of the principal's own policies that applied with `effect`.
pub fn deciding_all(evaluation: &Evaluation, effect: Effect) -> impl Iterator<Item = Span> + '_ {
    evaluation
        .trace
        .iter()
        .filter(move |t| t.applies && t.effect == effect && !is_synthetic(t.span))
        .map(|t| t.span)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    Allowed,
    /// Only under a condition the probe cannot decide.
    Conditional,
    Denied,
}

/// Builds a request context from key/value pairs.
pub fn context(pairs: &[(&str, &str)]) -> Context {
    let mut context = Context::new();
    for (key, value) in pairs {
        context.set(key, vec![value.to_string()]);
    }
    context
}

/// The Regions and accounts that ARN patterns in the principal's policies name for a
/// service, so that probe resources can be placed where the policies grant: a policy
/// scoped to `arn:aws:secretsmanager:eu-west-1:444455556666:secret:rds!*` is asked about
/// a secret there.
pub fn places(principal: &Principal<'_, '_>, service: &str) -> Vec<(String, String)> {
    let mut places = vec![(REGION.to_string(), ACCOUNT.to_string())];
    let prefix = format!("arn:aws:{service}:");
    for doc in &principal.identity {
        for statement in &doc.statements {
            let Some(resources) = &statement.resource else {
                continue;
            };
            for item in &resources.items {
                let Some(rest) = item.text.as_deref().and_then(|t| t.strip_prefix(&prefix)) else {
                    continue;
                };
                let mut fields = rest.splitn(3, ':');
                let (Some(region), Some(account)) = (fields.next(), fields.next()) else {
                    continue;
                };
                let literal = |f: &str, default: &str| {
                    if f.is_empty() || f.contains(['*', '?', '$']) {
                        default.to_string()
                    } else {
                        f.to_string()
                    }
                };
                let place = (literal(region, REGION), literal(account, ACCOUNT));
                if !places.contains(&place) {
                    places.push(place);
                }
            }
        }
    }
    places
}

#[cfg(test)]
mod tests {
    use super::user_name;

    #[test]
    fn a_user_arn_gives_its_name_whatever_its_path() {
        assert_eq!(user_name("arn:aws:iam::111122223333:user/ops"), Some("ops"));
        assert_eq!(
            user_name("arn:aws:iam::111122223333:user/team/a/ops"),
            Some("ops")
        );
        assert_eq!(user_name("arn:aws:iam::111122223333:role/ops"), None);
        assert_eq!(user_name("arn:aws:iam::111122223333:user/"), None);
    }
}
