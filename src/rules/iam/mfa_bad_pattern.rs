//! `iam/mfa-bad-pattern`: conditions on `aws:MultiFactorAuthPresent` that do not do what
//! they look like for requests signed with long-term access keys, where the key is absent.

use crate::finding::Diagnostic;
use crate::model::{ConditionClause, Effect, FileModel, Statement};
use crate::rules::Rule;
use crate::rules::iam::condition_values::{OperatorFamily, family, literal_values};

pub struct MfaBadPattern;

const KEY: &str = "aws:MultiFactorAuthPresent";

impl Rule for MfaBadPattern {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        for doc in &file.policies {
            // A Deny on `"Null": {"aws:MultiFactorAuthPresent": "true"}` elsewhere in the
            // document covers the requests without the key.
            let covers_absent_key = doc.statements.iter().any(|s| {
                s.is(Effect::Deny)
                    && s.clauses_on(KEY).any(|c| {
                        family(&c.operator.base) == Some(OperatorFamily::Null)
                            && c.operator.qualifier.is_none()
                            && only_value(c, "true")
                    })
            });
            for statement in &doc.statements {
                for clause in statement.clauses_on(KEY) {
                    if family(&clause.operator.base) != Some(OperatorFamily::Bool)
                        || clause.operator.qualifier.is_some()
                    {
                        continue;
                    }
                    if let Some(diagnostic) = check(statement, clause, covers_absent_key) {
                        out.push(diagnostic);
                    }
                }
            }
        }
    }
}

fn check(statement: &Statement, clause: &ConditionClause, covers_absent_key: bool) -> Option<Diagnostic> {
    let if_exists = clause.operator.if_exists;
    if statement.is(Effect::Deny) && !if_exists && only_value(clause, "false") && !covers_absent_key {
        return Some(
            Diagnostic::new(
                clause.operator_span,
                format!("`Bool` with `{KEY}` `false` in a Deny does not apply to requests signed with long-term access keys, which carry no MFA key"),
            )
            .label(clause.key_span, "absent for long-term credentials")
            .help(format!(
                "use `BoolIfExists` so that requests without the key are denied too: `\"BoolIfExists\": {{\"{KEY}\": \"false\"}}`"
            )),
        );
    }
    if statement.is(Effect::Allow) && if_exists && only_value(clause, "true") {
        return Some(
            Diagnostic::new(
                clause.operator_span,
                format!("`BoolIfExists` with `{KEY}` `true` in an Allow also allows requests signed with long-term access keys, without MFA"),
            )
            .label(clause.key_span, "absent for long-term credentials")
            .help(format!(
                "use `Bool` to allow only requests authenticated with MFA: `\"Bool\": {{\"{KEY}\": \"true\"}}`"
            )),
        );
    }
    None
}

/// Whether every literal value is `expected` (and there is one at least, and no unknown).
fn only_value(clause: &ConditionClause, expected: &str) -> bool {
    let known = literal_values(clause).count();
    known > 0
        && known == clause.values.len()
        && literal_values(clause).all(|(_, t)| t.eq_ignore_ascii_case(expected))
}
