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
use crate::suppress::{ConfigIgnore, Date};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LintConfig {
    /// Only these rules (ids or groups); all of them when absent.
    pub select: Option<Vec<Spanned<String>>>,
    /// Rules added to `select` (or to all, which changes nothing until `select` is set).
    #[serde(default)]
    pub extend_select: Vec<Spanned<String>>,
    /// `ignore`: rule ids or groups that do not run (strings), and suppressions of findings
    /// in some files (tables, usually written `[[lint.ignore]]`).
    #[serde(default)]
    ignore: Vec<Spanned<IgnoreItem>>,
    /// The strings of `ignore`.
    #[serde(skip)]
    pub ignore_rules: Vec<Spanned<String>>,
    /// The tables of `ignore`, checked and compiled.
    #[serde(skip)]
    pub ignore_entries: IgnoreEntries,
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
            ignore: Vec::new(),
            ignore_rules: Vec::new(),
            ignore_entries: IgnoreEntries::default(),
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

/// An element of `ignore`: a rule id or group as a string, or a table naming files.
#[derive(Debug)]
enum IgnoreItem {
    Rule(String),
    Files(Box<IgnoreTable>),
}

/// `[[lint.ignore]]`: suppressions of findings in the files `files` matches, kept in the
/// config (for plain JSON policies, where no comment can live, and for organisations that
/// review every exception in one place).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IgnoreTable {
    files: Option<Spanned<Strings>>,
    #[serde(alias = "rules")]
    rule: Option<Spanned<Strings>>,
    sid: Option<Spanned<String>>,
    reason: Option<Spanned<String>>,
    /// A TOML date (`until = 2027-03-31`) or a string holding one.
    until: Option<Spanned<toml::Value>>,
}

/// A string, or a list of strings (`files`, `rule`).
#[derive(Debug)]
enum Strings {
    One(String),
    Many(Vec<Spanned<String>>),
}

impl Strings {
    /// Each string and where it is written (one string: where the value is).
    fn items(written: &Spanned<Strings>) -> Vec<Spanned<String>> {
        match written.get_ref() {
            Strings::One(one) => vec![Spanned::new(written.span(), one.clone())],
            Strings::Many(many) => many.clone(),
        }
    }
}

impl<'de> Deserialize<'de> for IgnoreItem {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = IgnoreItem;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a rule id or group, or a table with `files`, `rule` and `reason`")
            }
            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<IgnoreItem, E> {
                Ok(IgnoreItem::Rule(value.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<IgnoreItem, A::Error> {
                // The table's own fields keep their spans: the map is still TOML's.
                IgnoreTable::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(|table| IgnoreItem::Files(Box::new(table)))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

impl<'de> Deserialize<'de> for Strings {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Strings;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string or a list of strings")
            }
            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Strings, E> {
                Ok(Strings::One(value.to_string()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Strings, A::Error> {
                let mut many = Vec::new();
                while let Some(item) = seq.next_element()? {
                    many.push(item);
                }
                Ok(Strings::Many(many))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// The `[[lint.ignore]]` entries of a config, in the order written, and the directory
/// their globs are relative to.
#[derive(Clone, Debug, Default)]
pub struct IgnoreEntries {
    /// The config's directory (no globs of its own); `None` without entries.
    anchor: Option<AnchoredGlobs>,
    pub entries: Vec<IgnoreEntry>,
}

impl IgnoreEntries {
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// `path` (as given or found) as components relative to the config's directory;
    /// `None` when it is not under it.
    pub fn relative(&self, path: &Path) -> Option<Vec<String>> {
        self.anchor.as_ref()?.relative(path)
    }

    /// The indexes of the entries whose globs match `path`, or a directory it is in. The
    /// path is made relative once, whatever the number of entries.
    pub fn naming(&self, path: &Path) -> Vec<usize> {
        self.relative(path)
            .map_or_else(Vec::new, |relative| self.naming_relative(&relative))
    }

    /// [`IgnoreEntries::naming`], for a path already made relative.
    pub fn naming_relative(&self, relative: &[String]) -> Vec<usize> {
        (0..self.entries.len())
            .filter(|&i| self.entries[i].files.iter().any(|g| g.matches(relative, true)))
            .collect()
    }
}

/// A `[[lint.ignore]]` entry, checked: the files it applies to and what it suppresses
/// there, with where its parts are written in the config (for the findings about it:
/// unused, expired).
#[derive(Clone, Debug)]
pub struct IgnoreEntry {
    /// Relative to the config's directory.
    pub files: Vec<AnchoredGlob>,
    pub ignore: ConfigIgnore,
    /// The whole entry.
    pub span: Range<usize>,
    /// Its `files`.
    pub files_span: Range<usize>,
    /// Each of `ignore.rules`.
    pub rule_spans: Vec<Range<usize>>,
    pub until_span: Option<Range<usize>>,
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
        let mut tables = Vec::new();
        for entry in &self.ignore {
            match entry.get_ref() {
                IgnoreItem::Rule(id) => self.ignore_rules.push(Spanned::new(entry.span(), id.clone())),
                IgnoreItem::Files(table) => tables.push((entry.span(), table)),
            }
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
        let mut ignore_entries = Vec::new();
        for (span, table) in tables {
            match check_table(span, table, registry, project_ids) {
                Ok(entry) => ignore_entries.push(entry),
                Err(found) => errors.extend(found),
            }
        }
        if let Some(first) = errors.into_iter().min_by_key(|(span, _)| span.start) {
            return Err(first);
        }
        if !exclude.is_empty() {
            self.exclude_globs = Some(AnchoredGlobs::new(root, exclude));
        }
        if !ignore_entries.is_empty() {
            self.ignore_entries = IgnoreEntries {
                anchor: Some(AnchoredGlobs::new(root, Vec::new())),
                entries: ignore_entries,
            };
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

/// Checks one `[[lint.ignore]]` table: files, rules and a reason are required; every rule
/// must exist and be one whose findings may be suppressed; globs must be able to match;
/// `until` must be a date.
fn check_table(
    span: Range<usize>,
    table: &IgnoreTable,
    registry: &Registry,
    project_ids: &[String],
) -> Result<IgnoreEntry, Vec<LintError>> {
    let mut errors: Vec<LintError> = Vec::new();
    let mut missing = |what: &str, why: &str| {
        errors.push((
            span.clone(),
            format!("this `[[lint.ignore]]` entry has no `{what}`: {why}"),
        ));
    };
    let files = table.files.as_ref().map(Strings::items).unwrap_or_default();
    if files.is_empty() {
        missing("files", "the glob (or list of globs) of the files it applies to");
    }
    let mut globs = Vec::new();
    let rules = table.rule.as_ref().map(Strings::items).unwrap_or_default();
    if rules.is_empty() {
        missing(
            "rule",
            "the rule ids or groups it suppresses (a blanket ignore is not allowed)",
        );
    }
    let reason = table
        .reason
        .as_ref()
        .map(|r| r.get_ref().trim())
        .unwrap_or_default();
    if reason.is_empty() {
        missing("reason", "say why the findings are deliberate");
    }
    for file in &files {
        match AnchoredGlob::new(file.get_ref()) {
            Ok(glob) => globs.push(glob),
            Err(message) => errors.push((file.span(), message)),
        }
    }
    for rule in &rules {
        let id = rule.get_ref();
        if let Err(message) = registry.check_selector(id, project_ids) {
            errors.push((rule.span(), message));
        } else if let Some((message, help)) = crate::suppress::unsuppressible(id) {
            errors.push((rule.span(), format!("{message}: {help}")));
        }
    }
    let sid = match &table.sid {
        Some(sid) if sid.get_ref().is_empty() => {
            errors.push((
                sid.span(),
                "`sid` is empty: name a statement's `Sid`, or leave `sid` out to cover the whole file"
                    .to_string(),
            ));
            None
        }
        other => other.as_ref().map(|sid| sid.get_ref().clone()),
    };
    let until = table.until.as_ref().and_then(|until| {
        let written = match until.get_ref() {
            toml::Value::String(text) => text.clone(),
            toml::Value::Datetime(dt) if dt.time.is_none() && dt.offset.is_none() => dt.to_string(),
            _ => String::new(),
        };
        match Date::parse(&written) {
            Ok(date) => Some(date),
            Err(message) => {
                let message = if written.is_empty() {
                    "`until` is the last day the entry applies, written YYYY-MM-DD".to_string()
                } else {
                    message
                };
                errors.push((until.span(), message));
                None
            }
        }
    });
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(IgnoreEntry {
        files: globs,
        ignore: ConfigIgnore {
            rules: rules.iter().map(|r| r.get_ref().clone()).collect(),
            sid,
            reason: reason.to_string(),
            until,
        },
        files_span: table.files.as_ref().map_or(span.clone(), Spanned::span),
        span,
        rule_spans: rules.iter().map(Spanned::span).collect(),
        until_span: table.until.as_ref().map(Spanned::span),
    })
}
