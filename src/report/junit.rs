//! JUnit XML, as GitLab's unit test reports, Jenkins and Azure DevOps read it: one
//! `<testsuite>` per checked file (not those read for context or skipped), one `<testcase>` per rule that checked it (named by the
//! rule id, with the file as `classname` and `file`), one `<failure>` per finding with
//! `file:line:col: severity: message [rule]`. A rule whose findings in a file are all
//! suppressed is `<skipped>`, with the reasons; baseline-matched findings are gone before
//! the report and leave their rule passing. A file that could not be read or parsed has
//! only the testcases of the rules that reported it: no other rule checked it.
//!
//! The document is valid against the Jenkins xUnit plugin's JUnit schema (junit-10.xsd,
//! vendored in scripts/schemas/ and checked by scripts/validate-junit). Every text is
//! first escaped like every text output ([`escape`]: no control character, which XML 1.0
//! cannot carry even as a character reference, reaches the document), then XML-escaped.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::Path;

use super::escape::{escape, escape_lines};
use super::sarif::all_findings;
use super::{Locator, Report};
use crate::finding::Finding;
use crate::rules::{IO_ERROR, PARSE_ERROR};
use crate::source::FileId;
use crate::suppress::Suppressed;

/// One rule's findings in one file.
#[derive(Default)]
struct Case<'a> {
    failures: Vec<&'a Finding>,
    suppressed: Vec<&'a Suppressed>,
}

/// One file's testcases, in the order they are written.
struct Suite<'a> {
    file: FileId,
    cases: Vec<(&'a str, Case<'a>)>,
}

impl Suite<'_> {
    fn failures(&self) -> usize {
        self.cases.iter().filter(|(_, c)| !c.failures.is_empty()).count()
    }

    fn skipped(&self) -> usize {
        self.cases
            .iter()
            .filter(|(_, c)| c.failures.is_empty() && !c.suppressed.is_empty())
            .count()
    }
}

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let suites = suites(report);
    let tests: usize = suites.iter().map(|s| s.cases.len()).sum();
    let failures: usize = suites.iter().map(Suite::failures).sum();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="iamlint" tests="{tests}" failures="{failures}" errors="0">"#
    )?;
    let locator = Locator::new(report.outcome);
    let mut buffer = String::new();
    for suite in &suites {
        buffer.clear();
        write_suite(&mut buffer, suite, report, &locator);
        out.write_all(buffer.as_bytes())?;
    }
    writeln!(out, "</testsuites>")
}

/// Every checked file with the rules that checked it, findings grouped by rule.
fn suites<'a>(report: &Report<'a>) -> Vec<Suite<'a>> {
    let outcome = report.outcome;
    let mut by_file: HashMap<FileId, HashMap<&'a str, Case<'a>>> = HashMap::new();
    for (finding, suppressed) in all_findings(outcome) {
        let case = by_file
            .entry(finding.span.file)
            .or_default()
            .entry(finding.rule)
            .or_default();
        match suppressed {
            Some(suppressed) => case.suppressed.push(suppressed),
            None => case.failures.push(finding),
        }
    }
    let mut suites = Vec::new();
    for index in 0..outcome.sources.len() {
        let file = FileId(index as u32);
        let source = outcome.sources.get(file);
        let mut found = by_file.remove(&file).unwrap_or_default();
        if (source.context_only || source.skipped) && found.is_empty() {
            continue;
        }
        let unread = found.contains_key(PARSE_ERROR) || found.contains_key(IO_ERROR);
        let path = source.raw_path.as_deref().unwrap_or(Path::new(&source.path));
        let mut cases = Vec::new();
        if !unread {
            for rule in report.registry.rules() {
                let id = rule.meta.id.as_str();
                // `diff` rules run only in `iamlint diff`; their findings are listed below.
                if crate::rules::is_diff_rule(id) {
                    continue;
                }
                if report.settings.is_none_or(|s| s.applies(id, path)) {
                    cases.push((id, found.remove(id).unwrap_or_default()));
                }
            }
        }
        // Rules of the project (assertions), and any other rule that reported the file.
        let mut rest: Vec<(&str, Case<'_>)> = found.into_iter().collect();
        rest.sort_by_key(|(id, _)| *id);
        cases.extend(rest);
        suites.push(Suite { file, cases });
    }
    suites
}

fn write_suite(out: &mut String, suite: &Suite<'_>, report: &Report<'_>, locator: &Locator<'_>) {
    let path = &report.outcome.sources.get(suite.file).path;
    let path = xml(&escape(path));
    let _ = writeln!(
        out,
        r#"  <testsuite name="{path}" tests="{}" failures="{}" errors="0" skipped="{}">"#,
        suite.cases.len(),
        suite.failures(),
        suite.skipped()
    );
    for (rule, case) in &suite.cases {
        let rule = xml(&escape(rule));
        let _ = write!(
            out,
            r#"    <testcase name="{rule}" classname="{path}" file="{path}""#
        );
        if case.failures.is_empty() && case.suppressed.is_empty() {
            out.push_str("/>\n");
            continue;
        }
        out.push_str(">\n");
        for finding in &case.failures {
            let at = locator.locate(finding.span);
            let mut text = format!(
                "{}:{}:{}: {}: {} [{}]",
                at.path, at.start.line, at.start.column, finding.severity, finding.message, finding.rule
            );
            if let Some(help) = &finding.help {
                let _ = write!(text, "\nhelp: {help}");
            }
            for label in &finding.labels {
                let at = locator.locate(label.span);
                let _ = write!(
                    text,
                    "\n{}:{}:{}: note: {}",
                    at.path, at.start.line, at.start.column, label.message
                );
            }
            let message = format!("{}:{}: {}", at.start.line, at.start.column, finding.message);
            let _ = writeln!(
                out,
                r#"      <failure message="{}" type="{}">{}</failure>"#,
                xml(&escape(&message)),
                finding.severity,
                xml(&escape_lines(&text))
            );
        }
        if case.failures.is_empty() {
            let mut text = String::new();
            for suppressed in &case.suppressed {
                let at = locator.locate(suppressed.finding.span);
                let _ = writeln!(
                    text,
                    "{}:{}:{}: {} [{}] suppressed: {}",
                    at.path,
                    at.start.line,
                    at.start.column,
                    suppressed.finding.message,
                    suppressed.finding.rule,
                    suppressed.reason
                );
            }
            let count = case.suppressed.len();
            let message = format!("{count} finding{} suppressed", if count == 1 { "" } else { "s" });
            let _ = writeln!(
                out,
                r#"      <skipped message="{message}">{}</skipped>"#,
                xml(&escape_lines(text.trim_end()))
            );
        }
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n");
}

/// XML-escapes text already passed through [`escape`] (which leaves no character XML 1.0
/// forbids but the noncharacters U+FFFE and U+FFFF, written here the same way). Line
/// breaks in attributes become spaces in a parser's hands: callers put one-line text there.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\u{fffe}' | '\u{ffff}' => {
                let _ = write!(out, "{}", c.escape_unicode());
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_what_xml_forbids() {
        assert_eq!(
            xml(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;"
        );
        assert_eq!(xml("a\u{fffe}b\u{ffff}"), "a\\u{fffe}b\\u{ffff}");
        assert_eq!(xml(&escape("bell\u{7}")), "bell\\u{7}");
    }
}
