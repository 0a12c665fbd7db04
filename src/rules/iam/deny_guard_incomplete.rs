//! `iam/deny-guard-incomplete`: a Deny conditioned on a service-specific key that leaves
//! out other mutating actions of the same service accepting that key.

use std::collections::BTreeMap;

use crate::catalog::{AccessLevel, Catalog, is_template};
use crate::finding::Diagnostic;
use crate::model::{Effect, FileModel, Statement};
use crate::rules::Rule;

/// Keys with a dedicated rule, which reports them instead (one problem, one finding).
const DEDICATED: [&str; 1] = ["rds:ManageMasterUserPassword"];

pub struct DenyGuardIncomplete;

/// `service:Action` for each action that lists `key` among its own condition keys.
fn request_key_actions(catalog: &Catalog, key: &str) -> Vec<String> {
    catalog.actions_with_key(key, |_, action, index| action.keys.contains(&index))
}

/// Verbs of actions that bring a resource into a state (create, copy, restore, change it),
/// which is what a Deny on a request parameter guards against. Deleting, describing or
/// tagging a resource does not reach that end.
const SHAPING_VERBS: [&str; 13] = [
    "Create", "Copy", "Restore", "Import", "Run", "Modify", "Register", "Request", "Put", "Update",
    "Replace", "Clone", "Launch",
];

fn creates_or_changes(action: &str) -> bool {
    SHAPING_VERBS.iter().any(|v| action.starts_with(v))
}

impl Rule for DenyGuardIncomplete {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        let catalog = Catalog::global();
        for doc in &file.policies {
            // Deny statements by the service-specific key they test (lowercased), in order.
            let mut by_key: BTreeMap<String, Vec<&Statement>> = BTreeMap::new();
            for statement in doc.statements.iter().filter(|s| s.is(Effect::Deny)) {
                for clause in &statement.condition {
                    let key = clause.key.to_ascii_lowercase();
                    let service_specific = !key.starts_with("aws:") && key.contains(':');
                    let dedicated = DEDICATED.iter().any(|d| d.eq_ignore_ascii_case(&key));
                    if service_specific && !dedicated && catalog.global_key(&key).is_none() {
                        let list = by_key.entry(key).or_default();
                        if !list.iter().any(|s| std::ptr::eq(*s, statement)) {
                            list.push(statement);
                        }
                    }
                }
            }
            for (key, statements) in by_key {
                // Tag keys (`ec2:ResourceTag/${TagKey}`) scope many actions; they are not a
                // guard on one outcome.
                let templated = key
                    .split_once(':')
                    .and_then(|(prefix, _)| catalog.service(prefix))
                    .and_then(|service| {
                        service
                            .key_index(&key)
                            .map(|i| is_template(service.keys[i as usize].name))
                    })
                    .unwrap_or(true);
                if templated {
                    continue;
                }
                // Only keys the Reference lists for the action itself are request parameters
                // that shape what the action creates. Keys listed on a resource type's row
                // may just describe an existing resource (EC2 lists `ec2:MetadataHttpTokens`
                // on every action that touches an instance), which no guard needs to cover.
                let accepting = request_key_actions(catalog, &key);
                let mutating: Vec<&String> = accepting
                    .iter()
                    .filter(|a| {
                        catalog.action(a).is_some_and(|(_, action)| {
                            matches!(
                                action.access,
                                AccessLevel::Write | AccessLevel::PermissionsManagement
                            ) && creates_or_changes(action.name)
                        })
                    })
                    .collect();
                let cover = |action: &str| -> Option<bool> {
                    let mut unknown = false;
                    for s in &statements {
                        match s.covers_action(action) {
                            Some(true) => return Some(true),
                            None => unknown = true,
                            Some(false) => {}
                        }
                    }
                    if unknown { None } else { Some(false) }
                };
                // Only a statement that denies some of them is a guard for this key.
                if !mutating.iter().any(|a| cover(a) == Some(true)) {
                    continue;
                }
                let missing: Vec<&str> = mutating
                    .iter()
                    .filter(|a| cover(a) == Some(false))
                    .map(|a| a.as_str())
                    .collect();
                if missing.is_empty() {
                    continue;
                }
                let first = statements[0];
                let written = first
                    .condition
                    .iter()
                    .find(|c| c.key.eq_ignore_ascii_case(&key))
                    .map_or(key.clone(), |c| c.key.clone());
                let span = first.action.as_ref().map_or(first.span, |a| a.span);
                let list = missing
                    .iter()
                    .map(|a| format!("`{a}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let mut diagnostic = Diagnostic::new(
                    span,
                    format!(
                        "Deny conditioned on `{written}` leaves out {list}, which also {} the key",
                        if missing.len() == 1 { "accepts" } else { "accept" }
                    ),
                )
                .help(format!(
                    "add {list} to the Deny (or deny them in another statement with the same condition), or the restriction can be bypassed through them"
                ));
                if let Some(clause) = first.condition.iter().find(|c| c.key.eq_ignore_ascii_case(&key)) {
                    diagnostic = diagnostic.label(clause.key_span, "the guarded key");
                }
                out.push(diagnostic);
            }
        }
    }
}
