//! `iamlint diff BASE HEAD`: the access that HEAD allows and BASE did not, with a request
//! that proves it. Both sides are read as `check` reads them (engine::analyze_project);
//! principals are paired by identity, resource-based policies and standalone documents by
//! location; each pair is searched over the finite request space of [`space`] with the
//! evaluator, and what differs becomes findings of `diff/new-access` (located at the HEAD
//! statement that grants it) and `diff/access-removed` (at the BASE statement that granted
//! it).

pub mod revision;
pub mod space;

use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};

use crate::catalog::{AccessLevel, Catalog};
use crate::config::Config;
use crate::discover::Input;
use crate::engine::{Buffers, Outcome, analyze_project};
use crate::eval::{
    Caller, Context, Decision, Evaluation, PolicySet, Request, Role, decide, evaluate_matching,
};
use crate::finding::{Finding, RequestExample, Severity};
use crate::model::{
    ACCOUNT, Effect, PolicyDocument, PolicyKind, Principal, Project, Statement, Visibility, allow_all,
    is_synthetic, scp_level,
};
use crate::parse::{Node, Value};
use crate::rules::{ANALYSIS_LIMIT, Registry};
use crate::source::{FileId, Span};
use space::{FRESH, Space};

pub const NEW_ACCESS: &str = "diff/new-access";
pub const ACCESS_REMOVED: &str = "diff/access-removed";
pub const NEW_ESCALATION: &str = "diff/new-escalation";

/// The account of the caller that no policy names, for resource-based policies.
const OTHER_ACCOUNT: &str = "444455556666";
/// How many actions a message names before it says how many more there are.
const NAMED_ACTIONS: usize = 5;

/// One side of a diff: what to read, and how its files are keyed and shown.
pub struct Side {
    pub inputs: Vec<Input>,
    /// Texts read from a git revision, found before the disk.
    pub buffers: Option<Buffers>,
    pub config: Option<Config>,
    /// Paths are keyed relative to it: the directory (or the file) named for the side.
    pub root: PathBuf,
    /// Shown before each path of the side (`origin/main:`), for a revision.
    pub shown_prefix: Option<String>,
}

/// What a diff found, ready for the `check` reporters.
pub struct DiffOutcome {
    pub outcome: Outcome,
    /// Files of `outcome.sources` from this id on are BASE's.
    pub base_files: u32,
    /// Files left out because they are the same on both sides.
    pub unchanged: usize,
    /// Requests evaluated (each against both sides).
    pub requests: usize,
    /// Pairs searched: principals and resource-based policies whose policies changed.
    pub searched: usize,
}

/// Compares two sides.
pub fn diff(base: &Side, head: &Side, registry: &'static Registry) -> Result<DiffOutcome, String> {
    let mut base_pruned;
    let mut head_pruned;
    let (base, head, unchanged) = if base.config.is_none() && head.config.is_none() {
        base_pruned = Side {
            inputs: Vec::new(),
            buffers: None,
            config: None,
            root: base.root.clone(),
            shown_prefix: base.shown_prefix.clone(),
        };
        head_pruned = Side {
            inputs: Vec::new(),
            buffers: None,
            config: None,
            root: head.root.clone(),
            shown_prefix: head.shown_prefix.clone(),
        };
        let unchanged = prune_unchanged(base, head, &mut base_pruned.inputs, &mut head_pruned.inputs);
        base_pruned.buffers = base.buffers.clone();
        (&base_pruned, &head_pruned, unchanged)
    } else {
        (base, head, 0)
    };
    let (head_side, base_outcome) = analyze_project(
        &base.inputs,
        base.buffers.as_ref(),
        registry,
        base.config.as_ref(),
        |base_project, base_paths| {
            analyze_project(
                &head.inputs,
                head.buffers.as_ref(),
                registry,
                head.config.as_ref(),
                |head_project, head_paths| {
                    let base_keys = Keys::new(base_paths, &base.root);
                    let head_keys = Keys::new(head_paths, &head.root);
                    let base_subjects = subjects(base_project, &base_keys);
                    let head_subjects = subjects(head_project, &head_keys);
                    let mut found = compare(&base_subjects, &head_subjects, registry);
                    let opened =
                        new_escalations((base_project, &base_keys), (head_project, &head_keys), registry);
                    found
                        .findings
                        .extend(opened.into_iter().map(|f| (Which::Head, f)));
                    found
                },
            )
        },
    )?;
    let (found, head_outcome) = head_side?;
    let mut outcome = head_outcome;
    let mut base_outcome = base_outcome;
    if let Some(prefix) = &base.shown_prefix {
        base_outcome.sources.prefix_paths(prefix);
    }
    if let Some(prefix) = &head.shown_prefix {
        outcome.sources.prefix_paths(prefix);
    }
    let offset = outcome.sources.append(std::mem::take(&mut base_outcome.sources));
    let base_files = offset;
    let moved = |span: Span| Span {
        file: FileId(span.file.0 + offset),
        ..span
    };
    // Parse errors of either side: a file that cannot be read is not compared.
    for mut finding in base_outcome.findings {
        finding.span = moved(finding.span);
        outcome.findings.push(finding);
    }
    outcome
        .redactions
        .extend(base_outcome.redactions.into_iter().map(moved));
    outcome.redactions = crate::secrets::merged(std::mem::take(&mut outcome.redactions));
    outcome.notes.extend(base_outcome.notes);
    outcome.files_checked += base_outcome.files_checked;
    for (side, mut finding) in found.findings {
        if side == Which::Base {
            finding.span = moved(finding.span);
        }
        outcome.findings.push(finding);
    }
    outcome.sort();
    Ok(DiffOutcome {
        outcome,
        base_files,
        unchanged,
        requests: found.requests,
        searched: found.searched,
    })
}

/// Without a config every file (a Terraform module: every `.tf` file of its directory)
/// stands alone: one whose text is the same on both sides holds the same principals and
/// policies, and is left out of both. Returns how many files were left out of each side.
fn prune_unchanged(base: &Side, head: &Side, base_out: &mut Vec<Input>, head_out: &mut Vec<Input>) -> usize {
    fn texts(side: &Side) -> Vec<(String, Option<std::sync::Arc<str>>)> {
        let keys: Vec<String> = side.inputs.iter().map(Input::display).collect();
        let keys = Keys::new(&keys, &side.root);
        side.inputs
            .iter()
            .enumerate()
            .map(|(i, input)| {
                let text = match input {
                    Input::File { path, .. } => side
                        .buffers
                        .as_ref()
                        .and_then(|b| b.get(path).cloned())
                        .or_else(|| std::fs::read_to_string(path).ok().map(std::sync::Arc::from)),
                    _ => None,
                };
                let key = keys.of(FileId(i as u32));
                // A module is keyed by its directory: its files by their name within it.
                let key = match input {
                    Input::File { path, .. } if path.extension().is_some_and(|e| e == "tf") => format!(
                        "{key}/{}",
                        path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()
                    ),
                    _ => key,
                };
                (key, text)
            })
            .collect()
    }
    let base_texts = texts(base);
    let head_texts = texts(head);
    let base_by_key: HashMap<&str, &Option<std::sync::Arc<str>>> =
        base_texts.iter().map(|(k, t)| (k.as_str(), t)).collect();
    let head_by_key: HashMap<&str, &Option<std::sync::Arc<str>>> =
        head_texts.iter().map(|(k, t)| (k.as_str(), t)).collect();
    let same = |key: &str| match (base_by_key.get(key), head_by_key.get(key)) {
        (Some(Some(a)), Some(Some(b))) => a == b,
        _ => false,
    };
    // A module is unchanged when every `.tf` file of its directory is, on both sides.
    let module = |key: &str| key.rsplit_once('/').map(|(dir, _)| dir.to_string());
    let mut changed_modules: std::collections::HashSet<String> = std::collections::HashSet::new();
    for (key, _) in base_texts.iter().chain(&head_texts) {
        if key.ends_with(".tf") && !same(key) {
            changed_modules.extend(module(key));
        }
    }
    let keep = |key: &str| {
        if key.ends_with(".tf") {
            module(key).is_some_and(|m| changed_modules.contains(&m))
        } else {
            !same(key)
        }
    };
    let mut unchanged = 0;
    for (side, texts, out) in [(base, &base_texts, base_out), (head, &head_texts, head_out)] {
        for (input, (key, _)) in side.inputs.iter().zip(texts) {
            if keep(key) {
                out.push(input.clone());
            } else if std::ptr::eq(side, head) {
                unchanged += 1;
            }
        }
    }
    unchanged
}

/// How the files of a side are keyed: their path relative to the side's root, a
/// Terraform file by its module (directory).
struct Keys<'p> {
    paths: &'p [String],
    root: PathBuf,
}

impl<'p> Keys<'p> {
    fn new(paths: &'p [String], root: &Path) -> Keys<'p> {
        Keys {
            paths,
            root: normal(root),
        }
    }

    fn of(&self, file: FileId) -> String {
        let Some(path) = self.paths.get(file.0 as usize) else {
            return String::new();
        };
        let path = normal(Path::new(path));
        let relative = path.strip_prefix(&self.root).unwrap_or(&path);
        let relative = if path.extension().is_some_and(|e| e == "tf") {
            relative.parent().unwrap_or(Path::new(""))
        } else {
            relative
        };
        let key = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        // The root itself: the file of a two-file diff, or the module at the root.
        if key.is_empty() { ".".to_string() } else { key }
    }
}

/// A path without `.` components.
fn normal(path: &Path) -> PathBuf {
    path.components().filter(|c| *c != Component::CurDir).collect()
}

/// A principal or a resource-based policy, as one side has it.
struct Subject<'x, 'a> {
    key: String,
    /// A policy document no principal holds, judged alone.
    standalone: bool,
    /// How messages name it.
    name: String,
    kind: SubjectKind<'x, 'a>,
}

enum SubjectKind<'x, 'a> {
    Principal {
        identity: Vec<&'x PolicyDocument<'a>>,
        boundary: Option<Vec<&'x PolicyDocument<'a>>>,
        scps: Vec<&'x PolicyDocument<'a>>,
        arn: String,
    },
    Resource {
        document: &'x PolicyDocument<'a>,
        /// The ARN of the resource that holds it, when iamlint knows it (a role).
        holder: Option<String>,
    },
}

impl<'x, 'a> Subject<'x, 'a> {
    fn documents(&self) -> Vec<&'x PolicyDocument<'a>> {
        match &self.kind {
            SubjectKind::Principal {
                identity,
                boundary,
                scps,
                ..
            } => identity
                .iter()
                .chain(boundary.iter().flatten())
                .chain(scps)
                .copied()
                .collect(),
            SubjectKind::Resource { document, .. } => vec![*document],
        }
    }

    /// What decides its requests, written out: two subjects with the same are the same.
    fn content(&self) -> serde_json::Value {
        let docs = |docs: &[&PolicyDocument<'_>]| -> Vec<serde_json::Value> {
            docs.iter()
                .filter(|d| !is_synthetic(d.span))
                .map(|d| d.source.to_json())
                .collect()
        };
        match &self.kind {
            SubjectKind::Principal {
                identity,
                boundary,
                scps,
                arn,
            } => serde_json::json!([docs(identity), boundary.as_deref().map(docs), docs(scps), arn]),
            SubjectKind::Resource { document, holder } => {
                serde_json::json!([document.source.to_json(), holder])
            }
        }
    }
}

/// A side's principals and resource-based policies, keyed.
struct Subjects<'x, 'a> {
    all: Vec<Subject<'x, 'a>>,
    /// The keys a standalone document would have, of the documents a principal holds: a
    /// managed policy that stops being a boundary (or attached) on the other side stands
    /// alone there, and is not new access of its own.
    held: std::collections::HashSet<String>,
}

/// Every principal and resource-based policy of a side, keyed.
fn subjects<'x, 'a>(project: &Project<'x, 'a>, keys: &Keys<'_>) -> Subjects<'x, 'a> {
    let mut held = std::collections::HashSet::new();
    for principal in project
        .principals
        .iter()
        .filter(|p| p.visibility != Visibility::Standalone)
    {
        // Keyed as `principal_identity` keys the standalone principal the document makes
        // when nothing holds it: a policy that stops (or starts) being held, as a boundary
        // or an identity policy, is not new (or removed) access of its own.
        for document in principal.own_documents() {
            let file = keys.of(document.span.file);
            held.insert(match &document.owner {
                Some(owner) => format!("{file}#{owner}"),
                None => file,
            });
        }
    }
    let mut out = Vec::new();
    let mut taken: HashMap<String, usize> = HashMap::new();
    let mut unique = |key: String| -> String {
        let n = taken.entry(key.clone()).or_insert(0);
        *n += 1;
        if *n == 1 { key } else { format!("{key}#{n}") }
    };
    let mut role_arns: HashMap<(FileId, String), String> = HashMap::new();
    for principal in &project.principals {
        let first = principal
            .span
            .or_else(|| principal.identity.first().map(|d| d.span))
            .or_else(|| principal.scps.first().map(|d| d.span));
        let Some(first) = first else { continue };
        let (key, name) = principal_identity(principal, keys, first);
        if let (Some(id), Some(span)) = (&principal.logical_id, principal.span) {
            role_arns.insert((span.file, id.clone()), principal.arn.clone());
        }
        out.push(Subject {
            key: unique(key),
            standalone: principal.visibility == Visibility::Standalone,
            name,
            kind: SubjectKind::Principal {
                identity: principal.identity.clone(),
                boundary: principal.boundary.clone(),
                scps: principal.scps.clone(),
                arn: principal.arn.clone(),
            },
        });
    }
    for file in project.files.iter().flatten() {
        for document in &file.policies {
            let noun = match document.kind {
                PolicyKind::Trust => "trust policy",
                PolicyKind::KeyPolicy => "key policy",
                PolicyKind::Resource => "resource policy",
                _ => continue,
            };
            let file_key = keys.of(document.span.file);
            let (key, name) = match &document.owner {
                Some(owner) => (
                    format!("{file_key}#{owner}#{noun}"),
                    format!("the {noun} of `{owner}`"),
                ),
                None => (
                    format!("{file_key}#{noun}"),
                    format!("the {noun} in `{file_key}`"),
                ),
            };
            let holder = match (document.kind, &document.owner) {
                (PolicyKind::Trust, Some(owner)) => Some(
                    role_arns
                        .get(&(document.span.file, owner.clone()))
                        .cloned()
                        .unwrap_or_else(|| format!("arn:aws:iam::{ACCOUNT}:role/{owner}")),
                ),
                _ => None,
            };
            out.push(Subject {
                key: unique(key),
                standalone: false,
                name,
                kind: SubjectKind::Resource { document, holder },
            });
        }
    }
    Subjects { all: out, held }
}

/// A principal's key and the name messages give it.
fn principal_identity(principal: &Principal<'_, '_>, keys: &Keys<'_>, first: Span) -> (String, String) {
    if let Some(declared) = &principal.declared_as {
        return (format!("principal {declared}"), format!("principal `{declared}`"));
    }
    let file_key = keys.of(first.file);
    match (&principal.logical_id, &principal.name) {
        (Some(id), Some(name)) => (format!("{file_key}#{id}"), name.clone()),
        _ if principal.visibility == Visibility::Standalone => {
            let owner = principal
                .identity
                .first()
                .or(principal.scps.first())
                .and_then(|d| d.owner.clone());
            match owner {
                Some(owner) => (format!("{file_key}#{owner}"), format!("the policy `{owner}`")),
                None => (file_key.clone(), format!("the policy in `{file_key}`")),
            }
        }
        _ => (file_key.clone(), format!("the principal in `{file_key}`")),
    }
}

/// The escalation paths HEAD opens: a path of the `escalation/` rules' analysis on HEAD whose
/// source principal (matched by identity, as subjects are) had no path of the same family
/// on BASE. One finding per path, at the statement that allows its first step, labelled
/// with the statements behind every step.
fn new_escalations(
    base: (&Project<'_, '_>, &Keys<'_>),
    head: (&Project<'_, '_>, &Keys<'_>),
    registry: &'static Registry,
) -> Vec<Finding> {
    use crate::rules::escalation::{self, EscalationPath};
    let key = |(project, keys): (&Project<'_, '_>, &Keys<'_>), path: &EscalationPath| {
        let principal = &project.principals[path.source];
        let first = principal
            .span
            .or_else(|| principal.identity.first().map(|d| d.span))
            .or_else(|| principal.scps.first().map(|d| d.span))?;
        let (identity, _) = principal_identity(principal, keys, first);
        Some((identity, path.family().id()))
    };
    let before: std::collections::HashSet<(String, &str)> = escalation::paths(base.0)
        .iter()
        .filter_map(|path| key(base, path))
        .collect();
    let mut out = Vec::new();
    for path in escalation::paths(head.0) {
        let Some(identity) = key(head, &path) else {
            continue;
        };
        if before.contains(&identity) {
            continue;
        }
        let mut enabling = path.steps.iter().flat_map(|step| step.enabled_by.iter());
        let Some((span, _)) = enabling.next() else {
            continue;
        };
        let labels = enabling
            .map(|(span, message)| crate::finding::Label {
                span: *span,
                message: message.clone(),
            })
            .collect();
        out.push(Finding {
            rule: registry.id(NEW_ESCALATION),
            severity: registry
                .get(NEW_ESCALATION)
                .map_or(Severity::Error, |r| r.meta.severity),
            span: *span,
            message: format!("this change opens a {}", escalation::describe(head.0, &path)),
            help: Some(escalation::help(head.0, &path)),
            labels,
            logical_location: String::new(),
            fix: None,
            request: None,
        });
    }
    out
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Which {
    Base,
    Head,
}

struct Found {
    findings: Vec<(Which, Finding)>,
    requests: usize,
    searched: usize,
}

/// Pairs the subjects of both sides by key and searches each pair that changed.
fn compare(base: &Subjects<'_, '_>, head: &Subjects<'_, '_>, registry: &'static Registry) -> Found {
    let base_by_key: HashMap<&str, &Subject<'_, '_>> = base.all.iter().map(|s| (s.key.as_str(), s)).collect();
    let head_keys: std::collections::HashSet<&str> = head.all.iter().map(|s| s.key.as_str()).collect();
    let mut pairs: Vec<(Option<&Subject<'_, '_>>, Option<&Subject<'_, '_>>)> = head
        .all
        .iter()
        .filter(|h| base_by_key.contains_key(h.key.as_str()) || !(h.standalone && base.held.contains(&h.key)))
        .map(|h| (base_by_key.get(h.key.as_str()).copied(), Some(h)))
        .collect();
    pairs.extend(
        base.all
            .iter()
            .filter(|b| !(head_keys.contains(b.key.as_str()) || b.standalone && head.held.contains(&b.key)))
            .map(|b| (Some(b), None)),
    );
    let mut found = Found {
        findings: Vec::new(),
        requests: 0,
        searched: 0,
    };
    for (b, h) in pairs {
        if let (Some(b), Some(h)) = (b, h)
            && b.content() == h.content()
        {
            continue;
        }
        found.searched += 1;
        search_pair(b, h, registry, &mut found);
    }
    found
}

/// One caller's view of a pair: the policy set of each side.
struct Trial<'x, 'a> {
    caller: Caller,
    base: Option<PolicySet<'x, 'a>>,
    head: Option<PolicySet<'x, 'a>>,
}

fn policy_set<'x, 'a>(subject: &Subject<'x, 'a>, caller: &Caller) -> PolicySet<'x, 'a> {
    match &subject.kind {
        SubjectKind::Principal {
            identity,
            boundary,
            scps,
            ..
        } => PolicySet {
            identity: identity.clone(),
            boundary: boundary.clone(),
            scps: if scps.is_empty() {
                Vec::new()
            } else {
                vec![scp_level(scps.clone())]
            },
            ..PolicySet::default()
        },
        SubjectKind::Resource { document, .. } => {
            // A caller of another account holds whatever its own account grants it: only
            // the resource policy is in question. A caller of this account holds nothing
            // but what the resource policy grants it.
            let cross_account = caller.service.is_none() && caller.account != ACCOUNT;
            PolicySet {
                identity: if cross_account {
                    vec![allow_all()]
                } else {
                    Vec::new()
                },
                resource: vec![*document],
                cross_account,
                ..PolicySet::default()
            }
        }
    }
}

/// The callers worth trying against a resource-based policy: each principal either side
/// names, and one of this account and one of another account that neither names.
fn callers(subjects: &[&Subject<'_, '_>]) -> Vec<Caller> {
    let mut arns: Vec<String> = vec![
        format!("arn:aws:iam::{ACCOUNT}:role/{FRESH}"),
        format!("arn:aws:iam::{OTHER_ACCOUNT}:role/{FRESH}"),
    ];
    for subject in subjects {
        let SubjectKind::Resource { document, .. } = &subject.kind else {
            continue;
        };
        for statement in document.statement_nodes() {
            for element in ["Principal", "NotPrincipal"] {
                let Some(principal) = statement.get(element) else {
                    continue;
                };
                for (kind, name) in principal_names(principal) {
                    match kind.as_str() {
                        "AWS" if name == "*" => {}
                        "AWS" if name.len() == 12 && name.bytes().all(|b| b.is_ascii_digit()) => {
                            arns.push(format!("arn:aws:iam::{name}:role/{FRESH}"));
                        }
                        "AWS" if name.starts_with("arn:") => {
                            match name.strip_suffix(":root").and_then(|a| a.rsplit(':').next()) {
                                Some(account) => arns.push(format!("arn:aws:iam::{account}:role/{FRESH}")),
                                None => arns.push(name.replace('*', FRESH)),
                            }
                        }
                        "Service" => arns.push(name),
                        _ => {}
                    }
                }
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    arns.retain(|a| seen.insert(a.clone()));
    arns.iter().map(|a| crate::simulate::caller_from_arn(a)).collect()
}

/// The `(type, name)` pairs of a `Principal` element; `*` as `("AWS", "*")`.
fn principal_names(element: &Node) -> Vec<(String, String)> {
    let text = |node: &Node| match &node.value {
        Value::String(s) | Value::Number(s) => Some(s.clone()),
        _ => None,
    };
    if element.as_str() == Some("*") {
        return vec![("AWS".to_string(), "*".to_string())];
    }
    let mut out = Vec::new();
    for entry in element.as_object().unwrap_or_default() {
        let values: Vec<&Node> = match &entry.value.value {
            Value::Array(items) => items.iter().collect(),
            _ => vec![&entry.value],
        };
        out.extend(
            values
                .into_iter()
                .filter_map(text)
                .map(|v| (entry.key.clone(), v)),
        );
    }
    out
}

/// The first request of a class each direction found, with the trial it was found in.
#[derive(Default)]
struct ClassResult {
    new: Option<Hit>,
    removed: Option<Hit>,
}

/// A request that tells the sides apart: the request, its trial and its context's index
/// in the space.
#[derive(Clone)]
struct Hit {
    request: Request,
    trial: usize,
    /// The class's [`space::Contexts`], and the combination in it.
    contexts: usize,
    context: usize,
}

fn search_pair(
    base: Option<&Subject<'_, '_>>,
    head: Option<&Subject<'_, '_>>,
    registry: &'static Registry,
    found: &mut Found,
) {
    let sides: Vec<&Subject<'_, '_>> = base.iter().chain(head.iter()).copied().collect();
    let Some(named) = head.or(base) else { return };
    let base_docs = base.map(Subject::documents).unwrap_or_default();
    let head_docs = head.map(Subject::documents).unwrap_or_default();
    let statements = base_docs
        .iter()
        .chain(&head_docs)
        .flat_map(|d| d.statements.iter());
    let holders: Vec<String> = sides
        .iter()
        .filter_map(|s| match &s.kind {
            SubjectKind::Resource { holder, .. } => holder.clone(),
            SubjectKind::Principal { .. } => None,
        })
        .collect();
    let space = Space::of(statements, &holders);
    let callers = match &named.kind {
        SubjectKind::Principal { arn, .. } => vec![Caller {
            arn: arn.clone(),
            account: ACCOUNT.to_string(),
            service: None,
        }],
        SubjectKind::Resource { .. } => callers(&sides),
    };
    let trials: Vec<Trial<'_, '_>> = callers
        .into_iter()
        .map(|caller| Trial {
            base: base.map(|s| policy_set(s, &caller)),
            head: head.map(|s| policy_set(s, &caller)),
            caller,
        })
        .collect();
    let decide_on = |set: &Option<PolicySet<'_, '_>>, request: &Request| {
        set.as_ref()
            .map_or(Decision::ImplicitDeny, |set| decide(set, request))
    };
    let mut results: Vec<ClassResult> = space.classes.iter().map(|_| ClassResult::default()).collect();
    for (t, trial) in trials.iter().enumerate() {
        for (class, result) in space.classes.iter().zip(&mut results) {
            if result.new.is_some() && result.removed.is_some() {
                continue;
            }
            'resources: for resource in &class.resources {
                for (c, values) in space.contexts[class.contexts].combinations.iter().enumerate() {
                    let request = make_request(&class.actions[0], resource, &trial.caller, values);
                    found.requests += 1;
                    let b = decide_on(&trial.base, &request);
                    let h = decide_on(&trial.head, &request);
                    let hit = || Hit {
                        request: request.clone(),
                        trial: t,
                        contexts: class.contexts,
                        context: c,
                    };
                    if h == Decision::Allow && b != Decision::Allow && result.new.is_none() {
                        result.new = Some(hit());
                    } else if b == Decision::Allow && h != Decision::Allow && result.removed.is_none() {
                        result.removed = Some(hit());
                    }
                    if result.new.is_some() && result.removed.is_some() {
                        break 'resources;
                    }
                }
            }
        }
    }
    // Findings grouped by the statement that grants (HEAD) or granted (BASE) the access.
    let mut groups: BTreeMap<(bool, Span), Vec<(String, Hit)>> = BTreeMap::new();
    for (class, result) in space.classes.iter().zip(&results) {
        for (removed, hit) in [(false, &result.new), (true, &result.removed)] {
            let Some(hit) = hit else { continue };
            let trial = &trials[hit.trial];
            let set = if removed { &trial.base } else { &trial.head };
            let Some(set) = set else { continue };
            let evaluation = evaluate_matching(set, &hit.request);
            let span = evaluation
                .trace
                .iter()
                .filter(|e| e.applies && e.effect == Effect::Allow && !is_synthetic(e.span))
                .min_by_key(|e| match e.role {
                    Role::Identity | Role::Resource => 0,
                    _ => 1,
                })
                .map(|e| e.span);
            let Some(span) = span else { continue };
            let group = groups.entry((removed, span)).or_default();
            for action in &class.actions {
                let mut hit = hit.clone();
                hit.request.action = action.clone();
                group.push((action.clone(), hit));
            }
        }
    }
    let statements: HashMap<(bool, Span), &Statement> = [(false, &head_docs), (true, &base_docs)]
        .into_iter()
        .flat_map(|(removed, docs)| {
            docs.iter()
                .flat_map(|d| d.statements.iter())
                .map(move |s| ((removed, s.span), s))
        })
        .collect();
    for ((removed, span), mut hits) in groups {
        // The high actions first: they are what a reviewer must see among thousands.
        hits.sort_by(|a, b| (!high_action(&a.0), &a.0).cmp(&(!high_action(&b.0), &b.0)));
        let statement = statements.get(&(removed, span)).copied();
        let finding = group_finding(named, removed, span, &hits, statement, &space, registry);
        found
            .findings
            .push((if removed { Which::Base } else { Which::Head }, finding));
    }
    if space.contexts.iter().any(|c| c.cut)
        && let Some(span) = head_docs.first().or(base_docs.first()).map(|d| d.span)
    {
        let which = if head_docs.is_empty() {
            Which::Base
        } else {
            Which::Head
        };
        found.findings.push((
            which,
            Finding {
                rule: registry.id(ANALYSIS_LIMIT),
                severity: registry
                    .get(ANALYSIS_LIMIT)
                    .map_or(Severity::Error, |r| r.meta.severity),
                span,
                message: format!(
                    "`diff` compared {} with each condition key varied alone for some actions: all combinations of the values of the keys of the statements that cover them are more than {}",
                    named.name,
                    space::MAX_CONTEXTS
                ),
                help: None,
                labels: Vec::new(),
                logical_location: String::new(),
                fix: None,
                request: None,
            },
        ));
    }
}

fn make_request(action: &str, resource: &str, caller: &Caller, values: &space::ContextValues) -> Request {
    Request {
        action: action.to_string(),
        resource: resource.to_string(),
        caller: caller.clone(),
        context: context_of(values, caller),
    }
}

/// The context of a request: the enumerated keys, then the keys that follow from the
/// caller (as `Probe::request` sets them).
fn context_of(values: &space::ContextValues, caller: &Caller) -> Context {
    let mut context = Context::new();
    for (key, values) in written_context(values, caller) {
        context.set(&key, values);
    }
    context
}

/// The keys of a request's context with their written names, in order.
fn written_context(values: &space::ContextValues, caller: &Caller) -> space::ContextValues {
    let mut out = values.clone();
    if caller.service.is_none() {
        out.push(("aws:PrincipalArn".to_string(), vec![caller.arn.clone()]));
        out.push(("aws:PrincipalAccount".to_string(), vec![caller.account.clone()]));
    }
    out
}

/// The condition keys of an example as a message says them: the values it carries and
/// the keys of either side it leaves out.
fn conditions(values: &space::ContextValues, keys: &[String]) -> String {
    let parts: Vec<String> = values
        .iter()
        .map(|(key, values)| match values.as_slice() {
            [one] => format!("`{key}` = `{one}`"),
            many => format!(
                "`{key}` = [{}]",
                many.iter()
                    .map(|v| format!("`{v}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })
        .collect();
    let absent: Vec<String> = keys
        .iter()
        .filter(|k| !values.iter().any(|(key, _)| key == *k))
        .map(|k| format!("`{k}`"))
        .collect();
    let mut text = String::new();
    if !parts.is_empty() {
        text.push_str(&format!(" with {}", parts.join(", ")));
    }
    if !absent.is_empty() {
        text.push_str(&format!(
            "{} without {}",
            if parts.is_empty() { "" } else { "," },
            absent.join(", ")
        ));
    }
    text
}

/// Whether access to an action is "high" (issue 15): IAM actions that change
/// permissions or identities (not List or Read), assuming a role, decrypting with a KMS
/// key, reading a secret's value.
pub fn high_action(action: &str) -> bool {
    let lower = action.to_ascii_lowercase();
    if lower.starts_with("sts:assumerole")
        || lower == "kms:decrypt"
        || lower == "secretsmanager:getsecretvalue"
    {
        return true;
    }
    lower.starts_with("iam:")
        && Catalog::global()
            .action(action)
            .is_none_or(|(_, a)| !matches!(a.access, AccessLevel::List | AccessLevel::Read))
}

/// Whether a statement grants on every resource: `Resource: "*"` or a `NotResource`.
fn wildcard_resource(statement: &Statement) -> bool {
    statement
        .resource
        .as_ref()
        .is_some_and(|r| r.negated || r.items.iter().any(|i| i.text.as_deref() == Some("*")))
}

fn group_finding(
    subject: &Subject<'_, '_>,
    removed: bool,
    span: Span,
    hits: &[(String, Hit)],
    statement: Option<&Statement>,
    space: &Space,
    registry: &'static Registry,
) -> Finding {
    let actions: Vec<&str> = hits.iter().map(|(a, _)| a.as_str()).collect();
    let named = actions
        .iter()
        .take(NAMED_ACTIONS)
        .map(|a| format!("`{a}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let more = match actions.len().saturating_sub(NAMED_ACTIONS) {
        0 => String::new(),
        n => format!(" and {n} more"),
    };
    let count = match actions.len() {
        1 => "1 action".to_string(),
        n => format!("{n} actions"),
    };
    // The example: a high action when there is one, else the first.
    let hit = &hits.iter().find(|(a, _)| high_action(a)).unwrap_or(&hits[0]).1;
    let example = &hit.request;
    let what = match (&subject.kind, removed) {
        (SubjectKind::Resource { .. }, false) => format!(
            "{} now allows `{}` {count} it did not before",
            subject.name, example.caller.arn
        ),
        (SubjectKind::Resource { .. }, true) => format!(
            "{} no longer allows `{}` {count} it did before",
            subject.name, example.caller.arn
        ),
        (SubjectKind::Principal { .. }, false) => {
            format!("{} may now call {count} it could not before", subject.name)
        }
        (SubjectKind::Principal { .. }, true) => {
            format!("{} may no longer call {count} it could before", subject.name)
        }
    };
    let message = format!(
        "{what}: {named}{more}; e.g. `{}` on `{}`{}",
        example.action,
        example.resource,
        conditions(
            &space.contexts[hit.contexts].combinations[hit.context],
            &space.contexts[hit.contexts].keys
        )
    );
    let high =
        !removed && (actions.iter().any(|a| high_action(a)) || statement.is_some_and(wildcard_resource));
    let (rule, severity) = if removed {
        (ACCESS_REMOVED, Severity::Info)
    } else if high {
        (NEW_ACCESS, Severity::Error)
    } else {
        (NEW_ACCESS, Severity::Warning)
    };
    let example = example_of(hit, space, &subject.key);
    let replay = example.to_json().to_string();
    let help = if removed {
        format!("BASE allowed and HEAD denies this request (`iamlint simulate --request` reads it): {replay}")
    } else {
        format!(
            "BASE denies and HEAD allows this request (`iamlint simulate --request` reads it): {replay}{}",
            if high {
                "; high: it reaches IAM, role assumption, decryption, a secret's value or every resource"
            } else {
                ""
            }
        )
    };
    Finding {
        rule: registry.id(rule),
        severity: registry.get(rule).map_or(severity, |_| severity),
        span,
        message,
        help: Some(help),
        labels: Vec::new(),
        logical_location: String::new(),
        fix: None,
        request: Some(Box::new(example)),
    }
}

/// A request as `simulate --request` reads it.
fn example_of(hit: &Hit, space: &Space, subject: &str) -> RequestExample {
    let context = written_context(
        &space.contexts[hit.contexts].combinations[hit.context],
        &hit.request.caller,
    );
    RequestExample {
        action: hit.request.action.clone(),
        resource: hit.request.resource.clone(),
        principal: hit.request.caller.arn.clone(),
        multivalued: context
            .iter()
            .map(|(k, _)| space.multivalued.contains(k))
            .collect(),
        context,
        subject: subject.to_string(),
    }
}

/// What `iamlint simulate --in PATH --subject KEY` evaluates against.
pub struct Replay {
    pub evaluations: Vec<Evaluation>,
    pub sources: crate::source::SourceMap,
}

/// Evaluates requests against one principal or resource-based policy of a path (a
/// template, a Terraform module, a directory with its `.iamlint.toml`), selected by the
/// key `diff` gives it and with the policy set `diff` gives it: the replay of a
/// `diff` finding's `request`.
pub fn replay(
    path: &Path,
    config: Option<&Config>,
    key: &str,
    requests: &[Request],
    registry: &'static Registry,
) -> Result<Replay, String> {
    let inputs = crate::discover::discover(&[path.to_path_buf()], "<stdin>", &Default::default());
    let (evaluations, outcome) = analyze_project(&inputs, None, registry, config, |project, paths| {
        let subjects = subjects(project, &Keys::new(paths, path));
        let Some(subject) = subjects.all.iter().find(|s| s.key == key) else {
            let keys: Vec<&str> = subjects.all.iter().map(|s| s.key.as_str()).collect();
            return Err(format!(
                "{}: no principal or resource-based policy `{key}`; there are: {}",
                path.display(),
                keys.join(", ")
            ));
        };
        Ok(requests
            .iter()
            .map(|request| crate::eval::evaluate(&policy_set(subject, &request.caller), request))
            .collect::<Vec<_>>())
    })?;
    Ok(Replay {
        evaluations: evaluations?,
        sources: outcome.sources,
    })
}
