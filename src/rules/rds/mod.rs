//! Rules about RDS-managed master passwords. This module owns what they share: which
//! actions accept `rds:ManageMasterUserPassword`, how a condition on that key is decided
//! for a given request, which statements are guards, and how a template's
//! `MasterUserPassword` is classified.

pub(in crate::rules) mod edit;
pub mod guard_bypass_modify;
pub mod guard_incomplete;
pub mod guard_inverted;
pub mod hardcoded_master_password;
pub mod managed_password_unsupported;
pub mod master_password_not_managed;
pub mod missing_kms_key_permissions;
pub mod missing_rotate_permission;
pub mod missing_secret_permissions;

pub use super::probe::deciding;
use std::collections::{HashMap, HashSet};

use super::probe::{Probe, REGION, Unseen, context, places};
use crate::eval::{Context, Decision, Evaluation, Missed, Request, Role, TraceEntry, Variables, condition};
use crate::finding::Diagnostic;
use crate::fix::Fix;
use crate::model::{ACCOUNT, Effect, Principal, Resource, Statement, Template};
use crate::model::{FileModel, Project, Texts};
use crate::model::{Language, is_dynamic_reference, is_pseudo_parameter, is_synthetic, sub_variables};
use crate::parse::{Node, Value};
use crate::source::{FileId, Span};

pub const KEY: &str = "rds:ManageMasterUserPassword";

/// The actions that accept `rds:ManageMasterUserPassword`, from the catalog (the Service
/// Authorization Reference): ten as of the 2026 catalog.
pub fn key_actions() -> &'static [String] {
    static ACTIONS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    ACTIONS.get_or_init(|| {
        let mut actions = crate::catalog::Catalog::global().actions_accepting(KEY);
        // Creates first, then restores, then modifies: the order findings list them in.
        actions.sort_by_key(|a| (a.contains("Modify"), a.contains("Restore"), a.clone()));
        actions
    })
}

/// Key-accepting actions that create or restore an instance.
pub const INSTANCE_CREATES: [&str; 4] = [
    "rds:CreateDBInstance",
    "rds:RestoreDBInstanceFromS3",
    "rds:RestoreDBInstanceFromDBSnapshot",
    "rds:RestoreDBInstanceToPointInTime",
];

/// Key-accepting actions that create or restore a cluster.
pub const CLUSTER_CREATES: [&str; 2] = ["rds:CreateDBCluster", "rds:RestoreDBClusterFromS3"];

pub const MODIFY_INSTANCE: &str = "rds:ModifyDBInstance";
pub const MODIFY_CLUSTER: &str = "rds:ModifyDBCluster";

/// Key-accepting actions that create something that gets a new managed secret.
pub fn is_create_or_restore(action: &str) -> bool {
    !action.starts_with("rds:Modify")
}

/// The resource a probe of a key action is made on: a cluster for cluster actions, an
/// instance for the others.
pub fn probe_resource(action: &str) -> String {
    if action.contains("DBCluster") {
        format!("arn:aws:rds:{REGION}:{ACCOUNT}:cluster:probe-cluster")
    } else {
        format!("arn:aws:rds:{REGION}:{ACCOUNT}:db:probe-db")
    }
}

/// A request for a key-accepting action with `rds:ManageMasterUserPassword` set to
/// `value` (absent for `None`).
pub fn key_request(probe: &Probe<'_, '_>, action: &str, value: Option<bool>) -> Request {
    let context = match value {
        Some(v) => context(&[(KEY, if v { "true" } else { "false" })]),
        None => Context::new(),
    };
    probe.request(action, &probe_resource(action), context)
}

/// Whether any policy of the principal has a condition on the key: without one there is
/// no guard and no managed-only allow to reason about.
pub fn mentions_key(principal: &Principal<'_, '_>) -> bool {
    principal.statements().any(|s| s.clauses_on(KEY).next().is_some())
}

/// What a principal's guards do.
pub struct GuardReport<'m> {
    /// The guard statements of its policies, in document order.
    pub guards: Vec<&'m Statement>,
    /// The key actions the principal may still make with a hand-set password.
    pub gaps: Vec<Gap<'m>>,
    /// The key actions denied when the key is `false`.
    pub covered: Vec<&'static str>,
    /// For each covered action, the guard statement that denies it.
    pub denied_by: Vec<(&'static str, Span)>,
}

pub struct Gap<'m> {
    pub action: &'static str,
    /// The guard that names the action but does not deny it (its resource or another
    /// condition does not match), and why; `None` when no guard names the action.
    pub why: Option<(&'m Statement, GuardMiss)>,
    /// The statement that allows the request, when iamlint can see it.
    pub allowed_by: Option<Span>,
}

/// The guards of a principal and what they leave open, asked with the key `false` for
/// every key-accepting action; `None` when it has no guard. A principal whose policies are
/// not all visible is assumed to be allowed anything else, since the guard must hold
/// whatever else it is granted.
pub fn analyze_guards<'m>(principal: &Principal<'m, '_>) -> Option<GuardReport<'m>> {
    let mut guards: Vec<&'m Statement> = principal.statements().filter(|s| is_guard(s)).collect();
    if guards.is_empty() {
        return None;
    }
    guards.sort_by_key(|s| (s.span.file, s.span.start));
    guards.dedup_by_key(|s| s.span);
    let probe = Probe::new(principal, Unseen::AllowAll);
    let mut covered = Vec::new();
    let mut denied_by = Vec::new();
    let mut gaps = Vec::new();
    for action in key_actions() {
        let request = key_request(&probe, action, Some(false));
        match probe.decide(&request) {
            Decision::ExplicitDeny => {
                covered.push(action.as_str());
                // Which guard denies it: where a fix adds the actions of the same kind.
                let evaluation = probe.evaluate(&request);
                if let Some(guard) = deciding(&evaluation, Effect::Deny) {
                    denied_by.push((action.as_str(), guard));
                }
            }
            Decision::ImplicitDeny => {}
            Decision::Allow => {
                // Only a gap needs the trace: which guard did not apply, and why.
                let evaluation = probe.evaluate(&request);
                // A guard whose action list holds an item iamlint cannot read (a
                // parameter) may well deny the action: no gap is claimed there.
                if guards.iter().any(|g| g.covers_action(action).is_none()) {
                    continue;
                }
                let why = guards.iter().find_map(|g| {
                    let entry = evaluation.trace.iter().find(|t| t.span == g.span)?;
                    (g.covers_action(action) == Some(true)).then(|| (*g, GuardMiss::of(action, entry)))
                });
                let allowed_by = evaluation
                    .trace
                    .iter()
                    .find(|t| {
                        t.applies
                            && t.effect == Effect::Allow
                            && t.role == Role::Identity
                            && !is_synthetic(t.span)
                    })
                    .map(|t| t.span);
                gaps.push(Gap {
                    action,
                    why,
                    allowed_by,
                });
            }
        }
    }
    Some(GuardReport {
        guards,
        gaps,
        covered,
        denied_by,
    })
}

/// Why a guard that names an action does not deny it, in the reader's terms: the
/// evaluator's own reason speaks of the probe request, which the reader never wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GuardMiss {
    /// Its `Resource` does not cover the ARNs of this kind (`DB instance`, `DB cluster`).
    Resource { kind: &'static str },
    /// It also requires a condition on another key.
    Condition { operator: String, key: String },
    /// Anything else, in the evaluator's words.
    Other(String),
}

impl GuardMiss {
    fn of(action: &str, entry: &TraceEntry) -> GuardMiss {
        match &entry.missed {
            Some(Missed::Resource) => GuardMiss::Resource {
                kind: if action.contains("DBCluster") {
                    "DB cluster"
                } else {
                    "DB instance"
                },
            },
            Some(Missed::Condition { operator, key }) => GuardMiss::Condition {
                operator: operator.clone(),
                key: key.clone(),
            },
            _ => GuardMiss::Other(entry.reason.to_string()),
        }
    }
}

impl std::fmt::Display for GuardMiss {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GuardMiss::Resource { kind } => write!(f, "its `Resource` does not cover {kind} ARNs"),
            GuardMiss::Condition { operator, key } => write!(
                f,
                "it also requires `{operator}` on `{key}`, so requests that do not match it get past"
            ),
            GuardMiss::Other(reason) => f.write_str(reason),
        }
    }
}

/// Whether every condition of the statement on the key matches a request in which the key
/// is `value`: the evaluator's operators on the key alone, so that conditions on other keys
/// do not hide what the statement means to do.
pub fn key_clauses_match(statement: &Statement, value: &str) -> bool {
    let request = context(&[(KEY, value)]);
    statement
        .clauses_on(KEY)
        // The key's values are `true`/`false`: no policy variable can change them.
        .all(|clause| condition::matches(clause, &request, Variables::Substituted))
}

/// A guard: a `Deny` whose conditions on `rds:ManageMasterUserPassword` match when the
/// key is `false` and not when it is `true`. Whether it denies a given request (its
/// actions, resources and other conditions) is for the evaluator to say.
pub fn is_guard(statement: &Statement) -> bool {
    statement.is(Effect::Deny)
        && statement.clauses_on(KEY).next().is_some()
        && key_clauses_match(statement, "false")
        && !key_clauses_match(statement, "true")
}

/// For each guard, the Modify actions that `rds/guard-bypass-modify` reports there: the
/// principal's guards deny an instance (cluster) create and the matching Modify is still
/// allowed with a hand-set password. Each is reported at the guard that covers the create.
pub fn modify_gaps<'m>(report: &GuardReport<'m>) -> Vec<(&'m Statement, Vec<&'static str>)> {
    let mut gaps: Vec<(&'m Statement, Vec<&'static str>)> = Vec::new();
    for (creates, modify) in [
        (&INSTANCE_CREATES[..], MODIFY_INSTANCE),
        (&CLUSTER_CREATES[..], MODIFY_CLUSTER),
    ] {
        let Some(create) = creates.iter().find(|c| report.covered.contains(c)) else {
            continue;
        };
        if !report.gaps.iter().any(|g| g.action == modify) {
            continue;
        }
        let guard = report
            .guards
            .iter()
            .find(|g| g.covers_action(create) == Some(true))
            .unwrap_or(&report.guards[0]);
        match gaps.iter_mut().find(|(g, _)| g.span == guard.span) {
            Some((_, missing)) => missing.push(modify),
            None => gaps.push((guard, vec![modify])),
        }
    }
    gaps
}

/// The secrets RDS creates for a managed password (`rds!db-...`, `rds!cluster-...`),
/// placed in every Region and account the principal's Secrets Manager grants name.
pub fn secret_witnesses(principal: &Principal<'_, '_>) -> Vec<String> {
    places(principal, "secretsmanager")
        .into_iter()
        .flat_map(|(region, account)| {
            ["db", "cluster"].map(|kind| {
                format!("arn:aws:secretsmanager:{region}:{account}:secret:rds!{kind}-0f3c9a52-probe-AbCdEf")
            })
        })
        .collect()
}

/// KMS keys a principal might use for the secret: a key in every Region and account its
/// KMS grants name, and the literal key ARNs they grant on.
pub fn key_witnesses(principal: &Principal<'_, '_>) -> Vec<String> {
    let mut keys: Vec<String> = places(principal, "kms")
        .into_iter()
        .map(|(region, account)| format!("arn:aws:kms:{region}:{account}:key/probe"))
        .collect();
    for statement in principal.identity.iter().flat_map(|d| &d.statements) {
        for item in statement.resource.iter().flat_map(|r| &r.items) {
            if let Some(arn) = item.text.as_deref()
                && arn.starts_with("arn:aws:kms:")
                && !arn.contains(['*', '?', '$'])
                && !keys.iter().any(|k| k == arn)
            {
                keys.push(arn.to_string());
            }
        }
    }
    keys
}

/// Key actions that the principal may make only with a managed password: allowed with the
/// key `true`, not with `false` (a guard, or an Allow conditioned on the key). With the
/// evaluation of the allowed request, for the statements it names.
pub fn managed_only<'p>(
    probe: &Probe<'_, '_>,
    actions: impl Iterator<Item = &'p str>,
) -> Vec<(&'p str, Evaluation, Evaluation)> {
    actions
        .filter_map(|action| {
            let (with_key, without) = (
                key_request(probe, action, Some(true)),
                key_request(probe, action, Some(false)),
            );
            if probe.decide(&with_key) != Decision::Allow || probe.decide(&without) == Decision::Allow {
                return None;
            }
            Some((action, probe.evaluate(&with_key), probe.evaluate(&without)))
        })
        .collect()
}

/// Findings about one statement, gathered over every principal it applies to: a managed
/// policy attached to three roles, or an SCP, is reported once. Entries and names are
/// found through maps: a policy shared by 10,000 roles is gathered in linear time.
pub struct Gathered<T> {
    items: Vec<(Span, T, Vec<String>)>,
    by_span: HashMap<Span, usize>,
    /// The names already in each entry's list.
    named: HashSet<(usize, String)>,
}

impl<T> Default for Gathered<T> {
    fn default() -> Self {
        Gathered {
            items: Vec::new(),
            by_span: HashMap::new(),
            named: HashSet::new(),
        }
    }
}

impl<T> Gathered<T> {
    /// The entry at `span`, made with `make` the first time; `principal` is added to the
    /// names it applies to.
    pub fn at(&mut self, span: Span, principal: &Principal<'_, '_>, make: impl FnOnce() -> T) -> &mut T {
        let index = *self.by_span.entry(span).or_insert_with(|| {
            self.items.push((span, make(), Vec::new()));
            self.items.len() - 1
        });
        let entry = &mut self.items[index];
        if let Some(name) = &principal.name
            && self.named.insert((index, name.clone()))
        {
            entry.2.push(name.clone());
        }
        &mut entry.1
    }

    pub fn into_iter(self) -> impl Iterator<Item = (Span, T, Vec<String>)> {
        self.items.into_iter()
    }
}

/// Statements one rule may evaluate over the principals of a run, counted once per
/// principal (its own policies and the SCPs over it): each principal is asked a fixed set
/// of requests, and each request visits its statements. A CloudFormation template (at most
/// 500 resources) whose principals hold 600 statements each spends 300,000; 10,000 roles
/// sharing a managed policy of 1,000 statements would spend 10,000,000.
pub const EVALUATION_BUDGET: usize = 2_000_000;

/// What evaluating one principal costs against [`EVALUATION_BUDGET`]: its statements.
pub fn evaluation_cost(principal: &Principal<'_, '_>) -> usize {
    principal
        .own_documents()
        .chain(principal.scps.iter().copied())
        .map(|d| d.statements.len())
        .sum()
}

/// The principals a rule evaluates: those of `principals` that fit in
/// [`EVALUATION_BUDGET`], in order. When some are left out, `out` gets where the rule
/// stopped (`analysis-limit`), at the first of them.
pub fn within_budget<'p, 'm, 'a>(
    principals: impl IntoIterator<Item = &'p Principal<'m, 'a>>,
    out: &mut Vec<Diagnostic>,
) -> Vec<&'p Principal<'m, 'a>>
where
    'm: 'p,
    'a: 'p,
{
    let mut budget = crate::rules::Budget::new(EVALUATION_BUDGET);
    let mut kept = Vec::new();
    let mut principals = principals.into_iter();
    for principal in principals.by_ref() {
        if budget.spend(evaluation_cost(principal)) {
            kept.push(principal);
            continue;
        }
        let left = 1 + principals.count();
        if let Some(span) = principal
            .span
            .or_else(|| principal.statements().next().map(|s| s.span))
        {
            out.push(Diagnostic::analysis_limit(
                span,
                format!(
                    "evaluating principals took more than {} statements; {} and the {} after it were not checked",
                    crate::rules::budget::thousands(EVALUATION_BUDGET),
                    principal.name.as_deref().unwrap_or("this principal"),
                    crate::rules::budget::thousands(left - 1),
                ),
            ));
        }
        break;
    }
    kept
}

/// How many principals a finding names before it counts the rest.
const NAMED_PRINCIPALS: usize = 5;

/// ` (for role `A`, role `B`)`: the principals a finding is about, when they have names;
/// after five, the others are counted (` and 9,995 more`).
pub fn for_principals(names: &[String]) -> String {
    match names.len() {
        0 => String::new(),
        n if n <= NAMED_PRINCIPALS => format!(" (for {})", names.join(", ")),
        n => format!(
            " (for {} and {} more)",
            names[..NAMED_PRINCIPALS].join(", "),
            crate::rules::budget::thousands(n - NAMED_PRINCIPALS)
        ),
    }
}

/// Whether fixes may edit the file: not a Terraform plan, which is generated (the fix
/// belongs in the configuration that produced it).
pub fn editable(file: &FileModel<'_>) -> bool {
    // A module's model reads several files; a plan's only the plan.
    !(file.language() == Language::Terraform && matches!(file.texts, Texts::One(_)))
}

/// The model of the file that `file` belongs to (a Terraform module's model spans several).
pub fn model_of<'p, 'a>(project: &'p Project<'_, 'a>, file: FileId) -> Option<&'p FileModel<'a>> {
    project.files.iter().flatten().find(|model| match model.texts {
        Texts::One(_) => model.root.span.file == file,
        Texts::Many(files) => files.iter().any(|(id, _)| *id == file),
    })
}

/// The guard a fix adds a key action to: one that already denies a key action on the same
/// kind of resource (a DB instance, a DB cluster), or one on `Resource: "*"`, so that it
/// denies this one too (the probes differ only in action and resource), with an `Action`
/// list of literals that iamlint can extend.
pub fn guard_for<'m>(report: &GuardReport<'m>, action: &str) -> Option<&'m Statement> {
    let cluster = action.contains("DBCluster");
    let deniers = || {
        report
            .denied_by
            .iter()
            .filter_map(|(covered, span)| Some((*covered, *report.guards.iter().find(|g| g.span == *span)?)))
    };
    let any_resource = |g: &Statement| {
        g.resource
            .as_ref()
            .is_some_and(|r| !r.negated && r.items.iter().all(|i| i.text.as_deref() == Some("*")))
    };
    deniers()
        .find(|(covered, _)| covered.contains("DBCluster") == cluster)
        .or_else(|| deniers().find(|(_, g)| any_resource(g)))
        .map(|(_, g)| g)
        .filter(|g| {
            g.action
                .as_ref()
                .is_some_and(|a| !a.negated && a.items.iter().all(|i| i.text.is_some()))
        })
}

/// The safe fix that adds each action to its guard's `Action` list (in the list's own
/// style), when every guard is in `file` and can be edited; `None` otherwise.
pub fn extend_guards(
    project: &Project<'_, '_>,
    file: FileId,
    targets: &[(&'static str, Option<&Statement>)],
) -> Option<Fix> {
    let model = model_of(project, file).filter(|m| editable(m))?;
    let text = model.text(file);
    let mut by_guard: Vec<(&Statement, Vec<&str>)> = Vec::new();
    for (action, guard) in targets {
        let guard = (*guard)?;
        if guard.span.file != file {
            return None;
        }
        match by_guard.iter_mut().find(|(g, _)| g.span == guard.span) {
            Some((_, actions)) => actions.push(action),
            None => by_guard.push((guard, vec![action])),
        }
    }
    let mut edits = Vec::new();
    for (guard, actions) in &by_guard {
        edits.extend(edit::append_items(text, guard.action.as_ref()?, actions)?);
    }
    let actions: Vec<&str> = targets.iter().map(|(a, _)| *a).collect();
    Some(Fix::safe(
        format!("add {} to the guard's Action list", join_actions(&actions)),
        edits,
    ))
}

/// The unsafe fix that lets RDS manage the master password instead of `password` (the
/// `MasterUserPassword` entry, as written): the entry becomes `ManageMasterUserPassword:
/// true` (`manage_master_user_password = true`), or goes when the flag is already written.
/// `None` where RDS does not support management (see `rds/managed-password-unsupported`),
/// in a plan, or when the edits would leave the finding's file (`at`).
pub fn manage_instead(
    file: &FileModel<'_>,
    template: &Template<'_>,
    resource: &Resource<'_>,
    password: &crate::parse::Entry,
    at: Span,
) -> Option<Fix> {
    if !editable(file)
        || password.key_span.file != at.file
        || !managed_password_unsupported::unsupported(resource, template).is_empty()
    {
        return None;
    }
    let text = file.text(at.file);
    let setting = file.setting(resource, "ManageMasterUserPassword", "true");
    let mut edits = match resource.property_entry("ManageMasterUserPassword") {
        None => edit::replace_entry(
            text,
            password.key_span,
            password.value.span,
            &file.property_name(resource, "ManageMasterUserPassword"),
            "true",
        )?,
        Some(flag) if flag.key_span.file != at.file => return None,
        Some(flag) => {
            let mut edits = vec![edit::remove_entry(text, password.key_span, password.value.span)?];
            match flag.value.as_bool_like() {
                Some(true) => {}
                Some(false) => edits.push(edit::flip_bool(text, flag.value.span)?),
                None => return None,
            }
            edits
        }
    };
    if file.language() == Language::Terraform {
        edits.extend(edit::remove_write_only_version(text, password.key_span));
    }
    Some(Fix::unsafe_(
        format!(
            "replace `{}` with `{setting}`",
            file.property_name(resource, "MasterUserPassword")
        ),
        edits,
    ))
}

/// The secrets RDS creates for managed passwords, by their name (`rds!db-...`,
/// `rds!cluster-...`): what a fix's new statement grants Secrets Manager actions on.
pub const MANAGED_SECRETS: &str = "arn:aws:secretsmanager:*:*:secret:rds!*";

/// The unsafe fix that adds `statements` to the principal's policy right after `anchor` (a
/// statement of one of its own policies), in that policy's syntax; each `Sid` made unique
/// in the file. `None` when the anchor's policy cannot be edited.
pub fn add_statements(
    project: &Project<'_, '_>,
    principal: &Principal<'_, '_>,
    anchor: Span,
    mut statements: Vec<edit::NewStatement>,
    message: String,
) -> Option<Fix> {
    let document = principal
        .identity
        .iter()
        .find(|d| d.statements.iter().any(|s| s.span == anchor))?;
    let model = model_of(project, anchor.file).filter(|m| editable(m))?;
    let text = model.text(anchor.file);
    for statement in &mut statements {
        let base = statement.sid.clone();
        let mut n = 1;
        while text.contains(&statement.sid) {
            n += 1;
            statement.sid = format!("{base}{n}");
        }
    }
    let edit = edit::insert_statements(text, document, anchor, &statements)?;
    Some(Fix::unsafe_(message, vec![edit]))
}

/// The `Action`/`NotAction` value of a statement, or the statement itself.
pub fn action_span(statement: &Statement) -> Span {
    statement.action.as_ref().map_or(statement.span, |a| a.span)
}

pub fn join_actions(actions: &[&str]) -> String {
    actions
        .iter()
        .map(|a| format!("`{a}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub const DB_TYPES: [&str; 2] = ["AWS::RDS::DBInstance", "AWS::RDS::DBCluster"];

pub fn db_resources<'t, 'a>(template: &'t Template<'a>) -> impl Iterator<Item = &'t Resource<'a>> {
    template.resources.iter().filter(|r| r.is_type(&DB_TYPES))
}

/// "DB instance `Db`" / "DB cluster `Db`"; in Terraform the address, which names the
/// type: "`aws_db_instance.main`".
pub fn describe(template: &Template<'_>, resource: &Resource<'_>) -> String {
    if template.language == Language::Terraform {
        return format!("`{}`", resource.logical_id);
    }
    let kind = if resource.is_type(&["AWS::RDS::DBCluster"]) {
        "DB cluster"
    } else {
        "DB instance"
    };
    format!("{kind} `{}`", resource.logical_id)
}

/// `ManageMasterUserPassword` as a literal boolean: `None` when absent, an intrinsic, or
/// not a boolean.
pub fn manage_flag(resource: &Resource<'_>) -> ManageFlag {
    match resource.property("ManageMasterUserPassword") {
        None
        | Some(Node {
            value: Value::Null, ..
        }) => ManageFlag::Absent,
        Some(node) => match node.as_bool_like() {
            Some(true) => ManageFlag::True,
            Some(false) => ManageFlag::False,
            None => ManageFlag::Unknown,
        },
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ManageFlag {
    Absent,
    True,
    False,
    Unknown,
}

/// Where a `MasterUserPassword` value comes from.
#[derive(Clone, Copy, Debug)]
pub enum PasswordSource<'a> {
    /// Written in the template (a literal, or a Sub/Join of literals and pseudo
    /// parameters); the node is what to point at.
    Literal(&'a Node),
    /// The literal `Default` of the parameter named.
    ParameterDefault { default: &'a Node, parameter: &'a str },
    /// Supplied at deploy time or resolved from a secret store.
    External,
    /// A condition (`Fn::If`) or another construct the rules do not guess about.
    Unknown,
}

pub fn classify_password<'a>(value: &'a Node, template: &Template<'a>) -> PasswordSource<'a> {
    match classify(value, template, 0) {
        Class::Literal => PasswordSource::Literal(value),
        Class::Default(default, parameter) => PasswordSource::ParameterDefault { default, parameter },
        Class::External => PasswordSource::External,
        Class::Unknown => PasswordSource::Unknown,
    }
}

enum Class<'a> {
    Literal,
    Default(&'a Node, &'a str),
    External,
    Unknown,
}

fn classify<'a>(value: &'a Node, template: &Template<'a>, depth: usize) -> Class<'a> {
    if depth > 16 {
        return Class::Unknown;
    }
    match &value.value {
        Value::String(s) if is_dynamic_reference(s) => Class::External,
        Value::String(_) | Value::Number(_) | Value::Bool(_) => Class::Literal,
        Value::Null | Value::Array(_) => Class::Unknown,
        Value::Object(_) => {
            let Some((function, operand)) = value.intrinsic() else {
                return Class::Unknown;
            };
            match function {
                "Ref" => match operand.as_str() {
                    Some(name) if is_pseudo_parameter(name) => Class::Literal,
                    Some(name) => match template.parameter(name) {
                        Some(parameter) => match parameter.default() {
                            Some(default)
                                if matches!(classify(default, template, depth + 1), Class::Literal) =>
                            {
                                Class::Default(default, parameter.name)
                            }
                            _ => Class::External,
                        },
                        None => Class::External,
                    },
                    None => Class::Unknown,
                },
                "Fn::Sub" => classify_sub(operand, template, depth),
                "Fn::Join" => classify_join(operand, template, depth),
                "Fn::Base64" => match classify(operand, template, depth + 1) {
                    Class::Default(..) => Class::External,
                    other => other,
                },
                "Fn::GetAtt" | "Fn::ImportValue" => Class::External,
                _ => Class::Unknown,
            }
        }
    }
}

fn classify_sub<'a>(operand: &'a Node, template: &Template<'a>, depth: usize) -> Class<'a> {
    let (body, vars) = match &operand.value {
        Value::String(s) => (s.as_str(), None),
        Value::Array(items) => match items.as_slice() {
            [body, vars] => match body.as_str() {
                Some(s) => (s, Some(vars)),
                None => return Class::Unknown,
            },
            _ => return Class::Unknown,
        },
        _ => return Class::Unknown,
    };
    if is_dynamic_reference(body) {
        return Class::External;
    }
    for name in sub_variables(body) {
        if is_pseudo_parameter(name) {
            continue;
        }
        match vars.and_then(|v| v.get(name)) {
            Some(bound) => match classify(bound, template, depth + 1) {
                Class::Literal => {}
                Class::Unknown => return Class::Unknown,
                _ => return Class::External,
            },
            None => return Class::External,
        }
    }
    Class::Literal
}

fn classify_join<'a>(operand: &'a Node, template: &Template<'a>, depth: usize) -> Class<'a> {
    let Some([_, parts]) = operand.as_array() else {
        return Class::Unknown;
    };
    let Some(parts) = parts.as_array() else {
        // A list parameter or another function: supplied at deploy time.
        return Class::External;
    };
    let mut joined = String::new();
    for part in parts {
        match classify(part, template, depth + 1) {
            Class::Literal => joined.push_str(&part.scalar_text().unwrap_or_default()),
            Class::Unknown => return Class::Unknown,
            _ => return Class::External,
        }
    }
    if is_dynamic_reference(&joined) {
        Class::External
    } else {
        Class::Literal
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{PolicyDocument, PolicyKind, Visibility};
    use crate::parse::{Syntax, parse};
    use crate::source::FileId;

    fn document(statements: &str) -> PolicyDocument<'static> {
        let text = format!(r#"{{"Statement": [{statements}]}}"#);
        let node = parse(FileId(0), &text, Syntax::Json).unwrap();
        PolicyDocument::from_node(std::borrow::Cow::Owned(node), PolicyKind::Identity, None)
    }

    fn alone<'m>(doc: &'m PolicyDocument<'static>, visibility: Visibility) -> Principal<'m, 'static> {
        Principal {
            name: None,
            declared_as: None,
            span: None,
            logical_id: None,
            file: None,
            identity: vec![doc],
            boundary: None,
            scps: Vec::new(),
            visibility,
            arn: format!("arn:aws:iam::{ACCOUNT}:role/test"),
        }
    }

    #[test]
    fn guard_forms() {
        for condition in [
            r#"{"Bool": {"rds:ManageMasterUserPassword": false}}"#,
            r#"{"Bool": {"RDS:managemasteruserpassword": "False"}}"#,
            r#"{"StringEquals": {"rds:ManageMasterUserPassword": "false"}}"#,
            r#"{"StringNotEquals": {"rds:ManageMasterUserPassword": "true"}}"#,
            r#"{"BoolIfExists": {"rds:ManageMasterUserPassword": ["false"]}}"#,
            r#"{"ForAnyValue:StringLike": {"rds:ManageMasterUserPassword": "f*"}}"#,
        ] {
            let doc = document(&format!(
                r#"{{"Effect": "Deny", "Action": "rds:*", "Resource": "*", "Condition": {condition}}}"#
            ));
            assert!(is_guard(&doc.statements[0]), "{condition}");
        }
    }

    #[test]
    fn not_guards() {
        for condition in [
            r#"{"Bool": {"rds:ManageMasterUserPassword": true}}"#,
            r#"{"StringEquals": {"rds:ManageMasterUserPassword": "False"}}"#,
            r#"{"Bool": {"rds:ManageMasterUserPassword": {"Ref": "Flag"}}}"#,
            r#"{"Bool": {"aws:SecureTransport": false}}"#,
        ] {
            let doc = document(&format!(
                r#"{{"Effect": "Deny", "Action": "rds:*", "Resource": "*", "Condition": {condition}}}"#
            ));
            assert!(!is_guard(&doc.statements[0]), "{condition}");
        }
        let allow = document(
            r#"{"Effect": "Allow", "Action": "rds:*", "Resource": "*", "Condition": {"Bool": {"rds:ManageMasterUserPassword": false}}}"#,
        );
        assert!(!is_guard(&allow.statements[0]));
    }

    #[test]
    fn coverage_is_the_evaluators() {
        // Every key action named, but only on instances: the cluster actions get through.
        let doc = document(
            r#"{"Effect": "Deny", "Action": "rds:*", "Resource": "arn:aws:rds:*:*:db:*",
                "Condition": {"Bool": {"rds:ManageMasterUserPassword": false}}}"#,
        );
        let report = analyze_guards(&alone(&doc, Visibility::Standalone)).unwrap();
        let gaps: Vec<&str> = report.gaps.iter().map(|g| g.action).collect();
        assert_eq!(
            gaps,
            [
                "rds:CreateDBCluster",
                "rds:RestoreDBClusterFromS3",
                "rds:ModifyDBCluster"
            ]
        );
        assert!(report.gaps.iter().all(|g| g.why.is_some()));

        // Judged against a principal whose policies are all here, a guard that leaves out
        // what the principal may not do anyway leaves nothing open.
        let doc = document(
            r#"{"Effect": "Allow", "Action": "rds:CreateDBInstance", "Resource": "*"},
               {"Effect": "Deny", "Action": "rds:CreateDBInstance", "Resource": "*",
                "Condition": {"Bool": {"rds:ManageMasterUserPassword": false}}}"#,
        );
        let complete = analyze_guards(&alone(&doc, Visibility::Complete)).unwrap();
        assert!(complete.gaps.is_empty());
        let standalone = analyze_guards(&alone(&doc, Visibility::Standalone)).unwrap();
        assert_eq!(standalone.gaps.len(), key_actions().len() - 1);
    }
}
