//! SARIF 2.1.0 as GitHub code scanning reads it: rule metadata in `tool.driver.rules`,
//! results with a relative artifact URI, a 1-based region whose columns count Unicode
//! code points, related locations for labels, and a fingerprint that survives line shifts.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{self, Write};

use serde_json::{Value, json};

use super::{Locator, Report};
use crate::finding::{Finding, Severity};
use crate::source::{FileId, SourceFile, Span};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let locator = Locator::new(report.outcome);
    let sources = &report.outcome.sources;
    let uris: Vec<String> = (0..sources.len())
        .map(|i| uri(&path_bytes(sources.get(FileId(i as u32)))))
        .collect();
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
            let file_uri = &uris[f.span.file.0 as usize];
            let location = |span: Span| {
                let at = locator.locate(span);
                json!({
                    "physicalLocation": {
                        "artifactLocation": { "uri": uris[span.file.0 as usize] },
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
                "partialFingerprints": { "iamlint/v1": fingerprint(f, file_uri, &mut seen) },
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
    serde_json::to_writer_pretty(&mut *out, &sarif)?;
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

/// The bytes of a file's path as the file system gave them: a name that is not valid
/// UTF-8 keeps its bytes (percent-encoded in the URI), where its text has U+FFFD, which
/// names no file. Separators are `/` (Windows' `\` turned into it).
fn path_bytes(file: &SourceFile) -> Cow<'_, [u8]> {
    match &file.raw_path {
        #[cfg(unix)]
        Some(raw) => Cow::Borrowed(std::os::unix::ffi::OsStrExt::as_bytes(raw.as_os_str())),
        #[cfg(not(unix))]
        Some(raw) => Cow::Owned(raw.to_string_lossy().replace('\\', "/").into_bytes()),
        None => Cow::Borrowed(file.path.as_bytes()),
    }
}

/// A URI reference (RFC 3986) for a path: relative when the path is, `file://` when it is
/// absolute; every byte but the unreserved characters and `/` percent-encoded.
fn uri(path: &[u8]) -> String {
    let path = path.strip_prefix(b"./").unwrap_or(path);
    let mut out = String::with_capacity(path.len());
    if path.starts_with(b"/") {
        out.push_str("file://");
    }
    for &b in path {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
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
        assert_eq!(uri(b"./a b/c.json"), "a%20b/c.json");
        assert_eq!(uri(b"/abs/x.json"), "file:///abs/x.json");
        assert_eq!(uri(b"d/bad\xff.json"), "d/bad%FF.json");
        assert_eq!(uri("é:\\#?.json".as_bytes()), "%C3%A9%3A%5C%23%3F.json");
    }
}
