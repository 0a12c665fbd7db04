//! `iam/invalid-version`: a `Version` string that is not one of the two policy language
//! versions IAM knows.

use crate::finding::Diagnostic;
use crate::fix::Fix;
use crate::fix::syntax::replace_name;
use crate::model::FileModel;
use crate::rules::Rule;
use crate::source::Span;

use super::edit_distance;
use super::grammar::{CURRENT_VERSION, OLD_VERSION};

pub struct InvalidVersion;

impl Rule for InvalidVersion {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        for doc in &file.policies {
            // Other types are `iam/invalid-element-type`'s, intrinsics are unknown.
            let Some(version) = doc.source.get("Version") else {
                continue;
            };
            let Some(text) = version.as_str() else {
                continue;
            };
            if text == CURRENT_VERSION || text == OLD_VERSION {
                continue;
            }
            let help = if text.trim() == CURRENT_VERSION || text.trim() == OLD_VERSION {
                format!("remove the spaces: write `{}`", text.trim())
            } else {
                format!("use `{CURRENT_VERSION}`, the current version of the policy language")
            };
            let diagnostic =
                Diagnostic::new(version.span, format!("`{text}` is not a policy language version"))
                    .help(help);
            out.push(match version_fix(file, version.span, text) {
                Some(fix) => diagnostic.fix(fix),
                None => diagnostic,
            });
        }
    }
}

/// A version written with blanks around it is that version: trimming them is safe. A near
/// miss of the current version (`2012-10-7`, within two edits of it and not of the old one)
/// is most likely it, but IAM rejects the document as written (`MalformedPolicyDocument`,
/// see the rule's documentation), so the rename makes a policy that never deployed take
/// effect: unsafe, for a person to read.
fn version_fix(file: &FileModel<'_>, span: Span, text: &str) -> Option<Fix> {
    let trimmed = text.trim();
    let text_of_file = file.texts.get(span.file);
    if trimmed == CURRENT_VERSION || trimmed == OLD_VERSION {
        let edit = replace_name(text_of_file, span, text, trimmed)?;
        return Some(Fix::safe(format!("write `{trimmed}`"), vec![edit]));
    }
    let near = |version: &str| edit_distance(trimmed, version) <= 2;
    if near(CURRENT_VERSION) && !near(OLD_VERSION) {
        let edit = replace_name(text_of_file, span, text, CURRENT_VERSION)?;
        return Some(Fix::unsafe_(format!("write `{CURRENT_VERSION}`"), vec![edit]));
    }
    None
}
