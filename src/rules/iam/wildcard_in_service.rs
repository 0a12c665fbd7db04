//! `iam/wildcard-in-service`: a wildcard in the service part of an action (`*code*:Get*`),
//! which also matches services added later.

use std::collections::HashMap;

use super::ActionRef;
use super::actions::{action_lists, literal_items};
use crate::catalog::Catalog;
use crate::finding::Diagnostic;
use crate::model::{FileModel, action_matches};
use crate::rules::budget::thousands;
use crate::rules::{Budget, Rule, shared};

pub struct WildcardInService;

/// Catalog names (prefixes, and the actions of the services whose prefix matches) the
/// rule may compare wildcards with on one file. One pattern costs about 500; 100,000
/// distinct patterns would cost 50,000,000.
const MATCH_BUDGET: usize = 5_000_000;

/// The services (sorted prefixes) whose prefix matches `pattern` and that have an action
/// matching `name`; `None` when the budget runs out.
fn services_reached(
    catalog: &'static Catalog,
    pattern: &str,
    name: &str,
    budget: &mut Budget,
) -> Option<Vec<&'static str>> {
    let mut prefixes = Vec::new();
    for prefix in catalog.prefixes() {
        if !budget.spend(1) {
            return None;
        }
        if !action_matches(pattern, prefix) {
            continue;
        }
        let Some(service) = catalog.service(prefix) else {
            continue;
        };
        if !budget.spend(service.matching_cost(name)) {
            return None;
        }
        if !service.matching(name).is_empty() {
            prefixes.push(prefix);
        }
    }
    prefixes.sort_unstable();
    Some(prefixes)
}

/// How many of the matching services the help names before "and N more".
const NAMED: usize = 6;

impl Rule for WildcardInService {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        let catalog = Catalog::global();
        let table = shared::actions(file);
        let mut budget = Budget::new(MATCH_BUDGET);
        // The services each distinct pattern reaches.
        let mut reached: HashMap<&str, Vec<&str>> = HashMap::new();
        for (_, list) in action_lists(file) {
            for (item, text) in literal_items(list) {
                if !matches!(*table.get(text), ActionRef::ServiceWildcard) {
                    continue;
                }
                let (pattern, name) = text.split_once(':').unwrap_or((text, ""));
                if !reached.contains_key(text) {
                    let Some(prefixes) = services_reached(catalog, pattern, name, &mut budget) else {
                        out.push(Diagnostic::analysis_limit(
                            item.span,
                            format!(
                                "matching wildcard service prefixes against the catalog took more than {} comparisons in this file; this item and the later ones were not checked",
                                thousands(MATCH_BUDGET)
                            ),
                        ));
                        return;
                    };
                    reached.insert(text, prefixes);
                }
                let prefixes = &reached[text];
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
