//! `rds/guard-inverted`: a Deny that blocks managed passwords instead of hand-set ones.

use super::{KEY, clause_matches, key_condition_matches};
use crate::finding::Diagnostic;
use crate::model::{Effect, FileModel};
use crate::rules::Rule;

pub struct GuardInverted;

impl Rule for GuardInverted {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        for doc in &file.policies {
            for statement in doc.statements.iter().filter(|s| s.is(Effect::Deny)) {
                let inverted = key_condition_matches(statement, Some(true)) == Some(true)
                    && key_condition_matches(statement, Some(false)) == Some(false);
                if !inverted {
                    continue;
                }
                let Some(clause) = statement
                    .clauses_on(KEY)
                    .find(|c| clause_matches(c, Some(false)) == Some(false))
                else {
                    continue;
                };
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
