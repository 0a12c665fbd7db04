//! `iamlint simulate`: evaluates requests against policy files with the evaluator in
//! `eval/`, and keeps the spans of every statement for the trace.

use std::borrow::Cow;
use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;

use crate::eval::{Caller, Context, Decision, Evaluation, PolicySet, Request, Role, evaluate};
use crate::model::{DocumentKind, PolicyDocument, PolicyKind, scp_level};
use crate::parse::{Syntax, parse};
use crate::read::read_text;
use crate::source::{FileId, SourceMap};

/// Policy files by the role they play.
#[derive(Default)]
pub struct PolicyFiles {
    pub identity: Vec<String>,
    pub resource: Vec<String>,
    pub boundary: Vec<String>,
    pub scps: Vec<String>,
}

/// The loaded policies, kept with their sources so that trace spans can be located.
pub struct LoadedPolicies {
    pub sources: SourceMap,
    identity: Vec<PolicyDocument<'static>>,
    resource: Vec<PolicyDocument<'static>>,
    boundary: Vec<PolicyDocument<'static>>,
    scps: Vec<PolicyDocument<'static>>,
}

fn refs<'a>(docs: &'a [PolicyDocument<'static>]) -> Vec<&'a PolicyDocument<'static>> {
    docs.iter().collect()
}

impl LoadedPolicies {
    /// Reads and parses every file; `Err` names the first file that cannot be used.
    pub fn load(files: &PolicyFiles) -> Result<LoadedPolicies, String> {
        let mut sources = SourceMap::default();
        let mut load = |paths: &[String], kind: PolicyKind| -> Result<Vec<PolicyDocument<'static>>, String> {
            paths
                .iter()
                .map(|path| {
                    let text = read_text(Path::new(path))?;
                    let file = FileId(sources.len() as u32);
                    let root = parse(file, &text, Syntax::detect(path, &text)).map_err(|e| {
                        let at = crate::source::LineIndex::new(&text).line_col(&text, e.span.start as usize);
                        format!("{path}:{}:{}: {}", at.line, at.column, e.message)
                    })?;
                    if DocumentKind::of(&root) != Some(DocumentKind::Policy) {
                        return Err(format!("{path}: not an IAM policy document (no `Statement`)"));
                    }
                    sources.add(path.clone(), Arc::from(text.as_str()));
                    Ok(PolicyDocument::from_node(Cow::Owned(root), kind, None))
                })
                .collect()
        };
        Ok(LoadedPolicies {
            identity: load(&files.identity, PolicyKind::Identity)?,
            resource: load(&files.resource, PolicyKind::Resource)?,
            boundary: load(&files.boundary, PolicyKind::Identity)?,
            scps: load(&files.scps, PolicyKind::ServiceControl)?,
            sources,
        })
    }

    pub fn evaluate(&self, request: &Request, cross_account: bool) -> Evaluation {
        let set = PolicySet {
            identity: refs(&self.identity),
            resource: refs(&self.resource),
            boundary: (!self.boundary.is_empty()).then(|| refs(&self.boundary)),
            session: None,
            scps: if self.scps.is_empty() {
                Vec::new()
            } else {
                vec![scp_level(refs(&self.scps))]
            },
            rcps: Vec::new(),
            cross_account,
        };
        evaluate(&set, request)
    }
}

/// `key=value` arguments into a context; a key given twice gets both values.
pub fn context_from_pairs(pairs: &[String]) -> Result<Context, String> {
    let mut grouped: Vec<(String, Vec<String>)> = Vec::new();
    for pair in pairs {
        let (key, value) = pair.split_once('=').ok_or_else(|| {
            format!("`{pair}`: expected KEY=VALUE, e.g. rds:ManageMasterUserPassword=false")
        })?;
        match grouped.iter_mut().find(|(k, _)| k.eq_ignore_ascii_case(key)) {
            Some((_, values)) => values.push(value.to_string()),
            None => grouped.push((key.to_string(), vec![value.to_string()])),
        }
    }
    let mut context = Context::new();
    for (key, values) in grouped {
        context.set(&key, values);
    }
    Ok(context)
}

/// The caller from an ARN: its account is the ARN's fifth field. A service principal
/// (`lambda.amazonaws.com`, as a resource policy's `Principal` names it) is a request made
/// by that service.
pub fn caller_from_arn(arn: &str) -> Caller {
    if !arn.starts_with("arn:") && arn.ends_with(".amazonaws.com") {
        return Caller {
            arn: arn.to_string(),
            account: String::new(),
            service: Some(arn.to_string()),
        };
    }
    Caller {
        arn: arn.to_string(),
        account: arn.split(':').nth(4).unwrap_or_default().to_string(),
        service: None,
    }
}

/// One line of a `--request` file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestLine {
    pub action: String,
    #[serde(default = "any_resource")]
    pub resource: String,
    /// The caller's ARN.
    pub principal: Option<String>,
    #[serde(default)]
    pub context: serde_json::Map<String, serde_json::Value>,
}

fn any_resource() -> String {
    "*".to_string()
}

impl RequestLine {
    pub fn into_request(self, default_caller: &Caller) -> Request {
        let mut context = Context::new();
        for (key, value) in self.context {
            let text = |v: &serde_json::Value| match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let values = match &value {
                serde_json::Value::Array(items) => items.iter().map(text).collect(),
                other => vec![text(other)],
            };
            context.set(&key, values);
        }
        Request {
            action: self.action,
            resource: self.resource,
            caller: self
                .principal
                .as_deref()
                .map_or_else(|| default_caller.clone(), caller_from_arn),
            context,
        }
    }
}

pub fn decision_name(decision: Decision) -> &'static str {
    match decision {
        Decision::Allow => "allow",
        Decision::ExplicitDeny => "explicit-deny",
        Decision::ImplicitDeny => "implicit-deny",
    }
}

pub fn role_name(role: Role) -> &'static str {
    match role {
        Role::Identity => "identity",
        Role::Resource => "resource",
        Role::Boundary => "boundary",
        Role::Session => "session",
        Role::Scp(_) => "scp",
        Role::Rcp(_) => "rcp",
    }
}
