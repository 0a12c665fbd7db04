//! `iam/redundant-statement`: a statement whose permissions another statement of the same
//! document already grants or denies.

use serde_json::Value as Json;

use super::ActionRef;
use super::actions::{ActionPattern, normalized, normalized_condition, statement_node};
use crate::catalog::Catalog;
use crate::finding::Diagnostic;
use crate::model::{Effect, ElementList, FileModel, Statement, action_matches};
use crate::parse::Node;
use crate::rules::Rule;
use crate::source::Span;

pub struct RedundantStatement;

/// What two statements must share for one to cover the other, and the actions to compare.
struct Shape<'s, 'c> {
    effect: Effect,
    /// The statement's first key, where a finding points.
    first_key: Span,
    /// `Principal`/`NotPrincipal`, `Resource`/`NotResource` and `Condition`, normalized.
    scope: Vec<(String, Json)>,
    actions: &'s ElementList,
    patterns: Vec<ActionPattern<'s, 'c>>,
}

impl Rule for RedundantStatement {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        let catalog = Catalog::global();
        for doc in &file.policies {
            let shapes: Vec<Shape> = doc
                .statements
                .iter()
                .filter_map(|statement| shape(catalog, &doc.source, statement))
                .collect();
            for (index, this) in shapes.iter().enumerate() {
                let covering = shapes.iter().enumerate().find(|&(other_index, other)| {
                    other_index != index
                        && other.effect == this.effect
                        && other.scope == this.scope
                        && actions_within(this, other)
                        && (!actions_within(other, this) || other_index < index)
                });
                let Some((_, other)) = covering else { continue };
                let (verb, base) = match this.effect {
                    Effect::Allow => ("allows", "allow"),
                    Effect::Deny => ("denies", "deny"),
                };
                let message = if actions_within(other, this) {
                    format!("statement {verb} exactly what another statement already {verb}")
                } else {
                    format!("statement {verb} nothing that another statement does not already {base}")
                };
                out.push(
                    Diagnostic::new(this.first_key, message)
                        .help("remove it, or merge what differs into the other statement")
                        .label(other.first_key, format!("this statement already {verb} it"))
                        .label(this.actions.key_span, "its actions"),
                );
            }
        }
    }
}

fn shape<'s, 'c>(catalog: &'c Catalog, document: &Node, statement: &'s Statement) -> Option<Shape<'s, 'c>> {
    let (effect, _) = statement.effect?;
    let actions = statement.action.as_ref()?;
    let node = statement_node(document, statement)?;
    let first_key = node.as_object()?.first()?.key_span;
    let mut scope = Vec::new();
    for key in ["Principal", "NotPrincipal", "Resource", "NotResource"] {
        if let Some(value) = node.get(key) {
            scope.push((key.to_string(), normalized(value)));
        }
    }
    if let Some(condition) = node.get("Condition") {
        let condition = normalized_condition(condition);
        if condition.as_object().is_none_or(|c| !c.is_empty()) {
            scope.push(("Condition".to_string(), condition));
        }
    }
    Some(Shape {
        effect,
        first_key,
        scope,
        actions,
        patterns: ActionPattern::all(catalog, actions),
    })
}

/// Whether every action `this` applies to is one `other` applies to as well.
fn actions_within(this: &Shape, other: &Shape) -> bool {
    let has_intrinsic = |list: &ElementList| list.items.iter().any(|i| i.text.is_none());
    match (this.actions.negated, other.actions.negated) {
        // Action in both: each item of this one is inside the other's list.
        (false, false) => {
            !has_intrinsic(this.actions) && this.patterns.iter().all(|p| within_list(p, &other.patterns))
        }
        // NotAction in both: everything but X ⊆ everything but Y exactly when Y ⊆ X.
        (true, true) => {
            !has_intrinsic(other.actions) && other.patterns.iter().all(|p| within_list(p, &this.patterns))
        }
        // Action inside everything but Y: none of its actions is in Y.
        (false, true) => {
            !has_intrinsic(this.actions)
                && !has_intrinsic(other.actions)
                && this.patterns.iter().all(|p| match &p.resolved {
                    ActionRef::Matched { service, actions } => actions.iter().all(|a| {
                        let full = format!("{}:{}", service.prefix, a.name);
                        !other.patterns.iter().any(|q| action_matches(q.text, &full))
                    }),
                    _ => false,
                })
        }
        // Everything but X inside a list: only when the list has `*`.
        (true, false) => other
            .patterns
            .iter()
            .any(|p| matches!(p.resolved, ActionRef::Everything)),
    }
}

/// Whether one pattern is covered by a list: by one item, or (for a known pattern) each
/// action it expands to by some item.
fn within_list(pattern: &ActionPattern, list: &[ActionPattern]) -> bool {
    if list.iter().any(|other| pattern.covered_by(other)) {
        return true;
    }
    match pattern.expansion() {
        Some((service, actions)) => actions.iter().all(|a| {
            let full = format!("{}:{}", service.prefix, a.name);
            list.iter().any(|other| action_matches(other.text, &full))
        }),
        None => false,
    }
}
