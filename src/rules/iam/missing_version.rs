//! `iam/missing-version`: a policy document without `Version`, which IAM then reads with
//! the 2008-10-17 grammar.

use crate::finding::Diagnostic;
use crate::fix::Fix;
use crate::fix::syntax::insert_first_entry;
use crate::model::FileModel;
use crate::parse::{Node, Value};
use crate::rules::Rule;
use crate::source::Span;

use super::grammar::{CURRENT_VERSION, first_key_span, has};

pub struct MissingVersion;

impl Rule for MissingVersion {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        for doc in &file.policies {
            // An empty document is `iam/missing-element`'s (no `Statement`): one finding.
            let empty = doc.source.as_object().is_none_or(<[_]>::is_empty);
            if empty || has(&doc.source, "Version") {
                continue;
            }
            let first_key = first_key_span(&doc.source);
            let diagnostic = Diagnostic::new(first_key, "policy document has no `Version`").help(format!(
                "add `\"Version\": \"{CURRENT_VERSION}\"`; without it IAM uses the 2008-10-17 \
                         language, in which policy variables such as `${{aws:username}}` are plain text"
            ));
            out.push(match version_fix(file, &doc.source, first_key) {
                Some(fix) => diagnostic.fix(fix),
                None => diagnostic,
            });
        }
    }
}

/// `"Version": "2012-10-17"` added as the document's first entry. Safe unless the document
/// holds `${`: the IAM User Guide (Version element) says that without a `Version` "the value
/// defaults to 2008-10-17 ... variables such as ${aws:username} aren't recognized as
/// variables and are instead treated as literal strings in the policy", so adding it turns
/// those literals into variables: what the author most likely meant, but a change in what
/// the policy matches, for a person to read (unsafe).
fn version_fix(file: &FileModel<'_>, document: &Node, first_key: Span) -> Option<Fix> {
    let edit = insert_first_entry(
        file.texts.get(first_key.file),
        first_key,
        "Version",
        CURRENT_VERSION,
    )?;
    let mut variables = false;
    document.walk(&mut |node| {
        variables |= matches!(&node.value, Value::String(s) if s.contains("${"));
    });
    let message = format!("add `\"Version\": \"{CURRENT_VERSION}\"`");
    Some(if variables {
        Fix::unsafe_(
            format!("{message} (its policy variables then become variables)"),
            vec![edit],
        )
    } else {
        Fix::safe(message, vec![edit])
    })
}
