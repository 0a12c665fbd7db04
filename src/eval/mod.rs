//! Request evaluation: does this set of policies allow this request, and why. The logic is
//! AWS's "Policy evaluation logic" (IAM User Guide): an explicit Deny in any policy wins;
//! every level of SCPs and RCPs must allow; a permissions boundary and a session policy
//! intersect the identity policies; within one account the identity side and the resource
//! policy are a union, across accounts both are needed. Every decision carries a trace of
//! the statements that applied or not, with their spans.

pub mod condition;
pub mod context;
pub mod ip;

pub use context::{Context, Variables};

use std::sync::Arc;

use crate::model::{ConditionClause, Effect, ElementList, PolicyDocument, Statement, action_matches};
use crate::parse::{Node, Value};
use crate::source::Span;

/// The caller, for matching `Principal`/`NotPrincipal` of resource-based policies.
#[derive(Clone, Debug, Default)]
pub struct Caller {
    /// `arn:aws:iam::111122223333:role/Deployer` (or an assumed-role session ARN).
    pub arn: String,
    /// The 12-digit account of the caller.
    pub account: String,
    /// For a request made by an AWS service: `cloudtrail.amazonaws.com`.
    pub service: Option<String>,
}

/// One request: who, what, on which resource, with which context keys.
#[derive(Clone, Debug, Default)]
pub struct Request {
    pub action: String,
    pub resource: String,
    pub caller: Caller,
    pub context: Context,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Allow,
    ExplicitDeny,
    ImplicitDeny,
}

/// The role a policy plays in an evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Identity,
    Resource,
    Boundary,
    Session,
    /// A service control policy at this level of the organization (0: root).
    Scp(usize),
    /// A resource control policy at this level.
    Rcp(usize),
}

/// Why one statement did or did not apply to the request.
#[derive(Clone, Debug)]
pub struct TraceEntry {
    pub role: Role,
    pub span: Span,
    pub effect: Effect,
    pub applies: bool,
    /// Shared by the entries that say the same thing: a trace holds one entry per
    /// statement, and most statements of a large document miss the request's action.
    pub reason: Arc<str>,
    /// What kept it from applying, for callers that act on the reason rather than show
    /// it; `None` when it applies.
    pub missed: Option<Missed>,
}

/// The part of a statement that did not match a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Missed {
    Action,
    /// An action item is not a literal (a template function): it cannot be matched.
    ActionNotLiteral,
    Resource,
    NoResource,
    Principal,
    /// A condition clause, by its operator (without qualifier or `IfExists`) and key.
    Condition {
        operator: String,
        key: String,
    },
}

#[derive(Clone, Debug)]
pub struct Evaluation {
    pub decision: Decision,
    /// Why the decision was made, in a sentence.
    pub reason: String,
    pub trace: Vec<TraceEntry>,
}

/// The policies that apply to one principal's request. Empty `scps`/`rcps` mean the
/// account is not governed by any; `boundary`/`session` are `None` when there is none.
#[derive(Default)]
pub struct PolicySet<'a, 'd> {
    pub identity: Vec<&'a PolicyDocument<'d>>,
    pub resource: Vec<&'a PolicyDocument<'d>>,
    pub boundary: Option<Vec<&'a PolicyDocument<'d>>>,
    pub session: Option<Vec<&'a PolicyDocument<'d>>>,
    /// One entry per level (root, OU..., account): at least one policy of each must allow.
    pub scps: Vec<Vec<&'a PolicyDocument<'d>>>,
    pub rcps: Vec<Vec<&'a PolicyDocument<'d>>>,
    /// The resource belongs to another account than the caller.
    pub cross_account: bool,
}

/// Evaluates a request against a policy set, with the trace of every statement.
pub fn evaluate(set: &PolicySet<'_, '_>, request: &Request) -> Evaluation {
    traced(set, request, true)
}

/// [`evaluate`] with a trace of only the statements whose actions match the request: what
/// decided it and what held it back, which is what rules ask about. A document with
/// thousands of statements about other actions costs no trace memory.
pub fn evaluate_matching(set: &PolicySet<'_, '_>, request: &Request) -> Evaluation {
    traced(set, request, false)
}

fn traced(set: &PolicySet<'_, '_>, request: &Request, every_statement: bool) -> Evaluation {
    let mut trace = Vec::new();
    // The sentences that do not depend on the statement, made once.
    let mut shared: [Option<Arc<str>>; 3] = [None, None, None];
    let mut sentence = |slot: usize, make: &dyn Fn() -> String| -> Arc<str> {
        shared[slot].get_or_insert_with(|| Arc::from(make())).clone()
    };
    let outcome = run(set, request, Pace::Thorough, &mut |role, statement, check| {
        if !every_statement && matches!(check, Err(Miss::Action)) {
            return;
        }
        let effect = statement.effect.map_or(Effect::Allow, |(e, _)| e);
        trace.push(TraceEntry {
            role,
            span: statement.span,
            effect,
            applies: check.is_ok() && statement.effect.is_some(),
            reason: match check {
                Ok(()) => sentence(0, &|| {
                    "action, resource, principal and conditions match".to_string()
                }),
                Err(Miss::Action) => sentence(1, &|| Miss::Action.describe(request)),
                Err(Miss::Resource) => sentence(2, &|| Miss::Resource.describe(request)),
                Err(miss) => Arc::from(miss.describe(request)),
            },
            missed: check.err().map(Miss::owned),
        });
    });
    Evaluation {
        decision: outcome.decision(),
        reason: outcome.reason().to_string(),
        trace,
    }
}

/// The decision [`evaluate`] makes, without the trace: for rules and bulk evaluation. It
/// stops at the first applicable Deny and, once a policy level has an Allow, looks only at
/// that level's Deny statements (a resource policy's Allows until one names the caller
/// beyond its boundary).
pub fn decide(set: &PolicySet<'_, '_>, request: &Request) -> Decision {
    run(set, request, Pace::Decisive, &mut |_, _, _| {}).decision()
}

/// How much of a policy set [`run`] looks at.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pace {
    /// Every statement, for the trace.
    Thorough,
    /// Only what can still change the decision.
    Decisive,
}

/// Why a statement does not apply to the request; [`Miss::describe`] makes the trace's
/// sentence only when a trace is wanted.
#[derive(Clone, Copy, Debug)]
enum Miss<'s> {
    Action,
    ActionNotLiteral,
    Resource,
    NoResource,
    Principal,
    /// The clause, and how its policy reads variables (by its `Version`).
    Condition(&'s ConditionClause, Variables),
}

impl Miss<'_> {
    fn owned(self) -> Missed {
        match self {
            Miss::Action => Missed::Action,
            Miss::ActionNotLiteral => Missed::ActionNotLiteral,
            Miss::Resource => Missed::Resource,
            Miss::NoResource => Missed::NoResource,
            Miss::Principal => Missed::Principal,
            Miss::Condition(clause, _) => Missed::Condition {
                operator: clause.operator.base.clone(),
                key: clause.key.clone(),
            },
        }
    }

    fn describe(self, request: &Request) -> String {
        match self {
            Miss::Action => format!("its actions do not include `{}`", request.action),
            Miss::ActionNotLiteral => "its actions are not literal".to_string(),
            Miss::Resource => format!("its resources do not include `{}`", request.resource),
            Miss::NoResource => "it has no `Resource`".to_string(),
            Miss::Principal => "its principal is not the caller".to_string(),
            Miss::Condition(clause, variables) => format!(
                "its condition `{}` on `{}` does not match: {}",
                clause.operator.base,
                clause.key,
                condition::evaluate(clause, &request.context, variables).reason
            ),
        }
    }
}

/// What the statements of one kind of policy (or one SCP/RCP level) say together. For a
/// resource policy, `allow` counts a grant to the caller's account too; `grants` says whether
/// a grant names the caller itself, which is what lets it stand without identity policies.
#[derive(Clone, Copy, Default)]
struct Verdict {
    allow: bool,
    deny: bool,
    grants: Grants,
}

/// The strongest Allow a resource policy gives the caller, weakest first.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
enum Grants {
    #[default]
    None,
    /// To the caller's account: authority delegated to the account, whose identity-based
    /// policies must allow the request too.
    Account,
    /// To the caller itself (its ARN, its role for a role session, `*`, its service), but
    /// limited by an implicit deny in its permissions boundary.
    Caller,
    /// To the caller itself, and not limited by its permissions boundary.
    CallerBeyondBoundary,
}

/// The decision with the sentence that explains it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    ExplicitDeny,
    ScpGap,
    RcpGap,
    CrossAccountAllow,
    CrossAccountNoResourceAllow,
    CrossAccountNoCallerAllow,
    Allow,
    RootUser,
    Limited,
    AccountDelegated,
    NoAllow,
}

impl Outcome {
    fn decision(self) -> Decision {
        match self {
            Outcome::ExplicitDeny => Decision::ExplicitDeny,
            Outcome::CrossAccountAllow | Outcome::Allow | Outcome::RootUser => Decision::Allow,
            _ => Decision::ImplicitDeny,
        }
    }

    fn reason(self) -> &'static str {
        match self {
            Outcome::ExplicitDeny => "an explicit Deny applies",
            Outcome::ScpGap => "a level of service control policies does not allow it",
            Outcome::RcpGap => "a level of resource control policies does not allow it",
            Outcome::CrossAccountAllow => "both the caller's policies and the resource policy allow it",
            Outcome::CrossAccountNoResourceAllow => "across accounts the resource policy must allow it too",
            Outcome::CrossAccountNoCallerAllow => "the caller's own policies do not allow it",
            Outcome::Allow => "an Allow applies and nothing limits it",
            Outcome::RootUser => "the account's root user has full access and nothing limits it",
            Outcome::Limited => "the permissions boundary or session policy does not allow it",
            Outcome::AccountDelegated => {
                "the resource policy names only the caller's account, whose own policies must allow it"
            }
            Outcome::NoAllow => "no policy allows it",
        }
    }
}

/// The evaluation both [`evaluate`] and [`decide`] run: `visit` sees every statement that
/// was looked at, with why it does (not) apply.
fn run(
    set: &PolicySet<'_, '_>,
    request: &Request,
    pace: Pace,
    visit: &mut impl FnMut(Role, &Statement, Result<(), Miss<'_>>),
) -> Outcome {
    // Only resource policies ask what kind of principal the caller is: reading it from the
    // ARN would cost every other evaluation a few string scans.
    let caller = if set.resource.is_empty() {
        CallerKind::Other
    } else {
        CallerKind::of(&request.caller)
    };
    let has_boundary = set.boundary.is_some();
    let mut level = |role: Role, docs: &[&PolicyDocument<'_>]| -> Verdict {
        let mut verdict = Verdict::default();
        for doc in docs {
            // Only resource policies need the statement objects (for `Principal`), and only
            // once a statement's action and resource match.
            let mut nodes: Option<Vec<&Node>> = None;
            let variables = Variables::of(&doc.source);
            for (index, statement) in doc.statements.iter().enumerate() {
                let effect = statement.effect.map(|(e, _)| e);
                // A resource policy's later Allow may name the caller more directly than an
                // earlier one, so only the other levels skip Allows once they have one.
                let settled = verdict.allow
                    && (role != Role::Resource || verdict.grants == Grants::CallerBeyondBoundary);
                if pace == Pace::Decisive && (effect.is_none() || (settled && effect == Some(Effect::Allow)))
                {
                    continue;
                }
                let check = check(statement, role, request, variables, || {
                    nodes
                        .get_or_insert_with(|| doc.statement_nodes())
                        .get(index)
                        .map_or(PrincipalMatch::None, |node| {
                            principal_match(node, &request.caller, caller, effect, has_boundary)
                        })
                });
                if let Ok(matched) = check {
                    verdict.allow |= effect == Some(Effect::Allow);
                    verdict.deny |= effect == Some(Effect::Deny);
                    if role == Role::Resource && effect == Some(Effect::Allow) {
                        verdict.grants = verdict.grants.max(matched.grants(caller));
                    }
                }
                visit(role, statement, check.map(|_| ()));
                if pace == Pace::Decisive && verdict.deny {
                    return verdict;
                }
            }
        }
        verdict
    };

    let mut explicit_deny = false;
    let mut seen = |verdict: Verdict| {
        explicit_deny |= verdict.deny;
        pace == Pace::Decisive && explicit_deny
    };
    let identity = level(Role::Identity, &set.identity);
    if seen(identity) {
        return Outcome::ExplicitDeny;
    }
    let resource = level(Role::Resource, &set.resource);
    if seen(resource) {
        return Outcome::ExplicitDeny;
    }
    let mut limited = false;
    for (role, docs) in [(Role::Boundary, &set.boundary), (Role::Session, &set.session)] {
        if let Some(docs) = docs {
            let verdict = level(role, docs);
            limited |= !verdict.allow;
            if seen(verdict) {
                return Outcome::ExplicitDeny;
            }
        }
    }
    let mut scp_gap = false;
    for (index, docs) in set.scps.iter().enumerate() {
        let verdict = level(Role::Scp(index), docs);
        scp_gap |= !verdict.allow;
        if seen(verdict) {
            return Outcome::ExplicitDeny;
        }
    }
    let mut rcp_gap = false;
    for (index, docs) in set.rcps.iter().enumerate() {
        let verdict = level(Role::Rcp(index), docs);
        rcp_gap |= !verdict.allow;
        if seen(verdict) {
            return Outcome::ExplicitDeny;
        }
    }

    // "Policy evaluation logic": "By default, all requests are implicitly denied with the
    // exception of the AWS account root user, which has full access." The root user holds
    // no identity-based policy; SCPs, RCPs, explicit denies and, across accounts, the
    // resource policy still apply to it.
    let root = !identity.allow && is_root(&request.caller);
    let identity_side = (identity.allow || root) && !limited;
    if explicit_deny {
        Outcome::ExplicitDeny
    } else if scp_gap {
        Outcome::ScpGap
    } else if rcp_gap {
        Outcome::RcpGap
    } else if set.cross_account {
        if identity_side && resource.allow {
            Outcome::CrossAccountAllow
        } else if !resource.allow {
            Outcome::CrossAccountNoResourceAllow
        } else {
            Outcome::CrossAccountNoCallerAllow
        }
    } else if root && !limited {
        Outcome::RootUser
    } else if identity_side
        || resource.grants == Grants::CallerBeyondBoundary
        || (resource.grants == Grants::Caller && !limited)
    {
        Outcome::Allow
    } else if identity.allow || resource.grants == Grants::Caller {
        Outcome::Limited
    } else if resource.allow {
        Outcome::AccountDelegated
    } else {
        Outcome::NoAllow
    }
}

/// Whether a statement applies to the request, and how a resource-based statement names the
/// caller: `principal` tells that, and is asked only when action and resource match.
fn check<'s>(
    statement: &'s Statement,
    role: Role,
    request: &Request,
    variables: Variables,
    principal: impl FnOnce() -> PrincipalMatch,
) -> Result<PrincipalMatch, Miss<'s>> {
    match covers_action(statement.action.as_ref(), &request.action) {
        Some(true) => {}
        Some(false) => return Err(Miss::Action),
        None => return Err(Miss::ActionNotLiteral),
    }
    match &statement.resource {
        Some(resources) => {
            if !covers_resource(resources, &request.resource, &request.context, variables) {
                return Err(Miss::Resource);
            }
        }
        // Identity and organization policies need a resource element; trust and key
        // policies apply to the resource that holds them.
        None if matches!(role, Role::Resource) => {}
        None => return Err(Miss::NoResource),
    }
    let matched = if role == Role::Resource {
        match principal() {
            PrincipalMatch::None => return Err(Miss::Principal),
            matched => matched,
        }
    } else {
        PrincipalMatch::Caller
    };
    match statement
        .condition
        .iter()
        .find(|clause| !condition::matches(clause, &request.context, variables))
    {
        Some(clause) => Err(Miss::Condition(clause, variables)),
        None => Ok(matched),
    }
}

/// [`Statement::covers_action`] for the evaluator's hot path: see [`action_covered`].
fn covers_action(list: Option<&ElementList>, action: &str) -> Option<bool> {
    let Some(list) = list else {
        return Some(false);
    };
    let mut unknown = false;
    for item in &list.items {
        match item.text.as_deref() {
            Some(pattern) if action_covered(pattern, action) => return Some(!list.negated),
            Some(_) => {}
            None => unknown = true,
        }
    }
    if unknown { None } else { Some(list.negated) }
}

/// [`action_matches`], decided from the pattern's literal prefix where it can be: most
/// patterns of a policy name another service or action and differ within a few bytes, and
/// most of the others are literal or end in their only `*` (`ec2:Describe*`). Only the
/// rest (inner wildcards, non-ASCII text) go through the full match.
fn action_covered(pattern: &str, action: &str) -> bool {
    let mut rest = action.bytes();
    for (at, p) in pattern.bytes().enumerate() {
        match p {
            b'*' if at + 1 == pattern.len() => return true,
            b'*' | b'?' | 0x80.. => return action_matches(pattern, action),
            _ => match rest.next() {
                Some(a) if a.is_ascii() => {
                    if !p.eq_ignore_ascii_case(&a) {
                        return false;
                    }
                }
                Some(_) => return action_matches(pattern, action),
                None => return false,
            },
        }
    }
    rest.next().is_none()
}

fn covers_resource(list: &ElementList, resource: &str, context: &Context, variables: Variables) -> bool {
    // The IAM User Guide ("Policy variables"): "If AWS cannot resolve a variable this might
    // cause the entire statement to be invalid." An unresolved item matches no resource; in
    // a `NotResource` it invalidates the statement when some value of the variable would
    // have listed the resource.
    if list.negated
        && list.items.iter().any(|item| {
            item.pattern().is_some_and(|p| {
                variables.in_text(p)
                    && context::substitute(p, context, true).is_none()
                    && context::wildcard(&context::variables_as_wildcards(p), resource, false)
            })
        })
    {
        return false;
    }
    let matched = list.items.iter().any(|item| {
        item.pattern()
            .is_some_and(|pattern| context::like(pattern, resource, context, variables))
    });
    matched != list.negated
}

/// What kind of principal made the request, from its ARN.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CallerKind {
    /// An IAM role's ARN as the caller (requests are really made by its sessions).
    Role,
    /// An assumed-role session: `arn:aws:sts::111122223333:assumed-role/Role/session`.
    Session,
    Service,
    /// An IAM user or anything else.
    Other,
}

impl CallerKind {
    fn of(caller: &Caller) -> CallerKind {
        if caller.service.is_some() {
            CallerKind::Service
        } else if session_role(&caller.arn).is_some() {
            CallerKind::Session
        } else if caller
            .arn
            .split(':')
            .nth(5)
            .is_some_and(|r| r.starts_with("role/"))
        {
            CallerKind::Role
        } else {
            CallerKind::Other
        }
    }
}

/// Whether the caller is its account's root user (`arn:aws:iam::111122223333:root`).
fn is_root(caller: &Caller) -> bool {
    caller.service.is_none()
        && !caller.account.is_empty()
        && caller.arn.strip_suffix(":root").is_some_and(|head| {
            head.strip_prefix("arn:")
                .and_then(|rest| rest.split_once(":iam::"))
                .is_some_and(|(_, account)| account == caller.account)
        })
}

/// For an assumed-role session ARN, its account and role name.
fn session_role(arn: &str) -> Option<(&str, &str)> {
    let mut fields = arn.splitn(6, ':');
    let (_, _, service, _, account, resource) = (
        fields.next()?,
        fields.next()?,
        fields.next()?,
        fields.next()?,
        fields.next()?,
        fields.next()?,
    );
    let role = resource.strip_prefix("assumed-role/")?.split('/').next()?;
    (service == "sts").then_some((account, role))
}

/// How a statement's `Principal`/`NotPrincipal` names the caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PrincipalMatch {
    None,
    /// Its account (`111122223333` or `arn:aws:iam::111122223333:root`).
    Account,
    /// The role of the calling role session.
    SessionRole,
    /// The caller's own ARN or service, or a `NotPrincipal` that leaves it out.
    Caller,
    /// `*`.
    Anyone,
}

impl PrincipalMatch {
    /// What an Allow with this match grants. The IAM User Guide ("Permissions boundaries
    /// for IAM entities"): within an account, a grant to an IAM user or role session ARN is
    /// not limited by an implicit deny in the permissions boundary; a grant to an IAM role
    /// ARN is. A grant to `*` names the session itself.
    fn grants(self, caller: CallerKind) -> Grants {
        match self {
            PrincipalMatch::None => Grants::None,
            PrincipalMatch::Account => Grants::Account,
            PrincipalMatch::SessionRole => Grants::Caller,
            PrincipalMatch::Caller if caller == CallerKind::Role => Grants::Caller,
            PrincipalMatch::Caller | PrincipalMatch::Anyone => Grants::CallerBeyondBoundary,
        }
    }
}

/// `Principal`/`NotPrincipal` of a resource-based statement against the caller: `*`, the
/// caller's ARN (or, for a role session, its role's ARN), its account, or its service.
fn principal_match(
    statement: &Node,
    caller: &Caller,
    kind: CallerKind,
    effect: Option<Effect>,
    has_boundary: bool,
) -> PrincipalMatch {
    let (element, negated) = match (statement.get("Principal"), statement.get("NotPrincipal")) {
        (Some(p), _) => (p, false),
        (None, Some(p)) => (p, true),
        (None, None) => return PrincipalMatch::None,
    };
    // The IAM User Guide ("Permissions boundaries for IAM entities"): "The NotPrincipal
    // element with a Deny effect will always deny any IAM principal that has a permissions
    // boundary policy attached, regardless of the values specified in the NotPrincipal
    // element."
    if negated && effect == Some(Effect::Deny) && has_boundary && kind != CallerKind::Service {
        return PrincipalMatch::Caller;
    }
    // A principal is a string, or an account number written as a JSON number.
    fn text(node: &Node) -> Option<&str> {
        match &node.value {
            Value::String(s) | Value::Number(s) => Some(s),
            _ => None,
        }
    }
    fn names(value: &Node) -> &[Node] {
        match &value.value {
            Value::Array(items) => items,
            _ => std::slice::from_ref(value),
        }
    }
    let session = session_role(&caller.arn);
    // The account's root user is named by its account ID as well as by its ARN.
    let root = !caller.account.is_empty() && caller.arn.ends_with(":root");
    let one = |principal_type: &str, name: &str| -> PrincipalMatch {
        match principal_type {
            "AWS" if name == "*" => PrincipalMatch::Anyone,
            "AWS" if name == caller.arn || (root && name == caller.account) => PrincipalMatch::Caller,
            "AWS"
                if !caller.account.is_empty()
                    && (name == caller.account
                        || name.starts_with("arn:")
                            && name.strip_suffix(":root").and_then(|a| a.rsplit(':').next())
                                == Some(caller.account.as_str())) =>
            {
                PrincipalMatch::Account
            }
            // A role ARN names the sessions of that role; a role's path is not part of its
            // sessions' ARNs, so the role name is compared.
            "AWS" => match (session, name.split(':').collect::<Vec<_>>().as_slice()) {
                (Some((account, role)), ["arn", _, "iam", "", role_account, resource])
                    if *role_account == account
                        && resource.starts_with("role/")
                        && resource.rsplit('/').next() == Some(role) =>
                {
                    PrincipalMatch::SessionRole
                }
                _ => PrincipalMatch::None,
            },
            "Service" if caller.service.as_deref() == Some(name) => PrincipalMatch::Caller,
            _ => PrincipalMatch::None,
        }
    };
    let rank = |m: PrincipalMatch| match m {
        PrincipalMatch::None => 0,
        PrincipalMatch::Account => 1,
        PrincipalMatch::SessionRole => 2,
        PrincipalMatch::Caller | PrincipalMatch::Anyone => 3,
    };
    let best = if element.as_str() == Some("*") {
        PrincipalMatch::Anyone
    } else {
        element
            .as_object()
            .unwrap_or_default()
            .iter()
            .flat_map(|entry| {
                names(&entry.value)
                    .iter()
                    .filter_map(text)
                    .map(|name| one(&entry.key, name))
            })
            .max_by_key(|m| rank(*m))
            .unwrap_or(PrincipalMatch::None)
    };
    // The IAM User Guide ("AWS JSON policy elements: NotPrincipal"): with Deny "the actions
    // specified in the policy statement are explicitly denied to all principals except for
    // the ones specified", and its example leaves out Bob alone although it also lists
    // Bob's account: naming the account (or a role) exempts only that principal, not the
    // users of the account (or the sessions of the role). "If an assumed-role user [...]
    // is being evaluated, AWS might validate the account first, then the role, and then
    // the assumed-role user. The assumed-role user is identified by the role session name".
    // Only the caller's own ARN (its session ARN for a role session) or `*` leaves it out.
    match (negated, best) {
        (false, best) => best,
        (true, PrincipalMatch::Caller | PrincipalMatch::Anyone) => PrincipalMatch::None,
        (true, _) => PrincipalMatch::Caller,
    }
}

#[cfg(test)]
mod tests;
