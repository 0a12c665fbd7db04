//! GitLab Code Quality (the `codequality` report artifact): a JSON array of issues with the
//! fields GitLab's documentation requires, `description`, `check_name`, `fingerprint`,
//! `severity` and `location.path` with `location.lines.begin`. GitLab shows the issues a
//! merge request adds or fixes by comparing fingerprints with the target branch's, and
//! shows only one issue per fingerprint: each fingerprint is SARIF's, unique in the report
//! and stable across unrelated edits. Suppressed and baseline-matched findings are not
//! issues (the first still count toward the `:N` of a fingerprint, as in SARIF).

use std::io::{self, Write};

use serde::Serialize;

use super::sarif::{Fingerprints, all_findings, uris};
use super::{Locator, Report, json_text};
use crate::finding::Severity;

#[derive(Serialize)]
struct Issue<'a> {
    description: &'a str,
    check_name: &'a str,
    fingerprint: String,
    severity: &'static str,
    location: IssueLocation,
}

#[derive(Serialize)]
struct IssueLocation {
    /// Relative to the repository root when the checked path is.
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let outcome = report.outcome;
    let locator = Locator::new(outcome);
    let uris = uris(outcome);
    let mut fingerprints = Fingerprints::new(outcome);
    let mut issues = Vec::with_capacity(outcome.findings.len());
    for (finding, suppressed) in all_findings(outcome) {
        let fingerprint = fingerprints.next(finding, &uris[finding.span.file.0 as usize]);
        if suppressed.is_some() {
            continue;
        }
        let at = locator.locate(finding.span);
        issues.push(Issue {
            description: &finding.message,
            check_name: finding.rule,
            fingerprint,
            severity: severity(finding.severity),
            location: IssueLocation {
                path: repository_path(at.path),
                lines: Lines {
                    begin: at.start.line,
                    end: at.end.line,
                },
            },
        });
    }
    json_text::write_pretty(out, &issues)?;
    writeln!(out)
}

/// GitLab's scale is info, minor, major, critical, blocker. An error (IAM rejects the
/// policy, a guard lets requests through, a password in the repository) is major, a
/// warning minor, an info info: as with SARIF's `security-severity`, nothing is critical
/// or blocker, since iamlint reads configuration and cannot tell what is deployed.
fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

/// The path as GitLab matches it against the repository's files: `/` separators (a
/// Windows path's `\\` turned into it), no leading `./`.
fn repository_path(path: &str) -> String {
    let path = if cfg!(windows) {
        path.replace('\\', "/")
    } else {
        path.to_string()
    };
    match path.strip_prefix("./") {
        Some(rest) => rest.to_string(),
        None => path,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_relative_with_slashes() {
        assert_eq!(repository_path("./iam/a.json"), "iam/a.json");
        assert_eq!(repository_path("<stdin>"), "<stdin>");
    }
}
