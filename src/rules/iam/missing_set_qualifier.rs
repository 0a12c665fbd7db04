//! `iam/missing-set-qualifier`: a multivalued key (`ArrayOf*` in the catalog) tested with
//! an operator that has no `ForAllValues:`/`ForAnyValue:` qualifier.

use crate::finding::Diagnostic;
use crate::model::FileModel;
use crate::rules::Rule;
use crate::rules::iam::condition_values::{OperatorFamily, family};

pub struct MissingSetQualifier;

impl Rule for MissingSetQualifier {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        let keys = crate::rules::shared::keys(file);
        for clause in file.clauses() {
            // `Null` tests whether the key is present, which needs no qualifier.
            if clause.operator.qualifier.is_some()
                || matches!(family(&clause.operator.base), None | Some(OperatorFamily::Null))
            {
                continue;
            }
            let Some(key_type) = keys.get(&clause.key).key_type() else {
                continue;
            };
            if !key_type.is_multivalued() {
                continue;
            }
            let written = &clause.operator;
            let operator = format!(
                "{}{}",
                written.base,
                if written.if_exists { "IfExists" } else { "" }
            );
            out.push(
                Diagnostic::new(
                    clause.operator_span,
                    format!(
                        "`{operator}` without `ForAllValues:` or `ForAnyValue:` on multivalued key `{}` ({})",
                        clause.key,
                        key_type.name()
                    ),
                )
                .label(clause.key_span, "multivalued key")
                .help(format!(
                    "write `ForAnyValue:{operator}` to match when any value of the request matches, or `ForAllValues:{operator}` (with a `Null` check on the key in an Allow) to require that every value matches"
                )),
            );
        }
    }
}
