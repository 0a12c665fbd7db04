//! `iam/wildcard-in-service`: a wildcard in the service part of an action (`*code*:Get*`),
//! which also matches services added later.

use super::actions::{action_lists, literal_items};
use super::{ActionRef, resolve_action};
use crate::catalog::Catalog;
use crate::finding::Diagnostic;
use crate::model::{FileModel, action_matches};
use crate::rules::Rule;

pub struct WildcardInService;

/// How many of the matching services the help names before "and N more".
const NAMED: usize = 6;

impl Rule for WildcardInService {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        let catalog = Catalog::global();
        for (_, list) in action_lists(file) {
            for (item, text) in literal_items(list) {
                if !matches!(resolve_action(catalog, text), ActionRef::ServiceWildcard) {
                    continue;
                }
                let (pattern, name) = text.split_once(':').unwrap_or((text, ""));
                // The services the pattern reaches today: prefix and action part both match.
                let mut prefixes: Vec<&str> = catalog
                    .prefixes()
                    .filter(|p| action_matches(pattern, p))
                    .filter(|p| {
                        catalog
                            .service(p)
                            .is_some_and(|s| s.actions.iter().any(|a| action_matches(name, &a.name)))
                    })
                    .collect();
                prefixes.sort_unstable();
                let diagnostic = Diagnostic::new(
                    item.span,
                    format!("`{text}` has a wildcard in the service prefix"),
                );
                let help = match prefixes.len() {
                    0 => "the pattern matches no service today; name the services explicitly".to_string(),
                    n => {
                        let mut listed: Vec<String> = prefixes
                            .iter()
                            .take(NAMED)
                            .map(|p| format!("`{p}:{name}`"))
                            .collect();
                        if n > NAMED {
                            listed.push(format!("{} more", n - NAMED));
                        }
                        format!(
                            "it matches {n} service{} today and any service added later that fits; list them instead: {}",
                            if n == 1 { "" } else { "s" },
                            listed.join(", ")
                        )
                    }
                };
                out.push(diagnostic.help(help));
            }
        }
    }
}
