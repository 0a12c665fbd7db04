//! `rds/guard-inverted`: a Deny that blocks managed passwords instead of hand-set ones.

use super::{KEY, key_actions, key_clauses_match};
use crate::finding::Diagnostic;
use crate::model::{Effect, FileModel};
use crate::rules::Rule;

pub struct GuardInverted;

impl Rule for GuardInverted {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        for doc in &file.policies {
            for statement in doc.statements.iter().filter(|s| s.is(Effect::Deny)) {
                let Some(clause) = statement.clauses_on(KEY).next() else {
                    continue;
                };
                let inverted = key_clauses_match(statement, "true")
                    && !key_clauses_match(statement, "false")
                    && key_actions()
                        .iter()
                        .any(|a| statement.covers_action(a) != Some(false));
                if !inverted {
                    continue;
                }
                out.push(
                    Diagnostic::new(
                        clause.values_span,
                        "this Deny matches `rds:ManageMasterUserPassword` = true: it blocks the requests that use a managed password and lets hand-set passwords through",
                    )
                    .help("deny when the key is `false` instead: `\"Bool\": {\"rds:ManageMasterUserPassword\": false}`")
                    .label(clause.key_span, "condition on the key"),
                );
            }
        }
    }
}
