//! `iam/redundant-statement`: a statement whose permissions another statement of the same
//! document already grants or denies.

use std::collections::HashMap;

use super::ActionRef;
use super::actions::{ActionPattern, ActionTable, canonical, canonical_condition};
use crate::finding::Diagnostic;
use crate::model::{Effect, ElementList, FileModel, Statement, action_matches};
use crate::parse::Node;
use crate::rules::budget::thousands;
use crate::rules::{Budget, Rule, shared};
use crate::source::Span;

pub struct RedundantStatement;

/// Units of action comparison (an item of one list against an item of the other, or an
/// action of a wildcard's expansion against an item) the rule may spend on one file. Statements are compared only
/// with those of the same effect and scope, and only once per distinct action list, so
/// real documents spend a few hundred; a generated one with 100,000 statements that share
/// their scope and differ in their actions would need 10^10.
const COMPARISON_BUDGET: usize = 5_000_000;

/// What two statements must share for one to cover the other, and their actions.
struct Shape<'s> {
    effect: Effect,
    /// The statement's first key, where a finding points.
    first_key: Span,
    /// `Principal`/`NotPrincipal`, `Resource`/`NotResource` and `Condition`, each written as
    /// canonical JSON: equal exactly when IAM reads them the same way.
    scope: String,
    actions: &'s ElementList,
}

/// An action list and its literal items resolved against the catalog.
struct Actions<'s, 'c> {
    list: &'s ElementList,
    patterns: Vec<ActionPattern<'s, 'c>>,
}

impl Rule for RedundantStatement {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        let table = shared::actions(file);
        let mut budget = Budget::new(COMPARISON_BUDGET);
        for doc in &file.policies {
            let shapes: Vec<Shape> = doc
                .statements
                .iter()
                .zip(doc.statement_nodes())
                .filter_map(|(statement, node)| shape(node, statement))
                .collect();
            let (covering, stopped) = coverings(table, &shapes, &mut budget);
            for (this, cover) in shapes.iter().zip(covering) {
                let Some(cover) = cover else { continue };
                let other = &shapes[cover.index];
                let (verb, base) = match this.effect {
                    Effect::Allow => ("allows", "allow"),
                    Effect::Deny => ("denies", "deny"),
                };
                let message = if cover.mutual {
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
            if let Some(at) = stopped {
                out.push(Diagnostic::analysis_limit(
                    shapes[at].first_key,
                    format!(
                        "comparing the actions of statements with the same effect and scope took more than {} comparisons in this file; this statement, the later ones with its scope and later documents were not checked",
                        thousands(budget.limit())
                    ),
                ));
                return;
            }
        }
    }
}

/// The statement that makes another redundant, and whether they cover each other.
#[derive(Clone, Copy)]
struct Cover {
    index: usize,
    mutual: bool,
}

/// For each statement, the first other statement (in document order) with the same
/// effect and scope whose actions include its own; of two that include each other, the
/// later one is the redundant one. Statements are grouped by effect and scope, and
/// within a group by their action list (the same items in any order), so that a
/// document of distinct statements, or of many copies of one, costs linear time. Returns
/// where the budget ran out, if it did: statements of groups not finished get no answer.
fn coverings<'s>(
    table: &'s ActionTable,
    shapes: &[Shape<'s>],
    budget: &mut Budget,
) -> (Vec<Option<Cover>>, Option<usize>) {
    let mut groups: HashMap<(bool, &str), Vec<usize>> = HashMap::new();
    for (index, shape) in shapes.iter().enumerate() {
        groups
            .entry((shape.effect == Effect::Allow, shape.scope.as_str()))
            .or_default()
            .push(index);
    }
    let mut groups: Vec<Vec<usize>> = groups.into_values().filter(|g| g.len() > 1).collect();
    groups.sort_unstable_by_key(|members| members[0]);
    let mut covering = vec![None; shapes.len()];
    for members in groups {
        // Statements with the same action list, in order of their first member.
        let mut lists: HashMap<ListKey, usize> = HashMap::new();
        let mut classes: Vec<Vec<usize>> = Vec::new();
        for &index in &members {
            let class = *lists.entry(list_key(shapes[index].actions)).or_insert_with(|| {
                classes.push(Vec::new());
                classes.len() - 1
            });
            classes[class].push(index);
        }
        let actions: Vec<Actions<'s, 'static>> = classes
            .iter()
            .map(|class| {
                let list = shapes[class[0]].actions;
                Actions {
                    list,
                    patterns: ActionPattern::all(table, list),
                }
            })
            .collect();
        for (this, this_actions) in classes.iter().zip(&actions) {
            // The first statement that covers the class's statements without being covered
            // by them, and the first of those that cover each other with them.
            let mut strict: Option<usize> = None;
            let mut mutual: Option<usize> = None;
            for (other, other_actions) in classes.iter().zip(&actions) {
                // A list covers itself unless it has items iamlint cannot read.
                let (within, contains) = if std::ptr::eq(this, other) {
                    let readable = !has_intrinsic(this_actions.list);
                    (readable, readable)
                } else {
                    let within = actions_within(this_actions, other_actions, budget);
                    let contains = match within {
                        Some(true) => actions_within(other_actions, this_actions, budget),
                        _ => Some(false),
                    };
                    match (within, contains) {
                        (Some(within), Some(contains)) => (within, contains),
                        _ => return (covering, Some(this[0])),
                    }
                };
                if !within {
                    continue;
                }
                if contains {
                    mutual = Some(mutual.map_or(other[0], |m| m.min(other[0])));
                } else {
                    strict = Some(strict.map_or(other[0], |s| s.min(other[0])));
                }
            }
            for &index in this {
                let earlier_mutual = mutual.filter(|&m| m < index);
                let cover = match (strict, earlier_mutual) {
                    (Some(s), Some(m)) if m < s => Cover {
                        index: m,
                        mutual: true,
                    },
                    (Some(s), _) => Cover {
                        index: s,
                        mutual: false,
                    },
                    (None, Some(m)) => Cover {
                        index: m,
                        mutual: true,
                    },
                    (None, None) => continue,
                };
                covering[index] = Some(cover);
            }
        }
    }
    (covering, None)
}

/// An action list up to order and repetition: `Action` or `NotAction`, whether it has
/// items iamlint cannot read, and its literal items.
type ListKey<'s> = (bool, bool, Vec<&'s str>);

fn list_key(list: &ElementList) -> ListKey<'_> {
    let mut texts: Vec<&str> = list.items.iter().filter_map(|i| i.text.as_deref()).collect();
    texts.sort_unstable();
    texts.dedup();
    (list.negated, has_intrinsic(list), texts)
}

fn has_intrinsic(list: &ElementList) -> bool {
    list.items.iter().any(|i| i.text.is_none())
}

fn shape<'s>(node: &Node, statement: &'s Statement) -> Option<Shape<'s>> {
    let (effect, _) = statement.effect?;
    let actions = statement.action.as_ref()?;
    let first_key = node.as_object()?.first()?.key_span;
    let mut scope = String::new();
    for key in ["Principal", "NotPrincipal", "Resource", "NotResource"] {
        if let Some(value) = node.get(key) {
            scope.push_str(&format!("{key}={};", canonical(value)));
        }
    }
    if let Some(condition) = node.get("Condition") {
        let condition = canonical_condition(condition);
        if condition != "{}" {
            scope.push_str(&format!("Condition={condition};"));
        }
    }
    Some(Shape {
        effect,
        first_key,
        scope,
        actions,
    })
}

/// Whether every action `this` applies to is one `other` applies to as well; `None` when
/// the budget runs out first. Each comparison of two items, and of an action of an
/// expansion with an item, spends one unit.
fn actions_within(this: &Actions, other: &Actions, budget: &mut Budget) -> Option<bool> {
    match (this.list.negated, other.list.negated) {
        // Action in both: each item of this one is inside the other's list.
        (false, false) => {
            if has_intrinsic(this.list) {
                return Some(false);
            }
            all_within(&this.patterns, &other.patterns, budget)
        }
        // NotAction in both: everything but X ⊆ everything but Y exactly when Y ⊆ X.
        (true, true) => {
            if has_intrinsic(other.list) {
                return Some(false);
            }
            all_within(&other.patterns, &this.patterns, budget)
        }
        // Action inside everything but Y: none of its actions is in Y.
        (false, true) => {
            if has_intrinsic(this.list) || has_intrinsic(other.list) {
                return Some(false);
            }
            for p in &this.patterns {
                let ActionRef::Matched { service, actions } = &*p.resolved else {
                    return Some(false);
                };
                for a in actions {
                    let full = format!("{}:{}", service.prefix, a.name);
                    for q in &other.patterns {
                        if !budget.spend(1) {
                            return None;
                        }
                        if action_matches(q.text, &full) {
                            return Some(false);
                        }
                    }
                }
            }
            Some(true)
        }
        // Everything but X inside a list: only when the list has `*`.
        (true, false) => Some(
            other
                .patterns
                .iter()
                .any(|p| matches!(*p.resolved, ActionRef::Everything)),
        ),
    }
}

/// Whether every pattern of `these` is covered by the list `by`.
fn all_within(these: &[ActionPattern], by: &[ActionPattern], budget: &mut Budget) -> Option<bool> {
    for pattern in these {
        if !within_list(pattern, by, budget)? {
            return Some(false);
        }
    }
    Some(true)
}

/// Whether one pattern is covered by a list: by one item, or (for a known pattern) each
/// action it expands to by some item.
fn within_list(pattern: &ActionPattern, list: &[ActionPattern], budget: &mut Budget) -> Option<bool> {
    for other in list {
        if !budget.spend(1) {
            return None;
        }
        if pattern.covered_by(other) {
            return Some(true);
        }
    }
    let Some((service, actions)) = pattern.expansion() else {
        return Some(false);
    };
    for a in actions {
        let full = format!("{}:{}", service.prefix, a.name);
        let mut matched = false;
        for other in list {
            if !budget.spend(1) {
                return None;
            }
            if action_matches(other.text, &full) {
                matched = true;
                break;
            }
        }
        if !matched {
            return Some(false);
        }
    }
    Some(true)
}
