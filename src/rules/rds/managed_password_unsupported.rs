//! `rds/managed-password-unsupported`: `ManageMasterUserPassword: true` where RDS does not
//! support it (read replicas except SQL Server, RDS Custom, Oracle CDB, and Terraform's
//! `blue_green_update { enabled = true }`: Blue/Green Deployments).

use super::{ManageFlag, db_resources, describe, manage_flag};
use crate::finding::Diagnostic;
use crate::model::{FileModel, Resource, Template};
use crate::parse::{Entry, Node};
use crate::rules::Rule;
use crate::source::Span;

pub struct ManagedPasswordUnsupported;

impl Rule for ManagedPasswordUnsupported {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        let Some(template) = &file.template else {
            return;
        };
        for resource in db_resources(template) {
            if manage_flag(resource) != ManageFlag::True {
                continue;
            }
            let Some(flag) = resource.property("ManageMasterUserPassword") else {
                continue;
            };
            for (reason, conflict) in unsupported(resource, template) {
                out.push(
                    Diagnostic::new(
                        flag.span,
                        format!(
                            "{} sets `{}`, which RDS does not support for {reason}",
                            describe(template, resource),
                            file.setting(resource, "ManageMasterUserPassword", "true")
                        ),
                    )
                    .help(format!(
                        "remove `{}` (and any `{}`) from this resource; manage the password of its source or of a supported deployment instead",
                        file.property_name(resource, "ManageMasterUserPassword"),
                        file.property_name(resource, "MasterUserSecret")
                    ))
                    .label(conflict, reason),
                );
            }
        }
    }
}

fn entry_span(entry: &Entry) -> Span {
    entry.key_span.cover(entry.value.span)
}

pub fn unsupported(resource: &Resource<'_>, template: &Template<'_>) -> Vec<(&'static str, Span)> {
    let mut reasons = Vec::new();
    let engine_entry = resource.property_entry("Engine");
    let engine = engine_entry
        .and_then(|e| e.value.as_str())
        .map(str::to_ascii_lowercase);
    if let (Some(engine), Some(entry)) = (&engine, engine_entry) {
        if engine.starts_with("custom-") {
            reasons.push(("RDS Custom", entry_span(entry)));
        } else if engine == "oracle-ee-cdb" || engine == "oracle-se2-cdb" {
            reasons.push(("RDS for Oracle with CDB", entry_span(entry)));
        }
    }
    let source = [
        "SourceDBInstanceIdentifier",
        "SourceDBClusterIdentifier",
        "ReplicationSourceIdentifier",
    ]
    .into_iter()
    .filter_map(|name| resource.property_entry(name))
    .find(|e| !matches!(e.value.value, crate::parse::Value::Null));
    if let Some(source) = source {
        // A replica's engine is its source's when it does not name one.
        let engine = engine.or_else(|| source_engine(&source.value, template));
        if engine.as_deref().is_some_and(|e| !e.starts_with("sqlserver")) {
            reasons.push((
                "a read replica or a database created from another one",
                entry_span(source),
            ));
        }
    }
    // Only Terraform's `blue_green_update { enabled = true }` is lowered to this.
    if let Some(entry) = resource
        .property("BlueGreenUpdate")
        .and_then(|b| b.entry("Enabled"))
        .filter(|e| e.value.as_bool_like() == Some(true))
    {
        reasons.push(("Blue/Green Deployments", entry_span(entry)));
    }
    reasons
}

fn source_engine(source: &Node, template: &Template<'_>) -> Option<String> {
    let (function, operand) = source.intrinsic()?;
    let target = match function {
        "Ref" => operand.as_str()?,
        // A Terraform replica names its source as `aws_db_instance.primary.arn`.
        "Fn::GetAtt" => operand.as_array()?.first()?.as_str()?,
        _ => return None,
    };
    let target = template.resource(target)?;
    Some(target.property("Engine")?.as_str()?.to_ascii_lowercase())
}
