//! Human output: miette's graphical reports with the source snippet, labels and help,
//! then a one-line summary. Hard-coded passwords are masked in every snippet.

use std::collections::HashMap;
use std::fmt;
use std::io::{self, Write};
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};

use super::{Locator, Report, counts};
use crate::finding::{Finding, Severity};
use crate::source::{FileId, Span};

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let theme = if report.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let mut handler = GraphicalReportHandler::new_themed(theme).with_links(false);
    if let Some(width) = report.width {
        handler = handler.with_width(width);
    }
    let locator = Locator::new(report.outcome);
    let mut sources: HashMap<FileId, Arc<str>> = HashMap::new();
    for finding in &report.outcome.findings {
        let file = finding.span.file;
        let text = sources
            .entry(file)
            .or_insert_with(|| redacted(report, file))
            .clone();
        let path = report.outcome.sources.get(file).path.clone();
        let rendered = HumanDiagnostic::new(finding, report, &locator, NamedSource::new(path, text));
        let mut buffer = String::new();
        if handler.render_report(&mut buffer, &rendered).is_err() {
            buffer = format!(
                "{}: {} [{}]\n",
                rendered.source.name(),
                finding.message,
                finding.rule
            );
        }
        writeln!(out, "{buffer}")?;
    }
    let c = counts(&report.outcome.findings);
    let files = report.outcome.files_checked;
    let files = format!("{files} file{}", if files == 1 { "" } else { "s" });
    if report.outcome.findings.is_empty() {
        writeln!(out, "Checked {files}: no findings.")
    } else {
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        writeln!(
            out,
            "Checked {files}: {}, {}, {}.",
            plural(c.errors, "error"),
            plural(c.warnings, "warning"),
            plural(c.infos, "info")
        )
    }
}

/// The file's text with every redacted span replaced by `*`, byte for byte, so that
/// offsets stay valid.
fn redacted(report: &Report<'_>, file: FileId) -> Arc<str> {
    let text = &report.outcome.sources.get(file).text;
    let spans: Vec<Span> = report
        .outcome
        .redactions
        .iter()
        .filter(|s| s.file == file)
        .copied()
        .collect();
    if spans.is_empty() {
        return text.clone();
    }
    let mut bytes = text.as_bytes().to_vec();
    for span in spans {
        for byte in bytes.iter_mut().take(span.end as usize).skip(span.start as usize) {
            if *byte != b'\n' && *byte != b'\r' {
                *byte = b'*';
            }
        }
    }
    // Every byte of a masked character becomes `*`, so the text stays UTF-8 as long as
    // spans fall on character boundaries (they do); the lossy conversion is a guard only.
    Arc::from(String::from_utf8_lossy(&bytes).into_owned())
}

struct HumanDiagnostic {
    message: String,
    code: &'static str,
    severity: miette::Severity,
    help: Option<String>,
    url: Option<String>,
    labels: Vec<LabeledSpan>,
    source: NamedSource<Arc<str>>,
}

impl HumanDiagnostic {
    fn new(
        finding: &Finding,
        report: &Report<'_>,
        locator: &Locator<'_>,
        source: NamedSource<Arc<str>>,
    ) -> HumanDiagnostic {
        let mut labels = vec![LabeledSpan::new_primary_with_span(
            None,
            source_span(finding.span),
        )];
        let mut elsewhere = Vec::new();
        for label in &finding.labels {
            if label.span.file == finding.span.file {
                labels.push(LabeledSpan::new_with_span(
                    Some(label.message.clone()),
                    source_span(label.span),
                ));
            } else {
                let at = locator.locate(label.span);
                elsewhere.push(format!(
                    "{}:{}:{}: {}",
                    at.path, at.start.line, at.start.column, label.message
                ));
            }
        }
        let mut help = finding.help.clone();
        if !elsewhere.is_empty() {
            let joined = elsewhere.join("\n");
            help = Some(match help {
                Some(h) => format!("{h}\n{joined}"),
                None => joined,
            });
        }
        HumanDiagnostic {
            message: finding.message.clone(),
            code: finding.rule,
            severity: match finding.severity {
                Severity::Error => miette::Severity::Error,
                Severity::Warning => miette::Severity::Warning,
                Severity::Info => miette::Severity::Advice,
            },
            help,
            url: report.registry.get(finding.rule).map(|r| r.meta.help_uri()),
            labels,
            source,
        }
    }
}

fn source_span(span: Span) -> SourceSpan {
    SourceSpan::new((span.start as usize).into(), (span.end - span.start) as usize)
}

impl fmt::Debug for HumanDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for HumanDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for HumanDiagnostic {}

impl miette::Diagnostic for HumanDiagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn url<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.url.as_ref().map(|u| Box::new(u) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
}
