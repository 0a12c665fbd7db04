//! `iam/undocumented-action`: an action or service prefix that the Service Authorization
//! Reference does not document, and that is not a near miss of one that it does (those are
//! `iam/unknown-service` and `iam/unknown-action`, which suggest the right name).

use super::ActionRef;
use super::actions::{Spelling, action_lists, literal_items};
use crate::catalog::Catalog;
use crate::finding::Diagnostic;
use crate::model::FileModel;
use crate::rules::{Rule, shared};

pub struct UndocumentedAction;

impl Rule for UndocumentedAction {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        let catalog = Catalog::global();
        let date = catalog.version.updated_at.get(..10).unwrap_or("unknown date");
        let reference = format!("the Service Authorization Reference as of {date}");
        let table = shared::actions(file);
        for (_, list) in action_lists(file) {
            for (item, text) in literal_items(list) {
                // A near miss is `iam/unknown-service`'s or `iam/unknown-action`'s.
                if table.spelling(text) != Spelling::Unknown {
                    continue;
                }
                let message = match &*table.get(text) {
                    ActionRef::UnknownService { prefix } => {
                        format!("`{prefix}` is not a service prefix in {reference}")
                    }
                    ActionRef::UnknownAction { service, name } => {
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
