//! Names in the source's own language. Rules reason over CloudFormation property names
//! (`MasterUserPassword`); a Terraform user wrote `password`, `master_password_wo` or
//! `manage_master_user_password`, and that is what a finding must say.

use super::{FileModel, Resource};

/// The language a template was written in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Language {
    #[default]
    CloudFormation,
    /// A Terraform module (`.tf`, `.tf.json`) or plan (`terraform show -json`).
    Terraform,
}

/// The AWS provider's argument for a CloudFormation property path of a lowered resource.
fn terraform_name(resource_type: Option<&str>, path: &str) -> Option<&'static str> {
    Some(match (resource_type, path) {
        (Some("AWS::RDS::DBCluster"), "MasterUserPassword") => "master_password",
        (_, "MasterUserPassword") => "password",
        (_, "ManageMasterUserPassword") => "manage_master_user_password",
        (_, "MasterUserSecret" | "MasterUserSecret.KmsKeyId") => "master_user_secret_kms_key_id",
        (_, "Engine") => "engine",
        (_, "SourceDBInstanceIdentifier") => "replicate_source_db",
        (_, "ReplicationSourceIdentifier") => "replication_source_identifier",
        (_, "BlueGreenUpdate") => "blue_green_update",
        (_, "BlueGreenUpdate.Enabled") => "blue_green_update.enabled",
        _ => return None,
    })
}

fn is_identifier(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

impl FileModel<'_> {
    pub fn language(&self) -> Language {
        self.template
            .as_ref()
            .map_or(Language::CloudFormation, |t| t.language)
    }

    /// How the source names property `path` (`MasterUserSecret.KmsKeyId`) of `resource`:
    /// the path itself in CloudFormation; in Terraform the argument as written (the key of
    /// a lowered property spans the argument's name), or the provider's name for it.
    pub fn property_name(&self, resource: &Resource<'_>, path: &str) -> String {
        if self.language() == Language::CloudFormation {
            return path.to_string();
        }
        let first = path.split('.').next().unwrap_or(path);
        if !path.contains('.') || first == "MasterUserSecret" {
            let written = resource.property_entry(first).and_then(|entry| {
                let text = self.text(entry.key_span.file).get(entry.key_span.range())?;
                let name = text.trim_matches('"');
                is_identifier(name).then(|| name.to_string())
            });
            if let Some(written) = written {
                return written;
            }
        }
        terraform_name(resource.resource_type, path).map_or_else(|| path.to_string(), str::to_string)
    }

    /// A property set to a value, as the source writes it: `ManageMasterUserPassword: true`
    /// or `manage_master_user_password = true`.
    pub fn setting(&self, resource: &Resource<'_>, path: &str, value: &str) -> String {
        let name = self.property_name(resource, path);
        match self.language() {
            Language::CloudFormation => format!("{name}: {value}"),
            Language::Terraform => format!("{name} = {value}"),
        }
    }

    /// What a template calls the inputs a value can come from, and their default:
    /// (`parameter`, `Default`) or (`variable`, `default`).
    pub fn input_words(&self) -> (&'static str, &'static str) {
        match self.language() {
            Language::CloudFormation => ("parameter", "Default"),
            Language::Terraform => ("variable", "default"),
        }
    }
}
