//! `iam/resource-star`: an `Allow` on `"Resource": "*"` whose actions all support
//! resource-level permissions, so the grant could name the resources it is for.

use crate::catalog::{AccessLevel, Action};
use crate::finding::Diagnostic;
use crate::model::{Effect, FileModel, PolicyKind, Statement};
use crate::rules::Rule;
use crate::rules::iam::ActionRef;
use crate::rules::iam::actions::ActionTable;
use crate::rules::shared;

pub struct ResourceStar;

impl Rule for ResourceStar {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        let table = shared::actions(file);
        for doc in &file.policies {
            // In a key policy `*` is the key itself, in other resource-based policies the
            // resource the policy is attached to; an SCP does not grant.
            if matches!(
                doc.kind,
                PolicyKind::KeyPolicy
                    | PolicyKind::Resource
                    | PolicyKind::ServiceControl
                    | PolicyKind::ResourceControl
                    | PolicyKind::Trust
            ) {
                continue;
            }
            for statement in doc.statements.iter().filter(|s| s.is(Effect::Allow)) {
                let Some(star) = star_item(statement) else {
                    continue;
                };
                let Some(actions) = &statement.action else {
                    continue;
                };
                if actions.negated || scoped_by_condition(statement) || !all_scopable(table, statement) {
                    continue;
                }
                let (noun, label) = if actions.items.len() == 1 {
                    (
                        "its action supports",
                        "this action can be limited to specific resources",
                    )
                } else {
                    (
                        "all its actions support",
                        "these actions can be limited to specific resources",
                    )
                };
                out.push(
                    Diagnostic::new(
                        star,
                        format!("the statement allows every resource, but {noun} resource-level permissions"),
                    )
                    .help("name the resources the grant is for (their ARNs, with wildcards where needed) instead of `*`")
                    .label(actions.span, label),
                );
            }
        }
    }
}

/// The span of the literal `*` in the statement's `Resource`, or of an ARN that is `*` in
/// all but name (`arn:*:*:*:*:*`, `arn:aws:*:*:*:*`: parliament's RESOURCE_EFFECTIVELY_STAR).
fn star_item(statement: &Statement) -> Option<crate::source::Span> {
    let resources = statement.resource.as_ref()?;
    if resources.negated {
        return None;
    }
    resources
        .items
        .iter()
        .find(|i| i.text.as_deref().is_some_and(effectively_star))
        .map(|i| i.span)
}

/// `*`, or an ARN whose service, Region, account and resource fields are all `*`.
fn effectively_star(text: &str) -> bool {
    text == "*"
        || crate::rules::iam::arn::Arn::parse(text).is_some_and(|arn| {
            [arn.service, arn.region, arn.account, arn.resource]
                .iter()
                .all(|field| !field.is_empty() && field.chars().all(|c| c == '*'))
        })
}

/// Whether every action item is known to the catalog and every action it names has at
/// least one resource type.
fn all_scopable(table: &ActionTable, statement: &Statement) -> bool {
    let Some(actions) = &statement.action else {
        return false;
    };
    !actions.items.is_empty()
        && actions.items.iter().all(|item| {
            let Some(text) = item.text.as_deref() else {
                return false;
            };
            match &*table.get(text) {
                ActionRef::Matched { actions, .. } => actions.iter().all(|a| scopable(a)),
                _ => false,
            }
        })
}

/// Whether the action names a resource in every request: a required resource type, or a
/// choice between several (`s3:GetObject` on an object or an access point object). A single
/// optional type (`cloudwatch:PutMetricData` on a dataset) leaves requests without one,
/// which only `*` matches; so do List actions whose resource types are optional filters
/// (`elasticfilesystem:DescribeAccessPoints` lists every access point without one).
fn scopable(action: &Action) -> bool {
    action.resources.iter().any(|r| r.required)
        || (action.resources.len() >= 2 && action.access != AccessLevel::List)
}

/// Whether a condition already limits the statement to some resources (attribute-based
/// access control: `aws:ResourceTag/team`, `ec2:ResourceTag/owner`, `aws:ResourceAccount`).
fn scoped_by_condition(statement: &Statement) -> bool {
    statement.condition.iter().any(|c| {
        let key = c.key.to_ascii_lowercase();
        key.contains(":resourcetag/")
            || key.starts_with("aws:resourceaccount")
            || key.starts_with("aws:resourceorg")
    })
}
