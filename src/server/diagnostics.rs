//! Findings of one open document as LSP diagnostics: the same engine, rules, config and
//! suppressions as `iamlint check FILE`, over the editor's buffers (open documents are
//! read from memory, every other file from disk).

use std::path::Path;

use lsp_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag, Location,
    NumberOrString, Position, Range, TextEdit, Uri,
};

use super::text::{LineMap, uri_of};
use crate::config::Config;
use crate::discover::Input;
use crate::engine::{Buffers, RuleSettings, Selection, check_buffers};
use crate::finding::{Finding, Severity};
use crate::report::escape::escape;
use crate::rules::{Registry, UNUSED_SUPPRESSION};
use crate::source::SourceMap;
use crate::suppress;

/// What the server calls itself in every diagnostic.
pub const SOURCE: &str = "iamlint";

/// The diagnostics of the document at `path`. A config that cannot be read is one error
/// at the start of the document, as `check` stops on it.
pub fn diagnostics(
    path: &Path,
    buffers: &Buffers,
    registry: &'static Registry,
    utf8: bool,
) -> Vec<Diagnostic> {
    let dir = path.parent().unwrap_or(Path::new("/"));
    let config = match Config::discover(dir) {
        Ok(config) => config,
        Err(err) => return vec![config_error(&err)],
    };
    let settings = match &config {
        Some(config) => RuleSettings::new(Selection::default(), &config.lint),
        None => RuleSettings::default(),
    };
    let input = Input::File {
        path: path.to_path_buf(),
        explicit: true,
        root: crate::repository::root_of(dir).into(),
    };
    let mut outcome = match check_buffers(&[input], buffers, registry, &settings, config.as_ref()) {
        Ok(outcome) => outcome,
        Err(err) => return vec![config_error(&err)],
    };
    let inline = config.as_ref().is_none_or(|c| c.lint.inline_suppressions);
    suppress::apply(
        &mut outcome,
        registry,
        &settings,
        suppress::Options::today(inline),
    );
    let sources = &outcome.sources;
    let this = |finding: &Finding| sources.get(finding.span.file).raw_path.as_deref() == Some(path);
    let Some(text) = outcome
        .findings
        .iter()
        .find(|f| this(f))
        .map(|f| sources.get(f.span.file).text.clone())
    else {
        return Vec::new();
    };
    let lines = LineMap::new(&text, utf8);
    let version = text_version(&text);
    outcome
        .findings
        .iter()
        .filter(|f| this(f))
        .map(|f| {
            let mut diagnostic = diagnostic(f, &lines, sources, registry, utf8);
            diagnostic.data = fix_data(f, &lines, &version);
            diagnostic
        })
        .collect()
}

/// What a diagnostic carries for its fix code action (LSP clients send `data` back with
/// the diagnostics of a `textDocument/codeAction` request): the edits in the client's
/// position encoding, and which text they apply to, so that an action is never offered
/// on a document that changed since.
fn fix_data(finding: &Finding, lines: &LineMap<'_>, version: &str) -> Option<serde_json::Value> {
    let fix = finding.fix.as_ref()?;
    if fix.edits.iter().any(|e| e.span.file != finding.span.file) {
        return None;
    }
    let edits: Vec<TextEdit> = fix
        .edits
        .iter()
        .map(|e| TextEdit {
            range: lines.range(e.span.range().start, e.span.range().end),
            new_text: e.replacement.clone(),
        })
        .collect();
    Some(serde_json::json!({
        "fix": {
            "message": escape(&fix.message),
            "applicability": fix.applicability.as_str(),
            "edits": edits,
        },
        "text": version,
    }))
}

/// A digest of a document's text (FNV-1a and its length): equal for equal texts.
pub fn text_version(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}-{}", text.len())
}

fn config_error(message: &str) -> Diagnostic {
    Diagnostic {
        range: Range::new(Position::new(0, 0), Position::new(0, 0)),
        severity: Some(DiagnosticSeverity::ERROR),
        source: Some(SOURCE.into()),
        message: format!("the config cannot be used: {}", escape(message)),
        ..Diagnostic::default()
    }
}

fn diagnostic(
    finding: &Finding,
    lines: &LineMap<'_>,
    sources: &SourceMap,
    registry: &'static Registry,
    utf8: bool,
) -> Diagnostic {
    let mut message = escape(&finding.message).into_owned();
    if let Some(help) = &finding.help {
        message.push_str("\nhelp: ");
        message.push_str(&escape(help));
    }
    let related: Vec<DiagnosticRelatedInformation> = finding
        .labels
        .iter()
        .filter_map(|label| {
            let source = sources.get(label.span.file);
            let path = source.raw_path.as_deref()?;
            let uri: Uri = uri_of(path)?;
            let range =
                LineMap::new(&source.text, utf8).range(label.span.range().start, label.span.range().end);
            Some(DiagnosticRelatedInformation {
                location: Location { uri, range },
                message: escape(&label.message).into_owned(),
            })
        })
        .collect();
    let unnecessary = finding.rule.contains("/redundant-") || finding.rule == UNUSED_SUPPRESSION;
    Diagnostic {
        range: lines.range(finding.span.range().start, finding.span.range().end),
        severity: Some(match finding.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Info => DiagnosticSeverity::INFORMATION,
        }),
        code: Some(NumberOrString::String(finding.rule.to_string())),
        code_description: registry
            .get(finding.rule)
            .and_then(|rule| rule.meta.help_uri().parse().ok())
            .map(|href| CodeDescription { href }),
        source: Some(SOURCE.into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: unnecessary.then(|| vec![DiagnosticTag::UNNECESSARY]),
        data: None,
    }
}
