//! `iam/principal-unique-id`: an `AWS` principal written as the unique id of a role or user
//! (`AROA...`, `AIDA...`) instead of its ARN.

use crate::finding::Diagnostic;
use crate::model::FileModel;
use crate::rules::Rule;

use super::policy_shape::{PrincipalValue, principal_entries, principal_values, unique_id_kind};

pub struct PrincipalUniqueId;

impl Rule for PrincipalUniqueId {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        for doc in &file.policies {
            for statement in doc.statement_nodes() {
                for element in principal_entries(statement) {
                    let Some(aws) = element.value.get("AWS") else {
                        continue;
                    };
                    if element.value.intrinsic().is_some() {
                        continue;
                    }
                    for value in principal_values(aws) {
                        let PrincipalValue::Literal(node, text) = value else {
                            continue;
                        };
                        let Some(entity) = unique_id_kind(&text) else {
                            continue;
                        };
                        out.push(
                            Diagnostic::new(
                                node.span,
                                format!("`{text}` is the unique id of a {entity}, not its ARN"),
                            )
                            .help(format!(
                                "write the {entity}'s ARN (`arn:aws:iam::123456789012:{entity}/Name`); IAM shows a unique id when the {entity} it named was deleted, and a new {entity} of the same name does not match it"
                            )),
                        );
                    }
                }
            }
        }
    }
}
