//! Suppressions kept in the config rather than in the checked file: the `[[lint.ignore]]`
//! entries of `.iamlint.toml` (SARIF kind `external`), for plain JSON policy files, where
//! no comment can live, and for organisations that review every exception in one place:
//!
//! ```toml
//! [[lint.ignore]]
//! files = "policies/legacy/*.json"
//! rules = ["iam/resource-star"]
//! sid = "ReadReports"          # optional: only that statement
//! reason = "bucket names come from a parameter, SEC-123"
//! until = 2027-03-31           # optional
//! ```
//!
//! `config/lint.rs` reads and checks the TOML (each error at its line and column); the
//! engine matches each entry's globs against the files of a batch and turns the entries
//! that name a file into [`Suppression`]s with [`from_config`], while the model is at
//! hand: the same values comments and `Metadata` give, so [`super::apply`] has one
//! matching path. [`report_entries`] then reports, against the config file, the entries
//! that expired or suppressed nothing, from what [`super::apply`] says was used.

use std::collections::HashSet;
use std::ops::Range;
use std::path::{Path, PathBuf};

use super::{Applied, Date, KnownRules, Reports, RuleName, Scope, Suppression, SuppressionKind, quoted};
use crate::config::Config;
use crate::discover::{Filters, Input, discover, normal};
use crate::engine::Outcome;
use crate::parse::{Node, Value};
use crate::rules::{EXPIRED_SUPPRESSION, Registry, UNUSED_SUPPRESSION};
use crate::settings::RuleSettings;
use crate::source::{FileId, Span};

/// What one `[[lint.ignore]]` entry suppresses, as `config/lint.rs` reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigIgnore {
    /// Rule ids or groups, already checked against the registry.
    pub rules: Vec<String>,
    /// Only the statements with this `Sid`; the whole file without it.
    pub sid: Option<String>,
    pub reason: String,
    pub until: Option<Date>,
}

/// The suppressions of the entries that name a file (`(index, entry)`, the index being
/// the entry's place in the config, for [`super::Applied`]). An entry with a `Sid` covers
/// every statement of the file with that `Sid`, found in `documents`: the policies the
/// model read, so that those held in strings (a template's JSON `PolicyDocument` string, a
/// Terraform `jsonencode`) are found too. When none has it, the entry suppresses nothing
/// in the file.
pub fn from_config<'e>(
    file: FileId,
    documents: &[&Node],
    entries: impl IntoIterator<Item = (usize, &'e ConfigIgnore)>,
) -> Vec<Suppression> {
    let mut out = Vec::new();
    let at_start = Span::new(file, 0, 0);
    for (index, entry) in entries {
        let scopes = match &entry.sid {
            Some(sid) => documents
                .iter()
                .flat_map(|document| statements_with_sid(document, sid))
                .filter(|span| span.file == file)
                .map(Scope::Range)
                .collect(),
            None => vec![Scope::File(file)],
        };
        for scope in scopes {
            out.push(Suppression {
                kind: SuppressionKind::External,
                scope,
                span: at_start,
                rules: entry
                    .rules
                    .iter()
                    .map(|id| RuleName {
                        id: id.clone(),
                        span: at_start,
                    })
                    .collect(),
                reason: entry.reason.clone(),
                until: entry.until.map(|date| (date, at_start)),
                reported: false,
                entry: Some(index),
            });
        }
    }
    out
}

/// Reports the config's `[[lint.ignore]]` entries at their place in the config file
/// (added to the run's sources when there is something to say), as comments are reported
/// in their file:
/// - an entry whose `until` has passed, when it names a file the run checked, as
///   `iamlint/expired-suppression` at its date;
/// - an entry, or a rule of it, that suppressed nothing, as `iamlint/unused-suppression`:
///   only when the run checked every file the entry names, since a run over some files
///   (a pre-commit hook's) cannot tell whether the others still need it. A run over a
///   directory that holds the config's checked them all; otherwise which files an entry
///   names is found by walking the config's directory as `iamlint check` would, once,
///   and only when an entry suppressed nothing;
/// - in a run over the config's whole directory, an entry whose `files` match no file
///   (renamed, deleted): `iamlint/unused-suppression` at its `files`.
pub fn report_entries(
    outcome: &mut Outcome,
    registry: &'static Registry,
    settings: &RuleSettings,
    config: &Config,
    run: (&[PathBuf], &Filters),
    applied: &Applied,
    today: Date,
) {
    let (paths, filters) = run;
    let root = config.root_or_dot();
    let whole_root = paths.iter().any(|p| p.is_dir() && holds(p, &root));
    let ignores = settings.ignore_entries();
    if ignores.is_empty() {
        return;
    }
    // The checked files each entry names, as the engine found them.
    let mut named: Vec<Vec<&Path>> = vec![Vec::new(); ignores.entries.len()];
    for &(file, entry) in &outcome.entries_naming {
        let file = outcome.sources.get(file);
        named[entry].push(file.raw_path.as_deref().unwrap_or(Path::new(&file.path)));
    }
    let known = KnownRules::new(registry, outcome);
    // Whether each entry names a file that the run did not check: found by a walk, once.
    let mut unchecked: Option<Vec<bool>> = None;
    // (rule, where, message, help)
    let mut found: Vec<(&str, Range<usize>, String, &str)> = Vec::new();
    for (index, (entry, named)) in ignores.entries.iter().zip(&named).enumerate() {
        if named.is_empty() {
            if whole_root {
                found.push((
                    UNUSED_SUPPRESSION,
                    entry.files_span.clone(),
                    "`[[lint.ignore]]` entry names no file that was checked".to_string(),
                    "remove it, or correct `files` (globs are relative to the config's directory) if the files were moved",
                ));
            }
            continue;
        }
        let rules = &entry.ignore.rules;
        if let (Some(date), Some(at)) = (entry.ignore.until, &entry.until_span)
            && date < today
        {
            found.push((
                EXPIRED_SUPPRESSION,
                at.clone(),
                format!("`[[lint.ignore]]` entry for {} expired on {date}", quoted(rules)),
                "fix the findings it hid (they are reported again), or renew it with a new date and reason",
            ));
            continue;
        }
        let unused: Vec<usize> = (0..rules.len())
            .filter(|&r| !applied.used.contains(&(index, rules[r].clone())))
            .filter(|&r| {
                named
                    .iter()
                    .any(|p| known.any_enabled(&rules[r], &p.to_string_lossy(), settings))
            })
            .collect();
        if unused.is_empty() {
            continue;
        }
        let unchecked = unchecked.get_or_insert_with(|| {
            let mut unchecked = vec![false; ignores.entries.len()];
            if whole_root {
                return unchecked;
            }
            let checked: HashSet<Vec<String>> = outcome
                .sources
                .files()
                .filter(|f| !f.context_only)
                .filter_map(|f| ignores.relative(f.raw_path.as_deref().unwrap_or(Path::new(&f.path))))
                .collect();
            for input in discover(std::slice::from_ref(&root), "-", filters) {
                if let Input::File { path, .. } = input
                    && let Some(relative) = ignores.relative(&path)
                    && !checked.contains(&relative)
                {
                    for entry in ignores.naming_relative(&relative) {
                        unchecked[entry] = true;
                    }
                }
            }
            unchecked
        });
        if unchecked[index] {
            continue;
        }
        let sid = entry
            .ignore
            .sid
            .as_ref()
            .map(|sid| format!(" in statements with Sid `{sid}`"))
            .unwrap_or_default();
        if unused.len() == rules.len() {
            found.push((
                UNUSED_SUPPRESSION,
                entry.span.clone(),
                format!(
                    "`[[lint.ignore]]` entry for {} matches no finding{sid}",
                    quoted(rules)
                ),
                "remove it: an entry that hides nothing would hide the next finding of its rule in these files",
            ));
        } else {
            for r in unused {
                found.push((
                    UNUSED_SUPPRESSION,
                    entry.rule_spans[r].clone(),
                    format!(
                        "`{}` in this `[[lint.ignore]]` entry matches no finding{sid}",
                        rules[r]
                    ),
                    "remove it from the list",
                ));
            }
        }
    }
    if found.is_empty() {
        return;
    }
    let file = outcome.sources.add_file(
        config.display_path(),
        Some(config.path.clone()),
        config.text.clone(),
    );
    let mut reports = Reports {
        registry,
        outcome,
        settings,
        findings: Vec::new(),
    };
    for (rule, at, message, help) in found {
        let span = Span::new(file, at.start, at.end);
        reports.add(rule, span, message, Some(help.to_string()));
    }
    let Reports {
        findings, outcome, ..
    } = reports;
    outcome.findings.extend(findings);
    outcome.sort();
}

/// Whether directory `dir` is `root` or holds it (both as given, compared lexically from
/// the current directory).
fn holds(dir: &Path, root: &Path) -> bool {
    let cwd = std::env::current_dir().unwrap_or_default();
    normal(&cwd.join(root)).starts_with(normal(&cwd.join(dir)))
}

/// The spans of the statements (objects with `Effect`) of a document whose `Sid` is `sid`.
fn statements_with_sid(root: &Node, sid: &str) -> Vec<Span> {
    let mut found = Vec::new();
    root.walk(&mut |node: &Node| {
        if let Value::Object(_) = &node.value
            && node.get("Sid").and_then(Node::as_str) == Some(sid)
            && node.entry("Effect").is_some()
        {
            found.push(node.span);
        }
    });
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{Syntax, parse};

    #[test]
    fn entries_cover_a_file_or_its_statements_by_sid() {
        let text = r#"{"Version": "2012-10-17", "Statement": [
  {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
  {"Sid": "Write", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}]}"#;
        let root = parse(FileId(3), text, Syntax::Json).unwrap();
        let entry = |sid: Option<&str>| ConfigIgnore {
            rules: vec!["iam/resource-star".to_string()],
            sid: sid.map(str::to_string),
            reason: "reviewed".to_string(),
            until: None,
        };
        let (whole, read, none) = (entry(None), entry(Some("Write")), entry(Some("Missing")));
        let out = from_config(FileId(3), &[&root], [(0, &whole), (1, &read), (2, &none)]);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].scope, Scope::File(FileId(3)));
        let Scope::Range(span) = out[1].scope else {
            panic!("a statement")
        };
        assert!(text[span.range()].starts_with(r#"{"Sid": "Write""#));
        assert!(
            out.iter()
                .all(|s| s.kind == SuppressionKind::External && !s.reported)
        );
        assert_eq!(out[1].entry, Some(1));
    }
}
