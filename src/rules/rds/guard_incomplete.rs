//! `rds/guard-incomplete`: guards that leave out other actions accepting the key, or
//! whose resources or other conditions let some of those requests through.

use super::{
    Gathered, GuardMiss, action_span, analyze_guards, extend_guards, for_principals, guard_for, join_actions,
    modify_gaps, within_budget,
};
use crate::finding::Diagnostic;
use crate::model::{Project, Statement};
use crate::rules::Rule;
use crate::source::Span;

pub struct GuardIncomplete;

/// What gets past one guard statement.
#[derive(Default)]
struct Open<'m> {
    /// Actions that no guard names (reported at the first guard).
    left_out: Vec<&'static str>,
    /// Where the fix adds each of `left_out`: the guard that denies an action on the same
    /// kind of resource.
    targets: Vec<(&'static str, Option<&'m Statement>)>,
    /// Actions this guard names but does not deny, with the reason.
    not_denied: Vec<(&'static str, GuardMiss)>,
    labels: Vec<(Span, String)>,
}

impl Rule for GuardIncomplete {
    fn check_project(&self, project: &Project<'_, '_>, out: &mut Vec<Diagnostic>) {
        let mut gathered: Gathered<Open<'_>> = Gathered::default();
        for principal in within_budget(&project.principals, out) {
            let Some(report) = analyze_guards(principal) else {
                continue;
            };
            // The Modify actions that guard-bypass-modify reports are its finding, not ours.
            let bypass: Vec<&str> = modify_gaps(&report)
                .into_iter()
                .flat_map(|(_, missing)| missing)
                .collect();
            let first = report.guards[0];
            for gap in report.gaps.iter().filter(|g| !bypass.contains(&g.action)) {
                let guard = gap.why.as_ref().map_or(first, |(guard, _)| *guard);
                // Point at what lets the request through: the Resource that does not cover
                // it, or the action list otherwise.
                let at = match (&gap.why, &guard.resource) {
                    (Some((_, GuardMiss::Resource { .. })), Some(resource)) => resource.span,
                    _ => action_span(guard),
                };
                let open = gathered.at(at, principal, || Open {
                    labels: report
                        .guards
                        .iter()
                        .filter(|g| g.span != guard.span)
                        .map(|g| (action_span(g), "also part of the guard".to_string()))
                        .collect(),
                    ..Open::default()
                });
                match &gap.why {
                    None if !open.left_out.contains(&gap.action) => {
                        open.left_out.push(gap.action);
                        open.targets.push((gap.action, guard_for(&report, gap.action)));
                    }
                    Some((_, why)) if !open.not_denied.iter().any(|(a, _)| *a == gap.action) => {
                        open.not_denied.push((gap.action, why.clone()));
                    }
                    _ => {}
                }
                if let Some(span) = gap.allowed_by
                    && principal.name.is_some()
                    && !open.labels.iter().any(|(s, _)| *s == span)
                {
                    open.labels
                        .push((span, format!("allows `{}` with a hand-set password", gap.action)));
                }
            }
        }
        for (span, open, names) in gathered.into_iter() {
            // Only a guard that merely leaves actions out is repaired by naming them: one
            // whose Resource or conditions let requests through needs a person.
            let fix = if open.not_denied.is_empty() {
                extend_guards(project, span.file, &open.targets)
            } else {
                None
            };
            let mut diagnostic = diagnostic(span, open, &names);
            if let Some(fix) = fix {
                diagnostic = diagnostic.fix(fix);
            }
            out.push(diagnostic);
        }
    }
}

fn diagnostic(span: Span, open: Open<'_>, names: &[String]) -> Diagnostic {
    let mut parts = Vec::new();
    let mut help = Vec::new();
    if !open.left_out.is_empty() {
        parts.push(format!(
            "leaves out {}, which also {} the key",
            join_actions(&open.left_out),
            if open.left_out.len() == 1 {
                "accepts"
            } else {
                "accept"
            }
        ));
        help.push(format!(
            "add {} to the guard's Action list (or use `rds:*` with the same condition)",
            join_actions(&open.left_out)
        ));
    }
    // Actions held back for the same reason (cluster actions, by a guard scoped to
    // instances) are named together.
    let mut reasons: Vec<(&GuardMiss, Vec<&str>)> = Vec::new();
    for (action, why) in &open.not_denied {
        match reasons.iter_mut().find(|(w, _)| *w == why) {
            Some((_, actions)) => actions.push(action),
            None => reasons.push((why, vec![action])),
        }
    }
    for (why, actions) in &reasons {
        parts.push(format!("does not deny {}: {why}", join_actions(actions)));
        let fix = if matches!(why, GuardMiss::Resource { .. }) {
            "widen the guard's Resource to `*`"
        } else {
            "keep the guard's Condition to the key alone, or guard the requests its other conditions leave out"
        };
        if !help.contains(&fix.to_string()) {
            help.push(fix.to_string());
        }
    }
    let mut diagnostic = Diagnostic::new(
        span,
        format!(
            "guard on `rds:ManageMasterUserPassword` {}{}",
            parts.join("; "),
            for_principals(names)
        ),
    )
    .help(help.join("; "));
    for (label, message) in open.labels {
        diagnostic = diagnostic.label(label, message);
    }
    diagnostic
}
