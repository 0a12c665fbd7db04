//! `[[assert]]` of `.iamlint.toml`: requests that must be denied (or allowed) for the
//! principals named, checked through the evaluator. A violation is a finding
//! `assert/<name>` at the statements that decide it.

use super::probe::{Probe, Unseen, is_synthetic};
use crate::catalog::Catalog;
use crate::config::{Assertion, RequestPattern};
use crate::eval::context::{glob, substitute};
use crate::eval::{Context, Decision, Evaluation};
use crate::finding::Diagnostic;
use crate::model::{Effect, Principal, Project};
use crate::source::Span;

pub fn check_assertion(assertion: &Assertion, project: &Project<'_, '_>, out: &mut Vec<Diagnostic>) {
    let principals = project.principals.iter().filter(|p| match &assertion.principals {
        Some(names) => names
            .iter()
            .any(|n| p.name.as_deref() == Some(format!("principal `{n}`").as_str())),
        None => true,
    });
    let (pattern, must_allow) = match (&assertion.deny, &assertion.allow) {
        (Some(deny), _) => (deny, false),
        (None, Some(allow)) => (allow, true),
        (None, None) => return,
    };
    let mut context = Context::new();
    for (key, value) in &pattern.context {
        context.set(key, value.values());
    }
    let actions = expand_actions(&pattern.actions);
    for principal in principals {
        let probe = Probe::new(principal, Unseen::Nothing);
        for action in &actions {
            for resource in &pattern.resources {
                for candidate in candidates(principal, resource) {
                    let evaluation = probe.evaluate(&probe.request(action, &candidate, context.clone()));
                    let allowed = evaluation.decision == Decision::Allow;
                    if allowed == must_allow {
                        continue;
                    }
                    out.push(violation(
                        assertion,
                        pattern,
                        principal,
                        action,
                        &candidate,
                        &evaluation,
                    ));
                    break;
                }
            }
        }
    }
}

fn violation(
    assertion: &Assertion,
    pattern: &RequestPattern,
    principal: &Principal<'_, '_>,
    action: &str,
    resource: &str,
    evaluation: &Evaluation,
) -> Diagnostic {
    let who = principal
        .name
        .clone()
        .unwrap_or_else(|| "this policy".to_string());
    let with = if pattern.context.is_empty() {
        String::new()
    } else {
        let pairs: Vec<String> = pattern
            .context
            .iter()
            .map(|(k, v)| format!("{k}={}", v.values().join(",")))
            .collect();
        format!(" with {}", pairs.join(", "))
    };
    let deciding = |effect: Effect| -> Vec<Span> {
        evaluation
            .trace
            .iter()
            .filter(|t| t.applies && t.effect == effect && !is_synthetic(t.span))
            .map(|t| t.span)
            .collect()
    };
    let (message, spans) = if evaluation.decision == Decision::Allow {
        (
            format!(
                "assertion `{}` does not hold: {who} is allowed `{action}` on `{resource}`{with}",
                assertion.name
            ),
            deciding(Effect::Allow),
        )
    } else {
        (
            format!(
                "assertion `{}` does not hold: {who} is not allowed `{action}` on `{resource}`{with} ({})",
                assertion.name, evaluation.reason
            ),
            deciding(Effect::Deny),
        )
    };
    // Without a deciding statement (nothing allows it), point at where the principal is
    // declared, or at its first policy.
    let fallback = principal
        .span
        .or_else(|| principal.identity.first().map(|d| d.span))
        .or_else(|| principal.scps.first().map(|d| d.span));
    let primary = spans.first().copied().or(fallback);
    let mut diagnostic = Diagnostic::new(
        primary.unwrap_or(Span::new(crate::source::FileId(0), 0, 0)),
        message,
    );
    if let Some(reason) = &assertion.reason {
        diagnostic = diagnostic.help(reason.clone());
    }
    for span in spans.iter().skip(1) {
        diagnostic = diagnostic.label(*span, "also decides it");
    }
    diagnostic
}

/// Actions as written, with wildcards expanded through the catalog so that each is asked
/// as a real request.
fn expand_actions(patterns: &[String]) -> Vec<String> {
    let catalog = Catalog::global();
    let mut actions = Vec::new();
    for pattern in patterns {
        if !pattern.contains(['*', '?']) {
            actions.push(pattern.clone());
            continue;
        }
        let Some((prefix, name)) = pattern.split_once(':') else {
            actions.push(pattern.clone());
            continue;
        };
        let before = actions.len();
        if let Some(service) = catalog.service(prefix) {
            for action in service.matching(name) {
                actions.push(format!("{}:{}", service.prefix, action.name));
            }
        }
        if actions.len() == before {
            actions.push(pattern.clone());
        }
    }
    actions.dedup();
    actions
}

/// Concrete resources for a resource pattern: the pattern itself when it is literal; else
/// the resources the principal's statements name that it matches, with their wildcards
/// filled, so that "on any resource" is asked where the policies grant.
fn candidates(principal: &Principal<'_, '_>, resource: &str) -> Vec<String> {
    if !resource.contains(['*', '?']) {
        return vec![resource.to_string()];
    }
    let mut found = vec![resource.replace(['*', '?'], "x")];
    for item in principal
        .identity
        .iter()
        .flat_map(|d| &d.statements)
        .flat_map(|s| s.resource.iter().flat_map(|r| &r.items))
    {
        let Some(text) = item.text.as_deref() else {
            continue;
        };
        let concrete = text.replace(['*', '?'], "x");
        let matches = substitute(resource, &Context::new(), true).is_some_and(|p| glob(&p, &concrete, false));
        if matches && !found.contains(&concrete) {
            found.push(concrete);
        }
    }
    found
}
