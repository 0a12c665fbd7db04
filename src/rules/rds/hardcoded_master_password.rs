//! `rds/hardcoded-master-password`: a master password written into the template.
//! Messages name the resource and parameter, never the value.

use super::{PasswordSource, classify_password, db_resources, describe};
use crate::finding::Diagnostic;
use crate::model::FileModel;
use crate::rules::Rule;

pub struct HardcodedMasterPassword;

const HELP: &str = "set `ManageMasterUserPassword: true` and remove `MasterUserPassword`, or resolve it from Secrets Manager with `{{resolve:secretsmanager:...}}`; rotate the exposed password";

impl Rule for HardcodedMasterPassword {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        let Some(template) = &file.template else {
            return;
        };
        for resource in db_resources(template) {
            let Some(entry) = resource.property_entry("MasterUserPassword") else {
                continue;
            };
            match classify_password(&entry.value, template) {
                PasswordSource::Literal(node) => out.push(
                    Diagnostic::new(
                        node.span,
                        format!("{} has a hard-coded `MasterUserPassword`", describe(resource)),
                    )
                    .help(HELP),
                ),
                PasswordSource::ParameterDefault { default, parameter } => out.push(
                    Diagnostic::new(
                        default.span,
                        format!(
                            "{} takes `MasterUserPassword` from parameter `{parameter}`, whose `Default` hard-codes it",
                            describe(resource)
                        ),
                    )
                    .help(HELP)
                    .label(entry.key_span, "the master password of this database"),
                ),
                PasswordSource::External | PasswordSource::Unknown => {}
            }
        }
    }
}
