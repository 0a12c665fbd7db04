//! `iam/for-all-values-single-valued`: `ForAllValues:` with a key that has at most one
//! value in a request. The qualifier makes the condition true when the key is absent.

use crate::catalog::{Catalog, KeyType};
use crate::finding::Diagnostic;
use crate::model::{Effect, FileModel, SetQualifier};
use crate::rules::Rule;
use crate::rules::iam::condition_values::{OperatorFamily, family};

pub struct ForAllValuesSingleValued;

impl Rule for ForAllValuesSingleValued {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        let keys = crate::rules::shared::keys(file);
        for statement in file.statements() {
            for clause in &statement.condition {
                if clause.operator.qualifier != Some(SetQualifier::ForAllValues)
                    // `ForAllValues:Null` is `iam/null-condition`'s.
                    || matches!(family(&clause.operator.base), None | Some(OperatorFamily::Null))
                {
                    continue;
                }
                let Some(key_type) = keys.get(&clause.key).key_type() else {
                    continue;
                };
                // A key present in every request (`aws:RequestedRegion`) is never absent,
                // so the qualifier opens no hole there.
                let always_present = Catalog::global()
                    .global_key(&clause.key)
                    .is_some_and(|g| g.always_present);
                if key_type.is_multivalued() || key_type == KeyType::Other || always_present {
                    continue;
                }
                let consequence = if statement.is(Effect::Allow) {
                    "so this Allow also applies to requests without the key"
                } else {
                    "so the condition also matches requests without the key"
                };
                let unqualified = format!(
                    "{}{}",
                    clause.operator.base,
                    if clause.operator.if_exists { "IfExists" } else { "" }
                );
                out.push(
                    Diagnostic::new(
                        clause.operator_span,
                        format!(
                            "`ForAllValues:` with single-valued key `{}` ({}) is true when the key is absent, {consequence}",
                            clause.key,
                            key_type.name()
                        ),
                    )
                    .label(clause.key_span, "single-valued key")
                    .help(if clause.operator.if_exists {
                        format!("use `{unqualified}` without the qualifier")
                    } else {
                        format!(
                            "use `{unqualified}` without the qualifier; if requests without the key should match too, say so with `{unqualified}IfExists`"
                        )
                    }),
                );
            }
        }
    }
}
