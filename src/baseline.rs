//! Baselines: `--write-baseline FILE` records the findings of a run, and `--baseline FILE`
//! leaves out of a later run's report every finding recorded there, so that only new
//! findings fail a build. A layer between the engine and the reporters: rules never know.
//!
//! An entry is keyed by what the finding is about, never by its line: the rule, the file
//! (relative to the baseline's directory), the logical location of the flagged element
//! ([`crate::parse::logical_location`]: keys, resource ids, statement Sids) and a hash of
//! its text with whitespace dropped and passwords left out ([`crate::fingerprint`]), with
//! an occurrence number for findings that share all four. Moving lines, reindenting, or
//! editing another statement leaves an entry valid; changing the flagged element does not.
//! Entries also carry the message, for a reviewer; it is not compared.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::discover::normal;
use crate::engine::Outcome;
use crate::finding::Finding;
use crate::fingerprint::{Fnv, Redactions, Whitespace};
use crate::read::read_text_within;
use crate::rules::{ANALYSIS_LIMIT, IO_ERROR, PARSE_ERROR};

/// The version of the file format; a file of another version is refused.
const VERSION: u32 = 1;

/// The largest baseline read: an entry takes about 300 bytes, so this holds some 800,000
/// findings, where the 16 MiB cap of the inputs would hold 50,000.
const MAX_BASELINE_BYTES: u64 = 256 * 1024 * 1024;

/// The baseline file: sorted entries, one per finding.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    version: u32,
    entries: Vec<Entry>,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    file: String,
    rule: String,
    location: String,
    /// 16 hexadecimal digits.
    content: String,
    /// 1 for the first finding of its key, 2 for the next, ...
    occurrence: usize,
    /// For a reviewer of the file; not compared.
    message: String,
}

/// What identifies a finding across runs.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Key {
    file: String,
    rule: String,
    location: String,
    content: String,
}

impl Entry {
    fn key(&self) -> Key {
        Key {
            file: self.file.clone(),
            rule: self.rule.clone(),
            location: self.location.clone(),
            content: self.content.clone(),
        }
    }
}

/// What applying a baseline did, for the report.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BaselineSummary {
    /// Findings left out because the baseline holds them.
    pub matched: usize,
    /// Entries for files of this run that no run finding matched: fixed since the baseline
    /// was written, and ready to be trimmed with `--write-baseline`.
    pub fixed: usize,
}

/// A baseline file, read.
pub struct Baseline {
    /// Where its entries' paths are relative to (absolute).
    dir: PathBuf,
    counts: HashMap<Key, usize>,
    entries: Vec<Entry>,
}

/// Findings a file can never be excused from: a file that was not read, not parsed or not
/// analysed to the end must not pass silently.
fn recorded(finding: &Finding) -> bool {
    ![PARSE_ERROR, IO_ERROR, ANALYSIS_LIMIT].contains(&finding.rule)
}

impl Baseline {
    /// Reads a baseline written by [`write`]. Errors name the file and, for JSON errors,
    /// the line and column.
    pub fn load(path: &Path) -> Result<Baseline, String> {
        let text = read_text_within(path, MAX_BASELINE_BYTES)?;
        let file: BaselineFile = serde_json::from_str(&text).map_err(|e| {
            format!(
                "{}:{}:{}: not an iamlint baseline: {e}",
                path.display(),
                e.line(),
                e.column()
            )
        })?;
        if file.version != VERSION {
            return Err(format!(
                "{}: baseline version {} is not supported (this iamlint writes version {VERSION})",
                path.display(),
                file.version
            ));
        }
        Ok(Baseline::new(directory_of(path)?, file.entries))
    }

    fn new(dir: PathBuf, entries: Vec<Entry>) -> Baseline {
        let mut counts: HashMap<Key, usize> = HashMap::new();
        for entry in &entries {
            *counts.entry(entry.key()).or_insert(0) += 1;
        }
        Baseline { dir, counts, entries }
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Removes from `outcome` every finding the baseline holds (for a key it holds N times,
    /// the first N findings in report order) and says how many it removed and how many of
    /// its entries for this run's files no longer occur.
    pub fn apply(&self, outcome: &mut Outcome) -> Result<BaselineSummary, String> {
        let keys = Keys::new(outcome, &self.dir)?;
        let mut used: HashMap<Key, usize> = HashMap::new();
        let before = outcome.findings.len();
        let mut keep = Vec::with_capacity(before);
        for (finding, key) in std::mem::take(&mut outcome.findings).into_iter().zip(keys.keys) {
            if let Some(key) = key {
                let seen = used.entry(key.clone()).or_insert(0);
                *seen += 1;
                if *seen <= self.counts.get(&key).copied().unwrap_or(0) {
                    continue;
                }
            }
            keep.push(finding);
        }
        let matched = before - keep.len();
        outcome.findings = keep;
        let fixed = self
            .counts
            .iter()
            .filter(|(key, _)| keys.files.contains(&key.file))
            .map(|(key, &count)| count.saturating_sub(used.get(key).copied().unwrap_or(0)))
            .sum();
        Ok(BaselineSummary { matched, fixed })
    }
}

/// Writes the findings of `outcome` as a baseline at `path`, keeping the entries of an
/// earlier baseline there for files this run did not check that still exist (a run over
/// some files does not forget the others). Returns the baseline written, to apply.
pub fn write(path: &Path, outcome: &Outcome) -> Result<Baseline, String> {
    let dir = directory_of(path)?;
    let keys = Keys::new(outcome, &dir)?;
    let mut occurrences: HashMap<Key, usize> = HashMap::new();
    let mut entries: BTreeSet<Entry> = BTreeSet::new();
    for (finding, key) in outcome.findings.iter().zip(&keys.keys) {
        let Some(key) = key else { continue };
        let occurrence = occurrences.entry(key.clone()).or_insert(0);
        *occurrence += 1;
        entries.insert(Entry {
            file: key.file.clone(),
            rule: key.rule.clone(),
            location: key.location.clone(),
            content: key.content.clone(),
            occurrence: *occurrence,
            message: finding.message.clone(),
        });
    }
    if path.exists() {
        let earlier = Baseline::load(path)?;
        entries.extend(
            earlier
                .entries
                .into_iter()
                .filter(|e| !keys.files.contains(&e.file) && dir.join(&e.file).is_file()),
        );
    }
    let file = BaselineFile {
        version: VERSION,
        entries: entries.into_iter().collect(),
    };
    let mut text =
        serde_json::to_string_pretty(&file).map_err(|e| format!("cannot write the baseline: {e}"))?;
    text.push('\n');
    // Written beside it, then renamed over it: an interrupted run leaves the old file whole.
    let temporary = path.with_extension("iamlint-tmp");
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("{}: cannot write the baseline: {e}", path.display()))?;
    }
    std::fs::write(&temporary, text)
        .and_then(|()| std::fs::rename(&temporary, path))
        .map_err(|e| format!("{}: cannot write the baseline: {e}", path.display()))?;
    Ok(Baseline::new(dir, file.entries))
}

/// The key of each finding of a run (`None` for findings never recorded) and the files the
/// run reported on, as paths relative to the baseline's directory.
struct Keys {
    keys: Vec<Option<Key>>,
    files: HashSet<String>,
}

impl Keys {
    fn new(outcome: &Outcome, dir: &Path) -> Result<Keys, String> {
        let cwd = std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
        let redactions = Redactions::new(&outcome.redactions);
        // By file id.
        let relative: Vec<String> = outcome
            .sources
            .files()
            .map(|f| relative_to(dir, &cwd.join(&f.path)))
            .collect();
        let files = outcome
            .sources
            .files()
            .zip(&relative)
            .filter(|(f, _)| !f.context_only)
            .map(|(_, path)| path.clone())
            .collect();
        let keys: Vec<Option<Key>> = outcome
            .findings
            .iter()
            .map(|finding| {
                recorded(finding).then(|| {
                    let source = outcome.sources.get(finding.span.file);
                    let mut hash = Fnv::default();
                    redactions.hash_element(&mut hash, &source.text, finding.span, Whitespace::Drop);
                    Key {
                        file: relative[finding.span.file.0 as usize].clone(),
                        rule: finding.rule.to_string(),
                        location: finding.logical_location.clone(),
                        content: format!("{:016x}", hash.finish()),
                    }
                })
            })
            .collect();
        Ok(Keys { keys, files })
    }
}

/// The absolute directory of a file that may not exist yet.
fn directory_of(path: &Path) -> Result<PathBuf, String> {
    let cwd = std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
    let dir = cwd.join(path);
    Ok(normal(dir.parent().unwrap_or(&dir)))
}

/// `path` relative to `dir` (both absolute), with `/` separators, through `..` where it is
/// not inside. Lexical: `a/../b` is `b`, links are not followed.
fn relative_to(dir: &Path, path: &Path) -> String {
    let path = normal(path);
    let dir: Vec<Component> = dir.components().collect();
    let parts: Vec<Component> = path.components().collect();
    let common = dir.iter().zip(&parts).take_while(|(a, b)| a == b).count();
    let mut out: Vec<String> = vec!["..".to_string(); dir.len() - common];
    out.extend(
        parts[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    out.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_relative_to_the_baseline() {
        let dir = Path::new("/repo");
        assert_eq!(relative_to(dir, Path::new("/repo/./iam/a.json")), "iam/a.json");
        assert_eq!(relative_to(dir, Path::new("/repo/x/../b.tf")), "b.tf");
        assert_eq!(
            relative_to(Path::new("/repo/ci"), Path::new("/repo/iam/a.json")),
            "../iam/a.json"
        );
    }
}
