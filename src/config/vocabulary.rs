//! The actions and condition keys of an `[[assert]]` checked against the embedded catalog:
//! a misspelt `rds:CreateDBInstanse` would make the assertion ask about a request no one
//! makes, and hold whatever the policies say.

use std::ops::Range;

use toml::Spanned;

use super::WrittenRequestPattern;
use crate::catalog::{Catalog, Service};
use crate::rules::{ActionRef, KeyRef, nearest, resolve_action, resolve_key};

/// The first action or condition key of `pattern` that the catalog does not know, with
/// where it is written and what it was likely meant to be.
pub fn check_request(pattern: &WrittenRequestPattern) -> Result<(), (Range<usize>, String)> {
    let catalog = Catalog::global();
    // The services the actions name, whose condition keys the context may use; `None`
    // for `*`, which names every service.
    let mut services: Option<Vec<&Service>> = Some(Vec::new());
    for written in &pattern.actions {
        let action = written.get_ref();
        let at = |message: String| Err((written.span(), message));
        match resolve_action(catalog, action) {
            ActionRef::Everything => services = None,
            ActionRef::Matched { service, .. } => {
                if let Some(services) = &mut services {
                    services.push(service);
                }
            }
            ActionRef::UnknownService { prefix } => {
                return at(format!(
                    "`{prefix}` is not the prefix of an AWS service in iamlint's catalog{}",
                    did_you_mean(nearest(&prefix, catalog.prefixes()), |p| format!(
                        "{p}:{}",
                        action.split_once(':').map_or("", |(_, n)| n)
                    ))
                ));
            }
            ActionRef::UnknownAction { service, name } => {
                return at(format!(
                    "`{}` has no action `{name}` in iamlint's catalog{}",
                    service.prefix,
                    did_you_mean(
                        nearest(&name, service.actions.iter().map(|a| a.name)),
                        |n| format!("{}:{n}", service.prefix)
                    )
                ));
            }
            ActionRef::NoMatch { service, .. } => {
                return at(format!("`{action}` matches no action of `{}`", service.prefix));
            }
            ActionRef::ServiceWildcard => {
                return at(format!(
                    "`{action}`: an assertion names the service of its actions (a wildcard may stand only in the action name)"
                ));
            }
            ActionRef::Malformed | ActionRef::Unexpanded => {
                return at(format!(
                    "`{action}` is not an action: expected `service:action` or `*`"
                ));
            }
        }
    }
    for written in pattern.keys() {
        check_key(written, services.as_deref())?;
    }
    Ok(())
}

/// A condition key of the context: a global `aws:` key, or a key of a service that the
/// assertion's actions belong to (of any service when they include `*`).
fn check_key(written: &Spanned<String>, services: Option<&[&Service]>) -> Result<(), (Range<usize>, String)> {
    let key = written.get_ref();
    let at = |message: String| Err((written.span(), message));
    let problem = match resolve_key(key) {
        KeyRef::Global(_) | KeyRef::Federation | KeyRef::Undocumented => return Ok(()),
        KeyRef::Service(_) | KeyRef::UnknownServiceKey { .. } | KeyRef::UnknownPrefix { .. } => None,
        KeyRef::UnknownGlobal { suggestion } => Some(format!(
            "`{key}` is not a global condition key{}",
            did_you_mean(suggestion.as_deref(), str::to_string)
        )),
        KeyRef::Deprecated => Some(format!(
            "`{key}` is a deprecated global condition key that AWS no longer supports"
        )),
        KeyRef::MissingTagKey => Some(format!("condition key `{key}` names no tag key")),
        KeyRef::Malformed | KeyRef::Unresolved | KeyRef::Unchecked => Some(format!(
            "`{key}` is not a condition key: expected `aws:<name>` or `<service>:<name>`"
        )),
    };
    if let Some(message) = problem {
        return at(message);
    }
    let Some(services) = services else {
        // Every service: the key must be one that some service documents.
        return match resolve_key(key) {
            KeyRef::Service(_) => Ok(()),
            KeyRef::UnknownServiceKey { suggestion, .. } | KeyRef::UnknownPrefix { suggestion } => {
                at(format!(
                    "`{key}` is not a condition key of any service in iamlint's catalog{}",
                    did_you_mean(suggestion.as_deref(), str::to_string)
                ))
            }
            _ => Ok(()),
        };
    };
    if services.iter().any(|s| s.key_index(key).is_some()) {
        return Ok(());
    }
    let mut prefixes: Vec<&str> = services.iter().map(|s| s.prefix).collect();
    prefixes.dedup();
    let keys = services.iter().flat_map(|s| s.keys.iter().map(|k| k.name));
    at(format!(
        "`{key}` is not a condition key of {} (the services of `actions`){}",
        prefixes
            .iter()
            .map(|p| format!("`{p}`"))
            .collect::<Vec<_>>()
            .join(", "),
        did_you_mean(nearest(key, keys), str::to_string)
    ))
}

/// `; did you mean `...`?` when there is a near name.
fn did_you_mean<T>(near: Option<T>, write: impl Fn(T) -> String) -> String {
    near.map_or_else(String::new, |near| format!("; did you mean `{}`?", write(near)))
}
