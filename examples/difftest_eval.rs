//! Reads difftest cases as JSON lines on standard input and writes one decision per line
//! (`allow`, `explicit-deny`, `implicit-deny`, or `error: ...`), using the library's
//! evaluator in bulk. A dev tool for `scripts/difftest`, which compares these decisions
//! with an independent implementation; not part of the binary.
//!
//! A case: `{"identity": [policy...], "resource": policy | null, "boundary": [policy...] |
//! null, "session": policy | null, "scps": [[policy...] per level], "rcps": [[policy...] per level], "principal":
//! ARN or service principal, "action", "resource_arn", "resource_account", "context":
//! {key: string | [string...]}}`.

// This example is a command-line filter: standard output is its interface.
#![allow(clippy::print_stdout)]

use std::borrow::Cow;
use std::io::{BufRead, BufWriter, Write};

use iamlint::eval::{Caller, Context, PolicySet, Request, decide};
use iamlint::model::{PolicyDocument, PolicyKind};
use iamlint::parse::{Syntax, parse};
use iamlint::simulate::decision_name;
use iamlint::source::FileId;
use serde_json::Value;

fn document(policy: &Value, kind: PolicyKind) -> Result<PolicyDocument<'static>, String> {
    let text = policy.to_string();
    let node = parse(FileId(0), &text, Syntax::Json).map_err(|e| e.message)?;
    Ok(PolicyDocument::from_node(Cow::Owned(node), kind, None))
}

fn documents(list: Option<&Value>, kind: PolicyKind) -> Result<Vec<PolicyDocument<'static>>, String> {
    list.and_then(Value::as_array)
        .map(|items| items.iter().map(|p| document(p, kind)).collect())
        .unwrap_or_else(|| Ok(Vec::new()))
}

fn levels(list: Option<&Value>, kind: PolicyKind) -> Result<Vec<Vec<PolicyDocument<'static>>>, String> {
    list.and_then(Value::as_array)
        .map(|levels| levels.iter().map(|level| documents(Some(level), kind)).collect())
        .unwrap_or_else(|| Ok(Vec::new()))
}

fn refs<'a>(docs: &'a [PolicyDocument<'static>]) -> Vec<&'a PolicyDocument<'static>> {
    docs.iter().collect()
}

fn text(case: &Value, field: &str) -> String {
    case.get(field)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn decide_case(line: &str) -> Result<&'static str, String> {
    let case: Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
    let identity = documents(case.get("identity"), PolicyKind::Identity)?;
    let resource = match case.get("resource") {
        Some(p) if !p.is_null() => vec![document(p, PolicyKind::Resource)?],
        _ => Vec::new(),
    };
    let boundary = match case.get("boundary") {
        Some(list) if !list.is_null() => Some(documents(Some(list), PolicyKind::Identity)?),
        _ => None,
    };
    let session = match case.get("session") {
        Some(p) if !p.is_null() => Some(vec![document(p, PolicyKind::Identity)?]),
        _ => None,
    };
    let scps = levels(case.get("scps"), PolicyKind::ServiceControl)?;
    let rcps = levels(case.get("rcps"), PolicyKind::ResourceControl)?;

    let principal = text(&case, "principal");
    let caller = if principal.ends_with(".amazonaws.com") {
        Caller {
            arn: principal.clone(),
            account: String::new(),
            service: Some(principal.clone()),
        }
    } else {
        iamlint::simulate::caller_from_arn(&principal)
    };
    let resource_account = text(&case, "resource_account");
    let cross_account = caller.service.is_none() && caller.account != resource_account;
    let mut context = Context::new();
    if let Some(keys) = case.get("context").and_then(Value::as_object) {
        for (key, value) in keys {
            let values = match value {
                Value::Array(items) => items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect(),
                Value::String(s) => vec![s.clone()],
                other => vec![other.to_string()],
            };
            context.set(key, values);
        }
    }
    let request = Request {
        action: text(&case, "action"),
        resource: text(&case, "resource_arn"),
        caller,
        context,
    };
    let set = PolicySet {
        identity: refs(&identity),
        resource: refs(&resource),
        boundary: boundary.as_deref().map(refs),
        session: session.as_deref().map(refs),
        scps: scps.iter().map(|level| refs(level)).collect(),
        rcps: rcps.iter().map(|level| refs(level)).collect(),
        cross_account,
    };
    Ok(decision_name(decide(&set, &request)))
}

fn main() -> std::io::Result<()> {
    let stdin = std::io::stdin();
    let mut out = BufWriter::new(std::io::stdout().lock());
    for line in stdin.lock().lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        match decide_case(&line) {
            Ok(decision) => writeln!(out, "{decision}")?,
            Err(message) => writeln!(out, "error: {}", message.replace('\n', " "))?,
        }
    }
    out.flush()
}
