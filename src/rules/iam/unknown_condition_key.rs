//! `iam/unknown-condition-key`: a condition key that is neither a global key, nor a key
//! some service documents, nor a web identity or SAML federation key.

use crate::finding::Diagnostic;
use crate::model::FileModel;
use crate::rules::Rule;

use super::conditions::{KeyRef, only_near_key};
use crate::fix::Fix;
use crate::fix::syntax::replace_name;
use crate::rules::shared;

pub struct UnknownConditionKey;

impl Rule for UnknownConditionKey {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        let keys = shared::keys(file);
        for clause in file.clauses() {
            let key = clause.key.as_str();
            let span = clause.key_span;
            let did_you_mean = |s: Option<String>, otherwise: String| match s {
                Some(s) => format!("did you mean `{s}`?"),
                None => otherwise,
            };
            let diagnostic = match keys.get(key).into_owned() {
                KeyRef::Global(_)
                | KeyRef::Service(_)
                | KeyRef::Federation
                | KeyRef::Undocumented
                | KeyRef::Unresolved
                | KeyRef::Unchecked => continue,
                KeyRef::Deprecated => Diagnostic::new(
                    span,
                    format!("`{key}` is a deprecated global condition key that AWS no longer supports"),
                )
                .help("test the caller with `aws:PrincipalArn`, or the resource that makes a service-to-service request with `aws:SourceArn`"),
                KeyRef::MissingTagKey => Diagnostic::new(
                    span,
                    format!("condition key `{key}` names no tag key"),
                )
                .help(format!("write the tag key after the slash, e.g. `{key}team`")),
                KeyRef::Malformed => Diagnostic::new(
                    span,
                    format!("condition key `{key}` is not of the form `prefix:name`"),
                )
                .help("write a global key such as `aws:SourceIp` or a service key such as `s3:prefix`"),
                KeyRef::UnknownGlobal { suggestion } => Diagnostic::new(
                    span,
                    format!("`{key}` is not a global condition key"),
                )
                .help(did_you_mean(
                    suggestion,
                    "see \"AWS global condition context keys\" in the IAM User Guide for the `aws:` keys".to_string(),
                )),
                KeyRef::UnknownServiceKey {
                    prefix,
                    is_service,
                    suggestion,
                    service_has_keys,
                } => {
                    let message = if !is_service {
                        format!("`{key}` is not a documented `{prefix}:` condition key")
                    } else if service_has_keys {
                        format!("`{prefix}` defines no condition key `{key}`")
                    } else {
                        format!("`{prefix}` defines no condition keys, so `{key}` does not exist")
                    };
                    Diagnostic::new(span, message).help(did_you_mean(
                        suggestion,
                        if is_service {
                            format!("see the `{prefix}` page of the Service Authorization Reference for its keys")
                        } else {
                            format!("see the Service Authorization Reference for the documented `{prefix}:` keys")
                        },
                    ))
                }
                KeyRef::UnknownPrefix { suggestion } => {
                    let prefix = key.split_once(':').map_or(key, |(p, _)| p);
                    Diagnostic::new(
                        span,
                        format!("condition key `{key}`: `{prefix}` is not a service prefix"),
                    )
                    .help(did_you_mean(
                        suggestion,
                        "use `aws:` for global keys or the prefix of the service that documents the key".to_string(),
                    ))
                }
            };
            // A misspelt key with exactly one near documented key is renamed to it.
            let fix = only_near_key(key)
                .filter(|near| !near.eq_ignore_ascii_case(key))
                .filter(|near| {
                    diagnostic
                        .help
                        .as_deref()
                        .is_some_and(|h| h.contains(&format!("`{near}`")))
                })
                .and_then(|near| {
                    let edit = replace_name(file.texts.get(span.file), span, key, &near)?;
                    Some(Fix::safe(format!("replace `{key}` with `{near}`"), vec![edit]))
                });
            out.push(match fix {
                Some(fix) => diagnostic.fix(fix),
                None => diagnostic,
            });
        }
    }
}
