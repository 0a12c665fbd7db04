//! `iam/invalid-version`: a `Version` string that is not one of the two policy language
//! versions IAM knows.

use crate::finding::Diagnostic;
use crate::model::FileModel;
use crate::rules::Rule;

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
            out.push(
                Diagnostic::new(version.span, format!("`{text}` is not a policy language version"))
                    .help(help),
            );
        }
    }
}
