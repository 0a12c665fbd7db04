//! Principals: the set of policies that apply to one identity. In a template, a role, user
//! or group with its inline policies, the managed policies of the template attached to it,
//! and its permissions boundary; from `.iamlint.toml`, the files it names. The service
//! control policies of the organization apply to every principal. A policy document that
//! no principal holds stands alone, as its own principal.

use std::collections::{HashMap, HashSet};

use super::template::ref_target;
use super::{FileModel, Node, PolicyDocument, PolicyKind, Resource, Statement, Template};
use crate::source::Span;

/// The account every principal is placed in: rules reason about one account.
pub const ACCOUNT: &str = "111122223333";

/// How much of a principal's permissions iamlint can see.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Visibility {
    /// Every policy that grants it permissions is here (a config principal, or a template
    /// role whose policies are all in the template).
    Complete,
    /// It also holds policies iamlint cannot read: managed policy ARNs from outside the
    /// template, or a boundary that is not in it.
    Partial,
    /// A policy document that no principal holds: it is judged on its own.
    Standalone,
}

pub struct Principal<'m, 'a> {
    /// How findings name it (`role \`Deployer\``, `principal \`deployer\``); `None` for a
    /// standalone document.
    pub name: Option<String>,
    /// Its name in `.iamlint.toml`, for a principal declared there.
    pub declared_as: Option<String>,
    /// Where it is declared, when that is in a template.
    pub span: Option<Span>,
    /// The template resource it is (its logical id), for matching key policy principals.
    pub logical_id: Option<String>,
    /// The index of the file it comes from, for template principals.
    pub file: Option<usize>,
    pub identity: Vec<&'m PolicyDocument<'a>>,
    /// Its permissions boundary, when it has one that iamlint can read.
    pub boundary: Option<Vec<&'m PolicyDocument<'a>>>,
    /// The SCPs that govern it: one level.
    pub scps: Vec<&'m PolicyDocument<'a>>,
    pub visibility: Visibility,
    /// The caller ARN of its requests.
    pub arn: String,
}

impl<'m, 'a> Principal<'m, 'a> {
    /// Its own policies: the identity policies and the boundary.
    pub fn own_documents(&self) -> impl Iterator<Item = &'m PolicyDocument<'a>> + '_ {
        self.identity
            .iter()
            .chain(self.boundary.iter().flatten())
            .copied()
    }

    /// Every statement that bears on its requests: its own policies and the SCPs over it.
    pub fn statements(&self) -> impl Iterator<Item = &'m Statement> + '_ {
        self.own_documents()
            .chain(self.scps.iter().copied())
            .flat_map(|d| &d.statements)
    }
}

/// The principals a config declares, already resolved to file indexes.
#[derive(Default)]
pub struct DeclaredPrincipals {
    pub principals: Vec<DeclaredPrincipal>,
    /// Files holding the organization's SCPs.
    pub scps: Vec<usize>,
}

pub struct DeclaredPrincipal {
    pub name: String,
    pub arn: Option<String>,
    pub policies: Vec<usize>,
    pub boundary: Option<Vec<usize>>,
}

/// Every principal of a run: from templates, from the config, and standalone documents.
pub fn principals<'m, 'a>(
    files: &'m [Option<FileModel<'a>>],
    declared: &DeclaredPrincipals,
) -> Vec<Principal<'m, 'a>> {
    let docs_of = |indexes: &[usize]| -> Vec<&'m PolicyDocument<'a>> {
        indexes
            .iter()
            .filter_map(|&i| files.get(i)?.as_ref())
            .flat_map(|f| &f.policies)
            .collect()
    };
    let org_scps: Vec<&PolicyDocument<'a>> = docs_of(&declared.scps);
    let mut claimed: HashSet<*const PolicyDocument<'a>> = org_scps.iter().map(|d| *d as *const _).collect();
    let mut out = Vec::new();

    for entry in &declared.principals {
        let identity: Vec<_> = docs_of(&entry.policies)
            .into_iter()
            .filter(|d| d.kind.grants_to_holder())
            .collect();
        let boundary = entry.boundary.as_deref().map(docs_of);
        let principal = Principal {
            name: Some(format!("principal `{}`", entry.name)),
            declared_as: Some(entry.name.clone()),
            span: None,
            logical_id: None,
            file: None,
            identity,
            boundary,
            scps: org_scps.clone(),
            visibility: Visibility::Complete,
            arn: entry
                .arn
                .clone()
                .unwrap_or_else(|| format!("arn:aws:iam::{ACCOUNT}:role/{}", entry.name)),
        };
        claimed.extend(principal.own_documents().map(|d| d as *const _));
        out.push(principal);
    }

    for (index, file) in files.iter().enumerate() {
        let Some(file) = file else { continue };
        let Some(template) = &file.template else { continue };
        let holdings = Holdings::of(file);
        for resource in &template.resources {
            let Some(kind) = identity_kind(resource) else {
                continue;
            };
            let mut principal = template_principal(file, &holdings, template, resource, kind, index);
            if principal.identity.is_empty() && principal.visibility == Visibility::Complete {
                continue;
            }
            claimed.extend(principal.own_documents().map(|d| d as *const _));
            principal.scps = org_scps.clone();
            out.push(principal);
        }
    }

    // What no principal holds is judged alone; an SCP alone governs an unknown principal.
    for (index, file) in files.iter().enumerate() {
        let Some(file) = file else { continue };
        for doc in &file.policies {
            if claimed.contains(&(doc as *const _)) {
                continue;
            }
            let (identity, scps) = match doc.kind {
                kind if kind.grants_to_holder() => (vec![doc], org_scps.clone()),
                PolicyKind::ServiceControl => (Vec::new(), vec![doc]),
                _ => continue,
            };
            out.push(Principal {
                name: None,
                declared_as: None,
                span: None,
                logical_id: None,
                file: file.template.as_ref().map(|_| index),
                identity,
                boundary: None,
                scps,
                visibility: Visibility::Standalone,
                arn: format!("arn:aws:iam::{ACCOUNT}:role/standalone"),
            });
        }
    }
    out
}

#[derive(Clone, Copy)]
enum IdentityKind {
    Role,
    User,
    Group,
}

fn identity_kind(resource: &Resource<'_>) -> Option<IdentityKind> {
    match resource.resource_type? {
        "AWS::IAM::Role" => Some(IdentityKind::Role),
        "AWS::IAM::User" => Some(IdentityKind::User),
        "AWS::IAM::Group" => Some(IdentityKind::Group),
        _ => None,
    }
}

/// A template's identity-based policies by the principals they are attached to and by
/// the managed policy that holds them: found once per file, not once per principal.
struct Holdings<'m> {
    by_holder: HashMap<&'m str, Vec<usize>>,
    by_owner: HashMap<&'m str, Vec<usize>>,
}

impl<'m> Holdings<'m> {
    fn of(file: &'m FileModel<'_>) -> Holdings<'m> {
        let mut holdings = Holdings {
            by_holder: HashMap::new(),
            by_owner: HashMap::new(),
        };
        for (at, doc) in file.policies.iter().enumerate() {
            for holder in &doc.attached_to {
                holdings.by_holder.entry(holder.as_str()).or_default().push(at);
            }
            if let Some(owner) = &doc.owner {
                holdings.by_owner.entry(owner.as_str()).or_default().push(at);
            }
        }
        holdings
    }

    /// The policies attached to any of `holders` or held by any of `owners`, in file order.
    fn held(&self, holders: &[String], owners: &[String]) -> Vec<usize> {
        let lists = |map: &'_ HashMap<&'m str, Vec<usize>>, names: &'_ [String]| -> Vec<usize> {
            names
                .iter()
                .filter_map(|n| map.get(n.as_str()))
                .flatten()
                .copied()
                .collect()
        };
        let mut found = lists(&self.by_holder, holders);
        found.extend(lists(&self.by_owner, owners));
        found.sort_unstable();
        found.dedup();
        found
    }
}

fn template_principal<'m, 'a>(
    file: &'m FileModel<'a>,
    holdings: &Holdings<'_>,
    template: &Template<'a>,
    resource: &Resource<'a>,
    kind: IdentityKind,
    index: usize,
) -> Principal<'m, 'a> {
    let id = resource.logical_id;
    let mut holders = vec![id.to_string()];
    // A user gets the policies of the groups it is in.
    if matches!(kind, IdentityKind::User) {
        holders.extend(
            resource
                .property("Groups")
                .and_then(Node::as_array)
                .unwrap_or_default()
                .iter()
                .filter_map(ref_target),
        );
    }
    let mut visibility = Visibility::Complete;
    let mut managed: Vec<String> = Vec::new();
    for arn in resource
        .property("ManagedPolicyArns")
        .and_then(Node::as_array)
        .unwrap_or_default()
    {
        match ref_target(arn).filter(|t| is_managed_policy(template, t)) {
            Some(target) => managed.push(target),
            None => visibility = Visibility::Partial,
        }
    }
    if resource
        .property("ManagedPolicyArns")
        .is_some_and(|n| n.as_array().is_none())
    {
        visibility = Visibility::Partial;
    }
    let identity: Vec<&PolicyDocument<'a>> = holdings
        .held(&holders, &managed)
        .into_iter()
        .map(|at| &file.policies[at])
        .filter(|d| d.kind.grants_to_holder())
        .collect();
    let boundary = resource.property("PermissionsBoundary").and_then(|node| {
        let target = ref_target(node).filter(|t| is_managed_policy(template, t));
        if target.is_none() {
            visibility = Visibility::Partial;
        }
        let target = target?;
        Some(
            holdings
                .held(&[], &[target])
                .into_iter()
                .map(|at| &file.policies[at])
                .collect::<Vec<_>>(),
        )
    });
    let (noun, path) = match kind {
        IdentityKind::Role => ("role", "role"),
        IdentityKind::User => ("user", "user"),
        IdentityKind::Group => ("group", "group"),
    };
    let name_property = match kind {
        IdentityKind::Role => "RoleName",
        IdentityKind::User => "UserName",
        IdentityKind::Group => "GroupName",
    };
    let name = resource
        .property(name_property)
        .and_then(Node::as_str)
        .unwrap_or(id);
    Principal {
        name: Some(format!("{noun} `{id}`")),
        declared_as: None,
        span: Some(resource.id_span),
        logical_id: Some(id.to_string()),
        file: Some(index),
        identity,
        boundary,
        scps: Vec::new(),
        visibility,
        arn: format!("arn:aws:iam::{ACCOUNT}:{path}/{name}"),
    }
}

fn is_managed_policy(template: &Template<'_>, id: &str) -> bool {
    template
        .resource(id)
        .is_some_and(|r| r.is_type(&["AWS::IAM::ManagedPolicy"]))
}
