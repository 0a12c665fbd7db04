//! `iam/condition-bypass`: conditions that look restrictive but that a caller can satisfy
//! by shaping the request: `s3:prefix` in a negative context, and `dynamodb:Attributes`
//! without `dynamodb:Select`.

use crate::finding::Diagnostic;
use crate::model::{ConditionClause, Effect, FileModel, Statement};
use crate::rules::Rule;

pub struct ConditionBypass;

impl Rule for ConditionBypass {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        for statement in file.statements() {
            for clause in &statement.condition {
                if clause.key.eq_ignore_ascii_case("s3:prefix") && negative(statement, clause) {
                    out.push(
                        Diagnostic::new(
                            clause.key_span,
                            "`s3:prefix` in a negative context can be bypassed: a request with a shorter or empty prefix does not match",
                        )
                        .help("allow the prefixes you mean with a positive condition (`StringLike` in an Allow) instead of denying the ones you do not"),
                    );
                }
            }
            let attributes = statement.clauses_on("dynamodb:Attributes").next();
            let select = statement.clauses_on("dynamodb:Select").next();
            if let (Some(attributes), None, true) = (attributes, select, statement.is(Effect::Allow)) {
                out.push(
                    Diagnostic::new(
                        attributes.key_span,
                        "`dynamodb:Attributes` without `dynamodb:Select` lets a request read every attribute (Select: ALL_ATTRIBUTES)",
                    )
                    .help("add `\"StringEquals\": {\"dynamodb:Select\": \"SPECIFIC_ATTRIBUTES\"}` to the same statement"),
                );
            }
        }
    }
}

/// A Deny, or a negated operator (`StringNotEquals`, `StringNotLike`...) in an Allow.
/// A `Null` check tests presence, not the prefix, and is never a negative context.
fn negative(statement: &Statement, clause: &ConditionClause) -> bool {
    clause.operator.base != "Null" && statement.is(Effect::Deny) != clause.operator.base.contains("Not")
}
