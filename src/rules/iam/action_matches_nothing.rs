//! `iam/action-matches-nothing`: a wildcard pattern of a known service that matches none of
//! its actions (`s3:Gett*`).

use std::collections::BTreeSet;

use super::actions::{action_lists, literal_items};
use super::{ActionRef, nearest};
use crate::catalog::Service;
use crate::finding::Diagnostic;
use crate::model::FileModel;
use crate::rules::{Rule, shared};

pub struct ActionMatchesNothing;

impl Rule for ActionMatchesNothing {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        let table = shared::actions(file);
        for (_, list) in action_lists(file) {
            for (item, text) in literal_items(list) {
                let ActionRef::NoMatch { service, pattern } = &*table.get(text) else {
                    continue;
                };
                let prefix = text.split_once(':').map_or(text, |(prefix, _)| prefix);
                let diagnostic = Diagnostic::new(
                    item.span,
                    format!("`{text}` matches no action of {}", service.name),
                );
                out.push(match suggest_pattern(service, pattern) {
                    Some(suggestion) => diagnostic.help(format!("did you mean `{prefix}:{suggestion}`?")),
                    None => diagnostic.help(format!(
                        "the actions of {} are listed in the Service Authorization Reference",
                        service.name
                    )),
                });
            }
        }
    }
}

/// A close pattern that matches something: for `Gett*` the prefixes of real action names
/// (`Get*`), for `*Objectt` their suffixes (`*Object`). Other shapes get no suggestion.
fn suggest_pattern(service: &Service, pattern: &str) -> Option<String> {
    let stars = pattern.matches(['*', '?']).count();
    let names = service.actions.iter().map(|a| a.name);
    if stars == 1 && pattern.ends_with('*') {
        let literal = &pattern[..pattern.len() - 1];
        let candidates = affixes(names, literal.len(), |name, n| name.get(..n));
        nearest(literal, candidates.iter().map(String::as_str)).map(|p| format!("{p}*"))
    } else if stars == 1 && pattern.starts_with('*') {
        let literal = &pattern[1..];
        let candidates = affixes(names, literal.len(), |name, n| {
            name.len().checked_sub(n).and_then(|start| name.get(start..))
        });
        nearest(literal, candidates.iter().map(String::as_str)).map(|s| format!("*{s}"))
    } else {
        None
    }
}

/// The distinct prefixes (or suffixes) of the names, one character shorter, as long and one
/// longer than `len`: what a one-letter typo in the literal part can be fixed to.
fn affixes<'a>(
    names: impl Iterator<Item = &'a str>,
    len: usize,
    cut: impl Fn(&'a str, usize) -> Option<&'a str>,
) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for name in names {
        for n in [len.saturating_sub(1), len, len + 1] {
            if let Some(part) = cut(name, n).filter(|p| !p.is_empty()) {
                found.insert(part.to_string());
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    #[test]
    fn suggests_a_pattern_that_matches() {
        let s3 = Catalog::global().service("s3").unwrap();
        assert_eq!(suggest_pattern(s3, "Gett*").as_deref(), Some("Get*"));
        assert_eq!(suggest_pattern(s3, "*Objectt").as_deref(), Some("*Object"));
        assert_eq!(suggest_pattern(s3, "Frobnicate*"), None);
    }
}
