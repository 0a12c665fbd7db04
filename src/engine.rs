//! Runs the rules: each input is read and parsed once, its model built once and shared by
//! every rule; files are processed in parallel. The engine stamps each rule's diagnostics
//! with the rule id and severity, and reports unreadable and unparsable files itself.
//! Terraform configuration is loaded a module (directory) at a time ([`terraform`]).

mod terraform;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::baseline::BaselineSummary;
use crate::config::{Assertion, Config, IgnoreEntries};
use crate::discover::Input;
use crate::finding::{Diagnostic, Finding, ProjectRule, Severity};
use crate::model::{
    DeclaredPrincipal, DeclaredPrincipals, DocumentKind, FileModel, Language, PolicyKind, Project, Texts,
    principals,
};
use crate::parse::{AliasUse, Node, Syntax, logical_location, parse_with_aliases};
use crate::read::{Decoded, ReadError, Symlinks, decode, read_file};
use crate::rules::{
    ANALYSIS_LIMIT, IO_ERROR, PARSE_ERROR, RegisteredRule, Registry, check_assertion, describe_assertion,
    is_engine_rule, shared_limits,
};
use crate::secrets::{Secrets, Unparsed, unparsed_values};
use crate::settings::FileIgnores;
use crate::source::{FileId, Keep, SourceMap, Span};
use crate::suppress::{FileSuppressions, Malformed, Scope, Suppressed, Suppression, from_config};
use crate::timing::{self, Phase, RuleClock};

pub use crate::read::MAX_FILE_BYTES;

/// Which rules run, at what severity, and where (see [`crate::settings`]). Engine rules
/// (`parse-error`, `io-error`, `analysis-limit`) always run and keep their severity.
pub use crate::settings::{RuleSettings, Selection};

#[derive(Default)]
pub struct Outcome {
    pub sources: SourceMap,
    /// Sorted by file, position and rule.
    pub findings: Vec<Finding>,
    /// Spans whose text no report may show (hard-coded passwords), by file and start,
    /// none overlapping another.
    pub redactions: Vec<Span>,
    /// Remarks about inputs that are not findings (a named file that is not a policy).
    pub notes: Vec<String>,
    /// Inputs recognised as a policy or template, or reported as unreadable/unparsable.
    pub files_checked: usize,
    /// The config's assertions that ran: rules of the project, beside the registry's.
    pub project_rules: Vec<ProjectRule>,
    /// What `--baseline` left out, when one was applied.
    pub baseline: Option<BaselineSummary>,
    /// What the checked files say about their own findings, read while their trees were
    /// loaded; [`crate::suppress::apply`] matches them against `findings`.
    pub suppressions: Vec<Suppression>,
    pub malformed_suppressions: Vec<Malformed>,
    /// Findings that a suppression hides, in the order of `findings`: not counted toward
    /// the exit code, listed by the JSON and SARIF reports.
    pub suppressed: Vec<Suppressed>,
    /// Which of the config's `[[lint.ignore]]` entries name each checked file (by index).
    pub entries_naming: Vec<(FileId, usize)>,
    /// Which fixes the reports call fixable (`--unsafe-fixes` counts the unsafe ones).
    pub fix_mode: crate::fix::run::Mode,
    /// What `--fix` fixed before this outcome was checked, when it ran.
    pub fixed: Option<crate::fix::run::Summary>,
}

impl Outcome {
    /// Adds the outcome of another batch, renumbering its files after ours.
    fn append(&mut self, other: Outcome) {
        let offset = self.sources.append(other.sources);
        let moved = |span: Span| Span {
            file: FileId(span.file.0 + offset),
            ..span
        };
        self.findings.extend(other.findings.into_iter().map(|mut f| {
            f.span = moved(f.span);
            for label in &mut f.labels {
                label.span = moved(label.span);
            }
            for edit in f.fix.iter_mut().flat_map(|fix| fix.edits.iter_mut()) {
                edit.span = moved(edit.span);
            }
            f
        }));
        self.redactions.extend(other.redactions.into_iter().map(moved));
        self.notes.extend(other.notes);
        self.files_checked += other.files_checked;
        self.project_rules.extend(other.project_rules);
        self.suppressions
            .extend(other.suppressions.into_iter().map(|mut s| {
                s.span = moved(s.span);
                s.scope = match s.scope {
                    Scope::Range(span) => Scope::Range(moved(span)),
                    Scope::File(file) => Scope::File(FileId(file.0 + offset)),
                };
                for name in &mut s.rules {
                    name.span = moved(name.span);
                }
                if let Some((_, span)) = &mut s.until {
                    *span = moved(*span);
                }
                s
            }));
        self.malformed_suppressions
            .extend(other.malformed_suppressions.into_iter().map(|mut m| {
                m.span = moved(m.span);
                m
            }));
        self.entries_naming.extend(
            other
                .entries_naming
                .into_iter()
                .map(|(file, entry)| (FileId(file.0 + offset), entry)),
        );
    }

    /// Lets go of what a batch's reports will not read of its files' texts: all of the
    /// text of a file that no finding, label or suppression points into (most files of a
    /// large repository), and with [`Retain::Positions`] the text of the others too, keeping
    /// the line and column of each offset a span points at. Reports resolve positions and
    /// show snippets only where spans point, and a baseline hashes the text of findings
    /// alone. Done per batch, so a run holds what it reports, not every file it read.
    fn release_texts(&mut self, retain: Retain) {
        let mut offsets: Vec<Vec<u32>> = vec![Vec::new(); self.sources.len()];
        let mut mark = |span: Span| {
            if let Some(at) = offsets.get_mut(span.file.0 as usize) {
                at.extend([span.start, span.end]);
            }
        };
        for finding in &self.findings {
            mark(finding.span);
            finding.labels.iter().for_each(|label| mark(label.span));
            // JSON and SARIF give each edit of a fix its line and column.
            for edit in finding.fix.iter().flat_map(|fix| &fix.edits) {
                mark(edit.span);
            }
        }
        // A suppression that hides nothing, or is malformed, is reported where it is written.
        for suppression in &self.suppressions {
            mark(suppression.span);
            if let Scope::Range(span) = suppression.scope {
                mark(span);
            }
            suppression.rules.iter().for_each(|name| mark(name.span));
            if let Some((_, span)) = suppression.until {
                mark(span);
            }
        }
        self.malformed_suppressions.iter().for_each(|m| mark(m.span));
        self.sources.release_texts(|file| {
            let at = offsets
                .get_mut(file.0 as usize)
                .map(std::mem::take)
                .unwrap_or_default();
            if retain == Retain::Texts && !at.is_empty() {
                return Keep::Text;
            }
            let mut at = at;
            at.sort_unstable();
            at.dedup();
            Keep::Positions(at)
        });
    }

    /// Findings by file, position and rule.
    pub(crate) fn sort(&mut self) {
        let sources = &self.sources;
        self.findings.sort_by(|a, b| finding_order(sources, a, b));
    }

    /// The order of [`Outcome::findings`] (and of [`Outcome::suppressed`]).
    pub fn order(&self, a: &Finding, b: &Finding) -> std::cmp::Ordering {
        finding_order(&self.sources, a, b)
    }
}

fn finding_order(sources: &SourceMap, a: &Finding, b: &Finding) -> std::cmp::Ordering {
    let path = |f: &Finding| sources.get(f.span.file).path.as_str();
    (path(a), a.span.start, a.rule, a.span.end).cmp(&(path(b), b.span.start, b.rule, b.span.end))
}

/// One input after reading and parsing: what the engine itself has to say about it, and
/// the tree the rules will see.
struct Loaded {
    path: String,
    /// The path with the bytes the file system gave; `None` for standard input.
    raw_path: Option<PathBuf>,
    text: Arc<str>,
    root: Option<(Node, DocumentKind)>,
    findings: Vec<Finding>,
    /// What no report may show, found while loading (see [`crate::secrets`]).
    secrets: Secrets,
    /// The YAML aliases of `root`, to mask an anchor when its alias is masked.
    aliases: Vec<AliasUse>,
    note: Option<String>,
    checked: bool,
    /// Read only because the config names it (a policy of a principal), or because it is in
    /// the module of a `.tf` file named alone: its own findings are not reported, and
    /// cross-file findings only where they touch a reported file.
    context_only: bool,
    /// What `root` was written in: a Terraform module or plan is lowered into a template.
    language: Language,
    /// For a Terraform module, the text of every file its spans may point into.
    texts: Vec<(FileId, Arc<str>)>,
    /// The file's suppressions, read while its tree is at hand.
    suppressions: FileSuppressions,
}

/// What a run without a config keeps of the text of the files it reports on, once their
/// batch is checked (the text of the others is never kept): see [`Outcome`]'s
/// `release_texts`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Retain {
    /// The text: the human report shows snippets, SARIF and GitLab fingerprint the text of
    /// a finding, a baseline hashes it, the language server reads it.
    #[default]
    Texts,
    /// Only the line and column of each offset a span points at: all that the JSON, GNU,
    /// GitHub and JUnit reports print.
    Positions,
}

/// How many files a run without a config checks at a time: their trees are dropped
/// before the next batch is read, so memory stays flat however many files there are.
const BATCH: usize = 256;

/// Checks inputs without a config: every policy file stands alone, and every principal
/// lies within one file (a template) or one Terraform module. Files are checked in
/// batches; a module's files always stay together.
pub fn check(
    inputs: &[Input],
    stdin: Option<&[u8]>,
    registry: &'static Registry,
    settings: &RuleSettings,
) -> Outcome {
    check_in(inputs, Memory::stdin(stdin), registry, settings, Retain::Texts)
}

fn check_in(
    inputs: &[Input],
    stdin: Memory<'_>,
    registry: &'static Registry,
    settings: &RuleSettings,
    retain: Retain,
) -> Outcome {
    let (modules, files): (Vec<&Input>, Vec<&Input>) = inputs.iter().partition(|input| match input {
        Input::File { path, .. } | Input::Unreadable { path, .. } => {
            terraform::is_configuration(&path.to_string_lossy())
        }
        Input::Stdin { name } => terraform::is_configuration(name),
    });
    let mut batches: Vec<Vec<Input>> = files
        .chunks(BATCH)
        .map(|batch| batch.iter().map(|&i| i.clone()).collect())
        .collect();
    // Terraform modules in batches too: all of them at once held every module's trees
    // until the end (most of the memory of a repository with many modules).
    let modules: Vec<Input> = modules.into_iter().cloned().collect();
    batches.extend(terraform::batches(&modules, BATCH));
    let mut outcome = Outcome::default();
    for batch in batches {
        let mut loaded = load_all(&batch, stdin, registry, 0);
        terraform::load_modules(&mut loaded, &batch, stdin, registry);
        let mut checked = run_rules(&mut loaded, registry, settings, &ResolvedConfig::default());
        drop(loaded);
        checked.release_texts(retain);
        outcome.append(checked);
    }
    drop_repeated(&mut outcome.findings, &outcome.sources);
    stamp_settings(&mut outcome, settings);
    outcome.sort();
    outcome
}

/// A policy file that a module reads with `file()` is also checked on its own, in another
/// batch, and a file may be named twice (`./p.json`, `p.json`): the same finding twice is
/// reported once, the first kept. A file is known by where it really is (`./p.json` when
/// walked, `p.json` through `file("../p.json")`). Within one file a batch has already
/// dropped repeats, so only findings in files that share where they are get compared.
fn drop_repeated(findings: &mut Vec<Finding>, sources: &SourceMap) {
    let mut files: Vec<FileId> = findings.iter().map(|f| f.span.file).collect();
    files.sort_unstable();
    files.dedup();
    let keys: Vec<PathBuf> = files
        .par_iter()
        .map(|&file| path_key(Path::new(&sources.get(file).path)))
        .collect();
    // Each file that shares its place with another, to the first of them.
    let mut first_at: HashMap<&Path, FileId> = HashMap::with_capacity(files.len());
    let mut same: HashMap<FileId, FileId> = HashMap::new();
    for (&file, key) in files.iter().zip(&keys) {
        let first = *first_at.entry(key).or_insert(file);
        if first != file {
            same.insert(first, first);
            same.insert(file, first);
        }
    }
    if same.is_empty() {
        return;
    }
    let mut seen = HashSet::new();
    findings.retain(|f| match same.get(&f.span.file) {
        None => true,
        Some(&first) => seen.insert((f.rule, first, f.span.start, f.span.end, f.message.clone())),
    });
}

/// Applies what the settings say about findings already made: the configured severity,
/// and `per-file-ignores` matched against the file each finding points at (a Terraform
/// module's findings point into several files, a principal's into any of its policies).
/// Engine rules are left as they are: they are always reported.
fn stamp_settings(outcome: &mut Outcome, settings: &RuleSettings) {
    let mut ignores: HashMap<FileId, FileIgnores<'_>> = HashMap::new();
    let sources = &outcome.sources;
    outcome.findings.retain_mut(|finding| {
        if is_engine_rule(finding.rule) {
            return true;
        }
        if settings.has_per_file_ignores() {
            let file = finding.span.file;
            let ignores = ignores.entry(file).or_insert_with(|| {
                let source = sources.get(file);
                settings.ignored_in(source.raw_path.as_deref().unwrap_or(Path::new(&source.path)))
            });
            if ignores.covers(finding.rule) {
                return false;
            }
        }
        finding.severity = settings.severity(finding.rule, finding.severity);
        true
    });
}

/// Checks inputs with the principals, SCPs and assertions of a config. The files the
/// config names are read too when the inputs do not include them. `Err` when the config
/// names files that cannot be found.
pub fn check_with_config(
    inputs: &[Input],
    stdin: Option<&[u8]>,
    registry: &'static Registry,
    settings: &RuleSettings,
    config: Option<&Config>,
) -> Result<Outcome, String> {
    check_with_config_in(
        inputs,
        Memory::stdin(stdin),
        registry,
        settings,
        config,
        Retain::Texts,
    )
}

/// As [`check_with_config`], keeping of the reported files' texts what `retain` says when
/// there is no config (a config's run is checked in one piece and keeps them).
pub fn check_with_config_retaining(
    inputs: &[Input],
    stdin: Option<&[u8]>,
    registry: &'static Registry,
    settings: &RuleSettings,
    config: Option<&Config>,
    retain: Retain,
) -> Result<Outcome, String> {
    check_with_config_in(inputs, Memory::stdin(stdin), registry, settings, config, retain)
}

/// As [`check_with_config`], reading the files that `buffers` holds from it instead of the
/// disk (an editor's open documents, which may not be saved): the inputs, the policies the
/// config names, a Terraform module's other files and its `file()` targets.
pub fn check_buffers(
    inputs: &[Input],
    buffers: &Buffers,
    registry: &'static Registry,
    settings: &RuleSettings,
    config: Option<&Config>,
) -> Result<Outcome, String> {
    let memory = Memory {
        stdin: None,
        buffers: Some(buffers),
    };
    check_with_config_in(inputs, memory, registry, settings, config, Retain::Texts)
}

/// Texts held in memory, by the file they stand for.
#[derive(Clone, Default)]
pub struct Buffers {
    by_path: HashMap<PathBuf, Arc<str>>,
}

impl Buffers {
    /// Holds `text` as the content of `path` (an absolute path).
    pub fn insert(&mut self, path: &Path, text: Arc<str>) {
        self.by_path.insert(path_key(path), text);
    }

    /// The text held for a file, however the path names it.
    pub fn get(&self, path: &Path) -> Option<&Arc<str>> {
        if self.by_path.is_empty() {
            return None;
        }
        self.by_path
            .get(path)
            .or_else(|| self.by_path.get(&path_key(path)))
    }
}

/// Where inputs come from besides the disk: standard input, and open buffers.
#[derive(Clone, Copy, Default)]
struct Memory<'a> {
    stdin: Option<&'a [u8]>,
    buffers: Option<&'a Buffers>,
}

impl<'a> Memory<'a> {
    fn stdin(stdin: Option<&'a [u8]>) -> Memory<'a> {
        Memory { stdin, buffers: None }
    }

    fn buffer(&self, path: &Path) -> Option<&'a Arc<str>> {
        self.buffers.and_then(|b| b.get(path))
    }
}

fn check_with_config_in(
    inputs: &[Input],
    stdin: Memory<'_>,
    registry: &'static Registry,
    settings: &RuleSettings,
    config: Option<&Config>,
    retain: Retain,
) -> Result<Outcome, String> {
    let Some(config) = config else {
        return Ok(check_in(inputs, stdin, registry, settings, retain));
    };
    let (mut loaded, resolved) = load_with_config(inputs, stdin, registry, config)?;
    let mut outcome = run_rules(&mut loaded, registry, settings, &resolved);
    stamp_settings(&mut outcome, settings);
    outcome.project_rules = config
        .asserts
        .iter()
        .map(describe_assertion)
        .filter(|rule| settings.enabled(&rule.id))
        .map(|rule| ProjectRule {
            severity: settings.severity(&rule.id, rule.severity),
            ..rule
        })
        .collect();
    Ok(outcome)
}

/// Reads the inputs and the files the config names (context only when the inputs do not
/// include them), with the config's principals and SCPs resolved to file indexes.
fn load_with_config<'c>(
    inputs: &[Input],
    stdin: Memory<'_>,
    registry: &'static Registry,
    config: &'c Config,
) -> Result<(Vec<Loaded>, ResolvedConfig<'c>), String> {
    let mut keys: HashMap<PathBuf, usize> = inputs
        .iter()
        .enumerate()
        .map(|(i, input)| match input {
            Input::File { path, .. } | Input::Unreadable { path, .. } => (path_key(path), i),
            Input::Stdin { name } => (PathBuf::from(name), i),
        })
        .collect();
    let mut extra: Vec<Input> = Vec::new();
    // `Config::expand` keeps the files it names inside this root.
    let root: Arc<Path> = config.repository.clone().into();
    let mut file_of = |path: PathBuf| -> usize {
        let key = path_key(&path);
        if let Some(&found) = keys.get(&key) {
            return found;
        }
        let index = inputs.len() + extra.len();
        keys.insert(key, index);
        // Shown relative to the current directory, like the paths the user passes.
        let path = std::env::current_dir()
            .ok()
            .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
            .unwrap_or(path);
        extra.push(Input::File {
            path,
            explicit: true,
            root: root.clone(),
        });
        index
    };
    let mut resolved = ResolvedConfig::default();
    for principal in &config.principals {
        let policies = config
            .expand(&principal.policies)?
            .into_iter()
            .map(&mut file_of)
            .collect();
        let boundary = match &principal.boundary {
            Some(glob) => Some(
                config
                    .expand(std::slice::from_ref(glob))?
                    .into_iter()
                    .map(&mut file_of)
                    .collect(),
            ),
            None => None,
        };
        resolved.declared.principals.push(DeclaredPrincipal {
            name: principal.name.clone(),
            arn: principal.arn.clone(),
            policies,
            boundary,
        });
    }
    resolved.declared.scps = config
        .expand(&config.organization.scps)?
        .into_iter()
        .map(&mut file_of)
        .collect();
    for &scp in &resolved.declared.scps {
        resolved.kinds.insert(scp, PolicyKind::ServiceControl);
    }
    for principal in &resolved.declared.principals {
        for &file in principal
            .policies
            .iter()
            .chain(principal.boundary.iter().flatten())
        {
            resolved.kinds.entry(file).or_insert(PolicyKind::Identity);
        }
    }
    resolved.asserts = config.asserts.iter().collect();
    let mut loaded = load_all(inputs, stdin, registry, 0);
    let mut context = load_all(&extra, Memory { stdin: None, ..stdin }, registry, inputs.len());
    for file in &mut context {
        file.context_only = true;
    }
    loaded.append(&mut context);
    terraform::load_modules(&mut loaded, inputs, stdin, registry);
    Ok((loaded, resolved))
}

/// What a config adds to a run, resolved to file indexes.
#[derive(Default)]
struct ResolvedConfig<'c> {
    declared: DeclaredPrincipals,
    /// The policy type of the files the config names (SCPs, identity policies).
    kinds: HashMap<usize, PolicyKind>,
    asserts: Vec<&'c Assertion>,
}

/// The same file named two ways (`./a.json`, `a.json`, an absolute path) is one file.
fn path_key(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

fn load_all(inputs: &[Input], stdin: Memory<'_>, registry: &'static Registry, first: usize) -> Vec<Loaded> {
    inputs
        .par_iter()
        .enumerate()
        .map(|(i, input)| load(FileId((first + i) as u32), input, stdin, registry))
        .collect()
}

fn run_rules(
    loaded: &mut [Loaded],
    registry: &'static Registry,
    settings: &RuleSettings,
    config: &ResolvedConfig<'_>,
) -> Outcome {
    let models = build_models(loaded, config);
    // Asked once per run, not once per file.
    let enabled: Vec<&'static RegisteredRule> = registry
        .rules()
        .iter()
        .filter(|rule| settings.enabled(&rule.meta.id))
        .collect();
    let per_file: Vec<(Vec<Finding>, Secrets)> = models
        .par_iter()
        .zip(loaded.par_iter())
        .map(|(model, file)| match model {
            Some(model) => {
                // A module's findings may point into any of its files: they are matched
                // against `per-file-ignores` once made (`stamp_settings`).
                let ignores = if file.texts.is_empty() {
                    settings.ignored_in(file.raw_path.as_deref().unwrap_or(Path::new(&file.path)))
                } else {
                    FileIgnores::default()
                };
                check_file(model, file.context_only, registry, &enabled, &ignores)
            }
            None => (Vec::new(), Secrets::default()),
        })
        .collect();
    let cross_file = check_principals(&models, loaded, registry, settings, config);
    let (external, entries_naming) = config_suppressions(&models, loaded, settings.ignore_entries());
    drop(models);

    let mut sources = SourceMap::default();
    let mut out = Outcome {
        sources: SourceMap::default(),
        findings: cross_file,
        redactions: Vec::new(),
        notes: Vec::new(),
        files_checked: 0,
        project_rules: Vec::new(),
        baseline: None,
        suppressions: external,
        malformed_suppressions: Vec::new(),
        suppressed: Vec::new(),
        entries_naming,
        ..Outcome::default()
    };
    // A Terraform module's findings may point into files of its directory that were not
    // named: those are reported only when they label a named file (a variable's literal
    // default, labelled at the `password` that uses it).
    let unreported: HashSet<FileId> = loaded
        .iter()
        .enumerate()
        .filter(|(_, f)| f.context_only)
        .map(|(i, _)| FileId(i as u32))
        .collect();
    let mut secret_values = Vec::new();
    for (file, (findings, mut secrets)) in loaded.iter_mut().zip(per_file) {
        let id = sources.add_file(
            std::mem::take(&mut file.path),
            file.raw_path.take(),
            file.text.clone(),
        );
        if file.context_only {
            sources.set_context_only(id);
        } else if !file.checked {
            sources.set_skipped(id);
        }
        secrets.extend(std::mem::take(&mut file.secrets));
        out.redactions
            .extend(crate::secrets::through_aliases(secrets.spans, &file.aliases));
        secret_values.extend(secrets.values);
        let mut suppressions = std::mem::take(&mut file.suppressions);
        if file.context_only {
            suppressions = suppressions.quiet();
        }
        out.suppressions.extend(suppressions.suppressions);
        out.malformed_suppressions.extend(suppressions.malformed);
        if file.context_only {
            continue;
        }
        out.findings
            .extend(file.findings.drain(..).chain(findings).filter(|f| {
                !unreported.contains(&f.span.file)
                    || f.labels.iter().any(|l| !unreported.contains(&l.span.file))
            }));
        out.notes.extend(file.note.take());
        out.files_checked += usize::from(file.checked);
    }
    // A policy file that a Terraform module reads with `file()` is also checked on its own
    // when it was named or walked: the same finding twice is reported once.
    let mut seen = HashSet::new();
    out.findings
        .retain(|f| seen.insert((f.rule, f.span, f.message.clone())));
    // A value may flow from one file of a Terraform module into a finding about another.
    let module_of: HashMap<FileId, FileId> = loaded
        .iter()
        .enumerate()
        .flat_map(|(i, file)| file.texts.iter().map(move |(id, _)| (*id, FileId(i as u32))))
        .collect();
    let group = |file: FileId| module_of.get(&file).copied().unwrap_or(file);
    crate::secrets::scrub(&mut out.findings, &secret_values, group);
    for finding in &mut out.findings {
        if let Some((root, _)) = &loaded[group(finding.span.file).0 as usize].root {
            finding.logical_location = logical_location(root, finding.span);
        }
    }
    out.redactions = crate::secrets::merged(std::mem::take(&mut out.redactions));
    out.sources = sources;
    out.sort();
    out
}

/// Every file's model, in parallel; `None` for a file that was not read or parsed.
fn build_models<'l>(loaded: &'l [Loaded], config: &ResolvedConfig<'_>) -> Vec<Option<FileModel<'l>>> {
    loaded
        .par_iter()
        .enumerate()
        .map(|(i, file)| {
            let (root, kind) = file.root.as_ref()?;
            let texts = if file.texts.is_empty() {
                Texts::One(&file.text)
            } else {
                Texts::Many(&file.texts)
            };
            Some(timing::phase(Phase::Model, || {
                FileModel::build_in(root, texts, *kind, file.language, config.kinds.get(&i).copied())
            }))
        })
        .collect()
}

/// Reads the inputs as `check` does (with the config's principals and SCPs), builds every
/// file's model and the principals, and hands the project to `analyze` with the path of
/// each file (by `FileId`): the seam for analyses that are not rules (`iamlint diff`). Returns what `analyze` returns, and an
/// outcome holding the run's sources, the engine's own findings about the inputs (I/O and
/// parse errors), its notes and the spans no report may show. Files are read from
/// `buffers` first (an old revision's files), then from the disk.
pub fn analyze_project<R>(
    inputs: &[Input],
    buffers: Option<&Buffers>,
    registry: &'static Registry,
    config: Option<&Config>,
    analyze: impl FnOnce(&Project<'_, '_>, &[String]) -> R,
) -> Result<(R, Outcome), String> {
    let memory = Memory { stdin: None, buffers };
    let (mut loaded, resolved) = match config {
        Some(config) => load_with_config(inputs, memory, registry, config)?,
        None => {
            let mut loaded = load_all(inputs, memory, registry, 0);
            terraform::load_modules(&mut loaded, inputs, memory, registry);
            (loaded, ResolvedConfig::default())
        }
    };
    let paths: Vec<String> = loaded.iter().map(|file| file.path.clone()).collect();
    let models = build_models(&loaded, &resolved);
    let project = Project {
        files: &models,
        principals: principals(&models, &resolved.declared),
    };
    let result = analyze(&project, &paths);
    let secrets: Vec<Secrets> = models
        .iter()
        .map(|m| {
            m.as_ref()
                .map(crate::secrets::template_secrets)
                .unwrap_or_default()
        })
        .collect();
    drop(project);
    drop(models);
    let mut outcome = Outcome::default();
    for (file, mut secrets) in loaded.iter_mut().zip(secrets) {
        let id = outcome.sources.add_file(
            std::mem::take(&mut file.path),
            file.raw_path.take(),
            file.text.clone(),
        );
        if file.context_only {
            outcome.sources.set_context_only(id);
        } else if !file.checked {
            outcome.sources.set_skipped(id);
        }
        secrets.extend(std::mem::take(&mut file.secrets));
        outcome
            .redactions
            .extend(crate::secrets::through_aliases(secrets.spans, &file.aliases));
        if file.context_only {
            continue;
        }
        outcome.findings.append(&mut file.findings);
        outcome.notes.extend(file.note.take());
        outcome.files_checked += usize::from(file.checked);
    }
    outcome.redactions = crate::secrets::merged(std::mem::take(&mut outcome.redactions));
    Ok((result, outcome))
}

/// The suppressions of the config's `[[lint.ignore]]` entries over the files of a batch:
/// each file an entry's globs match (or a directory it is in), or, for an entry with a
/// `Sid`, the statements with that `Sid` among the policies the model read from the file.
/// Also which entries name each checked file, for the report of unused entries.
fn config_suppressions(
    models: &[Option<FileModel<'_>>],
    loaded: &[Loaded],
    ignores: &IgnoreEntries,
) -> (Vec<Suppression>, Vec<(FileId, usize)>) {
    let mut out = Vec::new();
    let mut naming_checked = Vec::new();
    if ignores.is_empty() {
        return (out, naming_checked);
    }
    // The model that holds a file's policies: its own, or its Terraform module's.
    let module_of: HashMap<usize, usize> = loaded
        .iter()
        .enumerate()
        .flat_map(|(i, file)| file.texts.iter().map(move |(id, _)| (id.0 as usize, i)))
        .collect();
    for (i, file) in loaded.iter().enumerate() {
        let naming = ignores.naming(file.raw_path.as_deref().unwrap_or(Path::new(&file.path)));
        if naming.is_empty() {
            continue;
        }
        let id = FileId(i as u32);
        if !file.context_only {
            naming_checked.extend(naming.iter().map(|&entry| (id, entry)));
        }
        let model = models
            .get(module_of.get(&i).copied().unwrap_or(i))
            .and_then(Option::as_ref);
        let documents: Vec<&Node> = model
            .map(|m| m.policies.iter().map(|p| p.source.as_ref()).collect())
            .unwrap_or_default();
        let entries = naming.into_iter().map(|e| (e, &ignores.entries[e].ignore));
        out.extend(from_config(id, &documents, entries));
    }
    (out, naming_checked)
}

/// The per-file rules over one model, and what of the file no report may print. The rules
/// that `per-file-ignores` turns off for the file do not run.
fn check_file(
    model: &FileModel<'_>,
    context_only: bool,
    registry: &'static Registry,
    rules: &[&'static RegisteredRule],
    ignores: &FileIgnores<'_>,
) -> (Vec<Finding>, Secrets) {
    let mut findings: Vec<Finding> = Vec::new();
    if !context_only {
        findings.extend(
            model
                .errors
                .iter()
                .map(|err| engine_finding(registry, PARSE_ERROR, err.span, err.message.clone())),
        );
        let mut diagnostics: Vec<Diagnostic> = Vec::new();
        let mut clock = RuleClock::default();
        for rule in rules {
            if ignores.covers(&rule.meta.id) {
                continue;
            }
            clock.run(&rule.meta.id, || rule.check(model, &mut diagnostics));
            findings.extend(
                diagnostics
                    .drain(..)
                    .map(|d| stamp(registry, rule.meta.id.as_str(), rule.meta.severity, d)),
            );
        }
        // What the rules computed together (the catalog's reading of the actions) and
        // stopped at a budget.
        findings.extend(
            shared_limits(model)
                .into_iter()
                .map(|d| engine_finding(registry, ANALYSIS_LIMIT, d.span, d.message)),
        );
        clock.finish();
    }
    (findings, crate::secrets::template_secrets(model))
}

/// The rules over principals, which may span files, and the config's assertions. A
/// finding is reported when it points at, or labels, a file the user asked to check.
fn check_principals(
    models: &[Option<FileModel<'_>>],
    loaded: &[Loaded],
    registry: &'static Registry,
    settings: &RuleSettings,
    config: &ResolvedConfig<'_>,
) -> Vec<Finding> {
    let project = Project {
        files: models,
        principals: principals(models, &config.declared),
    };
    // The rules over principals run in parallel with each other; each walks every
    // principal, and the guard analysis they share is computed once per principal.
    let mut findings: Vec<Finding> = registry
        .rules()
        .par_iter()
        .filter(|rule| settings.enabled(&rule.meta.id))
        .flat_map_iter(|rule| {
            let mut diagnostics: Vec<Diagnostic> = Vec::new();
            let mut clock = RuleClock::default();
            clock.run(&rule.meta.id, || rule.check_project(&project, &mut diagnostics));
            clock.finish();
            diagnostics
                .into_iter()
                .map(|d| stamp(registry, rule.meta.id.as_str(), rule.meta.severity, d))
        })
        .collect();
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    for assertion in &config.asserts {
        let id = format!("assert/{}", assertion.name);
        if !settings.enabled(&id) {
            continue;
        }
        check_assertion(assertion, &project, &mut diagnostics);
        if diagnostics.is_empty() {
            continue;
        }
        // Assertion ids come from the config, not the registry: a handful per run.
        let id: &'static str = Box::leak(id.into_boxed_str());
        findings.extend(
            diagnostics
                .drain(..)
                .map(|d| stamp(registry, id, assertion.severity, d)),
        );
    }
    // A finding is about a file the user asked to check when it points at or labels one,
    // or when it points into a principal that such a file is part of: changing one policy
    // of a principal can break what another of its policies does.
    let reported = |file: FileId| loaded.get(file.0 as usize).is_some_and(|f| !f.context_only);
    let touched: std::collections::HashSet<FileId> = project
        .principals
        .iter()
        .map(|p| {
            // SCPs are shared by every principal: they do not tie files together.
            p.own_documents().map(|d| d.span.file).collect::<Vec<_>>()
        })
        .filter(|files| files.iter().any(|&f| reported(f)))
        .flatten()
        .collect();
    findings.retain(|f| {
        reported(f.span.file)
            || f.labels.iter().any(|l| reported(l.span.file))
            || touched.contains(&f.span.file)
    });
    findings
}

/// A rule's diagnostic as a finding of that rule; a rule that spent a budget is reported
/// as `analysis-limit`, naming the rule.
fn stamp(registry: &'static Registry, rule: &'static str, severity: Severity, d: Diagnostic) -> Finding {
    if d.limit {
        let mut finding = engine_finding(
            registry,
            ANALYSIS_LIMIT,
            d.span,
            format!("`{rule}` stopped early: {}", d.message),
        );
        finding.help = d.help;
        finding.labels = d.labels;
        return finding;
    }
    Finding {
        rule,
        severity,
        span: d.span,
        message: d.message,
        help: d.help,
        labels: d.labels,
        logical_location: String::new(),
        fix: d.fix,
        request: None,
    }
}

fn engine_finding(registry: &'static Registry, rule: &str, span: Span, message: String) -> Finding {
    Finding {
        rule: registry.id(rule),
        severity: registry.get(rule).map_or(Severity::Error, |r| r.meta.severity),
        span,
        message,
        help: None,
        labels: Vec::new(),
        logical_location: String::new(),
        fix: None,
        request: None,
    }
}

impl Loaded {
    /// A file read, with nothing found yet.
    fn new(path: String, text: Arc<str>, language: Language) -> Loaded {
        Loaded {
            path,
            raw_path: None,
            text,
            root: None,
            findings: Vec::new(),
            secrets: Secrets::default(),
            aliases: Vec::new(),
            note: None,
            checked: false,
            context_only: false,
            language,
            texts: Vec::new(),
            suppressions: FileSuppressions::default(),
        }
    }
}

fn load(file: FileId, input: &Input, stdin: Memory<'_>, registry: &'static Registry) -> Loaded {
    let path = input.display();
    let mut outcome = Loaded::new(path.clone(), Arc::from(""), Language::CloudFormation);
    outcome.raw_path = raw_path(input);
    if terraform::is_configuration(&path) {
        // Read with the rest of its module by `terraform::load_modules`.
        return outcome;
    }
    if terraform::is_variable_values(&path) {
        // Not read: no rule has a use for it, and its values (often the passwords kept out
        // of the configuration) must not reach a snippet, as YAML or JSON that fails to parse.
        if matches!(input, Input::File { explicit: true, .. } | Input::Stdin { .. }) {
            outcome.note = Some(format!(
                "{path}: Terraform variable values (`.tfvars`) are not checked; skipped"
            ));
        }
        return outcome;
    }
    let engine_finding =
        |rule: &str, span: Span, message: String| engine_finding(registry, rule, span, message);
    let at_start = Span::new(file, 0, 0);
    let (text, explicit) = match timing::phase(Phase::Read, || read(input, stdin)) {
        Ok(read) => read,
        Err(message) => {
            outcome.findings.push(engine_finding(IO_ERROR, at_start, message));
            outcome.checked = true;
            return outcome;
        }
    };
    let text = match text {
        Read::Text(text) => text,
        Read::TooLarge(message) => {
            if explicit {
                outcome.findings.push(engine_finding(IO_ERROR, at_start, message));
                outcome.checked = true;
            }
            return outcome;
        }
        Read::NotText {
            valid_up_to,
            prefix,
            message,
        } => {
            if explicit || looks_relevant(&prefix) {
                let syntax = unparsed_syntax(Syntax::detect(&path, &prefix));
                outcome.secrets.spans = unparsed_values(file, &prefix, syntax);
                outcome.text = Arc::from(prefix);
                outcome.findings.push(engine_finding(
                    PARSE_ERROR,
                    Span::new(file, valid_up_to, valid_up_to),
                    message,
                ));
                outcome.checked = true;
            }
            return outcome;
        }
    };
    outcome.text = Arc::from(text.as_str());
    let syntax = Syntax::detect(&path, &text);
    let root = match timing::phase(Phase::Parse, || parse_with_aliases(file, &text, syntax)) {
        Ok((root, aliases)) => {
            outcome.aliases = aliases;
            root
        }
        Err(err) => {
            if explicit || looks_relevant(&text) {
                outcome
                    .findings
                    .push(engine_finding(PARSE_ERROR, err.span, err.message));
                outcome.secrets.spans = unparsed_values(file, &text, unparsed_syntax(syntax));
                outcome.checked = true;
            }
            return outcome;
        }
    };
    if crate::model::terraform::is_plan(&root) {
        let lowered = timing::phase(Phase::Parse, || crate::model::terraform::lower_plan(&root, &text));
        outcome.findings.extend(
            lowered
                .errors
                .into_iter()
                .map(|err| engine_finding(PARSE_ERROR, err.span, err.message)),
        );
        outcome.secrets = crate::secrets::plan_secrets(&root);
        outcome.checked = true;
        outcome.language = Language::Terraform;
        outcome.root = Some((lowered.root, DocumentKind::Template));
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
    outcome.suppressions =
        crate::suppress::from_tree(file, &text, &root, syntax, kind == DocumentKind::Template);
    outcome.root = Some((root, kind));
    outcome
}

/// The path of an input as the file system gave it (`display` is its text).
fn raw_path(input: &Input) -> Option<PathBuf> {
    match input {
        Input::File { path, .. } | Input::Unreadable { path, .. } => Some(path.clone()),
        Input::Stdin { .. } => None,
    }
}

enum Read {
    Text(String),
    /// Larger than the cap: the message says by how much when that is known.
    TooLarge(String),
    /// Not text in its encoding: what decoded, and where it stops.
    NotText {
        valid_up_to: usize,
        prefix: String,
        message: String,
    },
}

/// Reads an input; `Err` is an I/O problem worth reporting (a file that is not a regular
/// file, or a link leading out of the repository, among them). Also says whether the input
/// was named explicitly.
fn read(input: &Input, memory: Memory<'_>) -> Result<(Read, bool), String> {
    if let Input::File { path, explicit, .. } = input
        && let Some(text) = memory.buffer(path)
    {
        if text.len() as u64 > MAX_FILE_BYTES {
            let message = format!("larger than the {MAX_FILE_BYTES}-byte limit; not checked");
            return Ok((Read::TooLarge(message), *explicit));
        }
        return Ok((Read::Text(text.to_string()), *explicit));
    }
    match input {
        Input::Stdin { .. } => {
            let bytes = memory.stdin.unwrap_or_default();
            if bytes.len() as u64 > MAX_FILE_BYTES {
                return Ok((
                    Read::TooLarge(format!(
                        "standard input is larger than the {MAX_FILE_BYTES}-byte limit; not checked"
                    )),
                    true,
                ));
            }
            Ok((decoded(bytes.to_vec()), true))
        }
        Input::Unreadable { error, .. } => Err(format!("cannot read: {error}")),
        Input::File { path, explicit, root } => {
            // A walked file was not a link when the walk saw it, and must not be one now; a
            // named file may be a link, but not one leading out of its repository.
            let symlinks = if *explicit {
                if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
                    crate::repository::resolve_inside(root, path)?;
                }
                Symlinks::Follow
            } else {
                Symlinks::Refuse
            };
            match read_file(path, symlinks) {
                Ok(bytes) => Ok((decoded(bytes), *explicit)),
                Err(err @ ReadError::TooLarge { .. }) => Ok((Read::TooLarge(err.to_string()), *explicit)),
                Err(err) => Err(err.to_string()),
            }
        }
    }
}

fn decoded(bytes: Vec<u8>) -> Read {
    match decode(bytes) {
        Decoded::Text(text) => Read::Text(text),
        Decoded::Invalid {
            valid_up_to,
            prefix,
            message,
        } => Read::NotText {
            valid_up_to,
            prefix,
            message,
        },
    }
}

fn unparsed_syntax(syntax: Syntax) -> Unparsed {
    match syntax {
        Syntax::Json => Unparsed::Json,
        Syntax::Yaml => Unparsed::Yaml,
    }
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
