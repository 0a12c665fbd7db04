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
    /// Every policy that grants it permissions is here: a principal of `.iamlint.toml`,
    /// whose author lists them all.
    Complete,
    /// A template role, user or group whose policies are all in the template. That is
    /// never all it may be granted: a group's members hold their own policies and those of
    /// their other groups, and another stack or module may attach more to any of them (an
    /// `AWS::IAM::Policy` names roles, users and groups by name, an
    /// `AWS::IAM::UserToGroupAddition` puts a user in a group). Permission rules judge what
    /// the template grants; guards must hold on their own.
    Open,
    /// It also holds policies iamlint cannot read: managed policy ARNs from outside the
    /// template, a boundary that is not in it, a group from outside the template.
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
            let Some(mut principal) = template_principal(file, &holdings, template, resource, kind, index)
            else {
                continue;
            };
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
    /// The groups `AWS::IAM::UserToGroupAddition` resources put a user in, by the user's
    /// logical id.
    added_to: HashMap<String, Vec<&'m Node>>,
}

impl<'m> Holdings<'m> {
    fn of(file: &'m FileModel<'_>) -> Holdings<'m> {
        let mut holdings = Holdings {
            by_holder: HashMap::new(),
            by_owner: HashMap::new(),
            added_to: HashMap::new(),
        };
        if let Some(template) = &file.template {
            for addition in &template.resources {
                if !addition.is_type(&["AWS::IAM::UserToGroupAddition"]) {
                    continue;
                }
                let Some(group) = addition.property("GroupName") else {
                    continue;
                };
                for user in addition
                    .property("Users")
                    .and_then(Node::as_array)
                    .unwrap_or_default()
                {
                    if let Some(user) = named_resource(template, user, "AWS::IAM::User", "UserName") {
                        holdings.added_to.entry(user).or_default().push(group);
                    }
                }
            }
        }
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

/// The principal a template role, user or group forms; `None` when it holds nothing, in
/// the template or outside it.
fn template_principal<'m, 'a>(
    file: &'m FileModel<'a>,
    holdings: &Holdings<'_>,
    template: &Template<'a>,
    resource: &Resource<'a>,
    kind: IdentityKind,
    index: usize,
) -> Option<Principal<'m, 'a>> {
    let id = resource.logical_id;
    let mut holders = vec![id.to_string()];
    let mut visibility = Visibility::Open;
    // A user gets the policies of the groups it is in: those its `Groups` names and those
    // an `AWS::IAM::UserToGroupAddition` adds it to. A group from outside the template
    // brings policies iamlint cannot read.
    if matches!(kind, IdentityKind::User) {
        let named = resource
            .property("Groups")
            .and_then(Node::as_array)
            .unwrap_or_default()
            .iter();
        let added = holdings.added_to.get(id).into_iter().flatten().copied();
        for group in named.chain(added) {
            match named_resource(template, group, "AWS::IAM::Group", "GroupName") {
                Some(target) => holders.push(target),
                None => visibility = Visibility::Partial,
            }
        }
    }
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
    if identity.is_empty() && visibility != Visibility::Partial {
        return None;
    }
    Some(Principal {
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
    })
}

/// The logical id of the template resource of type `kind` that `node` names: a `Ref` to
/// it, or its name (`name_property`) written out.
fn named_resource(template: &Template<'_>, node: &Node, kind: &str, name_property: &str) -> Option<String> {
    if let Some(target) = ref_target(node) {
        return template
            .resource(&target)
            .is_some_and(|r| r.is_type(&[kind]))
            .then_some(target);
    }
    let name = node.as_str()?;
    template
        .resources
        .iter()
        .filter(|r| r.is_type(&[kind]))
        .find(|r| r.property(name_property).and_then(Node::as_str) == Some(name))
        .map(|r| r.logical_id.to_string())
}

fn is_managed_policy(template: &Template<'_>, id: &str) -> bool {
    template
        .resource(id)
        .is_some_and(|r| r.is_type(&["AWS::IAM::ManagedPolicy"]))
}
