//! The applier: a file's fixes applied round after round until nothing changes, each
//! round re-checked, then written back whole or not at all. The engine, suppressions and
//! baseline are the caller's (a `recheck` closure), so that a fixed text is judged exactly
//! as `check` would judge it.

use std::collections::HashMap;
use std::collections::HashSet;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use super::{Applicability, Edit, Fix, apply};
use crate::discover::Input;
use crate::engine::Outcome;
use crate::finding::{Finding, Severity};
use crate::rules::PARSE_ERROR;
use crate::source::FileId;

/// How many times a file is fixed and re-checked at most: a fix that uncovers another
/// (two overlapping removals from one list, the second deferred) needs a second round;
/// ten rounds bound a pair of rules that would undo each other.
pub const MAX_ROUNDS: usize = 10;

/// Which fixes `--fix` applies, and which findings the reports call fixable.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Mode {
    /// `--unsafe-fixes`: unsafe fixes are applied by `--fix` and counted as fixable.
    pub unsafe_fixes: bool,
}

impl Mode {
    pub fn allows(self, fix: &Fix) -> bool {
        fix.applicability == Applicability::Safe || self.unsafe_fixes
    }
}

/// What `--fix` did over a run, for the reports.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Findings fixed, by rule.
    pub fixed: Vec<(&'static str, usize)>,
    /// Whether the files were written (`--fix`), or only compared (`--diff`).
    pub written: bool,
}

impl Summary {
    pub fn total(&self) -> usize {
        self.fixed.iter().map(|(_, n)| n).sum()
    }
}

/// A fix that was applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    pub rule: &'static str,
    pub message: String,
}

/// A fix that was tried and left out, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejected {
    pub rule: &'static str,
    /// Where the finding was (1-based line and column in characters), in the text the fix
    /// was tried on.
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub reason: &'static str,
}

/// One file after fixing.
#[derive(Debug, Default)]
pub struct Fixed {
    pub text: String,
    pub applied: Vec<Applied>,
    pub rejected: Vec<Rejected>,
    /// Rounds that changed the text.
    pub rounds: usize,
}

/// Fixes `original`, whose findings (the reportable ones: neither suppressed nor in the
/// baseline) are `findings`, with the fixes `mode` allows. `recheck` checks a text as the
/// file's content and returns its reportable findings (`None` when it cannot: no fix is
/// kept then). Within a round, fixes whose edits
/// overlap an earlier fix's are left for the next round. A round is kept only when the
/// fixed text still parses, has no more error-severity findings than before, and has fewer
/// findings of each fixed rule (by the number of its fixes): else its fixes are tried one
/// at a time, and those that fail alone are rejected.
pub fn fix_text(
    original: &str,
    findings: Vec<Finding>,
    mode: Mode,
    mut recheck: impl FnMut(&str) -> Option<Vec<Finding>>,
) -> Fixed {
    let mut fixed = Fixed {
        text: original.to_string(),
        ..Fixed::default()
    };
    let mut findings = findings;
    let mut refused: HashSet<(&'static str, String)> = HashSet::new();
    for _ in 0..MAX_ROUNDS {
        let candidates: Vec<&Finding> = findings
            .iter()
            .filter(|f| {
                f.fix.as_ref().is_some_and(|fix| {
                    mode.allows(fix)
                        && !fix.edits.is_empty()
                        && !refused.contains(&(f.rule, fix.message.clone()))
                })
            })
            .collect();
        if candidates.is_empty() {
            break;
        }
        let chosen = non_overlapping(&candidates);
        let outcome = match attempt(&fixed.text, &findings, &chosen, &mut recheck) {
            Ok(next) => Some((next, chosen.clone())),
            Err(_) if chosen.len() > 1 => {
                // One at a time: the first that holds alone is kept, those that fail are
                // rejected, the others wait for the next round (their spans are stale).
                let mut kept = None;
                for finding in &chosen {
                    match attempt(
                        &fixed.text,
                        &findings,
                        std::slice::from_ref(finding),
                        &mut recheck,
                    ) {
                        Ok(next) => {
                            kept = Some((next, vec![*finding]));
                            break;
                        }
                        Err(reason) => reject(&mut fixed, &mut refused, finding, reason),
                    }
                }
                kept
            }
            Err(reason) => {
                reject(&mut fixed, &mut refused, chosen[0], reason);
                None
            }
        };
        let Some(((text, next), applied)) = outcome else {
            continue;
        };
        fixed.applied.extend(applied.iter().map(|f| Applied {
            rule: f.rule,
            message: f.fix.as_ref().map_or_else(String::new, |fix| fix.message.clone()),
        }));
        fixed.text = text;
        fixed.rounds += 1;
        findings = next;
    }
    fixed
}

fn reject(
    fixed: &mut Fixed,
    refused: &mut HashSet<(&'static str, String)>,
    finding: &Finding,
    reason: &'static str,
) {
    let message = finding
        .fix
        .as_ref()
        .map_or_else(String::new, |fix| fix.message.clone());
    refused.insert((finding.rule, message.clone()));
    let before = fixed.text.get(..finding.span.start as usize).unwrap_or("");
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    fixed.rejected.push(Rejected {
        rule: finding.rule,
        line: before.matches('\n').count() + 1,
        column: before[line_start..].chars().count() + 1,
        message,
        reason,
    });
}

/// The fixes of `candidates` (in position order) whose edits start at or after the end of
/// every earlier chosen fix's edits; a fix with the same edits as a chosen one (two rules
/// repairing one thing) is left out.
fn non_overlapping<'f>(candidates: &[&'f Finding]) -> Vec<&'f Finding> {
    let mut order: Vec<(&Finding, usize, usize)> = candidates
        .iter()
        .filter_map(|f| {
            let edits = &f.fix.as_ref()?.edits;
            let start = edits.iter().map(|e| e.span.start as usize).min()?;
            let end = edits.iter().map(|e| e.span.end as usize).max()?;
            Some((*f, start, end))
        })
        .collect();
    order.sort_by_key(|&(_, start, end)| (start, end));
    let mut chosen: Vec<&Finding> = Vec::new();
    let mut reached = 0usize;
    let mut seen: HashSet<Vec<(u32, u32, &str)>> = HashSet::new();
    for (finding, start, end) in order {
        let Some(fix) = &finding.fix else { continue };
        let key: Vec<(u32, u32, &str)> = fix
            .edits
            .iter()
            .map(|e| (e.span.start, e.span.end, e.replacement.as_str()))
            .collect();
        if start < reached || seen.contains(&key) {
            continue;
        }
        seen.insert(key);
        reached = reached.max(end);
        chosen.push(finding);
    }
    chosen
}

/// The text with `fixes` applied and its findings, or why the fixes cannot be kept.
fn attempt(
    text: &str,
    before: &[Finding],
    fixes: &[&Finding],
    recheck: &mut impl FnMut(&str) -> Option<Vec<Finding>>,
) -> Result<(String, Vec<Finding>), &'static str> {
    let edits: Vec<Edit> = fixes
        .iter()
        .filter_map(|f| f.fix.as_ref())
        .flat_map(|fix| fix.edits.iter().cloned())
        .collect();
    let fixed = apply(text, &edits).ok_or("its edits overlap or fall outside the text")?;
    if fixed == text {
        return Err("it changes nothing");
    }
    let after = recheck(&fixed).ok_or("the fixed text could not be checked again")?;
    let count =
        |findings: &[Finding], keep: &dyn Fn(&Finding) -> bool| findings.iter().filter(|f| keep(f)).count();
    let parse_errors = |f: &Finding| f.rule == PARSE_ERROR;
    if count(&after, &parse_errors) > count(before, &parse_errors) {
        return Err("the file would no longer parse");
    }
    let errors = |f: &Finding| f.severity == Severity::Error;
    if count(&after, &errors) > count(before, &errors) {
        return Err("it would add an error-severity finding");
    }
    let mut by_rule: HashMap<&str, usize> = HashMap::new();
    for finding in fixes {
        *by_rule.entry(finding.rule).or_default() += 1;
    }
    for (rule, fixed_here) in by_rule {
        let of_rule = |f: &Finding| f.rule == rule;
        if count(&after, &of_rule) + fixed_here > count(before, &of_rule) {
            return Err("the finding would remain");
        }
    }
    Ok((fixed, after))
}

/// One input whose reportable findings have fixes `mode` allows, after fixing.
pub struct FixedFile {
    pub input: Input,
    /// The path as reported.
    pub path: String,
    pub original: Arc<str>,
    pub fixed: Fixed,
}

/// Fixes every input of `outcome` that has a fix `mode` allows (in parallel, each file on
/// its own). `recheck` checks a text as the content of an input and returns the reportable
/// findings of that input's own file. Findings in files that are not inputs (a Terraform
/// module's other files are inputs of their own when walked) are left alone.
pub fn fix_inputs(
    outcome: &Outcome,
    inputs: &[Input],
    mode: Mode,
    recheck: impl Fn(&Input, &str) -> Option<Vec<Finding>> + Sync,
) -> Vec<FixedFile> {
    let mut by_file: HashMap<FileId, Vec<Finding>> = HashMap::new();
    for finding in &outcome.findings {
        by_file
            .entry(finding.span.file)
            .or_default()
            .push(finding.clone());
    }
    let mut work: Vec<(Input, FileId, Vec<Finding>)> = by_file
        .into_iter()
        .filter(|(_, findings)| {
            findings
                .iter()
                .any(|f| f.fix.as_ref().is_some_and(|fix| mode.allows(fix)))
        })
        .filter_map(|(file, findings)| {
            let source = outcome.sources.get(file);
            let input = inputs.iter().find(|input| match (input, &source.raw_path) {
                (Input::File { path, .. }, Some(raw)) => path == raw,
                (Input::Stdin { name }, None) => *name == source.path,
                _ => false,
            })?;
            Some((input.clone(), file, own_fixes(findings, file)))
        })
        .collect();
    work.sort_by_cached_key(|a| a.0.display());
    work.into_par_iter()
        .map(|(input, file, findings)| {
            let source = outcome.sources.get(file);
            let fixed = fix_text(&source.text, findings, mode, |text| recheck(&input, text));
            FixedFile {
                path: source.path.clone(),
                original: source.text.clone(),
                input,
                fixed,
            }
        })
        .collect()
}

/// The findings of `file` with only the fixes that edit `file` alone (a fix is applied to
/// one text).
pub fn own_fixes(findings: Vec<Finding>, file: FileId) -> Vec<Finding> {
    findings
        .into_iter()
        .filter(|f| f.span.file == file)
        .map(|mut f| {
            if f.fix
                .as_ref()
                .is_some_and(|fix| fix.edits.iter().any(|e| e.span.file != file))
            {
                f.fix = None;
            }
            f
        })
        .collect()
}

/// How the file at `path` holds `checked` (the text the engine read from it): its UTF-8 byte
/// order mark, to write back before a fixed text. `Err` says why the file must not be
/// written: UTF-16 (the engine read it decoded; writing UTF-8 would change its encoding),
/// or a content that is no longer the one checked (changed by someone else meanwhile).
pub fn prefix_of(path: &Path, checked: &str) -> Result<&'static [u8], &'static str> {
    const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";
    let bytes = std::fs::read(path).map_err(|_| "it can no longer be read")?;
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err("it is UTF-16 text, and fixes are written as UTF-8");
    }
    let (bom, body) = match bytes.strip_prefix(UTF8_BOM) {
        Some(body) => (UTF8_BOM, body),
        None => (&[][..], bytes.as_slice()),
    };
    if body != checked.as_bytes() {
        return Err("it changed since it was checked");
    }
    Ok(bom)
}

/// Writes `text` to `path` through a temporary file in the same directory renamed over it,
/// so that a reader never sees half a file; the file keeps its permissions.
pub fn write_atomically(path: &Path, prefix: &[u8], text: &str) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let permissions = std::fs::metadata(path)?.permissions();
    let name = path
        .file_name()
        .map_or_else(Default::default, |n| n.to_string_lossy());
    let temporary = dir.join(format!(".{name}.iamlint-fix-{}", std::process::id()));
    let written = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temporary)?;
        file.write_all(prefix)?;
        file.write_all(text.as_bytes())?;
        file.set_permissions(permissions)?;
        file.sync_all()?;
        std::fs::rename(&temporary, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

/// A unified diff of one file (`--- a/PATH`, `+++ b/PATH`, three lines of context).
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Finding;
    use crate::source::{FileId, Span};

    fn finding(rule: &'static str, severity: Severity, fix: Option<Fix>) -> Finding {
        Finding {
            rule,
            severity,
            span: Span::new(FileId(0), 0, 0),
            message: String::new(),
            help: None,
            labels: Vec::new(),
            logical_location: String::new(),
            fix,
            request: None,
        }
    }

    /// Findings of a toy rule: one `x` finding per `x` in the text, each fixed by deleting
    /// it; an unbalanced bracket is a parse error.
    fn toy(text: &str) -> Vec<Finding> {
        let mut out: Vec<Finding> = text
            .match_indices('x')
            .map(|(at, _)| {
                let span = Span::new(FileId(0), at, at + 1);
                let mut f = finding(
                    "x",
                    Severity::Warning,
                    Some(Fix::safe("delete x", vec![Edit::delete(span)])),
                );
                f.span = span;
                f
            })
            .collect();
        if text.matches('[').count() != text.matches(']').count() {
            out.push(finding(PARSE_ERROR, Severity::Error, None));
        }
        out
    }

    #[test]
    fn applies_until_nothing_changes() {
        let fixed = fix_text("axbxcx", toy("axbxcx"), Mode::default(), |t| Some(toy(t)));
        assert_eq!(fixed.text, "abc");
        assert_eq!(fixed.applied.len(), 3);
        assert_eq!(fixed.rounds, 1);
    }

    #[test]
    fn overlapping_fixes_wait_for_the_next_round() {
        let span = |a, b| Span::new(FileId(0), a, b);
        let both = |text: &str| {
            if text != "xx" {
                return Vec::new();
            }
            let mut a = finding(
                "x",
                Severity::Info,
                Some(Fix::safe("a", vec![Edit::delete(span(0, 2))])),
            );
            a.span = span(0, 1);
            let mut b = finding(
                "x",
                Severity::Info,
                Some(Fix::safe("b", vec![Edit::delete(span(1, 2))])),
            );
            b.span = span(1, 2);
            vec![a, b]
        };
        let fixed = fix_text("xx", both("xx"), Mode::default(), |t| Some(both(t)));
        assert_eq!(fixed.text, "");
        assert_eq!(
            fixed.applied.len(),
            1,
            "the second fix was deferred, then not needed"
        );
    }

    #[test]
    fn a_fix_that_breaks_parsing_is_rejected_and_the_others_kept() {
        let text = "[x]x";
        let mut findings = toy(text);
        // The first `x` fix is replaced by one that deletes the bracket too.
        findings[0].fix = Some(Fix::safe(
            "delete [x",
            vec![Edit::delete(Span::new(FileId(0), 0, 2))],
        ));
        let fixed = fix_text(text, findings, Mode::default(), |t| Some(toy(t)));
        assert_eq!(fixed.text, "[]");
        assert_eq!(fixed.rejected.len(), 1);
        assert_eq!(fixed.rejected[0].reason, "the file would no longer parse");
    }

    #[test]
    fn unsafe_fixes_need_the_mode() {
        let unsafe_x = |text: &str| {
            let mut found = toy(text);
            for f in &mut found {
                if let Some(fix) = &mut f.fix {
                    fix.applicability = Applicability::Unsafe;
                }
            }
            found
        };
        assert_eq!(
            fix_text("x", unsafe_x("x"), Mode::default(), |t| Some(unsafe_x(t))).text,
            "x"
        );
        let mode = Mode { unsafe_fixes: true };
        assert_eq!(fix_text("x", unsafe_x("x"), mode, |t| Some(unsafe_x(t))).text, "");
    }

    #[test]
    fn a_fix_that_keeps_its_finding_is_not_repeated() {
        // Inserting text that leaves the finding in place: one attempt, rejected.
        let stubborn = |text: &str| {
            let mut f = finding(
                "v",
                Severity::Warning,
                Some(Fix::safe(
                    "insert",
                    vec![Edit::insert(Span::new(FileId(0), 0, 0), "v")],
                )),
            );
            f.span = Span::new(FileId(0), 0, text.len().min(1));
            vec![f]
        };
        let fixed = fix_text("a", stubborn("a"), Mode::default(), |t| Some(stubborn(t)));
        assert_eq!(fixed.text, "a");
        assert_eq!(fixed.rejected.len(), 1);
        assert_eq!(fixed.rejected[0].reason, "the finding would remain");
    }

    #[test]
    fn a_text_that_cannot_be_checked_again_keeps_no_fix() {
        let fixed = fix_text("x", toy("x"), Mode::default(), |_| None);
        assert_eq!(fixed.text, "x");
        assert_eq!(
            fixed.rejected[0].reason,
            "the fixed text could not be checked again"
        );
    }

    #[test]
    fn diff_has_headers_and_hunks() {
        let diff = unified_diff("p.json", "a\nb\nc\n", "a\nc\n");
        assert_eq!(diff, "--- a/p.json\n+++ b/p.json\n@@ -1,3 +1,2 @@\n a\n-b\n c\n");
    }
}
