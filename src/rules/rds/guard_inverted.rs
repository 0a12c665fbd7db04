//! `rds/guard-inverted`: a Deny that blocks managed passwords instead of hand-set ones.

use super::edit::flip_bool;
use super::{KEY, editable, key_actions, key_clauses_match};
use crate::finding::Diagnostic;
use crate::fix::{Edit, Fix};
use crate::model::{ConditionClause, Effect, FileModel, Statement};
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
                let mut diagnostic = Diagnostic::new(
                    clause.values_span,
                    "this Deny matches `rds:ManageMasterUserPassword` = true: it blocks the requests that use a managed password and lets hand-set passwords through",
                )
                .help("deny when the key is `false` instead: `\"Bool\": {\"rds:ManageMasterUserPassword\": false}`")
                .label(clause.key_span, "condition on the key");
                if editable(file)
                    && let Some(fix) = flip(file.text(clause.values_span.file), statement)
                {
                    diagnostic = diagnostic.fix(fix);
                }
                out.push(diagnostic);
            }
        }
    }
}

/// Turns every condition of the statement on the key around: each `true`/`false` value
/// becomes the other, in its own spelling; a `StringLike` pattern (`t*`) becomes
/// `StringNotLike` and the reverse. `None` when a condition is written otherwise (a
/// variable, a pattern under another operator).
fn flip(text: &str, statement: &Statement) -> Option<Fix> {
    let mut edits = Vec::new();
    for clause in statement.clauses_on(KEY) {
        edits.extend(flip_clause(text, clause)?);
    }
    Some(Fix::safe(
        "turn the condition around so that the Deny matches `rds:ManageMasterUserPassword` = false",
        edits,
    ))
}

fn flip_clause(text: &str, clause: &ConditionClause) -> Option<Vec<Edit>> {
    // A string operator compares case-sensitively: `"False"` matches neither value, and
    // flipping it would not make a guard of it.
    let exact = clause.operator.base.eq_ignore_ascii_case("Bool")
        || clause
            .values
            .iter()
            .all(|v| matches!(v.text.as_deref(), Some("true" | "false")));
    let values: Option<Vec<Edit>> = exact
        .then(|| clause.values.iter().map(|v| flip_bool(text, v.span)).collect())
        .flatten();
    if let Some(values) = values.filter(|v| !v.is_empty()) {
        return Some(values);
    }
    let raw = text.get(clause.operator_span.range())?;
    let flipped = if raw.contains("StringNotLike") {
        raw.replacen("StringNotLike", "StringLike", 1)
    } else if raw.contains("StringLike") {
        raw.replacen("StringLike", "StringNotLike", 1)
    } else {
        return None;
    };
    Some(vec![Edit::replace(clause.operator_span, flipped)])
}
