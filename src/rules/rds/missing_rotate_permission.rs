//! `rds/missing-rotate-permission`: a principal that modifies databases with managed
//! passwords but may not rotate their secrets.

use super::edit::{NewResource, NewStatement};
use super::{
    Gathered, MANAGED_SECRETS, MODIFY_CLUSTER, MODIFY_INSTANCE, ManageFlag, add_statements, db_resources,
    deciding, for_principals, join_actions, key_request, manage_flag, mentions_key, secret_witnesses,
    within_budget,
};
use crate::eval::{Context, Decision};
use crate::finding::Diagnostic;
use crate::fix::Fix;
use crate::model::{Effect, Principal, Project, Visibility};
use crate::rules::Rule;
use crate::rules::probe::{Access, Probe, Unseen};
use crate::source::Span;

pub const ROTATE: &str = "secretsmanager:RotateSecret";

pub struct MissingRotatePermission;

/// Whether the principal works with managed passwords: its policies guard or require
/// them, or its template creates a database that uses one (`managed_in`, by file).
fn uses_managed_passwords(principal: &Principal<'_, '_>, managed_in: &[bool]) -> bool {
    mentions_key(principal) || principal.file.is_some_and(|i| managed_in.get(i) == Some(&true))
}

/// For each file of the project, whether its template creates a database with a managed
/// password: asked once per file, not once per principal.
fn files_with_managed_passwords(project: &Project<'_, '_>) -> Vec<bool> {
    project
        .files
        .iter()
        .map(|file| {
            let template = file.as_ref().and_then(|f| f.template.as_ref());
            template.is_some_and(|t| db_resources(t).any(|r| manage_flag(r) == ManageFlag::True))
        })
        .collect()
}

impl Rule for MissingRotatePermission {
    fn check_project(&self, project: &Project<'_, '_>, out: &mut Vec<Diagnostic>) {
        let mut gathered: Gathered<(Vec<&'static str>, Option<Fix>)> = Gathered::default();
        let managed_in = files_with_managed_passwords(project);
        for principal in within_budget(&project.principals, out) {
            if principal.visibility == Visibility::Partial || !uses_managed_passwords(principal, &managed_in)
            {
                continue;
            }
            let probe = Probe::new(principal, Unseen::Nothing);
            // Rotating immediately is a Modify request that does not change the setting.
            let modifies: Vec<(&'static str, Option<Span>)> = [MODIFY_INSTANCE, MODIFY_CLUSTER]
                .into_iter()
                .filter_map(|action| {
                    let evaluation = probe.evaluate(&key_request(&probe, action, None));
                    (evaluation.decision == Decision::Allow)
                        .then(|| (action, deciding(&evaluation, Effect::Allow)))
                })
                .collect();
            let Some(anchor) = modifies.iter().find_map(|(_, span)| *span) else {
                continue;
            };
            let witnesses = secret_witnesses(principal);
            if probe.access(ROTATE, &witnesses) != Access::Denied {
                continue;
            }
            let (actions, _) = gathered.at(anchor, principal, || {
                // An Allow cannot lift an explicit Deny: then a person must decide.
                let denied = witnesses.iter().any(|w| {
                    probe.decide(&probe.request(ROTATE, w, Context::new())) == Decision::ExplicitDeny
                });
                let statement = NewStatement {
                    sid: "RdsRotateManagedPasswords".to_string(),
                    actions: vec![ROTATE],
                    resources: vec![NewResource::Arn(MANAGED_SECRETS.to_string())],
                };
                let message = format!(
                    "allow `{ROTATE}` in a new statement, on `{MANAGED_SECRETS}` (the secrets RDS creates)"
                );
                let fix = (!denied)
                    .then(|| add_statements(project, principal, anchor, vec![statement], message))
                    .flatten();
                (Vec::new(), fix)
            });
            for (action, _) in &modifies {
                if !actions.contains(action) {
                    actions.push(action);
                }
            }
        }
        for (span, (actions, fix), names) in gathered.into_iter() {
            let diagnostic = Diagnostic::new(
                    span,
                    format!(
                        "{} {} allowed but `{ROTATE}` is not{}: rotating a managed master password immediately will fail",
                        join_actions(&actions),
                        if actions.len() == 1 { "is" } else { "are" },
                        for_principals(&names)
                    ),
                )
                .help(format!(
                    "allow `{ROTATE}` on the secrets RDS manages (`{MANAGED_SECRETS}`)"
                ));
            out.push(match fix {
                Some(fix) => diagnostic.fix(fix),
                None => diagnostic,
            });
        }
    }
}
