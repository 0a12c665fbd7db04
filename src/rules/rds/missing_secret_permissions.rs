//! `rds/missing-secret-permissions`: a policy that requires managed passwords but does not
//! allow what RDS needs to create the secret.

use super::{is_create_or_restore, is_guard, is_managed_only_allow, join_actions, key_actions};
use crate::finding::Diagnostic;
use crate::model::{Effect, FileModel, PolicyDocument};
use crate::rules::Rule;

/// What the caller needs for a create, modify or restore with a managed password (RDS
/// User Guide, "Permissions required for Secrets Manager integration").
pub const SECRET_PERMISSIONS: [&str; 3] = [
    "kms:DescribeKey",
    "secretsmanager:CreateSecret",
    "secretsmanager:TagResource",
];

pub struct MissingSecretPermissions;

impl Rule for MissingSecretPermissions {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        for doc in file.policies.iter().filter(|d| d.kind.grants_to_holder()) {
            let Some(commitment) = doc
                .statements
                .iter()
                .find(|s| is_guard(s) || is_managed_only_allow(s))
            else {
                continue;
            };
            let creates: Vec<_> = doc
                .statements
                .iter()
                .filter(|s| {
                    s.is(Effect::Allow)
                        && key_actions()
                            .iter()
                            .any(|a| is_create_or_restore(a) && s.covers_action(a) == Some(true))
                })
                .collect();
            let Some(first) = creates.first() else {
                continue;
            };
            // Policies attached to the same role, user or group of the template grant
            // together.
            let principal: Vec<&PolicyDocument<'_>> = file
                .policies
                .iter()
                .filter(|d| {
                    d.kind.grants_to_holder() && (std::ptr::eq(*d, doc) || d.shares_principal_with(doc))
                })
                .collect();
            let missing: Vec<&str> = SECRET_PERMISSIONS
                .iter()
                .copied()
                .filter(|p| !allows(&principal, p))
                .collect();
            if missing.is_empty() {
                continue;
            }
            let mut diagnostic = Diagnostic::new(
                first.span,
                format!(
                    "this policy requires RDS-managed master passwords but does not allow {}: every create or restore with a managed password will fail",
                    join_actions(&missing)
                ),
            )
            .help(format!(
                "allow {} for the principal that creates databases",
                join_actions(&missing)
            ))
            .label(commitment.span, "managed passwords are required here");
            for other in &creates[1..] {
                diagnostic = diagnostic.label(other.span, "also allows a create or restore");
            }
            out.push(diagnostic);
        }
    }
}

/// Some `Allow` covers the action (or may, through a non-literal item) and no
/// unconditional `Deny` covers it.
fn allows(docs: &[&PolicyDocument<'_>], action: &str) -> bool {
    let statements = || docs.iter().flat_map(|d| &d.statements);
    let allowed = statements().any(|s| s.is(Effect::Allow) && s.covers_action(action) != Some(false));
    let denied = statements()
        .any(|s| s.is(Effect::Deny) && s.condition.is_empty() && s.covers_action(action) == Some(true));
    allowed && !denied
}
