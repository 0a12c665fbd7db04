//! `rds/hardcoded-master-password`: a master password written into the template.
//! Messages name the resource and parameter, never the value.

use super::{PasswordSource, classify_password, db_resources, describe, edit, manage_instead};
use crate::finding::Diagnostic;
use crate::model::{FileModel, Language, Resource};
use crate::rules::Rule;

pub struct HardcodedMasterPassword;

const HELP: &str = "set `ManageMasterUserPassword: true` and remove `MasterUserPassword`, or resolve it from Secrets Manager with `{{resolve:secretsmanager:...}}`; rotate the exposed password";

fn help(file: &FileModel<'_>, resource: &Resource<'_>, name: &str) -> String {
    match file.language() {
        Language::CloudFormation => HELP.to_string(),
        Language::Terraform => format!(
            "set `{}` and remove `{name}`, or pass the password in from outside the code (a variable without a `default`, a `data \"aws_secretsmanager_secret_version\"`); `sensitive = true` hides it from plan output, not from the repository; rotate the exposed password",
            file.setting(resource, "ManageMasterUserPassword", "true")
        ),
    }
}

impl Rule for HardcodedMasterPassword {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        let Some(template) = &file.template else {
            return;
        };
        for resource in db_resources(template) {
            let Some(entry) = resource.property_entry("MasterUserPassword") else {
                continue;
            };
            let name = file.property_name(resource, "MasterUserPassword");
            let diagnostic = match classify_password(&entry.value, template) {
                PasswordSource::Literal(node) => Diagnostic::new(
                    node.span,
                    format!("{} has a hard-coded `{name}`", describe(template, resource)),
                )
                .help(help(file, resource, &name)),
                PasswordSource::ParameterDefault { default, parameter } => Diagnostic::new(
                    default.span,
                    format!(
                        "{} takes `{name}` from {} `{parameter}`, whose `{}` hard-codes it",
                        describe(template, resource),
                        file.input_words().0,
                        file.input_words().1,
                    ),
                )
                .help(help(file, resource, &name))
                .label(entry.key_span, "the master password of this database"),
                PasswordSource::External | PasswordSource::Unknown => continue,
            };
            // The edits delete the value; the fix's message names the property only. A
            // parameter's (variable's) hard-coded `Default` goes too, so that no copy of the
            // password stays in the file.
            let mut fix = manage_instead(file, template, resource, entry, diagnostic.span);
            if let (Some(fix), PasswordSource::ParameterDefault { parameter, .. }) =
                (&mut fix, classify_password(&entry.value, template))
            {
                let default = template
                    .parameter(parameter)
                    .and_then(|p| p.node.entry("Default"))
                    .filter(|d| d.key_span.file == diagnostic.span.file)
                    .and_then(|d| edit::remove_entry(file.text(d.key_span.file), d.key_span, d.value.span));
                if let Some(edit) = default {
                    fix.edits.push(edit);
                    fix.message = format!(
                        "{} and remove the hard-coded `{}` of `{parameter}`",
                        fix.message,
                        file.input_words().1
                    );
                }
            }
            out.push(match fix {
                Some(fix) => diagnostic.fix(fix),
                None => diagnostic,
            });
        }
    }
}
