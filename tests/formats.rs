//! Every output format keeps its contract on every input we have: the real-world corpus
//! beside the repository (`../shared/corpus`) and every file under `testdata/` (hostile
//! inputs included). JSON and SARIF parse, gnu and github print exactly one line per
//! finding, and no text format lets a control character from a file reach the terminal.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod common;

use std::path::Path;

use common::{code, iamlint, registry, run};
use iamlint::engine::Outcome;
use iamlint::report::{self, Format, Report};

const CORPUS: &str = "../shared/corpus";
const TESTDATA: &str = "testdata";

const FORMATS: [(&str, Format); 7] = [
    ("human", Format::Human),
    ("json", Format::Json),
    ("gnu", Format::Gnu),
    ("sarif", Format::Sarif),
    ("github", Format::Github),
    ("junit", Format::Junit),
    ("gitlab", Format::Gitlab),
];

fn render(outcome: &Outcome, format: Format, color: bool) -> String {
    let report = Report {
        outcome,
        registry: registry(),
        settings: None,
        color,
        width: Some(100),
    };
    let mut out = Vec::new();
    report::write(format, &report, &mut out).expect("writing to memory");
    String::from_utf8(out).expect("reports are UTF-8")
}

/// The first character a terminal would act on rather than print: a C0 control other than
/// a newline, DEL, a C1 control, or a Unicode bidi/line-separator control. With `color`,
/// SGR sequences (`ESC [ digits;... m`), which the human reporter writes itself, are
/// allowed.
fn first_raw_control(text: &str, color: bool) -> Option<(usize, char)> {
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if color && c == '\u{1b}' && text[at + 1..].starts_with('[') {
            let rest = &text[at + 2..];
            let params = rest
                .find(|c: char| !(c.is_ascii_digit() || c == ';'))
                .unwrap_or(rest.len());
            if rest[params..].starts_with('m') {
                // Skip `[`, the parameters and `m`.
                for _ in 0..params + 2 {
                    chars.next();
                }
                continue;
            }
        }
        let control = (c.is_control() && c != '\n')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
            || matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{2028}' | '\u{2029}');
        if control {
            return Some((at, c));
        }
    }
    None
}

fn context(text: &str, at: usize) -> String {
    let start = text[..at].char_indices().rev().nth(40).map_or(0, |(i, _)| i);
    let end = text[at..]
        .char_indices()
        .nth(40)
        .map_or(text.len(), |(i, _)| at + i);
    format!("{:?}", &text[start..end])
}

fn assert_contracts(what: &str, outcome: &Outcome) {
    let findings = outcome.findings.len();
    for (name, format) in FORMATS {
        for color in [false, true] {
            // Only the human format has colours.
            if color && format != Format::Human {
                continue;
            }
            let output = render(outcome, format, color);
            let label = format!("{what}, {name}{}", if color { " with colour" } else { "" });
            if let Some((at, c)) = first_raw_control(&output, color) {
                panic!("{label}: raw {c:?} at byte {at}: {}", context(&output, at));
            }
            match format {
                Format::Json => {
                    let value: serde_json::Value =
                        serde_json::from_str(&output).unwrap_or_else(|e| panic!("{label}: not JSON: {e}"));
                    assert_eq!(value["findings"].as_array().unwrap().len(), findings, "{label}");
                    let suppressed = value["suppressed_findings"].as_array().unwrap().len();
                    assert_eq!(suppressed, outcome.suppressed.len(), "{label}");
                }
                Format::Sarif => {
                    let value: serde_json::Value =
                        serde_json::from_str(&output).unwrap_or_else(|e| panic!("{label}: not JSON: {e}"));
                    let results = value["runs"][0]["results"].as_array().unwrap();
                    // Suppressed findings are results too, with `suppressions`.
                    assert_eq!(results.len(), findings + outcome.suppressed.len(), "{label}");
                }
                Format::Gnu | Format::Github => {
                    assert_eq!(output.lines().count(), findings, "{label}: one line per finding");
                }
                Format::Junit => {
                    // Well-formed XML 1.0 (roxmltree rejects characters XML forbids), with
                    // one failure per reported finding and one skipped testcase at most
                    // per rule and file for the suppressed ones.
                    let doc = roxmltree::Document::parse(&output)
                        .unwrap_or_else(|e| panic!("{label}: not XML: {e}"));
                    let failures = doc.descendants().filter(|n| n.has_tag_name("failure")).count();
                    assert_eq!(failures, findings, "{label}");
                }
                Format::Gitlab => {
                    let value: serde_json::Value =
                        serde_json::from_str(&output).unwrap_or_else(|e| panic!("{label}: not JSON: {e}"));
                    assert_eq!(value.as_array().unwrap().len(), findings, "{label}");
                }
                Format::Human => {}
            }
        }
    }
}

#[test]
fn every_format_keeps_its_contract_on_testdata() {
    let outcome = run(&[TESTDATA]);
    assert!(outcome.findings.len() > 100, "testdata gives findings");
    assert_contracts(TESTDATA, &outcome);
}

#[test]
fn every_format_keeps_its_contract_on_the_corpus() {
    if !Path::new(CORPUS).is_dir() {
        eprintln!("skipped: {CORPUS} is not there");
        return;
    }
    let outcome = run(&[CORPUS]);
    assert!(outcome.findings.len() > 1000, "the corpus gives findings");
    assert_contracts(CORPUS, &outcome);
}

/// The binary itself, in every format, exits with 0 or 1 on all of testdata: never 101
/// (a panic) or 2 (a usage error).
#[test]
fn the_binary_exits_zero_or_one_in_every_format_on_testdata() {
    for (name, _) in FORMATS {
        let output = iamlint(&["check", TESTDATA, "--format", name]);
        assert!(
            matches!(code(&output), 0 | 1),
            "--format {name}: exit {}: {}",
            code(&output),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}
