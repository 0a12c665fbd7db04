//! SARIF 2.1.0 as GitHub code scanning reads it: rule metadata in `tool.driver.rules`,
//! results with a relative artifact URI, a 1-based region whose columns count Unicode
//! code points, related locations for labels, and a fingerprint that survives line shifts.

use std::collections::HashMap;
use std::io::{self, Write};

use serde_json::{Value, json};

use super::{Locator, Report};
use crate::finding::{Finding, Severity};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let locator = Locator::new(report.outcome);
    let rules = report.registry.rules();
    let mut rule_index: HashMap<&str, usize> = rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.meta.id.as_str(), i))
        .collect();
    let mut descriptors: Vec<Value> = rules
        .iter()
        .map(|r| {
            json!({
                "id": r.meta.id,
                "name": rule_name(&r.meta.id),
                "shortDescription": { "text": r.meta.summary },
                "fullDescription": { "text": first_paragraph(&r.meta.docs).unwrap_or(&r.meta.summary) },
                "help": { "text": r.meta.docs, "markdown": r.meta.docs },
                "helpUri": r.meta.help_uri(),
                "defaultConfiguration": { "level": level(r.meta.severity) },
            })
        })
        .collect();
    // Assertions of `.iamlint.toml` are rules of the project, not of the registry.
    for finding in &report.outcome.findings {
        if rule_index.contains_key(finding.rule) {
            continue;
        }
        rule_index.insert(finding.rule, descriptors.len());
        descriptors.push(json!({
            "id": finding.rule,
            "name": rule_name(finding.rule),
            "shortDescription": { "text": "An assertion of the project's .iamlint.toml" },
            "defaultConfiguration": { "level": level(finding.severity) },
        }));
    }

    let mut seen: HashMap<(String, String, String), usize> = HashMap::new();
    let results: Vec<Value> = report
        .outcome
        .findings
        .iter()
        .map(|f| {
            let at = locator.locate(f.span);
            let location = |span| {
                let at = locator.locate(span);
                json!({
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(at.path) },
                        "region": {
                            "startLine": at.start.line,
                            "startColumn": at.start.column,
                            "endLine": at.end.line,
                            "endColumn": at.end.column,
                        }
                    }
                })
            };
            let related: Vec<Value> = f
                .labels
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    let mut loc = location(l.span);
                    loc["id"] = json!(i);
                    loc["message"] = json!({ "text": l.message });
                    loc
                })
                .collect();
            let mut message = f.message.clone();
            if let Some(help) = &f.help {
                message.push_str("\n\nhelp: ");
                message.push_str(help);
            }
            let mut result = json!({
                "ruleId": f.rule,
                "level": level(f.severity),
                "message": { "text": message },
                "locations": [location(f.span)],
                "partialFingerprints": { "iamlint/v1": fingerprint(f, at.path, &mut seen) },
            });
            if let Some(&index) = rule_index.get(f.rule) {
                result["ruleIndex"] = json!(index);
            }
            if !related.is_empty() {
                result["relatedLocations"] = json!(related);
            }
            result
        })
        .collect();

    let sarif = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "iamlint",
                    "informationUri": crate::rules::DOCS_BASE.trim_end_matches("blob/main/"),
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": descriptors,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    super::json_text::write_pretty(out, &sarif)?;
    writeln!(out)
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// `rds/guard-bypass-modify` -> `RdsGuardBypassModify`, the PascalCase name SARIF expects.
fn rule_name(id: &str) -> String {
    id.split(['/', '-'])
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn first_paragraph(docs: &str) -> Option<&str> {
    let body = docs.split("## What it finds").nth(1)?;
    body.trim_start().split("\n\n").next().map(str::trim)
}

/// A relative URI with forward slashes and percent-encoded reserved characters.
fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let path = path.strip_prefix("./").unwrap_or(&path);
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    if path.starts_with('/') {
        format!("file://{out}")
    } else {
        out
    }
}

/// Rule, file and message (not the line, which moves when lines are added above), with
/// an occurrence number for identical findings. FNV-1a: stable across Rust versions.
fn fingerprint(f: &Finding, path: &str, seen: &mut HashMap<(String, String, String), usize>) -> String {
    let key = (f.rule.to_string(), path.to_string(), f.message.clone());
    let occurrence = seen.entry(key).or_insert(0);
    *occurrence += 1;
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in f
        .rule
        .bytes()
        .chain([0])
        .chain(path.bytes())
        .chain([0])
        .chain(f.message.bytes())
    {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}:{occurrence}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_uris() {
        assert_eq!(rule_name("rds/guard-bypass-modify"), "RdsGuardBypassModify");
        assert_eq!(uri("./a b/c.json"), "a%20b/c.json");
        assert_eq!(uri("/abs/x.json"), "file:///abs/x.json");
    }
}
