//! `rds/missing-secret-permissions`: a principal that must use managed passwords but is
//! not allowed what RDS needs to create the secret.

use super::{
    Gathered, deciding, for_principals, is_create_or_restore, join_actions, key_actions, key_witnesses,
    managed_only, mentions_key, secret_witnesses, within_budget,
};
use crate::finding::Diagnostic;
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
                }
            });
            for permission in missing {
                if !entry.permissions.contains(&permission) {
                    entry.permissions.push(permission);
                }
            }
        }
        for (span, missing, names) in gathered.into_iter() {
            let mut permissions = missing.permissions;
            permissions.sort_by_key(|p| SECRET_PERMISSIONS.iter().position(|q| q == p));
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
            out.push(diagnostic);
        }
    }
}
