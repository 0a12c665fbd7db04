//! The shipped problem matcher (`.github/iamlint-problem-matcher.json`) read as the GitHub
//! Actions runner reads it (issue 9, item 4). What the runner does, from actions/runner:
//!
//! - `IssueMatcherConfig.Validate` (src/Runner.Worker/IssueMatcher.cs): an owner, distinct
//!   owners (case-insensitive), a matcher-level default `severity` that is empty, `error`,
//!   `warning` or `notice`, at least one pattern, group numbers within the regexp's groups,
//!   and a `message`;
//! - `IssueMatch`: a captured severity that is empty takes the matcher's default;
//! - `OutputManager.ConvertToIssue` (src/Runner.Worker/Handlers/OutputManager.cs): an empty
//!   message drops the line; severity empty or `error` (ignoring case) is an error,
//!   `warning` a warning, `notice` a notice, anything else drops the line (so `info`, which
//!   the gnu format prints, must never reach it); line and column parse as plain digits
//!   (`NumberStyles.None`); the code is trimmed; the file must exist (relative to the
//!   workspace) or it is dropped from the annotation;
//! - every line is tried against each matcher; the first that gives an issue wins.
//!
//! The runner compiles the regexps with `RegexOptions.ECMAScript | CultureInvariant`
//! (.NET). The shipped regexps avoid where that differs from the `regex` crate used here:
//! digits are written `[0-9]` (ECMAScript's `\d` is ASCII, the `regex` crate's is Unicode),
//! and nothing depends on `.` and `\r`/`\n`, which never occur inside a line (the runner
//! hands each line over without its line break and strips colour codes first; `.`
//! excludes only `\n` in both engines). Lazy `+?` and `$` at the end of the input behave
//! the same in both.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod common;

use std::collections::HashSet;
use std::path::Path;

use common::iamlint_in;
use iamlint::report::escape::escape;
use regex::Regex;
use serde_json::Value;

const MATCHER: &str = ".github/iamlint-problem-matcher.json";

/// One matcher of the file, with the one-line pattern iamlint's format needs.
struct Matcher {
    owner: String,
    default_severity: String,
    regex: Regex,
    group: Groups,
}

#[derive(Default)]
struct Groups {
    file: Option<usize>,
    line: Option<usize>,
    column: Option<usize>,
    severity: Option<usize>,
    message: Option<usize>,
    code: Option<usize>,
}

/// An annotation as the runner would create it.
#[derive(Debug, PartialEq, Eq)]
struct Issue {
    owner: String,
    severity: &'static str,
    file: String,
    line: u32,
    column: u32,
    message: String,
    code: String,
}

fn load_matchers() -> Vec<Matcher> {
    let config: Value = serde_json::from_str(&std::fs::read_to_string(MATCHER).unwrap()).unwrap();
    let mut owners = HashSet::new();
    let mut matchers = Vec::new();
    for matcher in config["problemMatcher"].as_array().unwrap() {
        let owner = matcher["owner"].as_str().unwrap().to_string();
        assert!(!owner.is_empty(), "Owner must not be empty");
        assert!(
            owners.insert(owner.to_lowercase()),
            "Duplicate owner name '{owner}'"
        );
        let default_severity = matcher["severity"].as_str().unwrap_or("").to_string();
        assert!(
            ["", "ERROR", "WARNING", "NOTICE"].contains(&default_severity.to_uppercase().as_str()),
            "unexpected default severity '{default_severity}'"
        );
        let patterns = matcher["pattern"].as_array().unwrap();
        // One line per finding: a single pattern, which the runner matches line by line.
        assert_eq!(patterns.len(), 1, "{owner}: one pattern");
        let pattern = &patterns[0];
        let regex = Regex::new(pattern["regexp"].as_str().unwrap()).unwrap();
        let group = |name: &str| {
            let index = pattern[name].as_u64().map(|i| i as usize);
            if let Some(i) = index {
                assert!(
                    i < regex.captures_len(),
                    "{owner}: '{name}' is set to {i} which is out of range"
                );
            }
            index
        };
        let group = Groups {
            file: group("file"),
            line: group("line"),
            column: group("column"),
            severity: group("severity"),
            message: group("message"),
            code: group("code"),
        };
        assert!(group.message.is_some(), "At least one pattern must set 'message'");
        matchers.push(Matcher {
            owner,
            default_severity,
            regex,
            group,
        });
    }
    matchers
}

impl Matcher {
    /// `IssueMatcher.Match` for a single pattern, then `ConvertToIssue`.
    fn issue(&self, line: &str) -> Option<Issue> {
        let captures = self.regex.captures(line)?;
        let value = |index: Option<usize>| {
            index
                .and_then(|i| captures.get(i))
                .map_or(String::new(), |m| m.as_str().to_string())
        };
        let mut severity = value(self.group.severity);
        if severity.is_empty() {
            severity.clone_from(&self.default_severity);
        }
        let message = value(self.group.message);
        if message.trim().is_empty() {
            return None;
        }
        let severity = match severity.to_lowercase().as_str() {
            "" | "error" => "error",
            "warning" => "warning",
            "notice" => "notice",
            _ => return None,
        };
        let number = |text: String| {
            assert!(text.bytes().all(|b| b.is_ascii_digit()), "{text}");
            text.parse().unwrap()
        };
        Some(Issue {
            owner: self.owner.clone(),
            severity,
            file: value(self.group.file),
            line: number(value(self.group.line)),
            column: number(value(self.group.column)),
            message,
            code: value(self.group.code).trim().to_string(),
        })
    }
}

/// The issue the runner makes of one line, checking that no two matchers claim it (then
/// the order the runner keeps them in would matter).
fn read_line(matchers: &[Matcher], line: &str) -> Option<Issue> {
    let mut issues: Vec<Issue> = matchers.iter().filter_map(|m| m.issue(line)).collect();
    assert!(issues.len() <= 1, "two matchers read {line:?}: {issues:?}");
    issues.pop()
}

/// A message as the gnu line writes it: escaped, on one line.
fn one_line_of(message: &str) -> String {
    escape(message).into_owned()
}

/// Runs `check` in gnu and json on the same inputs, reads every gnu line as the runner
/// does and compares the annotation with the JSON finding of the same position.
fn check_annotations(dir: &Path, paths: &[&str]) -> Vec<Issue> {
    let matchers = load_matchers();
    let run = |format: &str| {
        let args = [&["check", "--no-config", "--format", format], paths].concat();
        let output = iamlint_in(dir, &args);
        assert!(matches!(output.status.code(), Some(0 | 1)), "{format}");
        output.stdout
    };
    let gnu = String::from_utf8(run("gnu")).unwrap();
    let json: Value = serde_json::from_slice(&run("json")).unwrap();
    let findings = json["findings"].as_array().unwrap();
    let lines: Vec<&str> = gnu.lines().collect();
    assert_eq!(lines.len(), findings.len(), "one gnu line per finding");
    let mut issues = Vec::new();
    for (line, finding) in lines.iter().zip(findings) {
        let issue = read_line(&matchers, line).unwrap_or_else(|| panic!("no annotation for {line:?}"));
        let expected_severity = match finding["severity"].as_str().unwrap() {
            "info" => "notice",
            other => other,
        };
        assert_eq!(issue.severity, expected_severity, "{line}");
        assert_eq!(issue.file, finding["file"].as_str().unwrap(), "{line}");
        assert!(
            dir.join(&issue.file).is_file(),
            "the runner drops a file that does not exist: {line}"
        );
        assert_eq!(u64::from(issue.line), finding["line"].as_u64().unwrap(), "{line}");
        assert_eq!(
            u64::from(issue.column),
            finding["column"].as_u64().unwrap(),
            "{line}"
        );
        assert_eq!(issue.code, finding["rule"].as_str().unwrap(), "{line}");
        assert_eq!(
            issue.message,
            one_line_of(finding["message"].as_str().unwrap()),
            "{line}"
        );
        issues.push(issue);
    }
    issues
}

#[test]
fn the_shipped_matcher_is_what_the_runner_accepts() {
    let matchers = load_matchers();
    let owners: Vec<&str> = matchers.iter().map(|m| m.owner.as_str()).collect();
    assert_eq!(owners, ["iamlint", "iamlint-info"]);
}

#[test]
fn every_severity_becomes_an_annotation() {
    // A directory named with `:`, and messages that quote ` [x]` from the file.
    let dir = tempfile::tempdir().unwrap();
    let team = dir.path().join("team:prod");
    std::fs::create_dir(&team).unwrap();
    std::fs::write(
        team.join("policy.json"),
        r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Bad [x] sid", "Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObject", "s3:Get [x]"], "Resource": "*"},
    {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}
  ]
}
"#,
    )
    .unwrap();
    let issues = check_annotations(dir.path(), &["."]);
    let seen: HashSet<&str> = issues.iter().map(|i| i.severity).collect();
    assert_eq!(seen, HashSet::from(["error", "warning", "notice"]), "{issues:#?}");
    let sid = issues.iter().find(|i| i.code == "iam/invalid-sid").unwrap();
    assert_eq!(
        (sid.file.as_str(), sid.line, sid.column, sid.owner.as_str()),
        ("./team:prod/policy.json", 4, 13, "iamlint")
    );
    assert!(sid.message.contains("`Bad [x] sid`"), "{}", sid.message);
    let notice = issues.iter().find(|i| i.code == "iam/redundant-action").unwrap();
    assert_eq!(
        (notice.owner.as_str(), notice.line, notice.column),
        ("iamlint-info", 4, 74)
    );
    assert!(issues.iter().any(|i| i.message.contains("`Get [x]`")));
}

#[test]
fn every_finding_of_the_fixtures_becomes_an_annotation() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let issues = check_annotations(root, &["testdata"]);
    let seen: HashSet<&str> = issues.iter().map(|i| i.severity).collect();
    assert_eq!(seen, HashSet::from(["error", "warning", "notice"]));
}

#[test]
fn lines_the_runner_must_not_misread() {
    let matchers = load_matchers();
    let issue = |line: &str| read_line(&matchers, line);
    // A path with `:` and digits, a message with ` [` and `]`: the path ends at the first
    // `:line:col: severity: `, the rule id is the last bracket.
    let read = issue("a:1/b:2.json:3:4: warning: `x [iam/y] z` [iam/undocumented-action]").unwrap();
    assert_eq!(
        (read.file.as_str(), read.line, read.column, read.severity),
        ("a:1/b:2.json", 3, 4, "warning")
    );
    assert_eq!(read.message, "`x [iam/y] z`");
    assert_eq!(read.code, "iam/undocumented-action");
    let read = issue("p.json:1:2: info: listed twice [assert/no-hand-set_passwords]").unwrap();
    assert_eq!(
        (read.severity, read.code.as_str()),
        ("notice", "assert/no-hand-set_passwords")
    );
    // Not iamlint's lines: no annotation.
    for line in [
        "p.json:1:2: note: x [iam/y]",
        "p.json:1:2: error: no rule id",
        "p.json:١:2: error: Arabic-Indic digits [iam/y]",
        "p.json:1:2: error: [iam/y]",
        "iamlint: note: p.json: not an IAM policy document",
    ] {
        assert_eq!(issue(line), None, "{line}");
    }
}
