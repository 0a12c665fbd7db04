//! `iam/string-operator-on-arn-key`: a String operator on an ARN-typed condition key, where
//! the ARN operator compares the ARN field by field.

use crate::finding::Diagnostic;
use crate::model::{FileModel, Operator};
use crate::rules::Rule;

use super::conditions::{TypeFit, arn_equivalent, operator_family, type_fit, written_operator};

pub struct StringOperatorOnArnKey;

impl Rule for StringOperatorOnArnKey {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        let keys = crate::rules::shared::keys(file);
        for clause in file.clauses() {
            let Some(family) = operator_family(&clause.operator.base) else {
                continue;
            };
            let Some(key_type) = keys.get(&clause.key).key_type() else {
                continue;
            };
            if type_fit(family, key_type, &clause.key) != TypeFit::StringOnArn {
                continue;
            }
            let Some(arn_base) = arn_equivalent(&clause.operator.base) else {
                continue;
            };
            let operator = written_operator(&clause.operator);
            let suggested = written_operator(&Operator {
                base: arn_base.to_string(),
                ..clause.operator.clone()
            });
            let key = &clause.key;
            let base = clause.operator.base.as_str();
            let wildcard = clause
                .values
                .iter()
                .any(|v| v.text.as_deref().is_some_and(|t| t.contains(['*', '?'])));
            let (message, why) = if base.ends_with("Like") && wildcard {
                (
                    format!(
                        "`{operator}` matches the ARN key `{key}` as plain text, so a `*` can span several ARN fields"
                    ),
                    "it keeps each wildcard inside one ARN field",
                )
            } else if base.ends_with("IgnoreCase") {
                (
                    format!("`{operator}` compares the ARN key `{key}` as text, ignoring case"),
                    "it compares ARN fields, which are case-sensitive, as IAM does for ARNs",
                )
            } else {
                (
                    format!("`{operator}` compares the ARN key `{key}` as plain text"),
                    "it compares the ARN field by field and says that the value is an ARN",
                )
            };
            out.push(
                Diagnostic::new(clause.operator_span, message)
                    .help(format!("use `{suggested}`, {why}"))
                    .label(clause.key_span, format!("`{key}` is an ARN")),
            );
        }
    }
}
