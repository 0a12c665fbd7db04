//! `rds/guard-bypass-modify`: a guard on create/restore that leaves Modify open.

use super::{CLUSTER_CREATES, Guards, INSTANCE_CREATES, action_span, join_actions};
use crate::finding::Diagnostic;
use crate::model::FileModel;
use crate::rules::Rule;

pub struct GuardBypassModify;

impl Rule for GuardBypassModify {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        for doc in &file.policies {
            let guards = Guards::of(doc);
            for (guard, missing) in guards.modify_gaps() {
                let mut diagnostic = Diagnostic::new(
                    action_span(guard),
                    format!(
                        "guard on `rds:ManageMasterUserPassword` does not deny {}: a database created with a managed password can be switched back to a hand-set one",
                        join_actions(&missing)
                    ),
                )
                .help(format!(
                    "add {} to the Action list; this also blocks other changes to existing databases that do not yet use a managed password, so migrate those first",
                    join_actions(&missing)
                ));
                if let Some(action) = &guard.action {
                    for create in INSTANCE_CREATES.iter().chain(&CLUSTER_CREATES) {
                        if let Some(item) = action.matching_item(create).filter(|_| !action.negated) {
                            diagnostic = diagnostic.label(item.span, format!("covers `{create}`"));
                            break;
                        }
                    }
                }
                out.push(diagnostic);
            }
        }
    }
}
