//! The `[lint]` table of `.iamlint.toml`: which rules run, the severity of their findings,
//! the files where a rule does not apply, the files skipped, and the exit threshold.
//! Parsed and checked here, each error at its line and column; applied by
//! [`crate::settings`] (rules never see it).

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::discover::{AnchoredGlob, AnchoredGlobs};
use crate::finding::Severity;
use crate::rules::{Registry, is_engine_rule};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LintConfig {
    /// Only these rules (ids or groups); all of them when absent.
    pub select: Option<Vec<Spanned<String>>>,
    /// Rules added to `select` (or to all, which changes nothing until `select` is set).
    #[serde(default)]
    pub extend_select: Vec<Spanned<String>>,
    /// `ignore = ["iam/resource-star", ...]`: rule ids or groups that do not run. Named for
    /// what it holds: `ignore` may later hold other kinds of entries beside rule ids.
    #[serde(default, rename = "ignore")]
    pub ignore_rules: Vec<Spanned<String>>,
    /// Rule id or group -> level; the most specific key applies.
    #[serde(default)]
    pub severity: BTreeMap<Spanned<String>, Spanned<Level>>,
    /// Glob -> the rule ids or groups that do not apply to the files it matches.
    #[serde(default)]
    pub per_file_ignores: BTreeMap<Spanned<String>, Vec<Spanned<String>>>,
    /// Globs of files and directories that walks skip (merged with `--exclude`).
    #[serde(default)]
    pub exclude: Vec<Spanned<String>>,
    /// The severity from which findings make the run fail; `--fail-on` overrides it.
    pub fail_on: Option<Severity>,
    /// Whether suppressions written in the checked files themselves apply.
    #[serde(default = "enabled")]
    pub inline_suppressions: bool,
    /// `exclude`, compiled (`None` when empty).
    #[serde(skip)]
    pub exclude_globs: Option<AnchoredGlobs>,
    /// `per-file-ignores`, compiled.
    #[serde(skip)]
    pub per_file: Option<PerFileIgnores>,
}

fn enabled() -> bool {
    true
}

impl Default for LintConfig {
    fn default() -> LintConfig {
        LintConfig {
            select: None,
            extend_select: Vec::new(),
            ignore_rules: Vec::new(),
            severity: BTreeMap::new(),
            per_file_ignores: BTreeMap::new(),
            exclude: Vec::new(),
            fail_on: None,
            inline_suppressions: true,
            exclude_globs: None,
            per_file: None,
        }
    }
}

/// A severity setting: a rule's findings at another severity, or the rule off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Off,
    Info,
    Warning,
    Error,
}

impl Level {
    /// The severity findings get; `None` for `off`.
    pub fn severity(self) -> Option<Severity> {
        match self {
            Level::Off => None,
            Level::Info => Some(Severity::Info),
            Level::Warning => Some(Severity::Warning),
            Level::Error => Some(Severity::Error),
        }
    }
}

/// `per-file-ignores`: `globs.globs[i]` turns off the selectors `rules[i]`.
#[derive(Clone, Debug)]
pub struct PerFileIgnores {
    pub globs: AnchoredGlobs,
    pub rules: Vec<Vec<String>>,
}

impl PerFileIgnores {
    /// The selectors that do not apply to `path` (as given on the command line or found):
    /// those of every glob that matches it or a directory it is in.
    pub fn for_path(&self, path: &Path) -> Vec<&str> {
        let Some(relative) = self.globs.relative(path) else {
            return Vec::new();
        };
        self.globs
            .globs
            .iter()
            .zip(&self.rules)
            .filter(|(glob, _)| glob.matches(&relative, true))
            .flat_map(|(_, rules)| rules.iter().map(String::as_str))
            .collect()
    }
}

/// What is wrong with a `[lint]` table: a byte range of the config and a message.
pub type LintError = (Range<usize>, String);

impl LintConfig {
    /// Checks every rule id, group and glob, and compiles the globs (relative to `root`,
    /// the config's directory). `project_ids` are the config's `assert/<name>` rules.
    /// Errors come in the order they are written.
    pub fn check(&mut self, root: &Path, project_ids: &[String]) -> Result<(), LintError> {
        let registry = Registry::global().map_err(|e| (0..0, e))?;
        let mut errors: Vec<LintError> = Vec::new();
        // What may not be done to an engine rule, for the settings that would do it.
        let mut selector = |written: &Spanned<String>, engine_rule_cannot: Option<&str>| {
            let id = written.get_ref();
            if let Err(message) = registry.check_selector(id, project_ids) {
                errors.push((written.span(), message));
            } else if let Some(cannot) = engine_rule_cannot.filter(|_| is_engine_rule(id)) {
                errors.push((
                    written.span(),
                    format!("`{id}` is reported by the engine and {cannot}: a file that was not checked must not pass silently"),
                ));
            }
        };
        for written in self.select.iter().flatten().chain(&self.extend_select) {
            selector(written, None);
        }
        for written in self
            .ignore_rules
            .iter()
            .chain(self.per_file_ignores.values().flatten())
        {
            selector(written, Some("cannot be ignored"));
        }
        for key in self.severity.keys() {
            selector(key, Some("keeps its severity"));
        }
        let mut compile = |written: &Spanned<String>| match AnchoredGlob::new(written.get_ref()) {
            Ok(glob) => Some(glob),
            Err(message) => {
                errors.push((written.span(), message));
                None
            }
        };
        let exclude: Vec<AnchoredGlob> = self.exclude.iter().filter_map(&mut compile).collect();
        let per_file: Vec<AnchoredGlob> = self.per_file_ignores.keys().filter_map(&mut compile).collect();
        if let Some(first) = errors.into_iter().min_by_key(|(span, _)| span.start) {
            return Err(first);
        }
        if !exclude.is_empty() {
            self.exclude_globs = Some(AnchoredGlobs::new(root, exclude));
        }
        if !per_file.is_empty() {
            self.per_file = Some(PerFileIgnores {
                globs: AnchoredGlobs::new(root, per_file),
                rules: self
                    .per_file_ignores
                    .values()
                    .map(|rules| rules.iter().map(|r| r.get_ref().clone()).collect())
                    .collect(),
            });
        }
        Ok(())
    }
}
