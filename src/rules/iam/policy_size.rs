//! `iam/policy-size`: a policy document larger than the quota of its type: managed and
//! inline identity policies (inline ones of one role, user or group counted together),
//! role trust policies, SCPs and RCPs, bucket, key and secret policies.

use std::collections::BTreeMap;

use crate::finding::Diagnostic;
use crate::model::{FileModel, PolicyDocument, PolicyKind};
use crate::parse::{JsonText, Node};
use crate::rules::Rule;
use crate::source::Span;

use super::policy_shape::{effective_kind, owner};
use crate::rules::budget::thousands;

pub struct PolicySize;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Unit {
    /// Characters of the document without white space, as IAM counts them.
    IamCharacters,
    /// Characters of the document as submitted.
    Characters,
    /// Bytes of the document as submitted (UTF-8).
    Bytes,
}

impl Unit {
    fn noun(self) -> &'static str {
        match self {
            Unit::IamCharacters | Unit::Characters => "characters",
            Unit::Bytes => "bytes",
        }
    }
}

struct Quota {
    limit: usize,
    unit: Unit,
    /// What the quota applies to, after "the quota for".
    applies_to: &'static str,
}

const MANAGED: Quota = Quota {
    limit: 6_144,
    unit: Unit::IamCharacters,
    applies_to: "a customer managed policy",
};
const TRUST: Quota = Quota {
    limit: 2_048,
    unit: Unit::IamCharacters,
    applies_to: "a role trust policy (the default, which Service Quotas can raise)",
};
const SCP: Quota = Quota {
    limit: 5_120,
    unit: Unit::Characters,
    applies_to: "a service control policy",
};
const RCP: Quota = Quota {
    limit: 5_120,
    unit: Unit::Characters,
    applies_to: "a resource control policy",
};
const KEY_POLICY: Quota = Quota {
    limit: 32_768,
    unit: Unit::Bytes,
    applies_to: "a KMS key policy",
};
const BUCKET_POLICY: Quota = Quota {
    limit: 20_480,
    unit: Unit::Bytes,
    applies_to: "an S3 bucket policy",
};
const SECRET_POLICY: Quota = Quota {
    limit: 20_480,
    unit: Unit::Characters,
    applies_to: "a Secrets Manager resource policy",
};

/// The aggregate quota for the inline policies of a role, user or group.
fn inline_quota(entity_type: &str) -> Option<(Quota, &'static str)> {
    let (limit, entity) = match entity_type {
        "AWS::IAM::Role" => (10_240, "role"),
        "AWS::IAM::User" => (2_048, "user"),
        "AWS::IAM::Group" => (5_120, "group"),
        _ => return None,
    };
    Some((
        Quota {
            limit,
            unit: Unit::IamCharacters,
            applies_to: match entity {
                "role" => "the inline policies of a role",
                "user" => "the inline policies of a user",
                _ => "the inline policies of a group",
            },
        },
        entity,
    ))
}

/// The inline policies of one role, user or group: its resource type, and each document
/// with its size.
type InlineGroup<'f, 'd> = (&'f str, Vec<(&'f PolicyDocument<'d>, usize)>);

const INLINE_HOLDERS: [&str; 4] = [
    "AWS::IAM::Role",
    "AWS::IAM::User",
    "AWS::IAM::Group",
    "AWS::IAM::Policy",
];

impl Rule for PolicySize {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        // Inline policies by the role, user or group they belong to (logical id).
        let mut inline: BTreeMap<&str, InlineGroup<'_, '_>> = BTreeMap::new();
        for doc in &file.policies {
            let holder = owner(file, doc);
            let holder_type = holder.and_then(|r| r.resource_type);
            let quota = match effective_kind(doc) {
                PolicyKind::Identity if holder_type.is_some_and(|t| INLINE_HOLDERS.contains(&t)) => {
                    let (size, _) = measure(file, doc, Unit::IamCharacters, None);
                    let mut grouped = false;
                    for target in &doc.attached_to {
                        let Some(target_type) = file
                            .template
                            .as_ref()
                            .and_then(|t| t.resource(target))
                            .and_then(|r| r.resource_type)
                        else {
                            continue;
                        };
                        if inline_quota(target_type).is_some() {
                            let group = inline.entry(target.as_str()).or_insert((target_type, Vec::new()));
                            group.1.push((doc, size));
                            grouped = true;
                        }
                    }
                    if grouped {
                        continue;
                    }
                    // An `AWS::IAM::Policy` naming roles, users or groups outside the
                    // template: judged alone, against the smallest quota it is under.
                    let Some(policy) = holder else { continue };
                    let Some((quota, _)) = ["AWS::IAM::User", "AWS::IAM::Group", "AWS::IAM::Role"]
                        .iter()
                        .zip(["Users", "Groups", "Roles"])
                        .find(|(_, property)| policy.property(property).is_some())
                        .and_then(|(t, _)| inline_quota(t))
                    else {
                        continue;
                    };
                    quota
                }
                PolicyKind::Identity => MANAGED,
                PolicyKind::Trust => TRUST,
                PolicyKind::ResourceControl => RCP,
                PolicyKind::ServiceControl => SCP,
                PolicyKind::KeyPolicy => KEY_POLICY,
                PolicyKind::Resource => match holder_type {
                    Some("AWS::S3::BucketPolicy") => BUCKET_POLICY,
                    Some("AWS::SecretsManager::ResourcePolicy") => SECRET_POLICY,
                    // Other resource policies (and plain files that name a principal)
                    // have quotas of their own service that iamlint does not know.
                    _ => continue,
                },
                PolicyKind::Unspecified => continue,
            };
            let property = holder_type.and_then(written_property);
            let (size, how) = measure(file, doc, quota.unit, property);
            if size > quota.limit {
                out.push(
                    Diagnostic::new(
                        anchor(doc),
                        format!(
                            "policy document is {} {} ({how}), over the {}-{} quota for {}",
                            thousands(size),
                            quota.unit.noun(),
                            thousands(quota.limit),
                            singular(quota.unit),
                            quota.applies_to
                        ),
                    )
                    .help(help(&quota)),
                );
            }
        }
        for (entity_id, (entity_type, docs)) in inline {
            let Some((quota, entity)) = inline_quota(entity_type) else {
                continue;
            };
            let total: usize = docs.iter().map(|(_, size)| size).sum();
            if total <= quota.limit {
                continue;
            }
            let Some((first, _)) = docs.first() else {
                continue;
            };
            let message = if docs.len() == 1 {
                format!(
                    "inline policy of {entity} `{entity_id}` is {} characters without white space, over the {}-character quota for {}",
                    thousands(total),
                    thousands(quota.limit),
                    quota.applies_to
                )
            } else {
                let parts = docs
                    .iter()
                    .map(|(doc, size)| format!("`{}` {}", policy_name(file, doc), thousands(*size)))
                    .collect::<Vec<_>>()
                    .join(", ");
                format!(
                    "the {} inline policies of {entity} `{entity_id}` ({parts}) total {} characters without white space, over the {}-character quota for {}",
                    docs.len(),
                    thousands(total),
                    thousands(quota.limit),
                    quota.applies_to
                )
            };
            let diagnostic = Diagnostic::new(anchor(first), message).help(format!(
                "move some permissions into a managed policy attached to the {entity} ({} characters each), or merge statements that share an effect and resources",
                thousands(MANAGED.limit)
            ));
            out.push(diagnostic);
        }
    }
}

/// How a user knows an inline policy: its `PolicyName` in the `Policies` of a role, user
/// or group, or the logical id of its `AWS::IAM::Policy`.
fn policy_name(file: &FileModel<'_>, doc: &PolicyDocument<'_>) -> String {
    let Some(holder) = owner(file, doc) else {
        return "policy".to_string();
    };
    let inside = |node: &Node| node.span.start <= doc.span.start && doc.span.end <= node.span.end;
    holder
        .property("Policies")
        .and_then(Node::as_array)
        .unwrap_or_default()
        .iter()
        .find(|p| p.get("PolicyDocument").is_some_and(inside))
        .and_then(|p| p.get("PolicyName"))
        .and_then(Node::as_str)
        .unwrap_or(holder.logical_id)
        .to_string()
}

/// The property of a resource that holds its policy document.
fn written_property(resource_type: &str) -> Option<&'static str> {
    Some(match resource_type {
        "AWS::Organizations::Policy" => "Content",
        "AWS::KMS::Key" => "KeyPolicy",
        _ => return crate::model::document_property(resource_type),
    })
}

/// The size of the document in `unit`, and how it was measured. IAM ignores white space;
/// other services count the document as submitted: a JSON string as written, an object as
/// CloudFormation serialises it (compact JSON).
fn measure(
    file: &FileModel<'_>,
    doc: &PolicyDocument<'_>,
    unit: Unit,
    property: Option<&str>,
) -> (usize, &'static str) {
    let written = property
        .and_then(|p| owner(file, doc)?.property(p))
        .and_then(Node::as_str)
        .filter(|s| s.trim_start().starts_with('{'));
    let compact;
    let (text, how) = match written {
        Some(s) if unit != Unit::IamCharacters => (s, "as written, white space included"),
        _ => {
            compact = serde_json::to_string(&JsonText(&doc.source)).unwrap_or_default();
            (compact.as_str(), "as compact JSON")
        }
    };
    match unit {
        Unit::IamCharacters => (
            text.chars().filter(|c| !c.is_whitespace()).count(),
            "without white space",
        ),
        Unit::Characters => (text.chars().count(), how),
        Unit::Bytes => (text.len(), how),
    }
}

/// Where a finding about the whole document points: its first key.
fn anchor(doc: &PolicyDocument<'_>) -> Span {
    doc.source
        .as_object()
        .and_then(|entries| entries.first())
        .map_or(doc.span, |e| e.key_span)
}

fn singular(unit: Unit) -> &'static str {
    match unit {
        Unit::Bytes => "byte",
        _ => "character",
    }
}

fn help(quota: &Quota) -> String {
    match quota.unit {
        Unit::IamCharacters => "split the document into several managed policies, or merge statements that share an effect and resources and use wildcards for actions with a common prefix".to_string(),
        _ => format!(
            "shorten the document below {} {}: merge statements that share an effect and resources, drop `Sid`s and white space",
            thousands(quota.limit),
            quota.unit.noun()
        ),
    }
}

/// `12345` -> `12,345`.
#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(6144), "6,144");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
