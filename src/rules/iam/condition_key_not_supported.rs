//! `iam/condition-key-not-supported`: a condition key that none of the statement's actions
//! accepts, so the condition tests a key that their requests never carry.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::catalog::{Action, Catalog, Service, key_matches_template};
use crate::finding::Diagnostic;
use crate::model::{FileModel, Statement};
use crate::rules::Rule;

use super::ActionRef;
use super::actions::ActionTable;
use super::conditions::{ACTION_SCOPED_GLOBAL_KEYS, KeyRef};
use crate::rules::shared;

pub struct ConditionKeyNotSupported;

/// The catalog actions a statement's `Action` names, or `None` when some item cannot be
/// resolved (`*`, a `NotAction`, an unknown action, an intrinsic function).
fn resolved_actions<'t>(
    table: &'t ActionTable,
    statement: &Statement,
) -> Option<Vec<(&'static Service, &'t [&'static Action])>> {
    let element = statement.action.as_ref().filter(|a| !a.negated)?;
    let mut resolved = Vec::new();
    for item in &element.items {
        // Every action item of the file is in its table (borrowed from it).
        match table.get(item.text.as_deref()?) {
            Cow::Borrowed(ActionRef::Matched { service, actions }) => {
                resolved.push((*service, actions.as_slice()))
            }
            _ => return None,
        }
    }
    (!resolved.is_empty()).then_some(resolved)
}

/// Every key of the service that a written key matches: a service may document the same
/// tag key twice (`ssm:resourceTag/${TagKey}` and `ssm:resourceTag/tag-key`), and its
/// actions refer to either.
fn matching_keys(service: &Service, key: &str) -> Vec<u16> {
    service
        .keys
        .iter()
        .enumerate()
        .filter(|(_, k)| key_matches_template(k.name, key))
        .filter_map(|(i, _)| u16::try_from(i).ok())
        .collect()
}

/// Whether the Service Authorization Reference lists any condition key for the action
/// (its own, or of its resource types).
fn documents_keys(service: &Service, action: &Action) -> bool {
    !action.keys.is_empty()
        || action.resources.iter().any(|r| {
            !r.keys.is_empty()
                || service
                    .resource_type(r.resource)
                    .is_some_and(|t| !t.keys.is_empty())
        })
}

impl Rule for ConditionKeyNotSupported {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        let catalog = Catalog::global();
        let table = shared::actions(file);
        let keys = shared::keys(file);
        // The actions that accept a key, by key: asked for every clause.
        let mut accepting_of: HashMap<String, Vec<String>> = HashMap::new();
        for doc in &file.policies {
            for statement in &doc.statements {
                if statement.condition.is_empty() {
                    continue;
                }
                let Some(resolved) = resolved_actions(table, statement) else {
                    continue;
                };
                let silent = resolved
                    .iter()
                    .any(|(service, actions)| actions.iter().any(|a| !documents_keys(service, a)));
                for clause in &statement.condition {
                    let key = clause.key.as_str();
                    // Other global keys are in the context of every request.
                    let action_scoped = match &*keys.get(key) {
                        KeyRef::Global(global) => ACTION_SCOPED_GLOBAL_KEYS
                            .iter()
                            .any(|k| k.eq_ignore_ascii_case(&global.name)),
                        KeyRef::Service(_) => true,
                        _ => false,
                    };
                    if !action_scoped {
                        continue;
                    }
                    // The catalog can only judge a key it maps to some action, and actions
                    // whose row lists condition keys at all: for the others (legacy actions
                    // such as `aws-marketplace:Subscribe`) the reference is silent, not
                    // negative. A key the Reference attaches to resource types only
                    // (`iam:ResourceTag/${TagKey}` on `role` and `user`) is mapped to the
                    // actions on those types.
                    let accepting = accepting_of
                        .entry(key.to_string())
                        .or_insert_with(|| catalog.actions_with_key(key, Service::accepts));
                    let service_specific = !key.to_ascii_lowercase().starts_with("aws:");
                    if service_specific && accepting.is_empty() {
                        continue;
                    }
                    if silent {
                        continue;
                    }
                    let supported = resolved.iter().any(|(service, actions)| {
                        let indexes = matching_keys(service, key);
                        actions
                            .iter()
                            .any(|a| indexes.iter().any(|&index| service.accepts(a, index)))
                    });
                    if supported {
                        continue;
                    }
                    let mut help = format!(
                        "the condition tests a key that is absent from these requests: it never matches, or always matches with `...IfExists`, `Null` or a negated operator; remove it, or move it to a statement whose actions accept `{key}`"
                    );
                    if service_specific {
                        let examples: Vec<String> =
                            accepting.iter().take(3).map(|a| format!("`{a}`")).collect();
                        let more = if accepting.len() > 3 { ", ..." } else { "" };
                        help.push_str(&format!(" (such as {}{more})", examples.join(", ")));
                    }
                    let mut diagnostic = Diagnostic::new(
                        clause.key_span,
                        format!("none of the statement's actions accepts the condition key `{key}`"),
                    )
                    .help(help);
                    if let Some(action) = &statement.action {
                        diagnostic = diagnostic.label(action.span, "these actions do not support the key");
                    }
                    out.push(diagnostic);
                }
            }
        }
    }
}
