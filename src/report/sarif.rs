//! SARIF 2.1.0 as GitHub code scanning reads it ("SARIF support for code scanning" in
//! GitHub's documentation): every rule in `tool.driver.rules` with the descriptions, help
//! and `security-severity` and `tags` properties code scanning shows, the tool's
//! `semanticVersion`, results with a relative artifact URI, a 1-based region whose columns
//! count Unicode code points, related locations for labels, and a fingerprint that
//! survives what does not change the flagged element.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{self, Write};

use serde::Serialize;
use serde_json::{Value, json};

use super::json_text::Streamed;
use super::{Locator, Report};
use crate::engine::Outcome;
use crate::finding::{Finding, Severity};
use crate::fingerprint::{Fnv, Redactions, Whitespace};
use crate::source::{FileId, SourceFile, Span};
use crate::suppress::Suppressed;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The `partialFingerprints` key: versioned, as SARIF asks, since a consumer may only
/// compare fingerprints computed the same way.
pub const FINGERPRINT_KEY: &str = "iamlint/v2";

/// GitHub's limits on `shortDescription.text` and `fullDescription.text`.
const MAX_DESCRIPTION_CHARS: usize = 1024;

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let outcome = report.outcome;
    let locator = Locator::new(outcome);
    let uris = uris(outcome);

    let mut rules: Vec<RuleText<'_>> = report
        .registry
        .rules()
        .iter()
        .map(|r| RuleText {
            id: &r.meta.id,
            severity: r.meta.severity,
            summary: &r.meta.summary,
            docs: &r.meta.docs,
            help_uri: Some(r.meta.help_uri()),
            group: if crate::rules::is_engine_rule(&r.meta.id) {
                "engine"
            } else {
                group(&r.meta.id)
            },
        })
        .collect();
    // Assertions of `.iamlint.toml`: rules of the project, documented from the config.
    rules.extend(outcome.project_rules.iter().map(|rule| RuleText {
        id: &rule.id,
        severity: rule.severity,
        summary: &rule.summary,
        docs: &rule.docs,
        help_uri: None,
        group: group(&rule.id),
    }));
    let mut rule_index: HashMap<&str, usize> = rules.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
    // A finding of a rule neither knows still gets a descriptor: results must name one.
    for finding in outcome
        .findings
        .iter()
        .chain(outcome.suppressed.iter().map(|s| &s.finding))
    {
        if !rule_index.contains_key(finding.rule) {
            rule_index.insert(finding.rule, rules.len());
            rules.push(RuleText {
                id: finding.rule,
                severity: finding.severity,
                summary: finding.rule,
                docs: finding.rule,
                help_uri: None,
                group: group(finding.rule),
            });
        }
    }
    let descriptors: Vec<Value> = rules.iter().map(descriptor).collect();

    let mut fingerprints = Fingerprints::new(outcome);
    // Built one at a time as they are written. Suppressed findings are results too, with
    // `suppressions` (code scanning shows them as dismissed), in the same order as if
    // they were not suppressed, so that no fingerprint depends on a suppression.
    let results = all_findings(outcome).map(|(f, suppressed)| {
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
        let fingerprint = fingerprints.next(f, &uris[f.span.file.0 as usize]);
        let mut result = json!({
            "ruleId": f.rule,
            "level": level(f.severity),
            "message": { "text": message },
            "locations": [location(f.span)],
            "partialFingerprints": { FINGERPRINT_KEY: fingerprint },
        });
        if let Some(&index) = rule_index.get(f.rule) {
            result["ruleIndex"] = json!(index);
        }
        if !related.is_empty() {
            result["relatedLocations"] = json!(related);
        }
        if let Some(fix) = &f.fix {
            // A fix's edits all lie in the finding's file. An insertion is a replacement
            // of an empty region.
            let replacements: Vec<Value> = fix
                .edits
                .iter()
                .map(|edit| {
                    let at = locator.locate(edit.span);
                    json!({
                        "deletedRegion": {
                            "startLine": at.start.line,
                            "startColumn": at.start.column,
                            "endLine": at.end.line,
                            "endColumn": at.end.column,
                            "byteOffset": edit.span.start,
                            "byteLength": edit.span.end - edit.span.start,
                        },
                        "insertedContent": { "text": edit.replacement },
                    })
                })
                .collect();
            result["fixes"] = json!([{
                "description": { "text": fix.message },
                "artifactChanges": [{
                    "artifactLocation": { "uri": uris[f.span.file.0 as usize] },
                    "replacements": replacements,
                }],
                "properties": { "applicability": fix.applicability.as_str() },
            }]);
        }
        // `iamlint diff`'s counterexample, as `simulate --request` reads it.
        if let Some(request) = &f.request {
            result["properties"] = json!({ "request": request.to_json() });
        }
        if let Some(suppressed) = suppressed {
            let mut suppression = json!({
                "kind": suppressed.kind.as_str(),
                "justification": suppressed.reason,
            });
            if let Some(until) = suppressed.until {
                suppression["properties"] = json!({ "until": until.to_string() });
            }
            result["suppressions"] = json!([suppression]);
        }
        result
    });

    let tool = json!({
        "driver": {
            "name": "iamlint",
            "informationUri": crate::rules::DOCS_BASE.trim_end_matches("blob/main/"),
            "version": env!("CARGO_PKG_VERSION"),
            "semanticVersion": env!("CARGO_PKG_VERSION"),
            "rules": descriptors,
        }
    });
    let sarif = Log {
        schema: SCHEMA,
        runs: [Run {
            column_kind: "unicodeCodePoints",
            results: Streamed::new(results),
            tool,
        }],
        version: "2.1.0",
    };
    super::json_text::write_pretty(out, &sarif)?;
    writeln!(out)
}

/// The URI of every file of the outcome, by file id.
pub(super) fn uris(outcome: &Outcome) -> Vec<String> {
    let sources = &outcome.sources;
    (0..sources.len())
        .map(|i| uri(&path_bytes(sources.get(FileId(i as u32)))))
        .collect()
}

/// Every finding, suppressed or not, in the order of the outcome.
pub(super) fn all_findings(outcome: &Outcome) -> impl Iterator<Item = (&Finding, Option<&Suppressed>)> {
    let mut reported = outcome.findings.iter().peekable();
    let mut suppressed = outcome.suppressed.iter().peekable();
    std::iter::from_fn(move || {
        let suppressed_first = match (reported.peek(), suppressed.peek()) {
            (Some(f), Some(s)) => outcome.order(&s.finding, f).is_lt(),
            (None, Some(_)) => true,
            _ => false,
        };
        if suppressed_first {
            suppressed.next().map(|s| (&s.finding, Some(s)))
        } else {
            reported.next().map(|f| (f, None))
        }
    })
}

/// The log's envelope, its keys in the order serde_json writes a `Value`'s (sorted).
#[derive(Serialize)]
struct Log<R> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: [Run<R>; 1],
    version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<R> {
    column_kind: &'static str,
    results: R,
    tool: Value,
}

/// What a rule descriptor is made of, for a rule of the registry or of the project.
struct RuleText<'a> {
    id: &'a str,
    severity: Severity,
    summary: &'a str,
    /// Markdown with the headings of a rule file.
    docs: &'a str,
    help_uri: Option<String>,
    group: &'a str,
}

fn descriptor(rule: &RuleText<'_>) -> Value {
    let full = first_paragraph(rule.docs).unwrap_or(rule.summary);
    let mut descriptor = json!({
        "id": rule.id,
        "name": rule_name(rule.id),
        "shortDescription": { "text": truncate(rule.summary, MAX_DESCRIPTION_CHARS) },
        "fullDescription": { "text": truncate(full, MAX_DESCRIPTION_CHARS) },
        "help": { "text": rule.docs, "markdown": rule.docs },
        "defaultConfiguration": { "level": level(rule.severity) },
        "properties": {
            "tags": ["security", rule.group],
            "security-severity": security_severity(rule.severity),
        },
    });
    if let Some(uri) = &rule.help_uri {
        descriptor["helpUri"] = json!(uri);
    }
    descriptor
}

/// The group of a rule id: `rds` for `rds/guard-inverted`, `assert` for an assertion.
fn group(id: &str) -> &str {
    id.split_once('/').map_or(id, |(group, _)| group)
}

/// GitHub code scanning reads `security-severity` as a CVSS-like score and shows it as a
/// level: over 9.0 critical, 7.0 to 8.9 high, 4.0 to 6.9 medium, 0.1 to 3.9 low. An
/// error is a policy that does not do what it says (IAM rejects it, a guard lets requests
/// through) or a password in the repository: high. A warning is access wider or weaker
/// than it looks: medium. An info is redundancy and style: low. None is critical: iamlint
/// reads configuration statically and cannot tell what is deployed or reachable, which a
/// critical score claims. The value is the middle of each band, so that a future
/// per-rule score can move either way within it.
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "8.0",
        Severity::Warning => "5.5",
        Severity::Info => "2.0",
    }
}

/// At most `max` characters: the sentences that fit, or the characters that fit and `…`.
fn truncate(text: &str, max: usize) -> Cow<'_, str> {
    let Some((limit, _)) = text.char_indices().nth(max) else {
        return Cow::Borrowed(text);
    };
    match text[..limit].rfind(". ") {
        Some(end) => Cow::Borrowed(&text[..=end]),
        None => {
            let cut: String = text.chars().take(max - 1).collect();
            Cow::Owned(cut + "…")
        }
    }
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

/// Fingerprints that identify a finding across runs by what it is about, not where that
/// is: a hash ([`crate::fingerprint`]) of the rule id, the file's URI and the flagged
/// element's text with its whitespace runs read as one space and its passwords as one
/// marker, then `:N` for the N-th finding of the same hash in the file, in report order.
/// Lines added above, a reworded message, a catalog update and a new finding elsewhere
/// leave it unchanged; editing the element itself changes it. The fingerprint of a
/// hard-coded password is that of its place (the rule, the file, the text around the
/// password within the flagged element, and its rank among such findings).
pub(super) struct Fingerprints<'a> {
    outcome: &'a crate::engine::Outcome,
    redactions: Redactions,
    seen: HashMap<u64, usize>,
}

impl<'a> Fingerprints<'a> {
    pub(super) fn new(outcome: &'a crate::engine::Outcome) -> Fingerprints<'a> {
        Fingerprints {
            outcome,
            redactions: Redactions::new(&outcome.redactions),
            seen: HashMap::new(),
        }
    }

    /// The fingerprint of the next finding in report order ([`all_findings`], suppressed
    /// ones included: the N of `:N` counts them), and of the file at `uri`.
    pub(super) fn next(&mut self, finding: &Finding, uri: &str) -> String {
        let text = &self.outcome.sources.get(finding.span.file).text;
        let mut hash = Fnv::default();
        hash.field(finding.rule.as_bytes());
        hash.field(uri.as_bytes());
        self.redactions
            .hash_element(&mut hash, text, finding.span, Whitespace::Collapse);
        let hash = hash.finish();
        let occurrence = self.seen.entry(hash).or_insert(0);
        *occurrence += 1;
        format!("{hash:016x}:{occurrence}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_are_cut_at_a_sentence() {
        assert_eq!(truncate("One. Two.", 20), "One. Two.");
        assert_eq!(truncate("One. Two three.", 10), "One.");
        assert_eq!(truncate("Onetwothree", 5), "Onet…");
    }

    #[test]
    fn names_and_uris() {
        assert_eq!(rule_name("rds/guard-bypass-modify"), "RdsGuardBypassModify");
        assert_eq!(uri(b"./a b/c.json"), "a%20b/c.json");
        assert_eq!(uri(b"/abs/x.json"), "file:///abs/x.json");
        assert_eq!(uri(b"d/bad\xff.json"), "d/bad%FF.json");
        assert_eq!(uri("é:\\#?.json".as_bytes()), "%C3%A9%3A%5C%23%3F.json");
    }
}
