//! Runs the rules: each input is read and parsed once, its model built once and shared by
//! every rule; files are processed in parallel. The engine stamps each rule's diagnostics
//! with the rule id and severity, and reports unreadable and unparsable files itself.
//! Terraform configuration is checked a module (directory) at a time ([`terraform`]).

mod terraform;

use std::sync::Arc;
use std::sync::atomic::AtomicU32;

use rayon::prelude::*;

use crate::discover::Input;
use crate::finding::{Diagnostic, Finding, Severity};
use crate::model::{DocumentKind, FileModel, Language, Texts};
use crate::parse::{Syntax, parse};
use crate::rules::{IO_ERROR, PARSE_ERROR, Registry, secret_spans};
use crate::source::{FileId, SourceMap, Span};

/// Files larger than this are not read: no policy or template comes near it
/// (CloudFormation's own limit is 1 MB).
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Which rules run. Engine rules (`parse-error`, `io-error`) always do.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// Rule ids or prefixes (`rds`, `rds/guard-inverted`); empty means all.
    pub select: Vec<String>,
    pub ignore: Vec<String>,
}

impl Selection {
    pub fn enabled(&self, id: &str) -> bool {
        let hit = |p: &String| id == p || id.starts_with(&format!("{}/", p.trim_end_matches('/')));
        (self.select.is_empty() || self.select.iter().any(hit)) && !self.ignore.iter().any(hit)
    }
}

pub struct Outcome {
    pub sources: SourceMap,
    /// Sorted by file, position and rule.
    pub findings: Vec<Finding>,
    /// Spans whose text no report may show (hard-coded passwords).
    pub redactions: Vec<Span>,
    /// Remarks about inputs that are not findings (a named file that is not a policy).
    pub notes: Vec<String>,
    /// Inputs recognised as a policy or template, or reported as unreadable/unparsable.
    pub files_checked: usize,
}

struct FileOutcome {
    path: String,
    text: Arc<str>,
    findings: Vec<Finding>,
    redactions: Vec<Span>,
    note: Option<String>,
    checked: bool,
}

pub fn check(
    inputs: &[Input],
    stdin: Option<&str>,
    registry: &'static Registry,
    selection: &Selection,
) -> Outcome {
    let (modules, singles) = terraform::modules(inputs);
    // Files a module reads beyond the inputs (siblings of a `.tf` named alone, `file()`
    // targets) get ids after the inputs'.
    let next_id = AtomicU32::new(u32::try_from(inputs.len()).unwrap_or(u32::MAX));
    let (file_outcomes, module_outcomes): (Vec<(usize, FileOutcome)>, Vec<terraform::ModuleOutcome>) =
        rayon::join(
            || {
                singles
                    .par_iter()
                    .map(|&i| {
                        (
                            i,
                            check_one(FileId(i as u32), &inputs[i], stdin, registry, selection),
                        )
                    })
                    .collect()
            },
            || {
                modules
                    .par_iter()
                    .map(|module| {
                        terraform::check_module(module, inputs, stdin, &next_id, registry, selection)
                    })
                    .collect()
            },
        );
    let mut texts: Vec<Option<(String, Arc<str>)>> = vec![None; next_id.into_inner() as usize];
    let mut out = Outcome {
        sources: SourceMap::default(),
        findings: Vec::new(),
        redactions: Vec::new(),
        notes: Vec::new(),
        files_checked: 0,
    };
    for (i, outcome) in file_outcomes {
        texts[i] = Some((outcome.path, outcome.text));
        out.findings.extend(outcome.findings);
        out.redactions.extend(outcome.redactions);
        out.notes.extend(outcome.note);
        out.files_checked += usize::from(outcome.checked);
    }
    for module in module_outcomes {
        for (file, path, text) in module.files {
            if let Some(slot) = texts.get_mut(file.0 as usize) {
                slot.get_or_insert((path, text));
            }
        }
        out.findings.extend(module.findings);
        out.redactions.extend(module.redactions);
        out.files_checked += module.checked;
    }
    let mut sources = SourceMap::default();
    for (i, text) in texts.into_iter().enumerate() {
        let (path, text) = text.unwrap_or_else(|| {
            (
                inputs.get(i).map(Input::display).unwrap_or_default(),
                Arc::from(""),
            )
        });
        sources.add(path, text);
    }
    out.findings.sort_by(|a, b| {
        let path = |f: &Finding| sources.get(f.span.file).path.as_str();
        (path(a), a.span.start, a.rule, a.span.end).cmp(&(path(b), b.span.start, b.rule, b.span.end))
    });
    out.sources = sources;
    out
}

fn check_one(
    file: FileId,
    input: &Input,
    stdin: Option<&str>,
    registry: &'static Registry,
    selection: &Selection,
) -> FileOutcome {
    let path = input.display();
    let mut outcome = FileOutcome {
        path: path.clone(),
        text: Arc::from(""),
        findings: Vec::new(),
        redactions: Vec::new(),
        note: None,
        checked: false,
    };
    let engine_finding =
        |rule: &str, span: Span, message: String| engine_finding(registry, rule, span, message);
    let at_start = Span::new(file, 0, 0);
    let (text, explicit) = match read(input, stdin) {
        Ok(read) => read,
        Err(message) => {
            outcome.findings.push(engine_finding(IO_ERROR, at_start, message));
            outcome.checked = true;
            return outcome;
        }
    };
    let text = match text {
        Read::Text(text) => text,
        Read::TooLarge(size) => {
            if explicit {
                outcome.findings.push(engine_finding(
                    IO_ERROR,
                    at_start,
                    format!("file is {size} bytes, larger than the {MAX_FILE_BYTES}-byte limit; not checked"),
                ));
                outcome.checked = true;
            }
            return outcome;
        }
        Read::NotUtf8 { valid_up_to, prefix } => {
            if explicit || looks_relevant(&prefix) {
                outcome.text = Arc::from(prefix);
                outcome.findings.push(engine_finding(
                    PARSE_ERROR,
                    Span::new(file, valid_up_to, valid_up_to),
                    "file is not valid UTF-8 text (a binary file?)".to_string(),
                ));
                outcome.checked = true;
            }
            return outcome;
        }
    };
    outcome.text = Arc::from(text.as_str());
    let root = match parse(file, &text, Syntax::detect(&path, &text)) {
        Ok(root) => root,
        Err(err) => {
            if explicit || looks_relevant(&text) {
                outcome
                    .findings
                    .push(engine_finding(PARSE_ERROR, err.span, err.message));
                outcome.redactions = password_lines(file, &text);
                outcome.checked = true;
            }
            return outcome;
        }
    };
    if crate::model::terraform::is_plan(&root) {
        outcome.checked = true;
        let lowered = crate::model::terraform::lower_plan(&root, &text);
        let model = FileModel::build_in(
            &lowered.root,
            Texts::One(&text),
            DocumentKind::Template,
            Language::Terraform,
        );
        for err in lowered.errors.iter().chain(&model.errors) {
            outcome
                .findings
                .push(engine_finding(PARSE_ERROR, err.span, err.message.clone()));
        }
        outcome.findings.extend(run_rules(&model, registry, selection));
        outcome.redactions = secret_spans(&model);
        outcome.redactions.extend(lowered.secrets);
        return outcome;
    }
    let Some(kind) = DocumentKind::of(&root) else {
        if explicit {
            outcome.note = Some(format!(
                "{path}: not an IAM policy document (no `Statement`) or CloudFormation template (no `Resources`); skipped"
            ));
        }
        return outcome;
    };
    outcome.checked = true;
    let model = FileModel::build(&root, &text, kind);
    for err in &model.errors {
        outcome
            .findings
            .push(engine_finding(PARSE_ERROR, err.span, err.message.clone()));
    }
    outcome.findings.extend(run_rules(&model, registry, selection));
    outcome.redactions = secret_spans(&model);
    outcome
}

/// Every enabled rule over one model, stamped.
fn run_rules(model: &FileModel<'_>, registry: &'static Registry, selection: &Selection) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    for rule in registry.rules() {
        if !selection.enabled(&rule.meta.id) {
            continue;
        }
        rule.check(model, &mut diagnostics);
        findings.extend(diagnostics.drain(..).map(|d| Finding {
            rule: rule.meta.id.as_str(),
            severity: rule.meta.severity,
            span: d.span,
            message: d.message,
            help: d.help,
            labels: d.labels,
        }));
    }
    findings
}

/// A finding the engine reports itself.
fn engine_finding(registry: &'static Registry, rule: &str, span: Span, message: String) -> Finding {
    Finding {
        rule: registry.id(rule),
        severity: registry.get(rule).map_or(Severity::Error, |r| r.meta.severity),
        span,
        message,
        help: None,
        labels: Vec::new(),
    }
}

enum Read {
    Text(String),
    TooLarge(u64),
    NotUtf8 { valid_up_to: usize, prefix: String },
}

/// Reads an input; `Err` is an I/O problem worth reporting. Also says whether the input
/// was named explicitly.
fn read(input: &Input, stdin: Option<&str>) -> Result<(Read, bool), String> {
    match input {
        Input::Stdin { .. } => Ok((Read::Text(stdin.unwrap_or_default().to_string()), true)),
        Input::Unreadable { error, .. } => Err(format!("cannot read: {error}")),
        Input::File { path, explicit } => {
            let size = std::fs::metadata(path)
                .map_err(|e| format!("cannot read: {e}"))?
                .len();
            if size > MAX_FILE_BYTES {
                return Ok((Read::TooLarge(size), *explicit));
            }
            let bytes = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
            let read = match String::from_utf8(bytes) {
                Ok(text) => Read::Text(text),
                Err(err) => {
                    let valid_up_to = err.utf8_error().valid_up_to();
                    let bytes = err.into_bytes();
                    let prefix = String::from_utf8_lossy(&bytes[..valid_up_to]).into_owned();
                    Read::NotUtf8 { valid_up_to, prefix }
                }
            };
            Ok((read, *explicit))
        }
    }
}

/// Without a model, the values written after a `MasterUserPassword` key, up to the end of
/// the line: the snippet of a parse error must not show them either.
fn password_lines(file: FileId, text: &str) -> Vec<Span> {
    assignments_of(file, text, "MasterUserPassword", ':')
}

/// The text after `key` and `separator`, up to the end of the line, wherever `key` is
/// followed by nothing but quotes and spaces before `separator`.
fn assignments_of(file: FileId, text: &str, key: &str, separator: char) -> Vec<Span> {
    let mut spans = Vec::new();
    for (at, key) in text.match_indices(key) {
        let rest = &text[at + key.len()..];
        let Some(colon) = rest
            .find(separator)
            .filter(|&c| rest[..c].trim_matches(['"', '\'', ' ']).is_empty())
        else {
            continue;
        };
        let start = at + key.len() + colon + 1;
        let end = text[start..].find('\n').map_or(text.len(), |n| start + n);
        spans.push(Span::new(file, start, end));
    }
    spans
}

/// Whether a file found by walking, which could not be parsed, looks like something we
/// check: reporting every broken JSON file in a repository would be noise.
fn looks_relevant(text: &str) -> bool {
    [
        "\"Statement\"",
        "Statement:",
        "AWSTemplateFormatVersion",
        "Resources:",
        "\"Resources\"",
    ]
    .iter()
    .any(|marker| text.contains(marker))
}
