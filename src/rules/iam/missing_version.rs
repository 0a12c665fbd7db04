//! `iam/missing-version`: a policy document without `Version`, which IAM then reads with
//! the 2008-10-17 grammar.

use crate::finding::Diagnostic;
use crate::model::FileModel;
use crate::rules::Rule;

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
            out.push(
                Diagnostic::new(first_key_span(&doc.source), "policy document has no `Version`").help(
                    format!(
                        "add `\"Version\": \"{CURRENT_VERSION}\"`; without it IAM uses the 2008-10-17 \
                         language, in which policy variables such as `${{aws:username}}` are plain text"
                    ),
                ),
            );
        }
    }
}
