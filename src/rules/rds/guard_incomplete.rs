//! `rds/guard-incomplete`: guards that leave out other actions accepting the key.

use super::{Guards, action_span, join_actions, key_actions};
use crate::finding::Diagnostic;
use crate::model::FileModel;
use crate::rules::Rule;

pub struct GuardIncomplete;

impl Rule for GuardIncomplete {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        for doc in &file.policies {
            let guards = Guards::of(doc);
            let Some(first) = guards.statements.first() else {
                continue;
            };
            // The Modify actions that guard-bypass-modify reports are its finding, not ours.
            let bypass: Vec<&str> = guards
                .modify_gaps()
                .into_iter()
                .flat_map(|(_, missing)| missing)
                .collect();
            let missing: Vec<&str> = key_actions()
                .iter()
                .map(String::as_str)
                .filter(|a| guards.cover(a) == Some(false) && !bypass.contains(a))
                .collect();
            if missing.is_empty() {
                continue;
            }
            let mut diagnostic = Diagnostic::new(
                action_span(first),
                format!(
                    "guard on `rds:ManageMasterUserPassword` leaves out {}, which also {} the key",
                    join_actions(&missing),
                    if missing.len() == 1 { "accepts" } else { "accept" }
                ),
            )
            .help(format!(
                "add {} to the guard's Action list (or use `rds:*` with the same condition)",
                join_actions(&missing)
            ));
            for other in &guards.statements[1..] {
                diagnostic = diagnostic.label(action_span(other), "also part of the guard");
            }
            out.push(diagnostic);
        }
    }
}
