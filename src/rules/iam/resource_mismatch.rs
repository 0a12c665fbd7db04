//! `iam/resource-mismatch`: an action that none of its statement's resources can apply to,
//! because none of them has the ARN format of a resource type the action takes, or because
//! the action takes no resource type at all and the statement names specific resources.

use crate::catalog::{Action, Catalog, Service};
use crate::finding::Diagnostic;
use crate::model::{ElementList, FileModel};
use crate::rules::Rule;
use crate::rules::iam::arn;

pub struct ResourceMismatch;

impl Rule for ResourceMismatch {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        let catalog = Catalog::global();
        for doc in &file.policies {
            for statement in &doc.statements {
                let (Some(actions), Some(resources)) = (&statement.action, &statement.resource) else {
                    continue;
                };
                let Some(specific) = specific_resources(resources) else {
                    continue;
                };
                if actions.negated {
                    continue;
                }
                // Whether any documented type of a service admits a resource: the same answer
                // for every action of that service in the statement.
                let mut admitted = AdmittedByService::new();
                for item in &actions.items {
                    let Some(text) = item.text.as_deref() else {
                        continue;
                    };
                    if text.contains(['*', '?']) {
                        continue;
                    }
                    let Some((service, action)) = catalog.action(text) else {
                        continue;
                    };
                    if let Some((message, help)) = mismatch(service, action, text, &specific, &mut admitted) {
                        out.push(
                            Diagnostic::new(item.span, message)
                                .help(help)
                                .label(resources.span, "the statement's resources"),
                        );
                    }
                }
            }
        }
    }
}

/// The resources of a positive `Resource` element when all are literal and none is `*`.
fn specific_resources(resources: &ElementList) -> Option<Vec<&str>> {
    if resources.negated {
        return None;
    }
    let texts: Option<Vec<&str>> = resources.items.iter().map(|i| i.text.as_deref()).collect();
    let texts = texts?;
    if texts.is_empty() || texts.contains(&"*") {
        return None;
    }
    Some(texts)
}

/// The message and help when no resource can be one the action acts on.
/// Memo of `(service prefix, resource) -> some resource type of the service admits it`.
type AdmittedByService<'s> = std::collections::HashMap<(&'s str, &'s str), bool>;

fn mismatch<'s>(
    service: &'s Service,
    action: &Action,
    written: &str,
    resources: &[&'s str],
    admitted: &mut AdmittedByService<'s>,
) -> Option<(String, String)> {
    let types: Vec<_> = action
        .resources
        .iter()
        .filter_map(|r| service.resource_type(r.resource))
        .collect();
    // An action without resource types is left alone: the Service Authorization Reference
    // misses some (`ssmmessages:OpenDataChannel` works on `arn:aws:ssm:*:*:session/*`) and
    // services match their own ARNs for others (`s3:ListAllMyBuckets` on `arn:aws:s3:::*`).
    if types.is_empty() {
        return None;
    }
    // Tagging actions apply to every taggable resource of the service, and the Reference
    // often lists only some (`elasticloadbalancing:AddTags` without target groups).
    let tagging = [
        "Tag",
        "Untag",
        "AddTags",
        "RemoveTags",
        "CreateTags",
        "DeleteTags",
        "ListTags",
        "GetTags",
    ]
    .iter()
    .any(|verb| action.name.starts_with(verb))
        || action.name.ends_with("TagsForResource");
    if tagging {
        return None;
    }
    let formats: Vec<&str> = types.iter().flat_map(|t| arn::variants(&t.arn)).collect();
    if !resources
        .iter()
        .all(|r| clearly_outside(r, &formats, service, admitted))
    {
        return None;
    }
    let expected = types
        .iter()
        .take(3)
        .map(|t| format!("{} (`{}`)", t.name, t.arn))
        .collect::<Vec<_>>()
        .join(", ");
    let more = if types.len() > 3 {
        format!(" and {} more", types.len() - 3)
    } else {
        String::new()
    };
    Some((
        format!("none of the statement's resources is a resource type that `{written}` acts on"),
        format!(
            "`{written}` acts on {expected}{more}; name such a resource, or move the action to a statement that does"
        ),
    ))
}

/// Whether the resource cannot be one of `formats`: it belongs to another service, or it is
/// another resource type that the action's service documents (`:cluster:` where the action
/// takes `:db:`). A resource of the same service that matches none of the service's
/// documented types is not judged: the catalog may lag behind the service.
fn clearly_outside<'s>(
    resource: &'s str,
    formats: &[&str],
    service: &'s Service,
    admitted: &mut AdmittedByService<'s>,
) -> bool {
    let Some(parsed) = arn::Arn::parse(resource) else {
        return false;
    };
    if formats.iter().any(|f| arn::format_admits(f, resource)) {
        return false;
    }
    let same_service = formats
        .iter()
        .any(|f| arn::Arn::parse(f).is_none_or(|f| arn::overlap(f.service, parsed.service)));
    !same_service
        || *admitted
            .entry((service.prefix.as_str(), resource))
            .or_insert_with(|| {
                service
                    .resources
                    .iter()
                    .any(|t| arn::format_admits(&t.arn, resource))
            })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(action: &str, resources: &[&str]) -> bool {
        let (service, found) = Catalog::global()
            .action(action)
            .unwrap_or_else(|| panic!("{action}"));
        mismatch(service, found, action, resources, &mut AdmittedByService::new()).is_some()
    }

    #[test]
    fn resource_types_decide() {
        assert!(check("s3:GetObject", &["arn:aws:s3:::bucket"]));
        assert!(!check("s3:GetObject", &["arn:aws:s3:::bucket/*"]));
        assert!(!check("s3:GetObject", &["arn:aws:s3:::bucket*"]));
        assert!(!check("s3:ListBucket", &["arn:aws:s3:::bucket"]));
        assert!(check("rds:DeleteDBInstance", &["arn:aws:rds:*:*:cluster:main"]));
        assert!(!check("rds:DeleteDBInstance", &["arn:aws:rds:*:*:db:main"]));
        assert!(!check("ec2:DescribeInstances", &["arn:aws:ec2:*:*:instance/*"]));
        assert!(!check(
            "rds:DeleteDBInstance",
            &["arn:aws:rds:*:*:brand-new-type:main"]
        ));
        assert!(check("rds:DeleteDBInstance", &["arn:aws:s3:::brand-new-type"]));
        assert!(check("iam:PassRole", &["arn:aws:s3:::bucket"]));
        assert!(!check("iam:PassRole", &["arn:aws:iam::*:role/${aws:username}"]));
        assert!(!check("sts:AssumeRole", &["arn:aws:iam::123456789012:role/x"]));
    }
}
