//! `iam/invalid-sid`: a `Sid` with characters other than ASCII letters and digits in a
//! policy whose grammar allows only those (identity policies and SCPs).

use crate::finding::Diagnostic;
use crate::model::{FileModel, PolicyKind};
use crate::rules::Rule;

use super::grammar::{names_principal, statements};

pub struct InvalidSid;

impl Rule for InvalidSid {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        for doc in &file.policies {
            // Resource-based policies (bucket, queue, key policies, trust policies) accept
            // spaces and punctuation in a Sid; a plain file that names a principal is one.
            let restricted = match doc.kind {
                PolicyKind::Identity | PolicyKind::ServiceControl | PolicyKind::ResourceControl => true,
                PolicyKind::Unspecified => !names_principal(doc),
                PolicyKind::Trust | PolicyKind::KeyPolicy | PolicyKind::Resource => false,
            };
            if !restricted {
                continue;
            }
            for statement in statements(&doc.source) {
                let Some(sid) = statement.get("Sid") else {
                    continue;
                };
                let Some(text) = sid.as_str() else {
                    continue;
                };
                if text.chars().all(|c| c.is_ascii_alphanumeric()) {
                    continue;
                }
                let cleaned: String = text
                    .split(|c: char| !c.is_ascii_alphanumeric())
                    .filter(|w| !w.is_empty())
                    .map(|w| {
                        let mut chars = w.chars();
                        chars
                            .next()
                            .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                            .unwrap_or_default()
                    })
                    .collect();
                let help = if cleaned.is_empty() {
                    "use only ASCII letters and digits".to_string()
                } else {
                    format!("use only ASCII letters and digits, e.g. `{cleaned}`")
                };
                let what = match doc.kind {
                    PolicyKind::ServiceControl => "a service control policy",
                    PolicyKind::ResourceControl => "a resource control policy",
                    _ => "an identity policy",
                };
                out.push(
                    Diagnostic::new(
                        sid.span,
                        format!("`Sid` `{text}` has characters other than letters and digits, which {what} does not accept"),
                    )
                    .help(help),
                );
            }
        }
    }
}
