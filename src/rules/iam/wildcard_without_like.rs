//! `iam/wildcard-without-like`: a `*` or `?` in the value of an exact string operator,
//! where it is compared as a literal character.

use crate::finding::Diagnostic;
use crate::model::FileModel;
use crate::rules::Rule;
use crate::rules::iam::condition_values::{OperatorFamily, accepts_wildcards, family, literal_values};

pub struct WildcardWithoutLike;

impl Rule for WildcardWithoutLike {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        let clauses = file.clauses().filter(|c| {
            family(&c.operator.base) == Some(OperatorFamily::String) && !accepts_wildcards(&c.operator.base)
        });
        for clause in clauses {
            let operator = &clause.operator.base;
            let like = if operator.to_ascii_lowercase().contains("not") {
                "StringNotLike"
            } else {
                "StringLike"
            };
            for (value, text) in literal_values(clause) {
                // `${*}`, `${?}` and `${$}` are how a policy writes those characters literally.
                let bare = text.replace("${*}", "").replace("${?}", "").replace("${$}", "");
                if !bare.contains(['*', '?']) {
                    continue;
                }
                out.push(
                    Diagnostic::new(
                        value.span,
                        format!("`{operator}` compares `{text}` literally: `*` and `?` are wildcards only with `{like}`"),
                    )
                    .label(clause.operator_span, "exact-match operator")
                    .help(format!(
                        "use `{like}` for a pattern; to match the characters themselves, write them as `${{*}}` and `${{?}}`"
                    )),
                );
            }
        }
    }
}
