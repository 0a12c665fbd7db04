//! Rules about RDS-managed master passwords. This module owns what they share: which
//! actions accept `rds:ManageMasterUserPassword`, how a condition on that key is decided
//! for a given request, which statements are guards, and how a template's
//! `MasterUserPassword` is classified.

pub mod guard_bypass_modify;
pub mod guard_incomplete;
pub mod guard_inverted;
pub mod hardcoded_master_password;
pub mod managed_password_unsupported;
pub mod master_password_not_managed;
pub mod missing_secret_permissions;

use crate::model::{
    ConditionClause, Effect, FileModel, PolicyDocument, Resource, SetQualifier, Statement, Template,
};
use crate::model::{Language, is_pseudo_parameter};
use crate::parse::{Node, Value};
use crate::source::Span;

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

/// Whether one condition clause on the key matches a request in which the key is `value`
/// (`None`: the request does not carry the key). `None` when it cannot be decided: a
/// non-literal value or an operator that does not apply to a boolean key.
pub fn clause_matches(clause: &ConditionClause, value: Option<bool>) -> Option<bool> {
    let expected: Vec<&str> = clause
        .values
        .iter()
        .map(|v| v.text.as_deref())
        .collect::<Option<_>>()?;
    let op = &clause.operator;
    if op.base == "Null" {
        // `Null: true` matches when the key is absent.
        let absent = value.is_none();
        return Some(
            expected
                .iter()
                .any(|e| e.eq_ignore_ascii_case(if absent { "true" } else { "false" })),
        );
    }
    let Some(value) = value else {
        let negated = op.base.contains("Not");
        return Some(
            op.if_exists
                || op.qualifier == Some(SetQualifier::ForAllValues)
                || (negated && op.qualifier.is_none()),
        );
    };
    let actual = if value { "true" } else { "false" };
    let any = |f: &dyn Fn(&str) -> bool| expected.iter().any(|e| f(e));
    let matched = match op.base.as_str() {
        "Bool" | "StringEqualsIgnoreCase" => any(&|e| e.eq_ignore_ascii_case(actual)),
        "StringEquals" => any(&|e| e == actual),
        "StringNotEquals" => !any(&|e| e == actual),
        "StringNotEqualsIgnoreCase" => !any(&|e| e.eq_ignore_ascii_case(actual)),
        "StringLike" => any(&|e| string_like(e, actual)),
        "StringNotLike" => !any(&|e| string_like(e, actual)),
        _ => return None,
    };
    Some(matched)
}

/// `StringLike` is case-sensitive, unlike action matching: the evaluator's glob.
fn string_like(pattern: &str, value: &str) -> bool {
    use crate::eval::context::{Context, glob, substitute};
    substitute(pattern, &Context::new(), true).is_some_and(|p| glob(&p, value, false))
}

/// Whether every clause of `statement` on the key matches a request with the key set to
/// `value`; other keys are assumed satisfiable. `None` when undecidable or when the
/// statement has no clause on the key.
pub fn key_condition_matches(statement: &Statement, value: Option<bool>) -> Option<bool> {
    let mut any = false;
    let mut result = true;
    for clause in statement.clauses_on(KEY) {
        any = true;
        result &= clause_matches(clause, value)?;
    }
    any.then_some(result)
}

/// A `Deny` that blocks requests with `rds:ManageMasterUserPassword` = false.
pub fn is_guard(statement: &Statement) -> bool {
    statement.is(Effect::Deny) && key_condition_matches(statement, Some(false)) == Some(true)
}

/// An `Allow` of a key-accepting action only when the key is true.
pub fn is_managed_only_allow(statement: &Statement) -> bool {
    statement.is(Effect::Allow)
        && key_condition_matches(statement, Some(true)) == Some(true)
        && key_condition_matches(statement, Some(false)) == Some(false)
        && key_actions()
            .iter()
            .any(|a| statement.covers_action(a) == Some(true))
}

/// The guards of a document, which are judged together: a policy may split its guard over
/// several statements.
pub struct Guards<'a> {
    pub statements: Vec<&'a Statement>,
}

impl<'a> Guards<'a> {
    pub fn of(doc: &'a PolicyDocument<'_>) -> Guards<'a> {
        Guards {
            statements: doc.statements.iter().filter(|s| is_guard(s)).collect(),
        }
    }

    /// Whether any guard denies `action`: `None` if a non-literal action item leaves it
    /// open.
    pub fn cover(&self, action: &str) -> Option<bool> {
        let mut unknown = false;
        for guard in &self.statements {
            match guard.covers_action(action) {
                Some(true) => return Some(true),
                Some(false) => {}
                None => unknown = true,
            }
        }
        if unknown { None } else { Some(false) }
    }

    /// For each guard, the Modify actions that `rds/guard-bypass-modify` reports there:
    /// the guard covers an instance (cluster) create and no guard covers the matching
    /// Modify. Each missing action is reported once, at the first guard that calls for it.
    pub fn modify_gaps(&self) -> Vec<(&'a Statement, Vec<&'static str>)> {
        let mut reported: Vec<&str> = Vec::new();
        let mut gaps = Vec::new();
        for guard in &self.statements {
            let mut missing = Vec::new();
            for (creates, modify) in [
                (&INSTANCE_CREATES[..], MODIFY_INSTANCE),
                (&CLUSTER_CREATES[..], MODIFY_CLUSTER),
            ] {
                let creates_covered = creates.iter().any(|a| guard.covers_action(a) == Some(true));
                if creates_covered && self.cover(modify) == Some(false) && !reported.contains(&modify) {
                    reported.push(modify);
                    missing.push(modify);
                }
            }
            if !missing.is_empty() {
                gaps.push((*guard, missing));
            }
        }
        gaps
    }
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
pub fn describe(file: &FileModel<'_>, resource: &Resource<'_>) -> String {
    if file.language() == Language::Terraform {
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

fn is_dynamic_reference(text: &str) -> bool {
    text.contains("{{resolve:")
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

/// The names referenced as `${Name}` in an `Fn::Sub` string (`${!Literal}` is text).
fn sub_variables(body: &str) -> impl Iterator<Item = &str> {
    body.split("${").skip(1).filter_map(|rest| {
        let name = &rest[..rest.find('}')?];
        (!name.starts_with('!')).then_some(name.trim())
    })
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

/// The spans no output may print: the literal parts of every `MasterUserPassword` value
/// (not the names in `Ref`/`Fn::GetAtt`, not dynamic references) and the defaults of the
/// parameters it refers to, plus the defaults of `NoEcho` parameters.
pub fn secret_spans(file: &FileModel<'_>) -> Vec<Span> {
    let Some(template) = &file.template else {
        return Vec::new();
    };
    let mut spans = Vec::new();
    for resource in &template.resources {
        if let Some(value) = resource.property("MasterUserPassword") {
            literal_spans(value, template, &mut spans, 0);
        }
    }
    for parameter in &template.parameters {
        let no_echo = parameter.node.get("NoEcho").and_then(Node::as_bool_like) == Some(true);
        if let (true, Some(default)) = (no_echo, parameter.default()) {
            spans.push(default.span);
        }
    }
    spans
}

fn literal_spans(node: &Node, template: &Template<'_>, spans: &mut Vec<Span>, depth: usize) {
    if depth > crate::parse::MAX_DEPTH {
        return;
    }
    match &node.value {
        Value::String(s) if is_dynamic_reference(s) => {}
        Value::String(_) | Value::Number(_) | Value::Bool(_) => spans.push(node.span),
        Value::Array(items) => items
            .iter()
            .for_each(|n| literal_spans(n, template, spans, depth + 1)),
        Value::Object(entries) => match node.intrinsic() {
            Some(("Ref", target)) => {
                let default = target
                    .as_str()
                    .and_then(|n| template.parameter(n))
                    .and_then(|p| p.default());
                spans.extend(default.map(|d| d.span));
            }
            Some(("Fn::GetAtt" | "Fn::ImportValue" | "Condition", _)) => {}
            _ => entries
                .iter()
                .for_each(|e| literal_spans(&e.value, template, spans, depth + 1)),
        },
        Value::Null => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{PolicyDocument, PolicyKind};
    use crate::parse::{Syntax, parse};
    use crate::source::FileId;

    fn statement(json: &str) -> Statement {
        let text = format!(r#"{{"Statement": [{json}]}}"#);
        let node = parse(FileId(0), &text, Syntax::Json).unwrap();
        PolicyDocument::from_node(std::borrow::Cow::Owned(node), PolicyKind::Unspecified, None)
            .statements
            .remove(0)
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
            let s = statement(&format!(
                r#"{{"Effect": "Deny", "Action": "rds:*", "Resource": "*", "Condition": {condition}}}"#
            ));
            assert!(is_guard(&s), "{condition}");
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
            let s = statement(&format!(
                r#"{{"Effect": "Deny", "Action": "rds:*", "Condition": {condition}}}"#
            ));
            assert!(!is_guard(&s), "{condition}");
        }
        let allow = statement(
            r#"{"Effect": "Allow", "Action": "rds:*", "Condition": {"Bool": {"rds:ManageMasterUserPassword": false}}}"#,
        );
        assert!(!is_guard(&allow));
    }

    #[test]
    fn sub_variables_skip_literal_escapes() {
        let names: Vec<&str> = sub_variables("a${AWS::Region}-${!Literal}-${Param}").collect();
        assert_eq!(names, vec!["AWS::Region", "Param"]);
    }
}
