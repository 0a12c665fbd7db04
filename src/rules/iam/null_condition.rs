//! `iam/null-condition`: misuses of the `Null` operator: `NullIfExists`, a value other
//! than `true`/`false`, and `ForAllValues:`/`ForAnyValue:` qualifiers.

use crate::finding::Diagnostic;
use crate::model::{FileModel, SetQualifier};
use crate::rules::Rule;
use crate::rules::iam::condition_values::{OperatorFamily, family, has_variable, is_bool, literal_values};

pub struct NullCondition;

impl Rule for NullCondition {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        let clauses = file
            .clauses()
            .filter(|c| family(&c.operator.base) == Some(OperatorFamily::Null));
        // One operator block may hold several keys; its operator is reported once.
        let mut reported = std::collections::HashSet::new();
        for clause in clauses {
            let first_of_block = reported.insert(clause.operator_span);
            if clause.operator.if_exists && first_of_block {
                out.push(
                    Diagnostic::new(
                        clause.operator_span,
                        "`NullIfExists` is not a condition operator: `Null` already tests whether the key exists",
                    )
                    .help("write `Null`"),
                );
            }
            if let (Some(qualifier), true) = (clause.operator.qualifier, first_of_block) {
                let name = match qualifier {
                    SetQualifier::ForAllValues => "ForAllValues",
                    SetQualifier::ForAnyValue => "ForAnyValue",
                };
                out.push(
                    Diagnostic::new(
                        clause.operator_span,
                        format!("`{name}:` has no meaning with `Null`, which tests whether the key is present at all"),
                    )
                    .help("write `Null` without the qualifier"),
                );
            }
            for (value, text) in literal_values(clause) {
                if has_variable(text) || is_bool(text) {
                    continue;
                }
                out.push(
                    Diagnostic::new(value.span, format!("`{text}` is not a value for `Null`"))
                        .help("`Null` takes `true` (the key is absent) or `false` (the key is present); to compare the key's value, use an operator such as `StringEquals`"),
                );
            }
        }
    }
}
