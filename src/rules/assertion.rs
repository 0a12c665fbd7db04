//! `[[assert]]` of `.iamlint.toml`: requests that must be denied (or allowed) for the
//! principals named, checked through the evaluator. A violation is a finding
//! `assert/<name>` at the statements that decide it.

use super::probe::{Probe, Unseen, deciding_all};
use crate::catalog::Catalog;
use crate::config::{Assertion, RequestPattern};
use crate::eval::context::{glob, substitute};
use crate::eval::{Context, Decision};
use crate::finding::{Diagnostic, ProjectRule};
use crate::model::{Effect, Principal, Project};
use crate::source::Span;

pub fn check_assertion(assertion: &Assertion, project: &Project<'_, '_>, out: &mut Vec<Diagnostic>) {
    let (pattern, must_allow) = match (&assertion.deny, &assertion.allow) {
        (Some(deny), _) => (deny, false),
        (None, Some(allow)) => (allow, true),
        (None, None) => return,
    };
    // Without a list, what must never be allowed is asked of every principal that holds
    // identity policies (template roles, policy files that stand alone); what must always
    // be allowed only of the principals the config declares: a policy file that grants
    // something else entirely is not a principal that fails it.
    let principals = project.principals.iter().filter(|p| match &assertion.principals {
        Some(names) => p.declared_as.as_ref().is_some_and(|d| names.contains(d)),
        None if must_allow => p.declared_as.is_some(),
        None => !p.identity.is_empty(),
    });
    let mut context = Context::new();
    for (key, value) in &pattern.context {
        context.set(key, value.values());
    }
    // A request for an action that cannot carry a key of the context does not exist: a
    // restore that does not accept `rds:ManageMasterUserPassword` is never made with it.
    let actions: Vec<String> = expand_actions(&pattern.actions)
        .into_iter()
        .filter(|action| pattern.context.keys().all(|key| can_carry(action, key)))
        .collect();
    for principal in principals {
        let probe = Probe::new(principal, Unseen::Nothing);
        let mut violations: Vec<Violation> = Vec::new();
        for action in &actions {
            for resource in &pattern.resources {
                for candidate in candidates(principal, resource) {
                    let evaluation = probe.evaluate(&probe.request(action, &candidate, context.clone()));
                    if (evaluation.decision == Decision::Allow) == must_allow {
                        continue;
                    }
                    // The Allows that let a forbidden request through, or the Denies that
                    // stop a required one.
                    let effect = if must_allow { Effect::Deny } else { Effect::Allow };
                    let spans: Vec<Span> = deciding_all(&evaluation, effect).collect();
                    let at = spans.first().copied();
                    let shown = if resource == "*" {
                        None
                    } else {
                        Some(candidate.clone())
                    };
                    match violations.iter_mut().find(|v| v.at == at) {
                        Some(v) if !v.actions.contains(action) => v.actions.push(action.clone()),
                        Some(_) => {}
                        None => violations.push(Violation {
                            at,
                            spans,
                            actions: vec![action.clone()],
                            resource: shown,
                            reason: evaluation.reason.clone(),
                        }),
                    }
                    break;
                }
            }
        }
        for violation in violations {
            out.push(diagnostic(assertion, pattern, principal, violation, must_allow));
        }
    }
}

/// What an assertion asks, written as the documentation of a rule (its config entry is
/// all the documentation an `assert/*` rule has): for the reports that describe rules.
pub fn describe_assertion(assertion: &Assertion) -> ProjectRule {
    let (pattern, must_allow) = match (&assertion.deny, &assertion.allow) {
        (Some(deny), _) => (Some(deny), false),
        (None, allow) => (allow.as_ref(), true),
    };
    let verdict = if must_allow { "allowed" } else { "denied" };
    let who = match &assertion.principals {
        Some(names) if names.len() == 1 => format!("principal {}", code_list(names)),
        Some(names) => format!("principals {}", code_list(names)),
        None if must_allow => "every principal `.iamlint.toml` declares".to_string(),
        None => "every principal that holds identity policies (template roles, users and groups, policy files that stand alone, the principals `.iamlint.toml` declares)".to_string(),
    };
    let mut what = String::new();
    if let Some(pattern) = pattern {
        what.push_str(&format!("\n\n- actions: {}", code_list(&pattern.actions)));
        let resources = if pattern.resources.iter().all(|r| r == "*") {
            "any resource the principal's statements name".to_string()
        } else {
            code_list(&pattern.resources)
        };
        what.push_str(&format!("\n- resources: {resources}"));
        if !pattern.context.is_empty() {
            let pairs: Vec<String> = pattern
                .context
                .iter()
                .map(|(key, value)| format!("{} = {}", code(key), code_list(&value.values())))
                .collect();
            what.push_str(&format!("\n- context: {}", pairs.join(", ")));
        }
    }
    let finding = if must_allow {
        "A finding points at the statement that denies such a request, or at the principal when nothing allows it."
    } else {
        "A finding points at the statement that allows such a request."
    };
    let why = assertion
        .reason
        .as_deref()
        .unwrap_or("The project requires it in `.iamlint.toml` (the assertion gives no `reason`).");
    let fix = if must_allow {
        "Grant the requests to the principal, or remove what denies them (an SCP, a boundary, a Deny)."
    } else {
        "Deny the requests: add a Deny statement, or narrow the Allow it points at so that it no longer covers them."
    };
    let docs = format!(
        "## What it finds\n\nThe assertion {name} of `.iamlint.toml`: these requests must be {verdict} for {who}.{what}\n\n{finding} \
         Wildcards in actions are expanded through the catalog, and an action that cannot carry a condition key of the context is skipped.\n\n\
         ## Why it matters\n\n{why}\n\n## What to write instead\n\n{fix} If the policies are right, change the assertion.\n",
        name = code(&assertion.name),
    );
    ProjectRule {
        id: format!("assert/{}", assertion.name),
        severity: assertion.severity,
        summary: format!(
            "Requests that .iamlint.toml requires to be {verdict}: {}",
            pattern.map_or_else(String::new, |p| p.actions.join(", "))
        ),
        docs,
    }
}

/// Text from the config as a Markdown code span: a fence longer than any run of backticks
/// in it, so that nothing in it is read as Markdown.
fn code(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

fn code_list(items: &[String]) -> String {
    items.iter().map(|item| code(item)).collect::<Vec<_>>().join(", ")
}

/// Requests an assertion is broken by, gathered at the statement that decides them.
struct Violation {
    at: Option<Span>,
    spans: Vec<Span>,
    actions: Vec<String>,
    /// The resource asked about, unless the assertion is about any resource.
    resource: Option<String>,
    reason: String,
}

/// Whether a request for `action` can carry the condition key: global keys always can,
/// a service key when the Service Authorization Reference lists it for the action.
fn can_carry(action: &str, key: &str) -> bool {
    if key.to_ascii_lowercase().starts_with("aws:") {
        return true;
    }
    let catalog = Catalog::global();
    let Some((service, entry)) = catalog.action(action) else {
        return true;
    };
    match service.key_index(key) {
        Some(index) => service.accepts_in_request(entry, index),
        None => true,
    }
}

fn diagnostic(
    assertion: &Assertion,
    pattern: &RequestPattern,
    principal: &Principal<'_, '_>,
    violation: Violation,
    must_allow: bool,
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
    let on = violation
        .resource
        .as_ref()
        .map_or_else(|| "any resource".to_string(), |r| format!("`{r}`"));
    let actions: Vec<String> = violation.actions.iter().map(|a| format!("`{a}`")).collect();
    let message = if must_allow {
        format!(
            "assertion `{}` does not hold: {who} is not allowed {} on {on}{with} ({})",
            assertion.name,
            actions.join(", "),
            violation.reason
        )
    } else {
        format!(
            "assertion `{}` does not hold: {who} is allowed {} on {on}{with}",
            assertion.name,
            actions.join(", ")
        )
    };
    // Without a deciding statement (nothing allows a required request), point at where the
    // principal is declared, or at its first policy.
    let fallback = principal
        .span
        .or_else(|| principal.identity.first().map(|d| d.span))
        .or_else(|| principal.scps.first().map(|d| d.span))
        .unwrap_or(Span::new(crate::source::FileId(0), 0, 0));
    let mut diagnostic = Diagnostic::new(violation.at.unwrap_or(fallback), message);
    if let Some(reason) = &assertion.reason {
        diagnostic = diagnostic.help(reason.clone());
    }
    for span in violation.spans.iter().skip(1) {
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
    // `*` stands for itself: a statement whose Resource is `*` matches it.
    let mut found = vec![resource.to_string()];
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

#[cfg(test)]
mod tests {
    use super::code;

    #[test]
    fn config_text_stays_a_code_span() {
        assert_eq!(code("rds:Restore*"), "`rds:Restore*`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`a"), "`` `a ``");
    }
}
