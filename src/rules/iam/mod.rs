//! IAM policy validation: grammar, actions, resources, conditions and principals checked
//! against the embedded catalog. This module owns what the `iam/` rules share: resolving
//! an action pattern against the catalog and suggesting the nearest known name.

pub mod action_matches_nothing;
pub mod actions;
pub mod allow_with_not_action;
pub mod allow_with_not_principal;
pub mod allow_with_not_resource;
pub mod arn;
pub mod condition_bypass;
pub mod condition_key_not_supported;
pub mod condition_type_mismatch;
pub mod condition_values;
pub mod conditions;
pub mod conflicting_elements;
pub mod create_slr_star;
pub mod deny_guard_incomplete;
pub mod duplicate_key;
pub mod duplicate_sid;
pub mod element_not_allowed;
pub mod empty_element;
pub mod for_all_values_single_valued;
pub mod full_access;
pub mod grammar;
pub mod invalid_arn;
pub mod invalid_condition_value;
pub mod invalid_effect;
pub mod invalid_element_type;
pub mod invalid_ip_range;
pub mod invalid_principal;
pub mod invalid_sid;
pub mod invalid_version;
pub mod mfa_bad_pattern;
pub mod missing_element;
pub mod missing_set_qualifier;
pub mod missing_version;
pub mod null_condition;
pub mod oidc_trust_unrestricted;
pub mod old_version;
pub mod organization_policy_syntax;
pub mod pass_role_star;
pub mod policy_shape;
pub mod policy_size;
pub mod policy_variable;
pub mod principal_unique_id;
pub mod private_ip;
pub mod raw;
pub mod rcp_guard_condition;
pub mod redundant_action;
pub mod redundant_condition_value;
pub mod redundant_principal;
pub mod redundant_resource;
pub mod redundant_statement;
pub mod resource_mismatch;
pub mod resource_star;
pub mod service_principal_without_source;
pub mod string_operator_on_arn_key;
pub mod trust_action_mismatch;
pub mod undocumented_action;
pub mod unknown_action;
pub mod unknown_condition_key;
pub mod unknown_condition_operator;
pub mod unknown_element;
pub mod unknown_service;
pub mod wildcard_condition;
pub mod wildcard_in_service;
pub mod wildcard_without_like;

use crate::catalog::{Action, Catalog, Service};

/// What one `Action`/`NotAction` item names, according to the catalog.
pub enum ActionRef<'c> {
    /// `*`: every action of every service.
    Everything,
    /// A known service and the actions the pattern matches (at least one).
    Matched {
        service: &'c Service,
        actions: Vec<&'c Action>,
    },
    /// The prefix is not a service.
    UnknownService { prefix: String },
    /// A literal name that the service does not have.
    UnknownAction { service: &'c Service, name: String },
    /// A wildcard pattern that matches no action of the service.
    NoMatch { service: &'c Service, pattern: String },
    /// A wildcard in the service part (`*code*:Get*`).
    ServiceWildcard,
    /// Not of the form `service:action`.
    Malformed,
}

pub fn resolve_action<'c>(catalog: &'c Catalog, text: &str) -> ActionRef<'c> {
    if text == "*" {
        return ActionRef::Everything;
    }
    let Some((prefix, name)) = text.split_once(':') else {
        return ActionRef::Malformed;
    };
    if prefix.is_empty() || name.is_empty() {
        return ActionRef::Malformed;
    }
    if prefix.contains(['*', '?']) {
        return ActionRef::ServiceWildcard;
    }
    let Some(service) = catalog.service(prefix) else {
        return ActionRef::UnknownService {
            prefix: prefix.to_string(),
        };
    };
    if name.contains(['*', '?']) {
        let actions = service.matching(name);
        if actions.is_empty() {
            return ActionRef::NoMatch {
                service,
                pattern: name.to_string(),
            };
        }
        return ActionRef::Matched { service, actions };
    }
    match service.action(name) {
        Some(action) => ActionRef::Matched {
            service,
            actions: vec![action],
        },
        None => ActionRef::UnknownAction {
            service,
            name: name.to_string(),
        },
    }
}

/// The candidate closest to `word` by edit distance (case-insensitive), if it is close
/// enough to be a plausible typo.
pub fn nearest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    // One character is too little to guess from, and names are short: beyond that, no
    // suggestion (and no quadratic work on a pathological string).
    if !(2..=128).contains(&word.chars().count()) {
        return None;
    }
    let word = word.to_ascii_lowercase();
    let limit = (word.len() / 3).clamp(1, 4);
    candidates
        .filter(|c| c.len().abs_diff(word.len()) <= limit)
        .map(|c| (edit_distance(&word, &c.to_ascii_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, c.len()))
        .map(|(_, c)| c)
}

/// Levenshtein distance over characters, with one row of memory.
pub(super) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = if ca == cb {
                previous
            } else {
                1 + previous.min(row[j]).min(current)
            };
            previous = current;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_patterns_against_the_catalog() {
        let catalog = Catalog::global();
        assert!(matches!(resolve_action(catalog, "*"), ActionRef::Everything));
        assert!(
            matches!(resolve_action(catalog, "rds:Create*"), ActionRef::Matched { actions, .. } if actions.len() > 5)
        );
        assert!(matches!(
            resolve_action(catalog, "rds:CreateDBInstanse"),
            ActionRef::UnknownAction { .. }
        ));
        assert!(matches!(
            resolve_action(catalog, "rdss:CreateDBInstance"),
            ActionRef::UnknownService { .. }
        ));
        assert!(matches!(
            resolve_action(catalog, "rds:Frobnicate*"),
            ActionRef::NoMatch { .. }
        ));
        assert!(matches!(resolve_action(catalog, "rds"), ActionRef::Malformed));
    }

    #[test]
    fn suggestions_are_near_misses_only() {
        let names = ["CreateDBInstance", "CreateDBCluster", "DeleteDBInstance"];
        assert_eq!(
            nearest("CreateDBInstanse", names.into_iter()),
            Some("CreateDBInstance")
        );
        assert_eq!(nearest("Frobnicate", names.into_iter()), None);
    }
}
