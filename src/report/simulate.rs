//! Output of `iamlint simulate`: the decision and the trace of every statement, as lines for
//! people or as JSON (a stable contract, `"decision"` and `"trace"`).

use std::io::{self, Write};

use serde_json::json;

use crate::eval::{Evaluation, Request};
use crate::model::{Effect, is_synthetic};
use crate::simulate::{decision_name, role_name};
use crate::source::SourceMap;

pub fn json_value(evaluation: &Evaluation, request: &Request, sources: &SourceMap) -> serde_json::Value {
    let trace: Vec<serde_json::Value> = evaluation
        .trace
        .iter()
        .filter(|t| !is_synthetic(t.span))
        .map(|t| {
            let file = sources.get(t.span.file);
            let at = file.line_col(t.span.start as usize);
            json!({
                "policy": role_name(t.role),
                "file": file.path,
                "line": at.line,
                "column": at.column,
                "effect": if t.effect == Effect::Allow { "Allow" } else { "Deny" },
                "applies": t.applies,
                "reason": t.reason,
            })
        })
        .collect();
    json!({
        "action": request.action,
        "resource": request.resource,
        "decision": decision_name(evaluation.decision),
        "reason": evaluation.reason,
        "trace": trace,
    })
}

pub fn write_human(
    evaluation: &Evaluation,
    request: &Request,
    sources: &SourceMap,
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(
        out,
        "{} on {}: {} ({})",
        request.action,
        request.resource,
        decision_name(evaluation.decision),
        evaluation.reason
    )?;
    // The FullAWSAccess assumed beside deny-only SCPs is in no file.
    for t in evaluation.trace.iter().filter(|t| !is_synthetic(t.span)) {
        let file = sources.get(t.span.file);
        let at = file.line_col(t.span.start as usize);
        let effect = if t.effect == Effect::Allow {
            "Allow"
        } else {
            "Deny"
        };
        let verdict = if t.applies { "applies" } else { "does not apply" };
        writeln!(
            out,
            "  {}:{}:{}: {} ({}) {verdict}: {}",
            file.path,
            at.line,
            at.column,
            effect,
            role_name(t.role),
            t.reason
        )?;
    }
    Ok(())
}

pub fn write_json_line(
    evaluation: &Evaluation,
    request: &Request,
    sources: &SourceMap,
    out: &mut dyn Write,
) -> io::Result<()> {
    serde_json::to_writer(&mut *out, &json_value(evaluation, request, sources))?;
    writeln!(out)
}
