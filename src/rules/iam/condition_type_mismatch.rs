//! `iam/condition-type-mismatch`: a condition operator whose family cannot compare values
//! of the key's documented type (`NumericEquals` on `aws:SourceIp`).

use crate::finding::Diagnostic;
use crate::model::FileModel;
use crate::rules::Rule;

use super::conditions::{TypeFit, operator_family, operators_for, type_fit, written_operator};

pub struct ConditionTypeMismatch;

impl Rule for ConditionTypeMismatch {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        let keys = crate::rules::shared::keys(file);
        for clause in file.clauses() {
            let Some(family) = operator_family(&clause.operator.base) else {
                continue;
            };
            let Some(key_type) = keys.get(&clause.key).key_type() else {
                continue;
            };
            if type_fit(family, key_type, &clause.key) != TypeFit::Mismatch {
                continue;
            }
            let operator = written_operator(&clause.operator);
            let key = &clause.key;
            out.push(
                Diagnostic::new(
                    clause.operator_span,
                    format!(
                        "`{operator}` is not an operator for `{key}`, which is of type {}",
                        key_type.name()
                    ),
                )
                .help(format!(
                    "IAM documents `{key}` as {}: test it with {}",
                    key_type.name(),
                    operators_for(key_type)
                ))
                .label(clause.key_span, format!("a key of type {}", key_type.name())),
            );
        }
    }
}
