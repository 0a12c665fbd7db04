//! Reporters: each turns an [`Outcome`] into one output format. They see findings, spans
//! and rule metadata, never rule internals. Only this module writes to standard output.

pub mod escape;
mod excerpt;
mod github;
mod gitlab;
mod gnu;
mod human;
mod json;
mod json_text;
mod junit;
mod sarif;
pub mod simulate;
mod statistics;
pub mod timing;

use std::io::{self, Write};

use crate::engine::{Outcome, RuleSettings};
use crate::finding::{Finding, Severity};
use crate::rules::Registry;
use crate::source::{LineCol, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Graphical reports with source snippets (miette)
    Human,
    /// Stable JSON (version 1)
    Json,
    /// One line per finding: file:line:col: severity: message [rule]
    Gnu,
    /// SARIF 2.1.0, for GitHub code scanning
    Sarif,
    /// GitHub Actions workflow commands (annotations)
    Github,
    /// JUnit XML: a testsuite per file, a testcase per rule (GitLab, Jenkins, Azure DevOps)
    Junit,
    /// GitLab Code Quality JSON (the `codequality` report artifact)
    Gitlab,
}

pub struct Report<'a> {
    pub outcome: &'a Outcome,
    pub registry: &'static Registry,
    /// The rules that ran and where: the JUnit report lists a testcase for each rule that
    /// checked a file. `None` for every rule of the registry everywhere.
    pub settings: Option<&'a RuleSettings>,
    pub color: bool,
    /// Width of the human report; `None` for the terminal's.
    pub width: Option<usize>,
}

pub fn write(format: Format, report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Human => human::write(report, out),
        Format::Json => json::write(report, out),
        Format::Gnu => gnu::write(report, out),
        Format::Sarif => sarif::write(report, out),
        Format::Github => github::write(report, out),
        Format::Junit => junit::write(report, out),
        Format::Gitlab => gitlab::write(report, out),
    }
}

/// `--statistics`: the number of findings of each rule instead of the findings.
pub fn write_statistics(format: Format, report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    statistics::write(format, report, out)
}

/// A span resolved to a path and 1-based lines and columns (the end is exclusive).
pub struct Location<'a> {
    pub path: &'a str,
    pub start: LineCol,
    pub end: LineCol,
}

/// Resolves spans to paths, lines and columns (each file's line index is built once, by
/// the source map).
pub struct Locator<'a> {
    outcome: &'a Outcome,
}

impl<'a> Locator<'a> {
    pub fn new(outcome: &'a Outcome) -> Locator<'a> {
        Locator { outcome }
    }

    pub fn locate(&self, span: Span) -> Location<'a> {
        let file = self.outcome.sources.get(span.file);
        Location {
            path: &file.path,
            start: file.line_col(span.start as usize),
            end: file.line_col(span.end as usize),
        }
    }
}

pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

pub fn counts(findings: &[Finding]) -> Counts {
    let count = |s| findings.iter().filter(|f| f.severity == s).count();
    Counts {
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        infos: count(Severity::Info),
    }
}

/// `iamlint rules`: one line per rule, or a JSON array.
pub fn list_rules(registry: &Registry, json: bool, out: &mut dyn Write) -> io::Result<()> {
    if json {
        let rules: Vec<serde_json::Value> = registry
            .rules()
            .iter()
            .map(|r| {
                serde_json::json!({
                    "id": r.meta.id,
                    "severity": r.meta.severity.as_str(),
                    "summary": r.meta.summary,
                    "kind": r.meta.kind(),
                    "fix": r.meta.fix,
                    "help_uri": r.meta.help_uri(),
                })
            })
            .collect();
        json_text::write_pretty(out, &rules)?;
        return writeln!(out);
    }
    let width = registry
        .rules()
        .iter()
        .map(|r| r.meta.id.len())
        .max()
        .unwrap_or(0);
    for rule in registry.rules() {
        writeln!(
            out,
            "{:width$}  {:7}  {}",
            rule.meta.id,
            rule.meta.severity.as_str(),
            rule.meta.summary
        )?;
    }
    Ok(())
}

/// `iamlint explain RULE`: the rule's documentation.
pub fn explain(rule: &crate::rules::RegisteredRule, out: &mut dyn Write) -> io::Result<()> {
    let meta = &rule.meta;
    writeln!(
        out,
        "# {} ({})\n\n{}\n\n{}\n\n{}",
        meta.id,
        meta.severity,
        meta.summary,
        meta.fix_line(),
        meta.docs
    )?;
    writeln!(
        out,
        "\n## Suppressing it\n\n{}",
        crate::rules::how_to_suppress(&meta.id)
    )?;
    writeln!(out, "\nDocumentation: {}", meta.help_uri())
}

/// The man pages, generated from the clap definitions (clap_mangen): `iamlint.1` and one
/// `iamlint-COMMAND.1` per subcommand, as (file name, roff). A test keeps the committed
/// copies under man/ in sync.
pub fn man_pages() -> io::Result<Vec<(String, Vec<u8>)>> {
    use clap::CommandFactory;
    // `source` replaces the version in the title line, and `--version` is documented with
    // the crate's version alone: the pages change with the command line, not with every
    // release or catalog update.
    let page = |name: String, command: clap::Command| -> io::Result<(String, Vec<u8>)> {
        let mut roff = Vec::new();
        clap_mangen::Man::new(command)
            .title(name.to_uppercase())
            .source("iamlint")
            .render(&mut roff)?;
        Ok((format!("{name}.1"), roff))
    };
    let command = crate::cli::Cli::command().version(env!("CARGO_PKG_VERSION"));
    let mut pages = vec![page("iamlint".to_string(), command.clone())?];
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("iamlint-{}", sub.get_name());
        let command = sub
            .clone()
            .display_name(name.clone())
            .bin_name(format!("iamlint {}", sub.get_name()));
        pages.push(page(name, command)?);
    }
    Ok(pages)
}

/// `docs/rules.md`: the index of every rule, generated from the rule files (a test keeps
/// the committed copy in sync).
pub fn rules_index_markdown(registry: &Registry) -> String {
    let mut out = String::from(
        "# Rules\n\n<!-- Generated from rules/*.md by `UPDATE_DOCS=1 cargo test --test docs`; do not edit. -->\n\n\
         A deliberate finding is suppressed where it is, with a reason: `# iamlint: ignore[RULE] reason: ...` \
         in YAML and Terraform, `Metadata: {iamlint: {ignore: [{rule: RULE, reason: ...}]}}` in CloudFormation, \
         a `[[lint.ignore]]` entry of `.iamlint.toml` for JSON policy files (see [Suppressing findings](../README.md#suppressing-findings)); `iamlint explain RULE` shows it for each rule.\n\n\
         | Rule | Severity | Kind | Fix | Summary |\n|---|---|---|---|---|\n",
    );
    for rule in registry.rules() {
        let meta = &rule.meta;
        let kind = match meta.kind() {
            "engine" => "engine",
            "query" => "JSONPath query",
            "diff" => "`iamlint diff`",
            _ => "Rust",
        };
        out.push_str(&format!(
            "| [`{}`](../{}) | {} | {} | {} | {} |\n",
            meta.id, meta.file, meta.severity, kind, meta.fix, meta.summary
        ));
    }
    out
}
