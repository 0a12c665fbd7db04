//! `rds/master-password-not-managed`: a master password supplied from outside where RDS
//! could generate and rotate it.

use super::{
    ManageFlag, PasswordSource, classify_password, db_resources, describe, manage_flag, manage_instead,
};
use crate::finding::Diagnostic;
use crate::model::FileModel;
use crate::rules::Rule;

pub struct MasterPasswordNotManaged;

impl Rule for MasterPasswordNotManaged {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        let Some(template) = &file.template else {
            return;
        };
        for resource in db_resources(template) {
            let Some(entry) = resource.property_entry("MasterUserPassword") else {
                continue;
            };
            let value = &entry.value;
            if !matches!(manage_flag(resource), ManageFlag::Absent | ManageFlag::False) {
                continue;
            }
            if let PasswordSource::External = classify_password(value, template) {
                let name = file.property_name(resource, "MasterUserPassword");
                let diagnostic = Diagnostic::new(
                        value.span,
                        format!(
                            "{} sets `{name}` instead of letting RDS manage it in Secrets Manager",
                            describe(template, resource)
                        ),
                    )
                    .help(format!(
                        "replace `{name}` with `{}`; RDS then generates the password, stores it in Secrets Manager and rotates it",
                        file.setting(resource, "ManageMasterUserPassword", "true")
                    ));
                out.push(
                    match manage_instead(file, template, resource, entry, value.span) {
                        Some(fix) => diagnostic.fix(fix),
                        None => diagnostic,
                    },
                );
            }
        }
    }
}
