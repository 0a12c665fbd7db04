//! docs/coverage.md stays true: every row that names an iamlint rule has a fixture named for
//! the row (`testdata/coverage/<table>/<row as a slug>.json` or `.yaml`), and checking that
//! fixture gives at least one finding of the row's rule. A row whose rule changes, or a rule
//! that stops firing on what the row says it covers, fails here; so does a fixture left
//! behind by a row that was removed.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use common::run;

/// One row of a coverage table: the check's name and the rule it names, if any.
struct Row {
    table: &'static str,
    check: String,
    rule: Option<String>,
}

/// The rows of both tables. The Access Analyzer table has the rule in its third column,
/// parliament's in its second.
fn rows() -> Vec<Row> {
    let text = fs::read_to_string("docs/coverage.md").unwrap();
    let mut table = "";
    let mut rows = Vec::new();
    for line in text.lines() {
        if line.starts_with("## IAM Access Analyzer") {
            table = "access-analyzer";
        } else if line.starts_with("## parliament") {
            table = "parliament";
        }
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // `| a | b | c |` splits into an empty cell before and after.
        if cells.len() < 4 || !line.starts_with('|') || cells[1].starts_with("---") {
            continue;
        }
        let rule_cell = match table {
            "access-analyzer" if cells.len() >= 6 => cells[3],
            "parliament" if cells.len() >= 5 => cells[2],
            _ => continue,
        };
        if matches!(cells[1], "Access Analyzer check" | "parliament code") {
            continue;
        }
        let rule = rule_cell
            .strip_prefix('`')
            .and_then(|r| r.strip_suffix('`'))
            .map(str::to_string);
        rows.push(Row {
            table,
            check: cells[1].to_string(),
            rule,
        });
    }
    rows
}

fn slug(check: &str) -> String {
    let mut out = String::new();
    for c in check.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

fn fixture(row: &Row) -> Option<PathBuf> {
    let dir = Path::new("testdata/coverage").join(row.table);
    ["json", "yaml"]
        .iter()
        .map(|ext| dir.join(format!("{}.{ext}", slug(&row.check))))
        .find(|p| p.exists())
}

#[test]
fn every_covered_row_has_a_fixture_where_its_rule_fires() {
    let rows = rows();
    assert!(
        rows.len() > 170,
        "only {} rows read from docs/coverage.md",
        rows.len()
    );
    let mut failures = Vec::new();
    for row in rows.iter().filter(|r| r.rule.is_some()) {
        let rule = row.rule.as_deref().unwrap();
        let Some(path) = fixture(row) else {
            failures.push(format!(
                "{} `{}`: no fixture {}/{}.json",
                row.table,
                row.check,
                row.table,
                slug(&row.check)
            ));
            continue;
        };
        let outcome = run(&[path.to_str().unwrap()]);
        if !outcome.findings.iter().any(|f| f.rule == rule) {
            let found: BTreeSet<String> = outcome.findings.iter().map(|f| f.rule.to_string()).collect();
            failures.push(format!("{}: no {rule} finding (found {found:?})", path.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "docs/coverage.md drifted:\n{}",
        failures.join("\n")
    );
}

#[test]
fn every_fixture_belongs_to_a_row_that_names_a_rule() {
    let expected: BTreeSet<String> = rows()
        .iter()
        .filter(|r| r.rule.is_some())
        .map(|r| format!("{}/{}", r.table, slug(&r.check)))
        .collect();
    for table in ["access-analyzer", "parliament"] {
        for entry in fs::read_dir(Path::new("testdata/coverage").join(table))
            .unwrap()
            .flatten()
        {
            let path = entry.path();
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            assert!(
                expected.contains(&format!("{table}/{stem}")),
                "{}: no row of docs/coverage.md names a rule for it",
                path.display()
            );
        }
    }
}
