//! `rds/guard-bypass-modify`: a guard on create/restore that leaves Modify open.

use super::{
    CLUSTER_CREATES, Gathered, INSTANCE_CREATES, action_span, analyze_guards, extend_guards, for_principals,
    guard_for, join_actions, modify_gaps, within_budget,
};
use crate::finding::Diagnostic;
use crate::model::{Project, Statement};
use crate::rules::Rule;
use crate::source::Span;

pub struct GuardBypassModify;

/// The Modify actions left open at one guard, and the create it covers.
struct Bypass<'m> {
    missing: Vec<&'static str>,
    covers: Option<(Span, String)>,
    /// Where the fix adds each missing action: the guard that denies the create of its
    /// kind (the first principal's, for a policy shared by several).
    targets: Vec<(&'static str, Option<&'m Statement>)>,
}

impl Rule for GuardBypassModify {
    fn check_project(&self, project: &Project<'_, '_>, out: &mut Vec<Diagnostic>) {
        let mut gathered: Gathered<Bypass<'_>> = Gathered::default();
        for principal in within_budget(&project.principals, out) {
            let Some(report) = analyze_guards(principal) else {
                continue;
            };
            for (guard, missing) in modify_gaps(&report) {
                let entry = gathered.at(action_span(guard), principal, || {
                    let label = guard.action.as_ref().filter(|a| !a.negated).and_then(|action| {
                        INSTANCE_CREATES
                            .iter()
                            .chain(&CLUSTER_CREATES)
                            .find_map(|create| {
                                action
                                    .matching_item(create)
                                    .map(|item| (item.span, format!("covers `{create}`")))
                            })
                    });
                    Bypass {
                        missing: Vec::new(),
                        covers: label,
                        targets: Vec::new(),
                    }
                });
                for action in missing {
                    if !entry.missing.contains(&action) {
                        entry.missing.push(action);
                        entry.targets.push((action, guard_for(&report, action)));
                    }
                }
            }
        }
        for (
            span,
            Bypass {
                missing,
                covers,
                targets,
            },
            names,
        ) in gathered.into_iter()
        {
            let mut diagnostic = Diagnostic::new(
                span,
                format!(
                    "guard on `rds:ManageMasterUserPassword` does not deny {}: a database created with a managed password can be switched back to a hand-set one{}",
                    join_actions(&missing),
                    for_principals(&names)
                ),
            )
            .help(format!(
                "add {} to the Action list; this also blocks other changes to existing databases that do not yet use a managed password, so migrate those first",
                join_actions(&missing)
            ));
            if let Some((span, message)) = covers {
                diagnostic = diagnostic.label(span, message);
            }
            if let Some(fix) = extend_guards(project, span.file, &targets) {
                diagnostic = diagnostic.fix(fix);
            }
            out.push(diagnostic);
        }
    }
}
