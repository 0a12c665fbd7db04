//! `iam/undocumented-action`: an action or service prefix that the Service Authorization
//! Reference does not document, and that is not a near miss of one that it does (those are
//! `iam/unknown-service` and `iam/unknown-action`, which suggest the right name).

use super::actions::{action_lists, literal_items, service_named, typo_of};
use super::{ActionRef, resolve_action};
use crate::catalog::Catalog;
use crate::finding::Diagnostic;
use crate::model::FileModel;
use crate::rules::Rule;

pub struct UndocumentedAction;

impl Rule for UndocumentedAction {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        let catalog = Catalog::global();
        let date = catalog.version.updated_at.get(..10).unwrap_or("unknown date");
        let reference = format!("the Service Authorization Reference as of {date}");
        for (_, list) in action_lists(file) {
            for (item, text) in literal_items(list) {
                let message = match resolve_action(catalog, text) {
                    ActionRef::UnknownService { prefix } => {
                        let near = typo_of(&prefix, catalog.prefixes()).is_some()
                            || service_named(catalog, &prefix).is_some();
                        if near {
                            continue;
                        }
                        format!("`{prefix}` is not a service prefix in {reference}")
                    }
                    ActionRef::UnknownAction { service, name } => {
                        if typo_of(&name, service.actions.iter().map(|a| a.name.as_str())).is_some() {
                            continue;
                        }
                        format!("`{}` has no action `{name}` in {reference}", service.prefix)
                    }
                    _ => continue,
                };
                out.push(Diagnostic::new(item.span, message).help(
                    "check the name against the service's page in the Service Authorization Reference; retired services and actions that AWS has not documented yet also end up here",
                ));
            }
        }
    }
}
