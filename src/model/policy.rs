//! IAM policy documents: statements, their action lists and conditions, with spans.

use std::borrow::Cow;

use std::sync::LazyLock;

use crate::parse::{Node, Syntax, Value, parse};
use crate::source::{FileId, Span};

/// The kind of policy a document is, which decides its grammar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PolicyKind {
    /// A plain policy file: nothing says how it is attached.
    Unspecified,
    /// Attached to a role, user or group.
    Identity,
    /// A role's trust policy.
    Trust,
    /// A service control policy (SCP) of AWS Organizations.
    ServiceControl,
    /// A resource control policy (RCP) of AWS Organizations.
    ResourceControl,
    /// A KMS key policy.
    KeyPolicy,
    /// Another resource-based policy (bucket, secret).
    Resource,
}

impl PolicyKind {
    /// The type of a plain policy file, from its content. A role trust policy grants only
    /// `sts:` actions to the principals it names, or names a `Federated` principal without
    /// granting any other action; a
    /// resource-based policy names a principal in every statement; an identity policy names
    /// none (a stray `Principal` in some statements is then reported as not allowed).
    /// `Unspecified` when there are no statements to tell.
    pub fn infer(document: &Node) -> PolicyKind {
        let statements: Vec<&Node> = match document.get("Statement") {
            Some(Node {
                value: Value::Array(items),
                ..
            }) => items.iter().collect(),
            Some(single) => vec![single],
            None => Vec::new(),
        };
        let statements: Vec<&Node> = statements
            .into_iter()
            .filter(|s| s.as_object().is_some())
            .collect();
        if statements.is_empty() {
            return PolicyKind::Unspecified;
        }
        let names_principal = |s: &&Node| s.entry("Principal").is_some() || s.entry("NotPrincipal").is_some();
        if !statements.iter().all(names_principal) {
            return PolicyKind::Identity;
        }
        let federated = statements
            .iter()
            .any(|s| s.get("Principal").and_then(|p| p.entry("Federated")).is_some());
        fn actions(statement: &Node) -> Vec<&str> {
            match statement.get("Action") {
                Some(Node {
                    value: Value::Array(items),
                    ..
                }) => items.iter().filter_map(Node::as_str).collect(),
                Some(single) => single.as_str().into_iter().collect(),
                None => Vec::new(),
            }
        }
        let is_sts = |a: &&str| a.to_ascii_lowercase().starts_with("sts:");
        let only_sts = statements.iter().all(|s| {
            let items = actions(s);
            !items.is_empty() && items.iter().all(is_sts)
        });
        // A Federated principal marks a trust policy only where nothing but `sts:` actions
        // are granted: in a bucket policy granting `s3:GetObject` it is a resource policy
        // naming a principal that resource policies do not support (iam/invalid-principal).
        let other_actions = statements.iter().any(|s| !actions(s).iter().all(is_sts));
        if only_sts || (federated && !other_actions) {
            PolicyKind::Trust
        } else {
            PolicyKind::Resource
        }
    }

    /// Whether statements of this document can grant permissions to the principal that
    /// holds it.
    pub fn grants_to_holder(self) -> bool {
        matches!(self, PolicyKind::Unspecified | PolicyKind::Identity)
    }
}

#[derive(Clone, Debug)]
pub struct PolicyDocument<'a> {
    /// The document as parsed: borrowed from the file, or owned when it was written as a
    /// JSON string inside a template. Grammar rules read it; the fields below are the
    /// typed view that semantic rules use.
    pub source: Cow<'a, Node>,
    pub kind: PolicyKind,
    pub span: Span,
    /// The template resource that holds it, when it comes from a template.
    pub owner: Option<String>,
    /// The roles, users and groups of the template it applies to (by logical id): its
    /// owner for an inline policy, the `Roles`/`Users`/`Groups` it names for a
    /// standalone `AWS::IAM::Policy` or `ManagedPolicy`.
    pub attached_to: Vec<String>,
    pub statements: Vec<Statement>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

#[derive(Clone, Debug)]
pub struct Statement {
    pub span: Span,
    pub effect: Option<(Effect, Span)>,
    /// `Action` or `NotAction` (then `negated`).
    pub action: Option<ElementList>,
    /// `Resource` or `NotResource`.
    pub resource: Option<ElementList>,
    pub condition: Vec<ConditionClause>,
}

/// A policy element that holds one string or a list of strings.
#[derive(Clone, Debug)]
pub struct ElementList {
    pub negated: bool,
    pub key_span: Span,
    pub span: Span,
    pub items: Vec<ElementItem>,
}

#[derive(Clone, Debug)]
pub struct ElementItem {
    pub span: Span,
    /// `None` when the item is not a literal string (an intrinsic function).
    pub text: Option<String>,
    /// For a template's `Fn::Sub`/`Fn::Join`/`Ref`: the value with pseudo parameters
    /// filled in and whatever is only known at deploy time as `*`. `None` for a literal
    /// (see [`ElementItem::pattern`]).
    pub deploy_time: Option<String>,
}

impl ElementItem {
    /// What the evaluator matches resources against: the literal, or the deploy-time
    /// pattern of an intrinsic function.
    pub fn pattern(&self) -> Option<&str> {
        self.text.as_deref().or(self.deploy_time.as_deref())
    }
}

impl ElementList {
    /// Whether this `Action`/`NotAction` element applies to `action`: `Some(true)` or
    /// `Some(false)`, or `None` when a non-literal item makes it impossible to say.
    pub fn covers_action(&self, action: &str) -> Option<bool> {
        let mut unknown = false;
        let mut matched = false;
        for item in &self.items {
            match &item.text {
                Some(pattern) if action_matches(pattern, action) => matched = true,
                Some(_) => {}
                None => unknown = true,
            }
        }
        match (matched, unknown) {
            (true, _) => Some(!self.negated),
            (false, true) => None,
            (false, false) => Some(self.negated),
        }
    }

    /// The first item that matches `action`, for labels.
    pub fn matching_item(&self, action: &str) -> Option<&ElementItem> {
        self.items
            .iter()
            .find(|i| i.text.as_deref().is_some_and(|p| action_matches(p, action)))
    }
}

/// IAM action matching: case-insensitive, `*` matches any run of characters and `?` one.
pub fn action_matches(pattern: &str, action: &str) -> bool {
    if pattern.is_ascii() && action.is_ascii() {
        // Action names are ASCII: compare bytes without allocating (this runs for every
        // pattern against every action of a service).
        return wildcard_match(pattern.as_bytes(), action.as_bytes(), |a, b| {
            a.eq_ignore_ascii_case(&b)
        });
    }
    let pattern: Vec<char> = pattern.chars().flat_map(char::to_lowercase).collect();
    let action: Vec<char> = action.chars().flat_map(char::to_lowercase).collect();
    wildcard_match(&pattern, &action, |a, b| a == b)
}

/// Iterative glob match with single-star backtracking: linear in practice, never
/// exponential.
fn wildcard_match<T: Copy + PartialEq + Wildcards>(
    pattern: &[T],
    text: &[T],
    same: impl Fn(T, T) -> bool,
) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && (pattern[p].matches_one_char() || same(pattern[p], text[t])) {
            p += 1;
            t += 1;
        } else if p < pattern.len() && pattern[p].matches_any_run() {
            star = Some((p, t));
            p += 1;
        } else if let Some((sp, st)) = star {
            p = sp + 1;
            t = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|c| c.matches_any_run())
}

/// The wildcard characters of a pattern element (byte or char).
trait Wildcards {
    fn matches_any_run(self) -> bool;
    fn matches_one_char(self) -> bool;
}

impl Wildcards for u8 {
    fn matches_any_run(self) -> bool {
        self == b'*'
    }
    fn matches_one_char(self) -> bool {
        self == b'?'
    }
}

impl Wildcards for char {
    fn matches_any_run(self) -> bool {
        self == '*'
    }
    fn matches_one_char(self) -> bool {
        self == '?'
    }
}

/// `ForAnyValue:` / `ForAllValues:` qualifiers of a condition operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetQualifier {
    ForAnyValue,
    ForAllValues,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operator {
    pub qualifier: Option<SetQualifier>,
    /// The operator without qualifier and `IfExists`, as written (`StringEquals`).
    pub base: String,
    pub if_exists: bool,
}

impl Operator {
    pub fn parse(written: &str) -> Operator {
        let (qualifier, rest) = if let Some(rest) = written.strip_prefix("ForAnyValue:") {
            (Some(SetQualifier::ForAnyValue), rest)
        } else if let Some(rest) = written.strip_prefix("ForAllValues:") {
            (Some(SetQualifier::ForAllValues), rest)
        } else {
            (None, written)
        };
        let (base, if_exists) = match rest.strip_suffix("IfExists") {
            Some(base) => (base, true),
            None => (rest, false),
        };
        Operator {
            qualifier,
            base: base.to_string(),
            if_exists,
        }
    }
}

/// One `operator: { key: values }` pair of a `Condition` block.
#[derive(Clone, Debug)]
pub struct ConditionClause {
    pub operator: Operator,
    pub operator_span: Span,
    pub key: String,
    pub key_span: Span,
    pub values: Vec<ConditionValue>,
    /// The span of the whole value (a string or a list).
    pub values_span: Span,
}

#[derive(Clone, Debug)]
pub struct ConditionValue {
    pub span: Span,
    /// The value as IAM compares it (`true` for a JSON boolean), or `None` when it is not
    /// a literal.
    pub text: Option<String>,
}

impl<'a> PolicyDocument<'a> {
    pub fn from_node(node: Cow<'a, Node>, kind: PolicyKind, owner: Option<String>) -> PolicyDocument<'a> {
        let statements = match node.get("Statement") {
            Some(Node {
                value: Value::Array(items),
                ..
            }) => items.iter().filter_map(Statement::from_node).collect(),
            Some(single) => Statement::from_node(single).into_iter().collect(),
            None => Vec::new(),
        };
        PolicyDocument {
            kind,
            span: node.span,
            owner,
            attached_to: Vec::new(),
            statements,
            source: node,
        }
    }
}

impl PolicyDocument<'_> {
    /// The statement objects as written, one per entry of [`PolicyDocument::statements`]
    /// and in the same order (both keep the objects of `Statement` and drop anything else),
    /// for what the typed view does not carry (principals).
    pub fn statement_nodes(&self) -> Vec<&Node> {
        match self.source.get("Statement") {
            Some(Node {
                value: Value::Array(items),
                ..
            }) => items.iter().filter(|n| n.as_object().is_some()).collect(),
            Some(single) if single.as_object().is_some() => vec![single],
            _ => Vec::new(),
        }
    }
}

impl Statement {
    fn from_node(node: &Node) -> Option<Statement> {
        node.as_object()?;
        let effect = node.get("Effect").and_then(|e| {
            let effect = match e.as_str()? {
                "Allow" => Effect::Allow,
                "Deny" => Effect::Deny,
                _ => return None,
            };
            Some((effect, e.span))
        });
        Some(Statement {
            span: node.span,
            effect,
            action: ElementList::from_statement(node, "Action", "NotAction"),
            resource: ElementList::from_statement(node, "Resource", "NotResource"),
            condition: node.get("Condition").map(conditions).unwrap_or_default(),
        })
    }

    pub fn is(&self, effect: Effect) -> bool {
        self.effect.is_some_and(|(e, _)| e == effect)
    }

    /// Whether this statement's `Action`/`NotAction` applies to `action`; a statement with
    /// neither applies to nothing.
    pub fn covers_action(&self, action: &str) -> Option<bool> {
        self.action
            .as_ref()
            .map_or(Some(false), |a| a.covers_action(action))
    }

    /// The clauses that test `key` (condition keys are case-insensitive).
    pub fn clauses_on<'s>(&'s self, key: &'s str) -> impl Iterator<Item = &'s ConditionClause> + 's {
        self.condition
            .iter()
            .filter(move |c| c.key.eq_ignore_ascii_case(key))
    }
}

impl ElementList {
    fn from_statement(node: &Node, positive: &str, negative: &str) -> Option<ElementList> {
        let (entry, negated) = match (node.entry(positive), node.entry(negative)) {
            (Some(e), _) => (e, false),
            (None, Some(e)) => (e, true),
            (None, None) => return None,
        };
        let item = |n: &Node| ElementItem {
            span: n.span,
            text: n.as_str().map(str::to_string),
            // Only intrinsics need a pattern of their own: most items are literals.
            deploy_time: if n.as_str().is_some() {
                None
            } else {
                deploy_time_pattern(n)
            },
        };
        let items = match &entry.value.value {
            Value::Array(list) => list.iter().map(item).collect(),
            _ => vec![item(&entry.value)],
        };
        Some(ElementList {
            negated,
            key_span: entry.key_span,
            span: entry.value.span,
            items,
        })
    }
}

fn conditions(block: &Node) -> Vec<ConditionClause> {
    let mut clauses = Vec::new();
    for op in block.as_object().unwrap_or_default() {
        for key in op.value.as_object().unwrap_or_default() {
            let value = |n: &Node| ConditionValue {
                span: n.span,
                text: match &n.value {
                    Value::String(s) | Value::Number(s) => Some(s.clone()),
                    Value::Bool(b) => Some(b.to_string()),
                    _ => None,
                },
            };
            let values = match &key.value.value {
                Value::Array(list) => list.iter().map(value).collect(),
                _ => vec![value(&key.value)],
            };
            clauses.push(ConditionClause {
                operator: Operator::parse(&op.key),
                operator_span: op.key_span,
                key: key.key.clone(),
                key_span: key.key_span,
                values,
                values_span: key.value.span,
            });
        }
    }
    clauses
}

/// A template value as a pattern: literals as they are, `${AWS::Partition}` as `aws`,
/// `${AWS::AccountId}` as the account rules reason about, and anything else that is only
/// known at deploy time (parameters, attributes, Regions) as `*`.
pub fn deploy_time_pattern(node: &Node) -> Option<String> {
    pattern_at(node, 0)
}

fn pattern_at(node: &Node, depth: usize) -> Option<String> {
    if let Some(text) = node.as_str() {
        return Some(text.to_string());
    }
    if depth > 8 {
        return Some("*".to_string());
    }
    let pseudo = |name: &str| match name {
        "AWS::Partition" => "aws".to_string(),
        "AWS::AccountId" => super::ACCOUNT.to_string(),
        _ => "*".to_string(),
    };
    match node.intrinsic() {
        Some(("Ref", target)) => Some(target.as_str().map_or_else(|| "*".to_string(), pseudo)),
        Some(("Fn::Sub", operand)) => {
            let body = match operand.as_array() {
                Some([body, _]) => body.as_str(),
                _ => operand.as_str(),
            }?;
            let mut out = String::with_capacity(body.len());
            let mut rest = body;
            while let Some(at) = rest.find("${") {
                out.push_str(&rest[..at]);
                let after = &rest[at + 2..];
                let Some(close) = after.find('}') else {
                    out.push_str(&rest[at..]);
                    rest = "";
                    break;
                };
                let name = &after[..close];
                match name.strip_prefix('!') {
                    Some(literal) => {
                        out.push_str("${");
                        out.push_str(literal);
                        out.push('}');
                    }
                    None => out.push_str(&pseudo(name.trim())),
                }
                rest = &after[close + 1..];
            }
            out.push_str(rest);
            Some(out)
        }
        Some(("Fn::Join", operand)) => match operand.as_array() {
            Some([separator, parts]) => {
                let parts = parts.as_array()?;
                let parts: Vec<String> = parts
                    .iter()
                    .map(|p| pattern_at(p, depth + 1).unwrap_or_else(|| "*".to_string()))
                    .collect();
                Some(parts.join(separator.as_str().unwrap_or_default()))
            }
            _ => Some("*".to_string()),
        },
        Some(_) => Some("*".to_string()),
        None => None,
    }
}

/// The file id of documents iamlint makes up: never reported, never shown.
const SYNTHETIC: FileId = FileId(u32::MAX);

/// `Allow * on *`: what a principal may hold beyond what iamlint can see, and AWS's
/// `FullAWSAccess` SCP beside deny-only SCPs.
pub fn allow_all() -> &'static PolicyDocument<'static> {
    static DOC: LazyLock<PolicyDocument<'static>> = LazyLock::new(|| {
        let text = r#"{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}"#;
        let node = parse(SYNTHETIC, text, Syntax::Json).expect("the built-in policy is valid JSON");
        PolicyDocument::from_node(Cow::Owned(node), PolicyKind::Identity, None)
    });
    &DOC
}

/// Whether a span is in a document iamlint made up.
pub fn is_synthetic(span: Span) -> bool {
    span.file == SYNTHETIC
}

/// One level of SCPs. AWS attaches `FullAWSAccess` to every level by default and a
/// deny-list strategy keeps it, so a level whose SCPs allow nothing is taken to hold it
/// too: deny-only SCPs restrict, they do not deny everything else.
pub fn scp_level<'x, 'a>(mut level: Vec<&'x PolicyDocument<'a>>) -> Vec<&'x PolicyDocument<'a>> {
    let allows = level
        .iter()
        .any(|d| d.statements.iter().any(|s| s.is(Effect::Allow)));
    if !allows {
        level.push(allow_all());
    }
    level
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_and_case() {
        assert!(action_matches("rds:Modify*", "rds:ModifyDBInstance"));
        assert!(action_matches("RDS:modifydbinstance", "rds:ModifyDBInstance"));
        assert!(action_matches("*", "rds:ModifyDBInstance"));
        assert!(action_matches("rds:*DB?nstance", "rds:CreateDBInstance"));
        assert!(!action_matches("rds:Create*", "rds:ModifyDBInstance"));
        assert!(!action_matches(
            "rds:CreateDBInstance",
            "rds:CreateDBInstanceReadReplica"
        ));
        assert!(action_matches("r*s:*e*e*", "rds:CreateDBInstance"));
    }

    /// Issue 11, item 13: a `Federated` principal makes a trust policy only when nothing but
    /// `sts:` actions is granted; in a bucket policy it is a resource-based policy naming a
    /// principal such policies do not support (Access Analyzer: "Federated principal not
    /// supported").
    #[test]
    fn federated_principals_make_trust_policies_only_with_sts_actions() {
        let kind = |text: &str| {
            let root =
                crate::parse::parse(crate::source::FileId(0), text, crate::parse::Syntax::Json).unwrap();
            PolicyKind::infer(&root)
        };
        let statement = |action: &str| {
            format!(
                r#"{{"Statement": [{{"Effect": "Allow", "Principal": {{"Federated": "cognito-identity.amazonaws.com"}}{action}}}]}}"#
            )
        };
        assert_eq!(
            kind(&statement(r#", "Action": "s3:GetObject""#)),
            PolicyKind::Resource
        );
        assert_eq!(
            kind(&statement(
                r#", "Action": ["sts:AssumeRoleWithWebIdentity", "s3:GetObject"]"#
            )),
            PolicyKind::Resource
        );
        assert_eq!(
            kind(&statement(r#", "Action": "sts:AssumeRoleWithWebIdentity""#)),
            PolicyKind::Trust
        );
        assert_eq!(kind(&statement("")), PolicyKind::Trust);
    }

    #[test]
    fn operators_split_into_parts() {
        let op = Operator::parse("ForAnyValue:StringEqualsIfExists");
        assert_eq!(op.qualifier, Some(SetQualifier::ForAnyValue));
        assert_eq!(op.base, "StringEquals");
        assert!(op.if_exists);
    }
}
