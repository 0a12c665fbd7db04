//! Privilege escalation over the principals of a run. This module owns the analysis:
//! which escalation methods ([`methods`]) each principal may use on which targets (edges,
//! decided by the evaluator), what "more powerful" means, and the search for paths from a
//! principal to something more powerful than it. [`paths`] is the whole analysis, for the
//! `escalation/` rules (one per method family, thin over it) and for `iamlint diff`.
//!
//! "More powerful": the end of a path (a principal, or a principal that has granted itself
//! any permission) is allowed at least one request that the source is not. The requests
//! asked are the end's own grants: each action of its identity policies' Allow statements
//! (a wildcard stands for every catalog action it matches) on each of their resources
//! (with no condition context). A principal that edits its own policies may grant itself
//! anything its permissions boundary and SCPs leave: that is compared with what it has. A
//! target outside the files (any other user of the account, any role that trusts a
//! service) may be an administrator: it counts as more powerful unless the source is
//! allowed everything already.

pub mod methods;

mod assume_more_powerful;
mod credentials_for_others;
mod pass_role;
mod policy_version;
mod self_policy_edit;

pub use assume_more_powerful::AssumeMorePowerful;
pub use credentials_for_others::CredentialsForOthers;
pub use pass_role::PassRole;
pub use policy_version::PolicyVersion;
pub use self_policy_edit::SelfPolicyEdit;

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};

use methods::{ADMINISTRATOR_ACCESS, Aim, Ask, Kind, METHODS, Method, On, method_actions};

use super::probe::{Probe, REGION, Unseen, deciding_all};
use crate::catalog::Catalog;
use crate::eval::{
    Caller, Context, Decision, PolicySet, Request, Role, Variables, decide, evaluate_matching,
};
use crate::finding::Diagnostic;
use crate::model::{
    ACCOUNT, Effect, ElementList, FileModel, PolicyDocument, PolicyKind, Principal, Project, Statement,
};
use crate::model::{Texts, Visibility, allow_all, is_synthetic, ref_target};
use crate::parse::Node;
use crate::source::Span;

/// The rule families users select and ignore: `escalation/<id>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Family {
    SelfPolicyEdit,
    PolicyVersion,
    CredentialsForOthers,
    PassRole,
    AssumeMorePowerful,
}

impl Family {
    pub fn id(self) -> &'static str {
        match self {
            Family::SelfPolicyEdit => "escalation/self-policy-edit",
            Family::PolicyVersion => "escalation/policy-version",
            Family::CredentialsForOthers => "escalation/credentials-for-others",
            Family::PassRole => "escalation/pass-role",
            Family::AssumeMorePowerful => "escalation/assume-more-powerful",
        }
    }
}

/// How many steps a path may take: Principal Mapper's searches are unbounded, but paths
/// longer than this are rare in one template and costly to explain.
pub const MAX_STEPS: usize = 3;

/// What one step acts on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A principal of the run, by its index in [`Project::principals`].
    Principal(usize),
    /// The actor's own identity (`arn`): it grants itself any permission.
    Itself { arn: String },
    /// A customer managed policy the actor holds.
    HeldPolicy { arn: String },
    /// A Lambda function of the template that runs as a role of the run.
    Function { name: String, role: usize },
    /// A principal that is not in the files: `any other IAM user of the account`.
    Outside { what: String, arn: String },
}

/// One step of a path: `actor` uses `method` on `target`.
#[derive(Clone, Debug)]
pub struct Step {
    pub actor: usize,
    pub method: &'static Method,
    pub target: Target,
    /// The requests the actor makes, each allowed.
    pub requests: Vec<Request>,
    /// The statements that allow them (in the actor's policies, and the trust policy that
    /// lets it in), in every file involved.
    pub enabled_by: Vec<(Span, String)>,
}

/// A request the end of a path is allowed and the source is not.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Witness {
    pub action: String,
    pub resource: String,
}

#[derive(Clone, Debug)]
pub struct EscalationPath {
    /// The principal that escalates, by its index in [`Project::principals`].
    pub source: usize,
    pub steps: Vec<Step>,
    /// What the end may do that the source may not; `None` for a target outside the files,
    /// which may be an administrator.
    pub witness: Option<Witness>,
}

impl EscalationPath {
    /// The family of its first step: the permission of the source that opens the path.
    pub fn family(&self) -> Family {
        self.steps[0].method.family
    }
}

/// Every escalation path of a run: for each principal and each family, the shortest path
/// whose first step is of that family (at most [`MAX_STEPS`] steps).
pub fn paths(project: &Project<'_, '_>) -> Vec<EscalationPath> {
    let mut analysis = Analysis::new(project);
    let mut found = Vec::new();
    for source in 0..project.principals.len() {
        found.extend(analysis.from(source));
    }
    found
}

/// An edge before its statements are looked up.
#[derive(Clone)]
struct Edge {
    method: &'static Method,
    target: Target,
    requests: Vec<Request>,
    /// The trust policy request that lets the actor (or the service) in.
    trust: Option<(usize, Request)>,
}

/// Where a path may end, for comparing power.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum End {
    Principal(usize),
    /// The principal with any identity policy it likes: its boundary and SCPs still apply.
    Unbounded(usize),
}

struct Analysis<'p, 'm, 'a> {
    project: &'p Project<'m, 'a>,
    probes: Vec<Probe<'m, 'a>>,
    /// The trust policies of the run's roles, by principal.
    trusts: Vec<Vec<&'m PolicyDocument<'a>>>,
    edges: HashMap<usize, Vec<Edge>>,
    stronger: HashMap<(End, usize), Option<Witness>>,
    /// Whether a principal may use any method at all: most may not.
    may_escalate: Vec<bool>,
}

impl<'p, 'm, 'a> Analysis<'p, 'm, 'a> {
    fn new(project: &'p Project<'m, 'a>) -> Self {
        let actions: Vec<&str> = method_actions().collect();
        let principals = &project.principals;
        Analysis {
            project,
            probes: principals
                .iter()
                .map(|p| Probe::new(p, Unseen::Nothing))
                .collect(),
            trusts: principals
                .iter()
                .map(|p| trust_policies(project.files, p))
                .collect(),
            edges: HashMap::new(),
            stronger: HashMap::new(),
            may_escalate: principals
                .iter()
                .map(|p| {
                    p.own_documents().flat_map(|d| &d.statements).any(|s| {
                        s.is(Effect::Allow) && actions.iter().any(|a| s.covers_action(a) != Some(false))
                    })
                })
                .collect(),
        }
    }

    fn principal(&self, index: usize) -> &'p Principal<'m, 'a> {
        &self.project.principals[index]
    }

    /// The shortest path of each family from `source`.
    fn from(&mut self, source: usize) -> Vec<EscalationPath> {
        if !self.may_escalate[source] {
            return Vec::new();
        }
        let mut found: Vec<EscalationPath> = Vec::new();
        let mut families: HashSet<Family> = HashSet::new();
        // Breadth first: a queue of partial paths (the principals they reached).
        let mut queue: VecDeque<(usize, Vec<Step>)> = VecDeque::new();
        let mut seen: HashSet<(Family, usize)> = HashSet::new();
        queue.push_back((source, Vec::new()));
        while let Some((actor, steps)) = queue.pop_front() {
            if steps.len() >= MAX_STEPS {
                continue;
            }
            for edge in self.edges_of(actor) {
                let family = steps.first().map_or(edge.method.family, |s| s.method.family);
                if families.contains(&family) {
                    continue;
                }
                let mut path = steps.clone();
                path.push(self.step(actor, &edge));
                let next = match &edge.target {
                    Target::Principal(t) | Target::Function { role: t, .. } => Some(*t),
                    _ => None,
                };
                if next == Some(source) {
                    continue;
                }
                let end = match &edge.target {
                    Target::Principal(t) | Target::Function { role: t, .. } => Some(End::Principal(*t)),
                    Target::Itself { .. } | Target::HeldPolicy { .. } => Some(End::Unbounded(actor)),
                    Target::Outside { .. } => None,
                };
                let witness = match end {
                    Some(end) => self.stronger_than(end, source).map(Some),
                    // Outside the files: it may be an administrator, unless the source
                    // already may do anything.
                    None => (self.stronger_than(End::Unbounded(source), source).is_some()).then_some(None),
                };
                if let Some(witness) = witness {
                    families.insert(family);
                    found.push(EscalationPath {
                        source,
                        steps: path,
                        witness,
                    });
                    continue;
                }
                if let Some(next) = next
                    && seen.insert((family, next))
                {
                    queue.push_back((next, path));
                }
            }
        }
        found.sort_by_key(|p| p.family() as usize);
        found
    }

    /// A step with the statements that enable it.
    fn step(&self, actor: usize, edge: &Edge) -> Step {
        let probe = &self.probes[actor];
        let principal = self.principal(actor);
        let mut enabled_by: Vec<(Span, String)> = Vec::new();
        for request in &edge.requests {
            let evaluation = probe.evaluate(request);
            for span in deciding_all(&evaluation, Effect::Allow) {
                // The narrowest node: the action item that grants the request.
                let span = principal
                    .statements()
                    .find(|s| s.span == span)
                    .and_then(|s| s.action.as_ref())
                    .filter(|list| !list.negated)
                    .and_then(|list| list.matching_item(&request.action))
                    .map_or(span, |item| item.span);
                if !enabled_by.iter().any(|(s, _)| *s == span) {
                    enabled_by.push((span, format!("allows `{}`", request.action)));
                }
            }
        }
        if let Some((role, request)) = &edge.trust {
            let set = PolicySet {
                resource: self.trusts[*role].clone(),
                ..PolicySet::default()
            };
            let evaluation = evaluate_matching(&set, request);
            for entry in &evaluation.trace {
                if entry.applies && entry.effect == Effect::Allow && entry.role == Role::Resource {
                    let who = request.caller.service.as_deref().unwrap_or("the caller");
                    enabled_by.push((entry.span, format!("the trust policy lets {who} in")));
                }
            }
        }
        Step {
            actor,
            method: edge.method,
            target: edge.target.clone(),
            requests: edge.requests.clone(),
            enabled_by,
        }
    }

    /// The edges out of `actor`, found once.
    fn edges_of(&mut self, actor: usize) -> Vec<Edge> {
        if let Some(edges) = self.edges.get(&actor) {
            return edges.clone();
        }
        let edges = if self.may_escalate[actor] {
            self.find_edges(actor)
        } else {
            Vec::new()
        };
        self.edges.insert(actor, edges.clone());
        edges
    }

    fn find_edges(&self, actor: usize) -> Vec<Edge> {
        let principal = self.principal(actor);
        let probe = &self.probes[actor];
        let mut edges = Vec::new();
        let kinds = kinds(principal);
        // The other principals of the same account that the actor may act on.
        let scope: Vec<usize> = (0..self.project.principals.len())
            .filter(|&t| t != actor && in_scope(principal, self.principal(t)))
            .collect();
        for method in METHODS {
            let targets: Vec<(Target, String)> = match method.aim {
                Aim::OwnIdentity => kinds
                    .iter()
                    .filter(|(kind, _)| Some(*kind) == method.kind)
                    .map(|(_, arn)| (Target::Itself { arn: arn.clone() }, arn.clone()))
                    .collect(),
                Aim::HeldPolicy => held_policies(self.project.files, principal)
                    .into_iter()
                    .map(|arn| (Target::HeldPolicy { arn: arn.clone() }, arn))
                    .collect(),
                Aim::User | Aim::Role | Aim::Group => {
                    let wanted = match method.aim {
                        Aim::User => Kind::User,
                        Aim::Role => Kind::Role,
                        _ => Kind::Group,
                    };
                    // Only a user joins a group.
                    if method.aim == Aim::Group && !kinds.iter().any(|(k, _)| *k == Kind::User) {
                        continue;
                    }
                    let mut targets: Vec<(Target, String)> = scope
                        .iter()
                        .filter(|&&t| kind_of(&self.principal(t).arn) == Some(wanted))
                        .map(|&t| (Target::Principal(t), self.principal(t).arn.clone()))
                        .collect();
                    // A role is assumed only where its trust policy, which iamlint cannot
                    // see outside the files, lets the caller in.
                    if method.name != "sts:AssumeRole" {
                        targets.push(outside(wanted, method.service));
                    }
                    targets
                }
                Aim::FunctionOfRole => functions(self.project, principal, &scope),
            };
            for (target, arn) in targets {
                if let Some(edge) = self.edge(actor, probe, method, target, &arn) {
                    edges.push(edge);
                }
            }
        }
        edges
    }

    /// The edge `method` makes from `actor` to `target`, when every request it needs is
    /// allowed (and a trust policy lets the actor or the service in).
    fn edge(
        &self,
        actor: usize,
        probe: &Probe<'m, 'a>,
        method: &'static Method,
        target: Target,
        arn: &str,
    ) -> Option<Edge> {
        let outside = matches!(target, Target::Outside { .. });
        let mut requests = Vec::new();
        for group in method.needs {
            let allowed = group.iter().find_map(|ask| {
                let request = self.request(probe, method, ask, arn);
                let allowed = probe.decide(&request) == Decision::Allow
                    // A resource written as a reference to a template resource (`!GetAtt
                    // Role.Arn`) names that resource, not any other of its kind.
                    && !(outside && ask.on == On::Target && !self.literal_grant(actor, probe, &request));
                allowed.then_some(request)
            })?;
            requests.push(allowed);
        }
        let role = match &target {
            Target::Principal(t) if kind_of(&self.principal(*t).arn) == Some(Kind::Role) => Some(*t),
            _ => None,
        };
        let mut trust = None;
        if let Some(role) = role
            && method.aim == Aim::Role
            && method.name != "iam:UpdateAssumeRolePolicy + sts:AssumeRole"
        {
            let trusts = &self.trusts[role];
            let actor_principal = self.principal(actor);
            let (set, caller) = match method.service {
                Some(service) => (
                    PolicySet {
                        resource: trusts.clone(),
                        ..PolicySet::default()
                    },
                    Caller {
                        arn: service.to_string(),
                        account: String::new(),
                        service: Some(service.to_string()),
                    },
                ),
                // The actor's own policies were asked already (`sts:AssumeRole` is one of
                // the method's requests); here the trust policy must let it in by itself:
                // "Role trust policies and KMS key policies are exceptions to this logic,
                // because they must explicitly allow access for principals" (IAM User
                // Guide, "Policy evaluation logic"). Asked as across accounts, the trust
                // policy's own Allow (of the caller or of its account) decides.
                None => {
                    let mut identity = actor_principal.identity.clone();
                    identity.push(allow_all());
                    (
                        PolicySet {
                            identity,
                            resource: trusts.clone(),
                            cross_account: true,
                            ..PolicySet::default()
                        },
                        Caller {
                            arn: actor_principal.arn.clone(),
                            account: ACCOUNT.to_string(),
                            service: None,
                        },
                    )
                }
            };
            // A role whose trust policy is not in the files (a principal of the config):
            // it may trust the service; an actor's own assume is not claimed.
            if trusts.is_empty() {
                // No trust policy to read: only a service may be assumed to be trusted.
                method.service?;
            } else {
                let mut context = Context::new();
                if caller.service.is_none() {
                    context.set("aws:PrincipalArn", vec![caller.arn.clone()]);
                    context.set("aws:PrincipalAccount", vec![ACCOUNT.to_string()]);
                }
                let request = Request {
                    action: "sts:AssumeRole".to_string(),
                    resource: self.principal(role).arn.clone(),
                    caller,
                    context,
                };
                if decide(&set, &request) != Decision::Allow {
                    return None;
                }
                trust = Some((role, request));
            }
        }
        Some(Edge {
            method,
            target,
            requests,
            trust,
        })
    }

    /// Whether a statement that allows `request` names its resource with a literal
    /// `Resource` item, not only with a pattern that stands for a deploy-time value.
    fn literal_grant(&self, actor: usize, probe: &Probe<'m, 'a>, request: &Request) -> bool {
        let evaluation = probe.evaluate(request);
        let principal = self.principal(actor);
        deciding_all(&evaluation, Effect::Allow).any(|span| {
            principal
                .statements()
                .filter(|s| s.span == span)
                .any(|statement| {
                    statement.resource.as_ref().is_none_or(|list| {
                        list.negated
                            || list.items.iter().any(|item| {
                                item.text.as_deref().is_some_and(|text| {
                                    crate::eval::context::like(
                                        text,
                                        &request.resource,
                                        &request.context,
                                        Variables::Substituted,
                                    )
                                })
                            })
                    })
                })
        })
    }

    fn request(&self, probe: &Probe<'m, 'a>, method: &Method, ask: &Ask, target: &str) -> Request {
        let resource = match ask.on {
            On::Target => target,
            On::Made(resource) => resource,
        };
        // What a holder of the principal's credentials can choose: to sign in with MFA and
        // to call over TLS. Principal Mapper keeps MFA-gated edges too, marked as such.
        let mut context = Context::new()
            .with("aws:MultiFactorAuthPresent", "true")
            .with("aws:SecureTransport", "true");
        if ask.action == "iam:PassRole"
            && let Some(service) = method.service
        {
            context.set("iam:PassedToService", vec![service.to_string()]);
        }
        if ask.action.starts_with("iam:Attach") {
            context.set("iam:PolicyARN", vec![ADMINISTRATOR_ACCESS.to_string()]);
        }
        if ask.action != "iam:PassRole" && !ask.action.starts_with("iam:") && !ask.action.starts_with("sts:")
        {
            context.set("aws:RequestedRegion", vec![REGION.to_string()]);
        }
        probe.request(ask.action, resource, context)
    }

    /// A request `end` is allowed and `source` is not, found once per pair.
    fn stronger_than(&mut self, end: End, source: usize) -> Option<Witness> {
        if let Some(known) = self.stronger.get(&(end, source)) {
            return known.clone();
        }
        let found = self.compare(end, source);
        self.stronger.insert((end, source), found.clone());
        found
    }

    fn compare(&self, end: End, source: usize) -> Option<Witness> {
        // Nothing is beyond a principal allowed every action on every resource, with nothing
        // to limit it: decided here rather than by asking the whole catalog.
        if unlimited(self.principal(source)) {
            return None;
        }
        let (holder, unbounded) = match end {
            End::Principal(t) => (t, false),
            End::Unbounded(t) => (t, true),
        };
        let principal = self.principal(holder);
        let gained;
        let end_probe = if unbounded {
            gained = Principal {
                name: principal.name.clone(),
                declared_as: None,
                span: principal.span,
                logical_id: None,
                file: principal.file,
                identity: vec![allow_all()],
                boundary: principal.boundary.clone(),
                scps: principal.scps.clone(),
                visibility: principal.visibility,
                arn: principal.arn.clone(),
            };
            Probe::new(&gained, Unseen::Nothing)
        } else {
            Probe::new(principal, Unseen::Nothing)
        };
        // What the end is granted: its identity policies, or for a principal that writes
        // its own, what its boundary allows (everything without one).
        let granting: Vec<&PolicyDocument<'_>> = if unbounded {
            principal.boundary.clone().unwrap_or_else(|| vec![allow_all()])
        } else {
            principal.identity.clone()
        };
        let source_probe = &self.probes[source];
        let cost = 1 + source_probe_cost(self.principal(source)) + granting.len();
        let mut budget = COMPARE_BUDGET / cost;
        // Two requests made once and rewritten for each witness: a comparison may ask every
        // action of the catalog.
        let mut asked_source = source_probe.request("", "", Context::new());
        let mut asked_end = end_probe.request("", "", Context::new());
        for (action, resource) in witnesses(&granting) {
            if budget == 0 {
                break;
            }
            budget -= 1;
            for request in [&mut asked_source, &mut asked_end] {
                request.action.clear();
                request.action.push_str(&action);
                request.resource.clear();
                request.resource.push_str(&resource);
            }
            if source_probe.decide(&asked_source) != Decision::Allow
                && end_probe.decide(&asked_end) == Decision::Allow
            {
                return Some(Witness { action, resource });
            }
        }
        None
    }
}

/// Whether a principal is allowed every request: an unconditional Allow of `*` on `*`, and no
/// Deny, permissions boundary or SCP that could take anything away.
fn unlimited(principal: &Principal<'_, '_>) -> bool {
    let is_star = |list: &Option<ElementList>| {
        list.as_ref()
            .is_some_and(|l| !l.negated && l.items.iter().any(|i| i.text.as_deref() == Some("*")))
    };
    principal.boundary.is_none()
        && principal.scps.is_empty()
        && !principal.statements().any(|s| s.is(Effect::Deny))
        && principal.statements().any(|s| {
            s.is(Effect::Allow) && s.condition.is_empty() && is_star(&s.action) && is_star(&s.resource)
        })
}

/// Statement evaluations one comparison of power may spend: enough for every catalog
/// action against principals of a few hundred statements.
const COMPARE_BUDGET: usize = 20_000_000;

fn source_probe_cost(principal: &Principal<'_, '_>) -> usize {
    principal
        .own_documents()
        .chain(principal.scps.iter().copied())
        .map(|d| d.statements.len())
        .sum()
}

/// Actions that matter most, asked first when a wildcard stands for the whole catalog: a
/// source that lacks any of them is found lacking at once.
const SENSITIVE: [&str; 8] = [
    "iam:PutRolePolicy",
    "iam:CreateUser",
    "sts:AssumeRole",
    "iam:PassRole",
    "kms:Decrypt",
    "secretsmanager:GetSecretValue",
    "s3:GetObject",
    "ec2:RunInstances",
];

/// The requests the Allow statements of `documents` grant: each action (a wildcard
/// expanded over the catalog, a `NotAction` standing for what it leaves) on each resource
/// as written. Lazy: a comparison usually stops at the first request.
fn witnesses<'d>(documents: &'d [&'d PolicyDocument<'_>]) -> impl Iterator<Item = (String, String)> + 'd {
    // Asked once each; hashes rather than copies of the pairs.
    let mut seen: HashSet<u64> = HashSet::new();
    documents
        .iter()
        .flat_map(|d| &d.statements)
        .filter(|s| s.is(Effect::Allow))
        .flat_map(|statement| {
            let resources: Vec<String> = match &statement.resource {
                Some(list) if !list.negated => list
                    .items
                    .iter()
                    .filter_map(|i| i.pattern().map(str::to_string))
                    .collect(),
                _ => vec!["*".to_string()],
            };
            granted_actions(statement)
                .flat_map(move |a| resources.clone().into_iter().map(move |r| (a.clone(), r)))
        })
        .filter(move |pair| {
            use std::hash::{BuildHasher, BuildHasherDefault};
            let hash =
                BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default().hash_one(pair);
            seen.insert(hash)
        })
}

/// The catalog actions a statement's `Action`/`NotAction` grants, the sensitive ones first
/// where it stands for the whole catalog.
fn granted_actions(statement: &Statement) -> Box<dyn Iterator<Item = String> + '_> {
    let catalog = Catalog::global();
    match &statement.action {
        Some(list) if !list.negated => Box::new(list.items.iter().flat_map(move |item| {
            let pattern = item.text.as_deref().unwrap_or_default();
            let expanded: Box<dyn Iterator<Item = String>> = if pattern.is_empty() {
                Box::new(std::iter::empty())
            } else if !pattern.contains(['*', '?']) {
                Box::new(std::iter::once(pattern.to_string()))
            } else if pattern == "*" {
                Box::new(
                    SENSITIVE
                        .iter()
                        .map(|a| a.to_string())
                        .chain(every_action(catalog)),
                )
            } else if let Some((prefix, rest)) = pattern.split_once(':')
                && let Some(service) = catalog.service(prefix)
            {
                Box::new(
                    service
                        .matching(rest)
                        .into_iter()
                        .map(move |a| format!("{}:{}", service.prefix, a.name)),
                )
            } else {
                Box::new(std::iter::empty())
            };
            expanded
        })),
        Some(list) => Box::new(
            SENSITIVE
                .iter()
                .map(|a| a.to_string())
                .chain(every_action(catalog))
                .filter(move |a| list.covers_action(a) == Some(true)),
        ),
        None => Box::new(std::iter::empty()),
    }
}

fn every_action(catalog: &'static Catalog) -> impl Iterator<Item = String> {
    catalog
        .services()
        .flat_map(|s| s.actions.iter().map(move |a| format!("{}:{}", s.prefix, a.name)))
}

/// The kind of identity an ARN names.
fn kind_of(arn: &str) -> Option<Kind> {
    let resource = arn.splitn(6, ':').nth(5)?;
    if resource.starts_with("role/") {
        Some(Kind::Role)
    } else if resource.starts_with("user/") {
        Some(Kind::User)
    } else if resource.starts_with("group/") {
        Some(Kind::Group)
    } else {
        None
    }
}

/// The kinds a principal may be, with its ARN as each: a policy file alone may be held by
/// a role or a user.
fn kinds(principal: &Principal<'_, '_>) -> Vec<(Kind, String)> {
    // A policy no principal of the files holds may be attached to a role, a user or a group;
    // held by a group, its members act with it, and `iam:PutGroupPolicy` on that group (Rhino
    // Security Labs' method for a group the user is part of) edits their own permissions.
    if principal.visibility == Visibility::Standalone {
        return vec![
            (Kind::Role, format!("arn:aws:iam::{ACCOUNT}:role/standalone")),
            (Kind::User, format!("arn:aws:iam::{ACCOUNT}:user/standalone")),
            (Kind::Group, format!("arn:aws:iam::{ACCOUNT}:group/standalone")),
        ];
    }
    kind_of(&principal.arn)
        .map(|k| (k, principal.arn.clone()))
        .into_iter()
        .collect()
}

/// Whether `target` is in the account `actor` acts in, as far as the files say: a
/// template's principals are in one account with each other and with the principals of
/// the config; a policy file alone is judged alone.
fn in_scope(actor: &Principal<'_, '_>, target: &Principal<'_, '_>) -> bool {
    if target.visibility == Visibility::Standalone || actor.visibility == Visibility::Standalone {
        return false;
    }
    if actor.declared_as.is_some() || target.declared_as.is_some() {
        return true;
    }
    actor.file.is_some() && actor.file == target.file
}

/// A target that is not in the files, standing for any of its kind in the account.
fn outside(kind: Kind, service: Option<&str>) -> (Target, String) {
    let (what, arn) = match (kind, service) {
        (Kind::User, _) => ("any other IAM user of the account", "user/iamlint-any-user"),
        (Kind::Role, Some(_)) => (
            "a role of the account that trusts the service",
            "role/iamlint-any-role",
        ),
        (Kind::Role, None) => ("any role of the account", "role/iamlint-any-role"),
        (Kind::Group, _) => ("any group of the account", "group/iamlint-any-group"),
    };
    let what = match service {
        Some(service) if kind == Kind::Role => format!("{what} (`{service}`)"),
        _ => what.to_string(),
    };
    let arn = format!("arn:aws:iam::{ACCOUNT}:{arn}");
    (
        Target::Outside {
            what,
            arn: arn.clone(),
        },
        arn,
    )
}

/// The trust policies of a template role.
fn trust_policies<'m, 'a>(
    files: &'m [Option<FileModel<'a>>],
    principal: &Principal<'m, 'a>,
) -> Vec<&'m PolicyDocument<'a>> {
    let (Some(file), Some(id)) = (principal.file, principal.logical_id.as_deref()) else {
        return Vec::new();
    };
    let Some(Some(model)) = files.get(file) else {
        return Vec::new();
    };
    model
        .policies
        .iter()
        .filter(|d| d.kind == PolicyKind::Trust && d.owner.as_deref() == Some(id))
        .collect()
}

/// The ARNs of the customer managed policies a principal holds: the template's managed
/// policies attached to it; for a policy file alone, a principal of the config, or one
/// that holds policies from outside the template, a managed policy of the account.
fn held_policies(files: &[Option<FileModel<'_>>], principal: &Principal<'_, '_>) -> Vec<String> {
    let mut arns = Vec::new();
    let template = principal
        .file
        .and_then(|f| files.get(f)?.as_ref())
        .and_then(|m| m.template.as_ref());
    for doc in &principal.identity {
        let (Some(template), Some(owner)) = (template, doc.owner.as_deref()) else {
            continue;
        };
        let Some(resource) = template.resource(owner) else {
            continue;
        };
        if !resource.is_type(&["AWS::IAM::ManagedPolicy"]) {
            continue;
        }
        // A Terraform policy is named by its address; its `name` is not lowered.
        let name = resource
            .property("ManagedPolicyName")
            .and_then(Node::as_str)
            .unwrap_or_else(|| owner.strip_prefix("aws_iam_policy.").unwrap_or(owner));
        let arn = format!("arn:aws:iam::{ACCOUNT}:policy/{name}");
        if !arns.contains(&arn) {
            arns.push(arn);
        }
    }
    if principal.visibility != Visibility::Open {
        arns.push(format!("arn:aws:iam::{ACCOUNT}:policy/iamlint-held-policy"));
    }
    arns
}

/// The Lambda functions of the actor's template that run as a role of the run.
fn functions(project: &Project<'_, '_>, actor: &Principal<'_, '_>, scope: &[usize]) -> Vec<(Target, String)> {
    let Some(template) = actor
        .file
        .and_then(|f| project.files.get(f)?.as_ref())
        .and_then(|m| m.template.as_ref())
    else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for function in &template.resources {
        if !function.is_type(&["AWS::Lambda::Function"]) {
            continue;
        }
        let Some(role_id) = function.property("Role").and_then(role_reference) else {
            continue;
        };
        let Some(&role) = scope.iter().find(|&&t| {
            let p = &project.principals[t];
            p.file == actor.file && p.logical_id.as_deref() == Some(role_id.as_str())
        }) else {
            continue;
        };
        let name = function
            .property("FunctionName")
            .and_then(Node::as_str)
            .unwrap_or(function.logical_id);
        let arn = format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}");
        found.push((
            Target::Function {
                name: function.logical_id.to_string(),
                role,
            },
            arn,
        ));
    }
    found
}

/// The logical id of the role a `Role` property names: `!GetAtt Role.Arn`, `!Ref`.
fn role_reference(node: &Node) -> Option<String> {
    if let Some(target) = ref_target(node) {
        return Some(target);
    }
    let (function, operand) = node.intrinsic()?;
    if function != "Fn::GetAtt" {
        return None;
    }
    match operand.as_array() {
        Some([id, attribute]) if attribute.as_str() == Some("Arn") => id.as_str().map(str::to_string),
        Some(_) => None,
        None => operand.as_str()?.strip_suffix(".Arn").map(str::to_string),
    }
}

// ---------------------------------------------------------------------------------------
// The rule layer: findings from paths.

/// How findings name a principal of the run.
fn name_of(principal: &Principal<'_, '_>) -> String {
    principal
        .name
        .clone()
        .unwrap_or_else(|| "a principal that holds this policy".to_string())
}

fn describe_target(project: &Project<'_, '_>, target: &Target) -> String {
    match target {
        Target::Principal(t) => name_of(&project.principals[*t]),
        Target::Itself { .. } => "itself".to_string(),
        Target::HeldPolicy { arn } => format!("its managed policy `{arn}`"),
        Target::Function { name, role } => {
            format!(
                "function `{name}` (running as {})",
                name_of(&project.principals[*role])
            )
        }
        Target::Outside { what, .. } => what.clone(),
    }
}

/// The findings of one family: one per path, at the statement that allows its first
/// request; a statement that opens the same path for several principals (a managed policy
/// attached to three roles) is reported once, naming them.
pub fn report(family: Family, project: &Project<'_, '_>, out: &mut Vec<Diagnostic>) {
    let found = shared_paths(project);
    // One finding per statement and path (its route and what it gains), with the principals
    // it applies to, in the order found.
    type Key = (Span, String, Option<Witness>);
    let mut at: HashMap<Key, usize> = HashMap::new();
    let mut gathered: Vec<(&EscalationPath, Span, Vec<String>)> = Vec::new();
    for path in found.iter().filter(|p| p.family() == family) {
        let Some(anchor) = path.steps[0]
            .enabled_by
            .iter()
            .map(|(span, _)| *span)
            .find(|s| !is_synthetic(*s))
        else {
            continue;
        };
        let key = (anchor, route(project, path), path.witness.clone());
        let index = *at.entry(key).or_insert_with(|| {
            gathered.push((path, anchor, Vec::new()));
            gathered.len() - 1
        });
        let name = name_of(&project.principals[path.source]);
        if !gathered[index].2.contains(&name) {
            gathered[index].2.push(name);
        }
    }
    for (path, anchor, names) in gathered {
        let message = match names.len() {
            0 | 1 => describe(project, path),
            n if n <= NAMED => describe_as(project, path, &format!("each of {}", names.join(", "))),
            n => describe_as(
                project,
                path,
                &format!(
                    "each of {} and {} more",
                    names[..NAMED].join(", "),
                    crate::rules::budget::thousands(n - NAMED)
                ),
            ),
        };
        let mut diagnostic = Diagnostic::new(anchor, message).help(help(project, path));
        for (number, step) in path.steps.iter().enumerate() {
            for (span, what) in &step.enabled_by {
                if *span == anchor || is_synthetic(*span) {
                    continue;
                }
                diagnostic = diagnostic.label(*span, format!("step {}: {what}", number + 1));
            }
            if let Target::Principal(t) = &step.target
                && let Some(span) = project.principals[*t].span
            {
                diagnostic = diagnostic.label(span, format!("step {}: the target", number + 1));
            }
        }
        out.push(diagnostic);
    }
}

/// How many principals a finding names before it counts the rest.
const NAMED: usize = 5;

/// [`paths`] once per run for the five rules, which the engine runs side by side: the
/// first computes while the others wait, then they share it. A run is told from another by
/// a hash of its files' texts and its principals (a path holds indexes and spans, not
/// borrowed data, so sharing it is safe).
fn shared_paths(project: &Project<'_, '_>) -> Arc<Vec<EscalationPath>> {
    static LAST: Mutex<Option<(u64, Arc<Vec<EscalationPath>>)>> = Mutex::new(None);
    let key = fingerprint(project);
    let Ok(mut last) = LAST.lock() else {
        return Arc::new(paths(project));
    };
    if let Some((known, found)) = &*last
        && *known == key
    {
        return found.clone();
    }
    let found = Arc::new(paths(project));
    *last = Some((key, found.clone()));
    found
}

fn fingerprint(project: &Project<'_, '_>) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    project.files.len().hash(&mut hasher);
    for file in project.files {
        match file.as_ref().map(|f| f.texts) {
            None => 0u8.hash(&mut hasher),
            Some(Texts::One(text)) => text.hash(&mut hasher),
            Some(Texts::Many(texts)) => {
                for (id, text) in texts {
                    id.0.hash(&mut hasher);
                    text.hash(&mut hasher);
                }
            }
        }
    }
    for principal in &project.principals {
        principal.arn.hash(&mut hasher);
        principal.name.hash(&mut hasher);
        principal.declared_as.hash(&mut hasher);
        principal.file.hash(&mut hasher);
        (principal.visibility as u8).hash(&mut hasher);
        for doc in principal.own_documents().chain(principal.scps.iter().copied()) {
            doc.span.hash(&mut hasher);
        }
        principal.boundary.is_some().hash(&mut hasher);
    }
    hasher.finish()
}

/// `principal → method → target → method → target`, without the source.
fn route(project: &Project<'_, '_>, path: &EscalationPath) -> String {
    path.steps
        .iter()
        .map(|s| format!("→ `{}` → {}", s.method.name, describe_target(project, &s.target)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A path in a sentence: `privilege escalation path: role \`Dev\` → \`sts:AssumeRole\` → role
/// \`Admin\` (allowed ...)`, for findings here and in `iamlint diff`.
pub fn describe(project: &Project<'_, '_>, path: &EscalationPath) -> String {
    describe_as(project, path, &name_of(&project.principals[path.source]))
}

/// [`describe`], naming the source as `source`.
fn describe_as(project: &Project<'_, '_>, path: &EscalationPath, source: &str) -> String {
    let route = route(project, path);
    let gain = match (&path.witness, path.steps.last().map(|s| &s.target)) {
        (_, Some(Target::Itself { .. } | Target::HeldPolicy { .. })) => {
            "it may then grant itself any permission".to_string()
        }
        (Some(w), _) => format!(
            "allowed `{}` on `{}`, which {source} is not",
            w.action, w.resource
        ),
        (None, _) => "it may be an administrator".to_string(),
    };
    format!("privilege escalation path: {source} {route} ({gain})")
}

/// The requests that carry a path out, step by step, and how to close it.
pub fn help(project: &Project<'_, '_>, path: &EscalationPath) -> String {
    let mut steps = Vec::new();
    for (number, step) in path.steps.iter().enumerate() {
        let actor = name_of(&project.principals[step.actor]);
        let target = match &step.target {
            Target::Itself { arn } => format!("its own identity `{arn}`"),
            Target::Principal(t) => format!(
                "{} (`{}`)",
                name_of(&project.principals[*t]),
                project.principals[*t].arn
            ),
            other => describe_target(project, other),
        };
        steps.push(format!(
            "({}) as {actor}: {}",
            number + 1,
            step.method.steps.replace("{target}", &target)
        ));
    }
    format!(
        "the requests that carry it out: {}. To close it, remove the permission of the first step, scope its \
         `Resource` to principals that hold no more than this one, or deny it",
        steps.join("; ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DeclaredPrincipals, DocumentKind, principals};
    use crate::parse::{Syntax, parse};
    use crate::source::FileId;

    /// The paths of one template, as `source → method → target` lines.
    fn routes(template: &str) -> Vec<String> {
        let root = parse(FileId(0), template, Syntax::Yaml).unwrap();
        let files = vec![Some(FileModel::build(
            &root,
            template,
            DocumentKind::Template,
            None,
        ))];
        let project = Project {
            files: &files,
            principals: principals(&files, &DeclaredPrincipals::default()),
        };
        paths(&project)
            .iter()
            .map(|p| {
                format!(
                    "{} {} {}",
                    p.family().id(),
                    name_of(&project.principals[p.source]),
                    route(&project, p)
                )
            })
            .collect()
    }

    const ROLES: &str = r#"
Resources:
  Dev:
    Type: AWS::IAM::Role
    Properties:
      RoleName: dev
      AssumeRolePolicyDocument:
        Statement:
          - { Effect: Allow, Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: sts:AssumeRole }
      Policies:
        - PolicyName: p
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - { Effect: Allow, Action: ["s3:GetObject", "sts:AssumeRole"], Resource: "*" }
  Ops:
    Type: AWS::IAM::Role
    Properties:
      RoleName: ops
      AssumeRolePolicyDocument:
        Statement:
          - { Effect: Allow, Principal: { AWS: TRUSTED }, Action: sts:AssumeRole }
      Policies:
        - PolicyName: p
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              GRANTED
"#;

    /// Dev, allowed `s3:GetObject` and `sts:AssumeRole`, and Ops, trusting `trusted` and
    /// allowed `granted` (statements in YAML flow style) on `*`.
    fn roles(trusted: &str, granted: &[&str]) -> String {
        let statements: Vec<String> = granted
            .iter()
            .map(|s| {
                if s.starts_with('{') {
                    format!("- {s}")
                } else {
                    format!("- {{ Effect: Allow, Action: \"{s}\", Resource: \"*\" }}")
                }
            })
            .collect();
        ROLES
            .replace("TRUSTED", trusted)
            .replace("GRANTED", &statements.join("\n              "))
    }

    #[test]
    fn a_role_that_trusts_a_weaker_one_is_a_path() {
        assert_eq!(
            routes(&roles("arn:aws:iam::111122223333:role/dev", &["s3:*"])),
            ["escalation/assume-more-powerful role `Dev` → `sts:AssumeRole` → role `Ops`"]
        );
    }

    #[test]
    fn trust_must_let_the_caller_in_and_the_target_must_hold_more() {
        // Trusted by another account only: the identity policy's Allow is not enough.
        assert!(routes(&roles("arn:aws:iam::444455556666:root", &["s3:*"])).is_empty());
        // Trusted, but it holds nothing the caller lacks.
        assert!(routes(&roles("arn:aws:iam::111122223333:role/dev", &["s3:GetObject"])).is_empty());
    }

    #[test]
    fn a_role_that_edits_itself_is_more_powerful() {
        // Ops is allowed a request Dev is not (its own `iam:PutRolePolicy`): the path ends
        // there; testdata/escalation/assume-more-powerful/fail-chain.yaml has the chain.
        let found = routes(&roles(
            "arn:aws:iam::111122223333:role/dev",
            &[
                "s3:GetObject",
                r#"{ Effect: Allow, Action: "iam:PutRolePolicy", Resource: "arn:aws:iam::111122223333:role/ops" }"#,
            ],
        ));
        assert_eq!(
            found,
            [
                "escalation/assume-more-powerful role `Dev` → `sts:AssumeRole` → role `Ops`",
                "escalation/self-policy-edit role `Ops` → `iam:PutRolePolicy` → itself",
            ]
        );
    }

    #[test]
    fn an_administrator_gains_nothing() {
        let admin = r#"
Resources:
  Admin:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - { Effect: Allow, Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: sts:AssumeRole }
      Policies:
        - PolicyName: p
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - { Effect: Allow, Action: "*", Resource: "*" }
"#;
        assert!(routes(admin).is_empty());
    }
}
