//! `rds/missing-secret-permissions`: a principal that must use managed passwords but is
//! not allowed what RDS needs to create the secret.

use super::edit::{NewResource, NewStatement};
use super::{
    Gathered, MANAGED_SECRETS, add_statements, deciding, for_principals, is_create_or_restore, join_actions,
    key_actions, key_witnesses, managed_only, mentions_key, secret_witnesses, within_budget,
};
use crate::eval::{Context, Decision};
use crate::finding::Diagnostic;
use crate::fix::Fix;
use crate::model::{Effect, Project, Visibility};
use crate::rules::Rule;
use crate::rules::probe::{Access, Probe, Unseen};
use crate::source::Span;

/// What the caller needs for a create, modify or restore with a managed password (RDS
/// User Guide, "Permissions required for Secrets Manager integration").
pub const SECRET_PERMISSIONS: [&str; 3] = [
    "kms:DescribeKey",
    "secretsmanager:CreateSecret",
    "secretsmanager:TagResource",
];

pub struct MissingSecretPermissions;

struct Missing {
    permissions: Vec<&'static str>,
    labels: Vec<(Span, String)>,
    /// The fix, made for the first principal (the anchor's policy is the same for all).
    fix: Option<Fix>,
}

/// Keys RDS may describe for the secret: the AWS managed `aws/secretsmanager` or the
/// customer managed key the database names, which a principal-level rule cannot tell.
const ANY_KEY: &str = "arn:aws:kms:*:*:key/*";

/// The statements that allow `missing`: Secrets Manager actions on the secrets RDS creates,
/// `kms:DescribeKey` on keys.
fn grant(missing: &[&'static str]) -> Vec<NewStatement> {
    let (kms, secrets): (Vec<&'static str>, Vec<&'static str>) =
        missing.iter().partition(|p| p.starts_with("kms:"));
    let mut statements = Vec::new();
    if !secrets.is_empty() {
        statements.push(NewStatement {
            sid: "RdsManagedPasswordSecrets".to_string(),
            actions: secrets,
            resources: vec![NewResource::Arn(MANAGED_SECRETS.to_string())],
        });
    }
    if !kms.is_empty() {
        statements.push(NewStatement {
            sid: "RdsManagedPasswordKeys".to_string(),
            actions: kms,
            resources: vec![NewResource::Arn(ANY_KEY.to_string())],
        });
    }
    statements
}

impl Rule for MissingSecretPermissions {
    fn check_project(&self, project: &Project<'_, '_>, out: &mut Vec<Diagnostic>) {
        let mut gathered: Gathered<Missing> = Gathered::default();
        for principal in within_budget(&project.principals, out) {
            // A principal that holds policies iamlint cannot read may well have them.
            if principal.visibility == Visibility::Partial || !mentions_key(principal) {
                continue;
            }
            let probe = Probe::new(principal, Unseen::Nothing);
            let creates = managed_only(
                &probe,
                key_actions()
                    .iter()
                    .map(String::as_str)
                    .filter(|a| is_create_or_restore(a)),
            );
            let Some((_, allowed, denied)) = creates.first() else {
                continue;
            };
            let secrets = secret_witnesses(principal);
            let keys = key_witnesses(principal);
            let missing: Vec<&'static str> = SECRET_PERMISSIONS
                .into_iter()
                .filter(|p| {
                    let resources = if p.starts_with("kms:") { &keys } else { &secrets };
                    probe.access(p, resources) == Access::Denied
                })
                .collect();
            let Some(anchor) = deciding(allowed, Effect::Allow) else {
                continue;
            };
            if missing.is_empty() {
                continue;
            }
            let entry = gathered.at(anchor, principal, || {
                let mut labels = Vec::new();
                if let Some(guard) = deciding(denied, Effect::Deny) {
                    labels.push((guard, "managed passwords are required here".to_string()));
                }
                for (action, allowed, _) in &creates[1..] {
                    if let Some(span) = deciding(allowed, Effect::Allow).filter(|s| *s != anchor) {
                        labels.push((span, format!("also allows `{action}`")));
                    }
                }
                Missing {
                    permissions: Vec::new(),
                    labels,
                    fix: None,
                }
            });
            for permission in missing {
                if !entry.permissions.contains(&permission) {
                    entry.permissions.push(permission);
                }
            }
            entry
                .permissions
                .sort_by_key(|p| SECRET_PERMISSIONS.iter().position(|q| q == p));
            // An Allow cannot lift an explicit Deny: then a person must decide.
            let denied = entry.permissions.iter().any(|p| {
                let resources = if p.starts_with("kms:") { &keys } else { &secrets };
                resources
                    .iter()
                    .any(|r| probe.decide(&probe.request(p, r, Context::new())) == Decision::ExplicitDeny)
            });
            let statements = grant(&entry.permissions);
            let message = format!(
                "allow {} in a new statement (Secrets Manager actions on `{MANAGED_SECRETS}`, the secrets RDS creates; `kms:DescribeKey` on `{ANY_KEY}`)",
                join_actions(&entry.permissions)
            );
            entry.fix = if denied {
                None
            } else {
                add_statements(project, principal, anchor, statements, message)
            };
        }
        for (span, missing, names) in gathered.into_iter() {
            let permissions = missing.permissions;
            let mut diagnostic = Diagnostic::new(
                span,
                format!(
                    "managed master passwords are required but {} {} not allowed{}: every create or restore with a managed password will fail",
                    join_actions(&permissions),
                    if permissions.len() == 1 { "is" } else { "are" },
                    for_principals(&names)
                ),
            )
            .help(format!(
                "allow {} for the principal that creates databases",
                join_actions(&permissions)
            ));
            for (label, message) in missing.labels {
                diagnostic = diagnostic.label(label, message);
            }
            if let Some(fix) = missing.fix {
                diagnostic = diagnostic.fix(fix);
            }
            out.push(diagnostic);
        }
    }
}
