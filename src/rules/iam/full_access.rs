//! `iam/full-access`: an unconditional Allow of every action on every resource.

use super::actions::literal_items;
use crate::finding::Diagnostic;
use crate::model::{Effect, ElementList, FileModel};
use crate::rules::Rule;
use crate::source::Span;

pub struct FullAccess;

impl Rule for FullAccess {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        // Only a policy held by a principal grants it anything; in an SCP `*` on `*` is the
        // default "do not restrict", and in a key policy `*` is the key itself.
        for doc in file.policies.iter().filter(|d| d.kind.grants_to_holder()) {
            for statement in &doc.statements {
                if !statement.is(Effect::Allow) || !statement.condition.is_empty() {
                    continue;
                }
                let (Some(actions), Some(resources)) = (&statement.action, &statement.resource) else {
                    continue;
                };
                let (Some(action_span), Some(resource_span)) = (everything(actions), everything(resources))
                else {
                    continue;
                };
                out.push(
                    Diagnostic::new(
                        action_span,
                        "Allow of every action on every resource without a condition: full administrator access",
                    )
                    .help("grant the actions and resources the principal needs; if it really is an administrator, attach AWS's AdministratorAccess where it is reviewed")
                    .label(resource_span, "on every resource"),
                );
            }
        }
    }
}

/// Where a list says "everything": its `*` item, or the key of an empty `NotAction` /
/// `NotResource` (which excludes nothing).
fn everything(list: &ElementList) -> Option<Span> {
    if list.negated {
        list.items.is_empty().then_some(list.key_span)
    } else {
        literal_items(list)
            .find(|(_, text)| *text == "*")
            .map(|(item, _)| item.span)
    }
}
