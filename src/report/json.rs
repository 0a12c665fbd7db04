//! The JSON report: a stable contract (`"version": 1`). Fields are only ever added.
//! `findings` holds what counts toward the exit code; `suppressed_findings` what a
//! suppression hides, each with a `suppressed` object saying which kind, why and until when.

use std::io::{self, Write};

use serde::Serialize;

use super::json_text::Streamed;
use super::{Locator, Report, counts, json_text};
use crate::finding::Finding;

/// The findings are serialized as they are read ([`Streamed`]): a report of a hundred
/// thousand findings does not hold a second copy of them.
#[derive(Serialize)]
struct JsonReport<F, S> {
    version: u32,
    findings: F,
    suppressed_findings: S,
    summary: Summary,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: &'a str,
    message: &'a str,
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    help: Option<&'a str>,
    labels: Vec<JsonLabel<'a>>,
    /// `iamlint diff`'s counterexample, in the shape `simulate --request` reads.
    #[serde(skip_serializing_if = "Option::is_none")]
    request: Option<serde_json::Value>,
    /// What `request` is made against: `simulate --in PATH --subject KEY` replays it.
    #[serde(skip_serializing_if = "Option::is_none")]
    subject: Option<&'a str>,
    /// Present when the rule knows the edits that repair the finding.
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<JsonFix<'a>>,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    /// `safe` (applied by `--fix`) or `unsafe` (only with `--unsafe-fixes`).
    applicability: &'a str,
    message: &'a str,
    edits: Vec<JsonEdit<'a>>,
}

/// Replace the text from `start` to `end` (exclusive) with `replacement`: lines and columns
/// as the finding's (1-based, columns in characters), offsets in bytes from the start of
/// the file.
#[derive(Serialize)]
struct JsonEdit<'a> {
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    start_offset: usize,
    end_offset: usize,
    replacement: &'a str,
}

#[derive(Serialize)]
struct JsonSuppressedFinding<'a> {
    #[serde(flatten)]
    finding: JsonFinding<'a>,
    suppressed: JsonSuppression<'a>,
}

#[derive(Serialize)]
struct JsonSuppression<'a> {
    /// `inSource` (a comment or `Metadata` of the file) or `external` (the config), as
    /// SARIF names them.
    kind: &'a str,
    reason: &'a str,
    /// `YYYY-MM-DD`, the last day the suppression applies.
    until: Option<String>,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    message: &'a str,
    file: &'a str,
    line: usize,
    column: usize,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
    suppressed: usize,
    /// Present when a baseline was applied.
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<crate::baseline::BaselineSummary>,
    /// Present after `--fix`: how many findings its fixes removed.
    #[serde(skip_serializing_if = "Option::is_none")]
    fixed: Option<usize>,
    /// Present after `--fix`: the same, by rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    fixed_by_rule: Option<std::collections::BTreeMap<&'static str, usize>>,
}

fn json_finding<'a>(f: &'a Finding, locator: &Locator<'a>) -> JsonFinding<'a> {
    let at = locator.locate(f.span);
    JsonFinding {
        rule: f.rule,
        severity: f.severity.as_str(),
        message: &f.message,
        file: at.path,
        line: at.start.line,
        column: at.start.column,
        end_line: at.end.line,
        end_column: at.end.column,
        help: f.help.as_deref(),
        fix: f.fix.as_ref().map(|fix| JsonFix {
            applicability: fix.applicability.as_str(),
            message: &fix.message,
            edits: fix
                .edits
                .iter()
                .map(|e| {
                    let at = locator.locate(e.span);
                    JsonEdit {
                        line: at.start.line,
                        column: at.start.column,
                        end_line: at.end.line,
                        end_column: at.end.column,
                        start_offset: e.span.start as usize,
                        end_offset: e.span.end as usize,
                        replacement: &e.replacement,
                    }
                })
                .collect(),
        }),
        labels: f
            .labels
            .iter()
            .map(|l| {
                let at = locator.locate(l.span);
                JsonLabel {
                    message: &l.message,
                    file: at.path,
                    line: at.start.line,
                    column: at.start.column,
                }
            })
            .collect(),
        request: f.request.as_ref().map(|r| r.to_json()),
        subject: f.request.as_ref().map(|r| r.subject.as_str()),
    }
}

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let outcome = report.outcome;
    let locator = Locator::new(outcome);
    let findings = outcome.findings.iter().map(|f| json_finding(f, &locator));
    let suppressed_findings = outcome.suppressed.iter().map(|s| JsonSuppressedFinding {
        finding: json_finding(&s.finding, &locator),
        suppressed: JsonSuppression {
            kind: s.kind.as_str(),
            reason: &s.reason,
            until: s.until.map(|d| d.to_string()),
        },
    });
    let c = counts(&outcome.findings);
    let json = JsonReport {
        version: 1,
        findings: Streamed::new(findings),
        suppressed_findings: Streamed::new(suppressed_findings),
        summary: Summary {
            files: outcome.files_checked,
            errors: c.errors,
            warnings: c.warnings,
            infos: c.infos,
            suppressed: outcome.suppressed.len(),
            baseline: outcome.baseline,
            fixed: outcome.fixed.as_ref().map(crate::fix::run::Summary::total),
            fixed_by_rule: outcome.fixed.as_ref().map(|f| f.fixed.iter().copied().collect()),
        },
    };
    json_text::write_pretty(out, &json)?;
    writeln!(out)
}
