//! `iam/wildcard-condition`: a condition whose only value is `*` with a Like operator, which
//! tests presence rather than value: it is a `Null` check, always true, or never true.

use crate::finding::Diagnostic;
use crate::model::{FileModel, SetQualifier};
use crate::rules::Rule;

pub struct WildcardCondition;

impl Rule for WildcardCondition {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        for statement in file.statements() {
            for clause in &statement.condition {
                let op = &clause.operator;
                if !matches!(
                    op.base.as_str(),
                    "StringLike" | "StringNotLike" | "ArnLike" | "ArnNotLike"
                ) {
                    continue;
                }
                let all_star =
                    !clause.values.is_empty() && clause.values.iter().all(|v| v.text.as_deref() == Some("*"));
                if !all_star {
                    continue;
                }
                let negated = op.base.contains("Not");
                let key = &clause.key;
                let (message, help) = match (negated, op.if_exists, op.qualifier) {
                    (false, false, None) => (
                        format!(
                            "`{}: \"*\"` only tests that `{key}` is present: it is `\"Null\": {{\"{key}\": \"false\"}}`",
                            op.base
                        ),
                        format!("write `\"Null\": {{\"{key}\": \"false\"}}`, which says what it means"),
                    ),
                    (false, true, _) | (false, false, Some(SetQualifier::ForAllValues)) => (
                        format!("this condition on `{key}` matches every request: the key can be removed"),
                        "remove the condition key, or give it the values you mean".to_string(),
                    ),
                    (true, false, None) | (true, true, _) => (
                        format!(
                            "`{}: \"*\"` only matches requests without `{key}`: it is `\"Null\": {{\"{key}\": \"true\"}}`",
                            op.base
                        ),
                        format!("write `\"Null\": {{\"{key}\": \"true\"}}`, which says what it means"),
                    ),
                    (true, false, Some(SetQualifier::ForAnyValue)) => (
                        format!("this condition on `{key}` can never match: the statement never applies"),
                        "remove the statement, or give the condition the values you mean".to_string(),
                    ),
                    _ => continue,
                };
                out.push(
                    Diagnostic::new(clause.values_span, message)
                        .help(help)
                        .label(clause.key_span, "the condition key"),
                );
            }
        }
    }
}
