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
use crate::model::FileModel;
use crate::source::Span;

/// What one `Action`/`NotAction` item names, according to the catalog.
#[derive(Clone)]
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
    /// A wildcard of a known service that was not compared with the service's actions,
    /// because the file's budget for that was spent (see [`actions::ActionTable`]).
    Unexpanded,
    /// Not of the form `service:action`.
    Malformed,
}

pub fn resolve_action<'c>(catalog: &'c Catalog, text: &str) -> ActionRef<'c> {
    resolve_within(catalog, text, &mut crate::rules::Budget::new(usize::MAX))
}

/// [`resolve_action`], spending from `budget` the names a wildcard is compared with, and
/// [`ActionRef::Unexpanded`] when they are not there.
pub fn resolve_within<'c>(
    catalog: &'c Catalog,
    text: &str,
    budget: &mut crate::rules::Budget,
) -> ActionRef<'c> {
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
        if !budget.spend(service.matching_cost(name)) {
            return ActionRef::Unexpanded;
        }
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
    nearest_within(word, candidates, &mut crate::rules::Budget::new(usize::MAX)).flatten()
}

/// [`nearest`], spending from `budget` the cells of the edit-distance tables it fills;
/// `None` when they are not there. A distance is computed only as far as it can still be
/// within the limit, so most candidates cost a few rows.
pub fn nearest_within<'a>(
    word: &str,
    candidates: impl Iterator<Item = &'a str>,
    budget: &mut crate::rules::Budget,
) -> Option<Option<&'a str>> {
    nearest_capped(word, candidates, usize::MAX, budget)
}

/// [`nearest_within`], for a caller that keeps only a candidate within `cap` edits: the
/// search looks no further than that (fewer candidates by length, shorter tables), and
/// finds the same candidate whenever the uncapped search finds one within `cap`, since
/// none it skips is nearer. An ASCII word's distances to the catalog's (ASCII) names are
/// the same either way; a word with other characters is searched uncapped, as its
/// caller's Unicode lowercasing may measure it differently.
pub(super) fn nearest_capped<'a>(
    word: &str,
    candidates: impl Iterator<Item = &'a str>,
    cap: usize,
    budget: &mut crate::rules::Budget,
) -> Option<Option<&'a str>> {
    // One character is too little to guess from, and names are short: beyond that, no
    // suggestion (and no quadratic work on a pathological string).
    if !(2..=128).contains(&word.chars().count()) {
        return Some(None);
    }
    let cap = if word.is_ascii() { cap } else { usize::MAX };
    let word = word.to_ascii_lowercase();
    let limit = (word.len() / 3).clamp(1, 4).min(cap);
    let chars: Vec<char> = word.chars().collect();
    let mut best: Option<(usize, &str)> = None;
    let (mut row, mut other) = (Vec::new(), Vec::new());
    // Names are ASCII: compare their bytes, lowercased as they are read.
    let same_byte = |w: u8, c: u8| w == c.to_ascii_lowercase();
    for candidate in candidates {
        if candidate.len().abs_diff(word.len()) > limit {
            continue;
        }
        let (distance, cells) = if word.is_ascii() && candidate.is_ascii() {
            distance_within(word.as_bytes(), candidate.as_bytes(), limit, &mut row, same_byte)
        } else {
            other.clear();
            other.extend(candidate.chars().map(|c| c.to_ascii_lowercase()));
            distance_within(&chars, &other, limit, &mut row, |w, c| w == c)
        };
        if !budget.spend(cells) {
            return None;
        }
        let Some(distance) = distance else { continue };
        // The first of the nearest, shortest candidates.
        if best.is_none_or(|(d, c)| (distance, candidate.len()) < (d, c.len())) {
            best = Some((distance, candidate));
        }
    }
    Some(best.map(|(_, c)| c))
}

/// The fix of a redundant list item: the item at `span` removed from the list whose items
/// are written at `items`, with its separator (see [`crate::fix::syntax::remove_item`]).
pub fn remove_redundant(
    file: &FileModel<'_>,
    items: &[Span],
    span: Span,
    written: &str,
    applicability: crate::fix::Applicability,
) -> Option<crate::fix::Fix> {
    let index = items.iter().position(|s| *s == span)?;
    let edit = crate::fix::syntax::remove_item(file.texts.get(span.file), items, index)?;
    Some(crate::fix::Fix {
        applicability,
        message: format!("remove `{written}`"),
        edits: vec![edit],
    })
}

/// Whether `word` has exactly one near match among `candidates` (within two edits,
/// case-insensitive, as a did-you-mean needs): only then is a rename a safe fix, since
/// with two near names the author's intent is a guess.
pub fn only_near_match<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let word = word.to_lowercase();
    let limit = (word.len() / 3).clamp(1, 2);
    let mut found: Option<&'a str> = None;
    for candidate in candidates {
        if candidate.len().abs_diff(word.len()) > limit
            || edit_distance(&word, &candidate.to_lowercase()) > limit
        {
            continue;
        }
        if found.is_some_and(|f| !f.eq_ignore_ascii_case(candidate)) {
            return None;
        }
        found = Some(candidate);
    }
    found
}

/// The Levenshtein distance between `a` and `b` (characters or bytes, equal when `same`
/// says so), when it is at most `limit`; and the number of cells filled.
/// Only the band of cells within `limit` of the diagonal can hold a distance within the
/// limit (Ukkonen), and a row whose band is all over the limit ends the computation: no
/// later row can come back under it.
fn distance_within<T: Copy>(
    a: &[T],
    b: &[T],
    limit: usize,
    row: &mut Vec<usize>,
    same: impl Fn(T, T) -> bool,
) -> (Option<usize>, usize) {
    let over = limit + 1;
    row.clear();
    row.extend((0..=b.len()).map(|j| j.min(over)));
    let mut cells = b.len() + 1;
    for (i, &ca) in a.iter().enumerate() {
        let i = i + 1;
        let (from, to) = (i.saturating_sub(limit), (i + limit).min(b.len()));
        if from > to {
            return (None, cells);
        }
        // `previous` is row[i-1][j-1]; cells left of the band are over the limit.
        let mut previous = if from == 0 { row[0] } else { row[from - 1] };
        if from == 0 {
            row[0] = i.min(over);
        } else {
            row[from - 1] = over;
        }
        let mut smallest = over;
        for j in from.max(1)..=to {
            let current = row[j];
            let value = if same(ca, b[j - 1]) {
                previous
            } else {
                1 + previous.min(row[j - 1]).min(current)
            };
            row[j] = value.min(over);
            smallest = smallest.min(row[j]);
            previous = current;
        }
        if from == 0 {
            smallest = smallest.min(row[0]);
        }
        // The cell right of the band is over the limit in this row.
        if to < b.len() {
            row[to + 1] = over;
        }
        cells += to + 1 - from;
        if smallest > limit {
            return (None, cells);
        }
    }
    let distance = row[b.len()];
    ((distance <= limit).then_some(distance), cells)
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
        // The bounded distance agrees with the full one within the limit.
        for (a, b) in [
            ("createdbinstanse", "CreateDBInstance"),
            ("gett", "Get"),
            ("abc", "xyz"),
            ("describeinstances", "DescribeInstanceStatus"),
            ("ab", "abcdef"),
            ("kitten", "sitting"),
            ("", "ab"),
        ] {
            let chars: Vec<char> = a.chars().collect();
            let full = edit_distance(a, &b.to_ascii_lowercase());
            for limit in 0..5 {
                let lower: Vec<char> = b.to_ascii_lowercase().chars().collect();
                let (bounded, _) = distance_within(&chars, &lower, limit, &mut Vec::new(), |x, y| x == y);
                assert_eq!(bounded, (full <= limit).then_some(full), "{a} {b} {limit}");
            }
        }
        // Every pair of short words over a small alphabet.
        let words: Vec<String> = (0..400u32)
            .map(|n| {
                let len = n % 7;
                (0..len)
                    .map(|k| ['a', 'b', 'c'][((n / 7 + k * 5) % 3) as usize])
                    .collect()
            })
            .collect();
        for a in &words {
            let chars: Vec<char> = a.chars().collect();
            for b in words.iter().step_by(7) {
                let full = edit_distance(a, b);
                let b_chars: Vec<char> = b.chars().collect();
                for limit in 0..5 {
                    let (bounded, _) =
                        distance_within(&chars, &b_chars, limit, &mut Vec::new(), |x, y| x == y);
                    assert_eq!(bounded, (full <= limit).then_some(full), "{a} {b} {limit}");
                }
            }
        }
    }
}
