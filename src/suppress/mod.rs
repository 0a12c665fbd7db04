//! Suppressions: a layer between the engine and the reporters. Rules never know about
//! them. Each is read once per file, from the file's own syntax, while the engine holds
//! its tree ([`from_tree`], [`from_hcl`]: comments in YAML and Terraform, `Metadata` in
//! CloudFormation), into a [`Suppression`] whose [`Scope`] is a value: a byte range, or a
//! whole file. [`apply`] then matches the stamped findings against them through an index
//! per file, moves the suppressed ones to [`Outcome::suppressed`] (so that the exit code
//! and every reporter that reads `findings` leave them out by construction), and reports
//! suppressions that are malformed, expired or unused as `iamlint/` findings.
//!
//! Another source of suppressions (the config's `[[lint.ignore]]`, a baseline) is another
//! producer of [`Suppression`] values with [`SuppressionKind::External`]; a statement named
//! by its `Sid` is resolved to the statement's [`Scope::Range`] while the tree is loaded.

mod comment;
mod config;
mod date;
mod metadata;

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

pub use config::{ConfigIgnore, from_config, report_entries};
pub use date::Date;

use crate::engine::Outcome;
use crate::finding::Finding;
use crate::parse::hcl::Body;
use crate::parse::{Node, Syntax};
use crate::rules::selects;
use crate::rules::{
    EXPIRED_SUPPRESSION, INVALID_SUPPRESSION, Registry, UNUSED_SUPPRESSION, is_engine_rule,
    is_suppression_rule, nearest,
};
use crate::settings::RuleSettings;
use crate::source::{FileId, Span};

/// Where a suppression is written: SARIF's `suppression.kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SuppressionKind {
    /// In the file the finding is about (a comment, `Metadata`).
    InSource,
    /// Elsewhere (the config).
    External,
}

impl SuppressionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SuppressionKind::InSource => "inSource",
            SuppressionKind::External => "external",
        }
    }
}

/// What a suppression covers: the findings that start inside it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// A byte range: an element of the file (a resource, a statement, a line).
    Range(Span),
    /// Every finding of a file.
    File(FileId),
}

impl Scope {
    pub fn file(self) -> FileId {
        match self {
            Scope::Range(span) => span.file,
            Scope::File(file) => file,
        }
    }
}

/// A rule id or group as written in a suppression, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleName {
    pub id: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    pub kind: SuppressionKind,
    pub scope: Scope,
    /// Where it is written: an unused or expired one is reported here.
    pub span: Span,
    /// Rule ids and groups (`iam`), never empty.
    pub rules: Vec<RuleName>,
    pub reason: String,
    /// The last day it applies (UTC), and where that is written.
    pub until: Option<(Date, Span)>,
    /// Whether problems with it are reported: not in a file read only as context (a
    /// Terraform module's file that was not named), whose suppressions still apply, nor
    /// for one from the config, which the caller reports against the config file.
    pub reported: bool,
    /// The index of the config entry it comes from ([`from_config`]).
    pub entry: Option<usize>,
}

/// A suppression written wrong: reported as `iamlint/invalid-suppression`, never applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Malformed {
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
}

/// What one file says about its own findings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileSuppressions {
    pub suppressions: Vec<Suppression>,
    pub malformed: Vec<Malformed>,
}

impl FileSuppressions {
    /// The same, for a file read only as context: applied, never reported.
    pub fn quiet(mut self) -> FileSuppressions {
        self.malformed.clear();
        for s in &mut self.suppressions {
            s.reported = false;
        }
        self
    }
}

/// A finding that a suppression hides from the exit code and the text reports; JSON and
/// SARIF still list it, with why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppressed {
    pub finding: Finding,
    pub kind: SuppressionKind,
    pub reason: String,
    pub until: Option<Date>,
}

/// The suppressions of a JSON or YAML file: its comments (YAML) and, for a CloudFormation
/// template, its `Metadata`.
pub fn from_tree(file: FileId, text: &str, root: &Node, syntax: Syntax, template: bool) -> FileSuppressions {
    let mut out = FileSuppressions::default();
    // Most files have none: one search, and nothing else is built.
    if !text.contains("iamlint") {
        return out;
    }
    if syntax == Syntax::Yaml {
        comment::read(
            file,
            text,
            comment::CommentSyntax::Yaml,
            &comment::Layout::yaml(root),
            &mut out,
        );
    }
    if template {
        metadata::read(file, root, &mut out);
    }
    out
}

/// The suppression comments of a Terraform `.tf` file.
pub fn from_hcl(file: FileId, text: &str, body: &Body) -> FileSuppressions {
    let mut out = FileSuppressions::default();
    if text.contains("iamlint") {
        comment::read(
            file,
            text,
            comment::CommentSyntax::Hcl,
            &comment::Layout::hcl(body),
            &mut out,
        );
    }
    out
}

/// What [`apply`] found out about the config's entries, for [`report_entries`] to report
/// against the config file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Applied {
    /// Entries, and which of their rule names (as written), that suppressed a finding.
    pub used: BTreeSet<(usize, String)>,
}

/// How [`apply`] runs.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Whether suppressions written in the checked files apply (`--no-inline-suppressions`
    /// turns them off: then they are neither applied nor checked).
    pub inline: bool,
    /// The day `until` dates are compared with.
    pub today: Date,
}

impl Options {
    /// As the binary runs: `until` dates compared with today (UTC).
    pub fn today(inline: bool) -> Options {
        Options {
            inline,
            today: Date::today(),
        }
    }
}

/// Matches the outcome's findings against its suppressions. `settings` say whether a rule
/// runs on a file (a suppression of a rule that did not run is not unused, and the
/// `iamlint/` rules report only where they are enabled) and the severity of the `iamlint/`
/// rules' findings.
pub fn apply(
    outcome: &mut Outcome,
    registry: &'static Registry,
    settings: &RuleSettings,
    options: Options,
) -> Applied {
    let mut applied = Applied::default();
    let mut suppressions = std::mem::take(&mut outcome.suppressions);
    let malformed = std::mem::take(&mut outcome.malformed_suppressions);
    if !options.inline {
        suppressions.retain(|s| s.kind != SuppressionKind::InSource);
    }
    if suppressions.is_empty() && malformed.is_empty() {
        return applied;
    }
    let mut reports = Reports {
        registry,
        outcome,
        settings,
        findings: Vec::new(),
    };
    if options.inline {
        for m in malformed {
            reports.add(INVALID_SUPPRESSION, m.span, m.message, m.help);
        }
    }
    let known = KnownRules::new(registry, reports.outcome);
    for s in &mut suppressions {
        s.rules.retain(|name| match known.check(&name.id) {
            Ok(()) => true,
            Err((message, help)) => {
                if s.reported {
                    reports.add(INVALID_SUPPRESSION, name.span, message, help);
                }
                false
            }
        });
    }
    suppressions.retain(|s| !s.rules.is_empty());
    suppressions.retain(|s| match s.until {
        Some((date, span)) if date < options.today => {
            if s.reported {
                let ids: Vec<&str> = s.rules.iter().map(|r| r.id.as_str()).collect();
                reports.add(
                    EXPIRED_SUPPRESSION,
                    span,
                    format!("suppression of {} expired on {date}", quoted(&ids)),
                    Some(
                        "fix the findings it hid (they are reported again), or renew it with a new date and reason"
                            .to_string(),
                    ),
                );
            }
            false
        }
        _ => true,
    });

    let hits = Index::new(&suppressions).matches(&reports.outcome.findings);
    let mut used: Vec<Vec<bool>> = suppressions.iter().map(|s| vec![false; s.rules.len()]).collect();
    let mut kept = Vec::with_capacity(reports.outcome.findings.len());
    for (finding, hit) in std::mem::take(&mut reports.outcome.findings)
        .into_iter()
        .zip(hits)
    {
        match hit {
            Some((s, rule)) => {
                used[s][rule] = true;
                let by = &suppressions[s];
                reports.outcome.suppressed.push(Suppressed {
                    finding,
                    kind: by.kind,
                    reason: by.reason.clone(),
                    until: by.until.map(|(date, _)| date),
                });
            }
            None => kept.push(finding),
        }
    }
    reports.outcome.findings = kept;

    for (s, used) in suppressions.iter().zip(&used) {
        if let Some(entry) = s.entry {
            for (name, _) in s.rules.iter().zip(used).filter(|(_, used)| **used) {
                applied.used.insert((entry, name.id.clone()));
            }
        }
        if !s.reported {
            continue;
        }
        let path = reports.outcome.sources.get(s.scope.file()).path.clone();
        let unused: Vec<&RuleName> = s
            .rules
            .iter()
            .zip(used)
            .filter(|(name, used)| !**used && known.any_enabled(&name.id, &path, settings))
            .map(|(name, _)| name)
            .collect();
        let help = || {
            Some(
                "remove it: a suppression that hides nothing would hide the next finding of its rule here"
                    .to_string(),
            )
        };
        if unused.len() == s.rules.len() {
            let ids: Vec<&str> = unused.iter().map(|r| r.id.as_str()).collect();
            reports.add(
                UNUSED_SUPPRESSION,
                s.span,
                format!("suppression of {} matches no finding", quoted(&ids)),
                help(),
            );
        } else {
            for name in unused {
                reports.add(
                    UNUSED_SUPPRESSION,
                    name.span,
                    format!("`{}` in this suppression matches no finding", name.id),
                    Some("remove it from the list".to_string()),
                );
            }
        }
    }
    let Reports {
        findings, outcome, ..
    } = reports;
    outcome.findings.extend(findings);
    outcome.sort();
    applied
}

/// `a`, `a` and `b`, `a`, `b` and `c`: rule ids in backquotes.
fn quoted<S: AsRef<str>>(ids: &[S]) -> String {
    let ids: Vec<String> = ids.iter().map(|id| format!("`{}`", id.as_ref())).collect();
    match ids.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// The findings of the `iamlint/` rules, made where the rule is enabled.
pub(super) struct Reports<'o> {
    registry: &'static Registry,
    outcome: &'o mut Outcome,
    settings: &'o RuleSettings,
    findings: Vec<Finding>,
}

impl Reports<'_> {
    pub(super) fn add(&mut self, rule: &str, span: Span, message: String, help: Option<String>) {
        let path = &self.outcome.sources.get(span.file).path;
        if !self.settings.applies(rule, Path::new(path)) {
            return;
        }
        let Some(registered) = self.registry.get(rule) else {
            return;
        };
        self.findings.push(Finding {
            rule: registered.meta.id.as_str(),
            severity: self.settings.severity(rule, registered.meta.severity),
            span,
            message,
            help,
            labels: Vec::new(),
            logical_location: String::new(),
            fix: None,
            request: None,
        });
    }
}

/// A message and help when `id` names rules whose findings no suppression may hide: the
/// engine's (a file that was not fully checked) and the `iamlint/` rules themselves.
pub fn unsuppressible(id: &str) -> Option<(String, String)> {
    let bare = id.trim_end_matches('/');
    let why = if bare == "iamlint" || is_suppression_rule(bare) {
        "a suppression that hides findings about suppressions would let them rot; `--ignore` turns the rule off for a run"
    } else if is_engine_rule(bare) {
        "a file that was not fully checked must not pass silently"
    } else {
        return None;
    };
    Some((format!("`{id}` cannot be suppressed"), why.to_string()))
}

/// The rule ids a suppression may name: the registry's and the config's assertions.
pub(super) struct KnownRules {
    ids: Vec<String>,
}

impl KnownRules {
    pub(super) fn new(registry: &Registry, outcome: &Outcome) -> KnownRules {
        let ids = registry
            .rules()
            .iter()
            .map(|r| r.meta.id.clone())
            .chain(outcome.project_rules.iter().map(|r| r.id.clone()))
            .collect();
        KnownRules { ids }
    }

    /// `Err` with a message and help when `id` names no rule or group, or one whose
    /// findings cannot be suppressed.
    fn check(&self, id: &str) -> Result<(), (String, Option<String>)> {
        if let Some((message, help)) = unsuppressible(id) {
            return Err((message, Some(help)));
        }
        if self.ids.iter().any(|known| selects(id, known)) {
            return Ok(());
        }
        let groups = self
            .ids
            .iter()
            .filter_map(|known| known.split_once('/').map(|(g, _)| g));
        let suggestion = nearest(id, self.ids.iter().map(String::as_str).chain(groups));
        Err((
            format!("unknown rule `{id}` in a suppression"),
            Some(match suggestion {
                Some(s) => format!("did you mean `{s}`? `iamlint rules` lists the ids"),
                None => "`iamlint rules` lists the ids".to_string(),
            }),
        ))
    }

    /// Whether a rule the id or group names runs on `path`.
    pub(super) fn any_enabled(&self, id: &str, path: &str, settings: &RuleSettings) -> bool {
        self.ids
            .iter()
            .any(|known| selects(id, known) && settings.applies(known, Path::new(path)))
    }
}

/// The suppressions of each file, by scope: a finding is matched against the scopes that
/// cover it, never against the others.
struct Index {
    files: HashMap<FileId, FileScopes>,
}

#[derive(Default)]
struct FileScopes {
    /// Each distinct range once, by start and, among equal starts, outer first:
    /// (start, end, what it suppresses).
    ranges: Vec<(u32, u32, Names)>,
    whole: Names,
}

/// The rule names of the suppressions of one scope, each to the first suppression (and
/// its name) that gives it.
#[derive(Default)]
struct Names(HashMap<String, (usize, usize)>);

impl Names {
    fn add(&mut self, index: usize, suppression: &Suppression) {
        for (rule, name) in suppression.rules.iter().enumerate() {
            self.0
                .entry(name.id.trim_end_matches('/').to_string())
                .or_insert((index, rule));
        }
    }

    /// The suppression that names `rule`: by its id, or by a group it belongs to.
    fn find(&self, rule: &str) -> Option<(usize, usize)> {
        self.0.get(rule).copied().or_else(|| {
            rule.match_indices('/')
                .find_map(|(at, _)| self.0.get(&rule[..at]).copied())
        })
    }
}

impl Index {
    fn new(suppressions: &[Suppression]) -> Index {
        let mut files: HashMap<FileId, FileScopes> = HashMap::new();
        let mut slots: HashMap<(FileId, u32, u32), usize> = HashMap::new();
        for (i, s) in suppressions.iter().enumerate() {
            let file = files.entry(s.scope.file()).or_default();
            match s.scope {
                Scope::Range(span) => {
                    let slot = *slots.entry((span.file, span.start, span.end)).or_insert_with(|| {
                        file.ranges.push((span.start, span.end, Names::default()));
                        file.ranges.len() - 1
                    });
                    file.ranges[slot].2.add(i, s);
                }
                Scope::File(_) => file.whole.add(i, s),
            }
        }
        for file in files.values_mut() {
            file.ranges
                .sort_unstable_by_key(|&(start, end, _)| (start, std::cmp::Reverse(end)));
        }
        Index { files }
    }

    /// For each finding, the narrowest suppression that covers its start and names its
    /// rule, and which of its names does. One sweep per file over its findings and its
    /// ranges, both by start, with the ranges that cover the current position on a stack
    /// (scopes are elements of a tree and lines: they nest), innermost on top.
    fn matches(&self, findings: &[Finding]) -> Vec<Option<(usize, usize)>> {
        let mut hits = vec![None; findings.len()];
        let mut order: Vec<usize> = (0..findings.len())
            .filter(|&i| {
                let rule = findings[i].rule;
                !is_engine_rule(rule)
                    && !is_suppression_rule(rule)
                    && self.files.contains_key(&findings[i].span.file)
            })
            .collect();
        order.sort_by_key(|&i| (findings[i].span.file, findings[i].span.start));
        let mut current = None;
        let mut next = 0;
        let mut stack: Vec<usize> = Vec::new();
        for i in order {
            let finding = &findings[i];
            let Some(file) = self.files.get(&finding.span.file) else {
                continue;
            };
            if current != Some(finding.span.file) {
                current = Some(finding.span.file);
                next = 0;
                stack.clear();
            }
            let at = finding.span.start;
            let ended = |stack: &mut Vec<usize>, at: u32| {
                while stack.last().is_some_and(|&top| file.ranges[top].1 <= at) {
                    stack.pop();
                }
            };
            while let Some(&(start, _, _)) = file.ranges.get(next)
                && start <= at
            {
                ended(&mut stack, start);
                stack.push(next);
                next += 1;
            }
            ended(&mut stack, at);
            hits[i] = stack
                .iter()
                .rev()
                .filter(|&&r| file.ranges[r].1 > at)
                .find_map(|&r| file.ranges[r].2.find(finding.rule))
                .or_else(|| file.whole.find(finding.rule));
        }
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_ids() {
        assert_eq!(quoted(&["a"]), "`a`");
        assert_eq!(quoted(&["a", "b"]), "`a` and `b`");
        assert_eq!(quoted(&["a", "b", "c"]), "`a`, `b` and `c`");
    }
}
