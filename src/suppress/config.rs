//! Suppressions kept in the config rather than in the checked file: the `[[lint.ignore]]`
//! entries of `.iamlint.toml` (SARIF kind `external`), for plain JSON policy files, where
//! no comment can live, and for organisations that review every exception in one place:
//!
//! ```toml
//! [[lint.ignore]]
//! files = "policies/legacy/*.json"
//! rules = ["iam/resource-star"]
//! sid = "ReadReports"          # optional: only that statement
//! reason = "bucket names come from a parameter, SEC-123"
//! until = "2027-03-31"         # optional
//! ```
//!
//! `config.rs` reads the TOML (and reports its errors with their line and column); the
//! engine matches each entry's glob against a file's path, then [`from_config`] turns the
//! entries that name the file into [`Suppression`]s while the tree is at hand: the same
//! values comments and `Metadata` give, so [`super::apply`] has one matching path. Problems
//! with an entry are reported against the TOML by the caller: [`super::apply`] returns
//! which entries suppressed something ([`super::Applied`]).

use super::{Date, RuleName, Scope, Suppression, SuppressionKind};
use crate::parse::{Node, Value};
use crate::source::{FileId, Span};

/// One `[[lint.ignore]]` entry, as `config.rs` reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigIgnore {
    /// Rule ids or groups, already checked against the registry.
    pub rules: Vec<String>,
    /// Only the statements with this `Sid`; the whole file without it.
    pub sid: Option<String>,
    pub reason: String,
    pub until: Option<Date>,
}

/// The suppressions of the entries that name a file (`(index, entry)`, the index being
/// the entry's place in the config, for [`super::Applied`]), over the file's tree. An
/// entry with a `Sid` covers every statement of the file with that `Sid` (none: it
/// suppresses nothing, and is reported unused).
pub fn from_config<'e>(
    file: FileId,
    root: &Node,
    entries: impl IntoIterator<Item = (usize, &'e ConfigIgnore)>,
) -> Vec<Suppression> {
    let mut out = Vec::new();
    let at_start = Span::new(file, 0, 0);
    for (index, entry) in entries {
        let scopes = match &entry.sid {
            Some(sid) => statements_with_sid(root, sid)
                .into_iter()
                .map(Scope::Range)
                .collect(),
            None => vec![Scope::File(file)],
        };
        for scope in scopes {
            out.push(Suppression {
                kind: SuppressionKind::External,
                scope,
                span: at_start,
                rules: entry
                    .rules
                    .iter()
                    .map(|id| RuleName {
                        id: id.clone(),
                        span: at_start,
                    })
                    .collect(),
                reason: entry.reason.clone(),
                until: entry.until.map(|date| (date, at_start)),
                reported: false,
                entry: Some(index),
            });
        }
    }
    out
}

/// The spans of the statements (objects with `Effect`) whose `Sid` is `sid`. Policies held
/// in strings (a template's JSON `PolicyDocument` string, a Terraform heredoc) are parsed
/// by the model, not here: their statements are not found.
fn statements_with_sid(root: &Node, sid: &str) -> Vec<Span> {
    let mut found = Vec::new();
    root.walk(&mut |node: &Node| {
        if let Value::Object(_) = &node.value
            && node.get("Sid").and_then(Node::as_str) == Some(sid)
            && node.entry("Effect").is_some()
        {
            found.push(node.span);
        }
    });
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{Syntax, parse};

    #[test]
    fn entries_cover_a_file_or_its_statements_by_sid() {
        let text = r#"{"Version": "2012-10-17", "Statement": [
  {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
  {"Sid": "Write", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}]}"#;
        let root = parse(FileId(3), text, Syntax::Json).unwrap();
        let entry = |sid: Option<&str>| ConfigIgnore {
            rules: vec!["iam/resource-star".to_string()],
            sid: sid.map(str::to_string),
            reason: "reviewed".to_string(),
            until: None,
        };
        let (whole, read, none) = (entry(None), entry(Some("Write")), entry(Some("Missing")));
        let out = from_config(FileId(3), &root, [(0, &whole), (1, &read), (2, &none)]);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].scope, Scope::File(FileId(3)));
        let Scope::Range(span) = out[1].scope else {
            panic!("a statement")
        };
        assert!(text[span.range()].starts_with(r#"{"Sid": "Write""#));
        assert!(
            out.iter()
                .all(|s| s.kind == SuppressionKind::External && !s.reported)
        );
        assert_eq!(out[1].entry, Some(1));
    }
}
