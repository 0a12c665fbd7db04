//! Output of `iamlint simulate`: the decision and the trace of every statement, as lines for
//! people or as JSON (a stable contract, `"decision"` and `"trace"`).

use std::io::{self, Write};

use serde_json::json;

use super::escape::{display_path, escape, guard_line};
use super::excerpt::ShownLine;
use crate::eval::{Decision, Evaluation, Request};
use crate::model::{Effect, is_synthetic};
use crate::simulate::{decision_name, role_name};
use crate::source::{SourceMap, Span};

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
                "reason": &*t.reason,
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
    // The action and resource come from the command line or a request file: escaped, and
    // the line guarded, since the action starts it.
    let first = format!(
        "{} on {}: {} ({})",
        escape(&request.action),
        escape(&request.resource),
        decision_name(evaluation.decision),
        escape(&evaluation.reason)
    );
    writeln!(out, "{}", guard_line(&first))?;
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
            display_path(&file.path),
            at.line,
            at.column,
            effect,
            role_name(t.role),
            escape(&t.reason)
        )?;
    }
    // The statements that decided it, as they are written.
    let deciding = match evaluation.decision {
        Decision::Allow => Some(Effect::Allow),
        Decision::ExplicitDeny => Some(Effect::Deny),
        Decision::ImplicitDeny => None,
    };
    for t in evaluation
        .trace
        .iter()
        .filter(|t| t.applies && Some(t.effect) == deciding && !is_synthetic(t.span))
    {
        write_snippet(sources, t.span, out)?;
    }
    Ok(())
}

/// The lines of a statement with their numbers, at most `SNIPPET_LINES` of them, each
/// escaped and, when long, cut to windows around where the statement starts and ends.
fn write_snippet(sources: &SourceMap, span: Span, out: &mut dyn Write) -> io::Result<()> {
    const SNIPPET_LINES: usize = 12;
    let file = sources.get(span.file);
    let (start, end) = (
        file.line_col(span.start as usize),
        file.line_col(span.end as usize),
    );
    writeln!(
        out,
        "\n  {}:{}:{}",
        display_path(&file.path),
        start.line,
        start.column
    )?;
    let width = end.line.to_string().len();
    let shown_lines = (end.line + 1 - start.line).min(SNIPPET_LINES);
    for number in start.line..start.line + shown_lines {
        let Some(range) = file.line_range(number) else {
            break;
        };
        let line = &file.text[range.clone()];
        let line = line.strip_suffix('\r').unwrap_or(line);
        let mut points = Vec::new();
        for offset in [span.start as usize, span.end as usize] {
            if (range.start..=range.end).contains(&offset) {
                points.push((offset - range.start).min(line.len()));
            }
        }
        let shown = ShownLine::new(line, &points);
        writeln!(out, "  {number:>width$} | {}", shown.text.replace('\t', "    "))?;
    }
    if end.line + 1 - start.line > SNIPPET_LINES {
        writeln!(out, "  {:>width$} | ...", "")?;
    }
    Ok(())
}

pub fn write_json_line(
    evaluation: &Evaluation,
    request: &Request,
    sources: &SourceMap,
    out: &mut dyn Write,
) -> io::Result<()> {
    super::json_text::write_compact(out, &json_value(evaluation, request, sources))?;
    writeln!(out)
}
