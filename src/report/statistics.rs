//! `--statistics`: how many findings each rule has, most first (ties by rule id), as ruff
//! prints them: a table for the text formats, a JSON array for `--format json`.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use super::escape::escape;
use super::{Format, Report, json_text};

#[derive(Serialize)]
struct RuleCount<'a> {
    rule: &'a str,
    count: usize,
    summary: &'a str,
}

pub fn write(format: Format, report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let mut by_rule: BTreeMap<&str, usize> = BTreeMap::new();
    for finding in &report.outcome.findings {
        *by_rule.entry(finding.rule).or_default() += 1;
    }
    let summary = |id: &str| -> &str {
        match report.registry.get(id) {
            Some(rule) => &rule.meta.summary,
            None => report
                .outcome
                .project_rules
                .iter()
                .find(|r| r.id == id)
                .map_or("", |r| r.summary.as_str()),
        }
    };
    let mut counts: Vec<RuleCount<'_>> = by_rule
        .into_iter()
        .map(|(rule, count)| RuleCount {
            rule,
            count,
            summary: summary(rule),
        })
        .collect();
    // Stable: ties keep the order of their ids.
    counts.sort_by_key(|c| std::cmp::Reverse(c.count));
    if format == Format::Json {
        json_text::write_pretty(out, &counts)?;
        return writeln!(out);
    }
    let count_width = counts.first().map_or(1, |c| c.count.to_string().len());
    let rule_width = counts.iter().map(|c| c.rule.len()).max().unwrap_or(0);
    for c in &counts {
        writeln!(
            out,
            "{:>count_width$}  {:rule_width$}  {}",
            c.count,
            escape(c.rule),
            escape(c.summary)
        )?;
    }
    Ok(())
}
