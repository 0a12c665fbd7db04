//! `iam/resource-mismatch`: an action (or every action a wildcard matches) that none of its
//! statement's resources can apply to, because none of them has the ARN format of a resource
//! type the action takes; and an ARN whose resource part fits no resource type of its
//! service (Access Analyzer's "Invalid ARN resource").

use std::collections::HashMap;

use crate::catalog::{Action, Catalog, ResourceType, Service};
use crate::finding::Diagnostic;
use crate::model::{ElementList, FileModel};
use crate::parse::Node;
use crate::rules::Rule;
use crate::rules::iam::arn;

pub struct ResourceMismatch;

impl Rule for ResourceMismatch {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        let catalog = Catalog::global();
        // Per file: the verdict on each resource text, and the typed actions of each wildcard.
        let mut unknown: HashMap<&str, Option<(String, String)>> = HashMap::new();
        let mut expanded: HashMap<String, Option<Expansion>> = HashMap::new();
        for doc in &file.policies {
            for node in doc.statement_nodes() {
                invalid_arn_resources(node, &mut unknown, out);
            }
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
                    let found = if text.contains(['*', '?']) {
                        expanded
                            .entry(text.to_ascii_lowercase())
                            .or_insert_with(|| Expansion::of(catalog, text))
                            .as_ref()
                            .and_then(|e| e.judge(text, &specific, &mut admitted))
                    } else {
                        let Some((service, action)) = catalog.action(text) else {
                            continue;
                        };
                        mismatch(service, action, text, &specific, &mut admitted)
                    };
                    if let Some((message, help)) = found {
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

/// The ARNs of `Resource` and `NotResource`, as written, whose resource part fits no ARN
/// format the Service Authorization Reference documents for their service. Access Analyzer
/// reports these as "Invalid ARN resource": "The resource ARN must match the specifications
/// for known resource types."
fn invalid_arn_resources<'n>(
    statement: &'n Node,
    verdicts: &mut HashMap<&'n str, Option<(String, String)>>,
    out: &mut Vec<Diagnostic>,
) {
    for (item, text) in super::raw::resource_strings(statement) {
        let verdict = verdicts
            .entry(text)
            .or_insert_with(|| unknown_resource_type(text));
        if let Some((message, help)) = verdict {
            out.push(Diagnostic::new(item.span, message.clone()).help(help.clone()));
        }
    }
}

/// The message and help when an ARN's resource part fits none of its service's formats.
fn unknown_resource_type(text: &str) -> Option<(String, String)> {
    let parsed = arn::Arn::parse(text)?;
    if arn::has_wildcard(parsed.service) || parsed.service.contains("${") {
        return None;
    }
    let formats = arn::formats_for(parsed.service);
    if formats.is_empty()
        || formats
            .iter()
            .any(|f| arn::overlap(f.arn.resource, parsed.resource))
    {
        return None;
    }
    // The catalog lags behind the services (WAF Classic's `changetoken/...`, CloudFormation's
    // `transform/...` are in AWS's own policies but not in the Reference): only a resource
    // part whose type word the service documents, or nearly (`tables` for `table`), is
    // judged: that word is a resource type written in the wrong shape.
    let word = type_word(parsed.resource)?;
    let mut documented: Vec<&str> = Vec::new();
    // Types that no action of their service takes are documentation only, never checked by
    // a request (`pricingplanmanager`'s `subscription/...` while AWS's policies write
    // `subscription:*`): their words do not count.
    for format in formats.iter().filter(|f| acted_on(f)) {
        for part in format.arn.resource.split(['/', ':']) {
            if !part.is_empty() && !part.contains(['$', '*', '?']) && !documented.contains(&part) {
                documented.push(part);
            }
        }
    }
    if !documented.iter().any(|d| d.eq_ignore_ascii_case(word))
        && super::nearest(word, documented.iter().copied()).is_none()
    {
        return None;
    }
    // As examples, the formats that name the resource part's first word (`stream` in
    // `stream/Books`), then those sharing most of its fixed beginning, shortest first.
    let written = parsed.resource.to_ascii_lowercase();
    let word = written.split(['/', ':']).next().unwrap_or("");
    let score = |f: &&arn::ArnFormat| {
        let format = f.arn.resource.to_ascii_lowercase();
        let names_word = !word.is_empty() && format.split(['/', ':']).any(|part| part == word);
        let shared = arn::literal_prefix(&format)
            .chars()
            .zip(written.chars())
            .take_while(|(a, b)| a == b)
            .count();
        (
            std::cmp::Reverse(names_word),
            std::cmp::Reverse(shared),
            format.len(),
        )
    };
    let mut examples: Vec<&arn::ArnFormat> = formats.iter().collect();
    examples.sort_by_key(score);
    let mut shown: Vec<String> = Vec::new();
    for format in examples {
        let line = format!("{} (`{}`)", format.resource_type.name, format.text());
        if !shown.contains(&line) {
            shown.push(line);
        }
        if shown.len() == 2 {
            break;
        }
    }
    Some((
        format!(
            "the resource part `{}` fits no resource type of `{}`",
            parsed.resource, parsed.service
        ),
        format!(
            "the Service Authorization Reference documents `{}` ARNs such as {}; fix the resource part",
            parsed.service,
            shown.join(", ")
        ),
    ))
}

/// Whether some action of the service that documents a format's resource type takes it.
fn acted_on(format: &arn::ArnFormat) -> bool {
    Catalog::global().service(format.service).is_some_and(|service| {
        service.actions.iter().any(|action| {
            action.resources.iter().any(|r| {
                service
                    .resource_type(r.resource)
                    .is_some_and(|t| std::ptr::eq(t, format.resource_type))
            })
        })
    })
}

/// The type word that starts a resource part (`stream` of `stream/Books`, `db` of `db:main`):
/// its leading letters, digits, `-` and `_`. `None` when there are none (`/aws-glue/*`) or a
/// wildcard or variable continues the word (`canvas*`).
fn type_word(resource: &str) -> Option<&str> {
    let end = resource
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .unwrap_or(resource.len());
    let word = &resource[..end];
    let continued = resource[end..].starts_with(['*', '?', '$']);
    (!word.is_empty() && !continued).then_some(word)
}

/// The actions a wildcard action matches that act on documented resource types, and those
/// types: enough to tell that none of them can apply to a statement's resources.
struct Expansion {
    service: &'static Service,
    /// How many typed actions the pattern matches.
    actions: usize,
    /// The resource types of those actions (tagging actions' included: more types only make
    /// a mismatch rarer).
    types: Vec<&'static ResourceType>,
    /// Whether the pattern also matches actions without resource types.
    untyped: bool,
}

impl Expansion {
    /// `None` for patterns with a wildcard in the service (`*`, `s3*:Get*`), unknown
    /// services, and patterns none of whose actions takes a documented resource type.
    fn of(catalog: &'static Catalog, pattern: &str) -> Option<Expansion> {
        let (prefix, name) = pattern.split_once(':')?;
        if prefix.contains(['*', '?']) {
            return None;
        }
        let service = catalog.service(prefix)?;
        let mut types: Vec<&'static ResourceType> = Vec::new();
        let mut actions = 0;
        let mut untyped = false;
        for action in service.matching(name) {
            let Some(acted_on) = typed(service, action) else {
                untyped = true;
                continue;
            };
            actions += 1;
            for t in acted_on {
                if !types.iter().any(|seen| std::ptr::eq(*seen, t)) {
                    types.push(t);
                }
            }
        }
        (actions > 0).then_some(Expansion {
            service,
            actions,
            types,
            untyped,
        })
    }

    fn judge<'s>(
        &self,
        written: &str,
        resources: &[&'s str],
        admitted: &mut AdmittedByService<'s>,
    ) -> Option<(String, String)> {
        let formats: Vec<&str> = self.types.iter().flat_map(|t| arn::variants(t.arn)).collect();
        // Actions without resource types may still act on their own service's ARNs (see
        // [`typed`]): with such actions in the pattern, only resources of other services count.
        let outside = |r: &&'s str, admitted: &mut AdmittedByService<'s>| {
            if self.untyped {
                arn::Arn::parse(r).is_some_and(|parsed| !same_service(&formats, parsed.service))
            } else {
                clearly_outside(r, &formats, self.service, admitted)
            }
        };
        if !resources.iter().all(|r| outside(r, admitted)) {
            return None;
        }
        Some((
            format!(
                "none of the statement's resources is a resource type that an action of `{written}` acts on"
            ),
            format!(
                "`{written}` matches {} actions that take resources, of {} types such as {}; name such a resource, or move the pattern to a statement that does",
                self.actions,
                self.types.len(),
                describe(&self.types[..1]),
            ),
        ))
    }
}

/// The resource types an action takes; `None` for an action without any (only `"*"` is
/// documented). Such actions are not judged on their own: the Service Authorization
/// Reference misses some resource types (`ssmmessages:OpenDataChannel` works on
/// `arn:aws:ssm:*:*:session/*`) and services match their own ARNs for others
/// (`s3:ListAllMyBuckets` on `arn:aws:s3:::*`).
fn typed<'s>(service: &'s Service, action: &Action) -> Option<Vec<&'s ResourceType>> {
    let types: Vec<_> = action
        .resources
        .iter()
        .filter_map(|r| service.resource_type(r.resource))
        .collect();
    (!types.is_empty()).then_some(types)
}

/// Tagging actions apply to every taggable resource of the service, and the Reference often
/// lists only some (`elasticloadbalancing:AddTags` without target groups): not judged alone.
fn is_tagging(action: &Action) -> bool {
    [
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
        || action.name.ends_with("TagsForResource")
}

/// Up to three resource types with their ARN formats, for a help text.
fn describe(types: &[&ResourceType]) -> String {
    let mut text = types
        .iter()
        .take(3)
        .map(|t| format!("{} (`{}`)", t.name, t.arn))
        .collect::<Vec<_>>()
        .join(", ");
    if types.len() > 3 {
        text.push_str(&format!(" and {} more", types.len() - 3));
    }
    text
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

/// Memo of `(service prefix, resource) -> some resource type of the service admits it`.
type AdmittedByService<'s> = HashMap<(&'s str, &'s str), bool>;

/// The message and help when no resource can be one the action acts on.
fn mismatch<'s>(
    service: &'s Service,
    action: &Action,
    written: &str,
    resources: &[&'s str],
    admitted: &mut AdmittedByService<'s>,
) -> Option<(String, String)> {
    if is_tagging(action) {
        return None;
    }
    let types = typed(service, action)?;
    let formats: Vec<&str> = types.iter().flat_map(|t| arn::variants(t.arn)).collect();
    if !resources
        .iter()
        .all(|r| clearly_outside(r, &formats, service, admitted))
    {
        return None;
    }
    Some((
        format!("none of the statement's resources is a resource type that `{written}` acts on"),
        format!(
            "`{written}` acts on {}; name such a resource, or move the action to a statement that does",
            describe(&types)
        ),
    ))
}

/// Whether the resource cannot be one of `formats`: it belongs to another service, or it is
/// another resource type that the action's service documents (`:cluster:` where the action
/// takes `:db:`). A resource of the same service that matches none of the service's
/// documented types is not judged here: [`unknown_resource_type`] reports the ARN itself.
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
    !same_service(formats, parsed.service)
        || *admitted.entry((service.prefix, resource)).or_insert_with(|| {
            service
                .resources
                .iter()
                .any(|t| arn::format_admits(t.arn, resource))
        })
}

/// Whether an ARN service field may be the service of one of the formats.
fn same_service(formats: &[&str], arn_service: &str) -> bool {
    formats
        .iter()
        .any(|f| arn::Arn::parse(f).is_none_or(|f| arn::overlap(f.service, arn_service)))
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
