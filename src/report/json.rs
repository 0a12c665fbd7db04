//! The JSON report: a stable contract (`"version": 1`). Fields are only ever added.

use std::io::{self, Write};

use serde::Serialize;

use super::{Locator, Report, counts, json_text};

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    findings: Vec<JsonFinding<'a>>,
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
    /// Present when a baseline was applied.
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<crate::baseline::BaselineSummary>,
}

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let locator = Locator::new(report.outcome);
    let findings = report
        .outcome
        .findings
        .iter()
        .map(|f| {
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
            }
        })
        .collect();
    let c = counts(&report.outcome.findings);
    let json = JsonReport {
        version: 1,
        findings,
        summary: Summary {
            files: report.outcome.files_checked,
            errors: c.errors,
            warnings: c.warnings,
            infos: c.infos,
            baseline: report.outcome.baseline,
        },
    };
    json_text::write_pretty(out, &json)?;
    writeln!(out)
}
