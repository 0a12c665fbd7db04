//! `iam/redundant-action`: an item of an `Action`/`NotAction` list that another item of
//! the same list already covers.

use std::collections::HashMap;

use super::actions::{ActionPattern, action_lists};
use super::{ActionRef, remove_redundant};
use crate::finding::Diagnostic;
use crate::fix::Applicability;
use crate::model::FileModel;
use crate::rules::budget::thousands;
use crate::rules::{Budget, Rule, shared};
use crate::source::Span;

pub struct RedundantAction;

/// Units of comparison (one item against another, plus one per 64 actions their expansions
/// hold) the rule may spend on one file. Items are compared only with those that can cover them
/// (see [`Candidates`]), so real lists spend a few per item (AWS's largest managed
/// policies under 20,000); 100,000 wildcards of one service would need 10^10.
const COMPARISON_BUDGET: usize = 2_000_000;

impl Rule for RedundantAction {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        let table = shared::actions(file);
        let mut budget = Budget::new(COMPARISON_BUDGET);
        for (_, list) in action_lists(file) {
            let patterns = ActionPattern::all(table, list);
            let candidates = Candidates::new(&patterns);
            let spans: Vec<Span> = list.items.iter().map(|i| i.span).collect();
            for (index, pattern) in patterns.iter().enumerate() {
                let cover = match covering(&patterns, &candidates, index, &mut budget) {
                    Ok(Some(cover)) => cover,
                    Ok(None) => continue,
                    Err(()) => {
                        out.push(Diagnostic::analysis_limit(
                            pattern.span,
                            format!(
                                "comparing action items that may cover each other took more than {} comparisons in this file; this item and the ones after it were not checked",
                                thousands(budget.limit())
                            ),
                        ));
                        return;
                    }
                };
                let duplicate = cover.text.eq_ignore_ascii_case(pattern.text);
                let message = if duplicate {
                    format!("`{}` is listed twice", pattern.text)
                } else if cover.glob_covers(pattern) || matches!(*cover.resolved, ActionRef::Everything) {
                    format!("`{}` is already covered by `{}`", pattern.text, cover.text)
                } else {
                    // Covered by the catalog's expansion only: true of today's actions.
                    format!(
                        "every action `{}` matches is already matched by `{}`",
                        pattern.text, cover.text
                    )
                };
                // Removing an item that only today's catalog shows covered would drop the
                // actions AWS may add later that it matches and its cover does not.
                let applicability = if duplicate
                    || cover.glob_covers(pattern)
                    || matches!(*cover.resolved, ActionRef::Everything)
                {
                    Applicability::Safe
                } else {
                    Applicability::Unsafe
                };
                let fix = remove_redundant(file, &spans, pattern.span, pattern.text, applicability);
                let diagnostic = Diagnostic::new(pattern.span, message)
                    .help("remove it: the list means the same without it")
                    .label(
                        cover.span,
                        if duplicate {
                            "first listed here"
                        } else {
                            "covers it"
                        },
                    );
                out.push(match fix {
                    Some(fix) => diagnostic.fix(fix),
                    None => diagnostic,
                });
            }
        }
    }
}

/// Which items may cover which, so that an item is compared only with those:
/// - an item without wildcards is covered only by one naming the same action (or, when
///   the catalog does not know it, written the same way), by a wildcard of its service,
///   or by an item whose service part is a wildcard (`*`, `*code*:Get*`);
/// - a wildcard of a service by the other wildcards of that service, by an item without
///   wildcards when it expands to that one action, and by wildcard services;
/// - a wildcard service only by the other wildcard services.
///
/// AWS's read-only policies list 1,500 actions; comparing each with all others is too slow.
struct Candidates {
    /// Items without wildcards by what they name.
    literals: HashMap<Named, Vec<usize>>,
    /// Items with wildcards by their (lowercased) service prefix.
    wildcards: HashMap<String, Vec<usize>>,
    /// Wildcard items without a literal service prefix.
    open: Vec<usize>,
}

/// What an item without wildcards names: a catalog action (by address), or its text.
#[derive(Clone, PartialEq, Eq, Hash)]
enum Named {
    Action(usize),
    Text(String),
}

impl Named {
    fn literal(pattern: &ActionPattern) -> Named {
        match pattern.expansion() {
            Some((_, [action])) if !pattern.text.contains(['*', '?']) => {
                Named::Action(*action as *const _ as usize)
            }
            // Lowercased as glob comparisons fold it.
            _ => Named::Text(pattern.text.chars().flat_map(char::to_lowercase).collect()),
        }
    }
}

impl Candidates {
    fn new(patterns: &[ActionPattern]) -> Candidates {
        let mut candidates = Candidates {
            literals: HashMap::new(),
            wildcards: HashMap::new(),
            open: Vec::new(),
        };
        for (index, pattern) in patterns.iter().enumerate() {
            if !pattern.text.contains(['*', '?']) {
                candidates
                    .literals
                    .entry(Named::literal(pattern))
                    .or_default()
                    .push(index);
            } else if let Some(prefix) = pattern.literal_prefix() {
                candidates.wildcards.entry(prefix).or_default().push(index);
            } else {
                candidates.open.push(index);
            }
        }
        candidates
    }

    /// The items that may cover `pattern`, in list order: up to three sorted lists.
    fn of(&self, pattern: &ActionPattern) -> [&[usize]; 3] {
        let none: &[usize] = &[];
        let Some(prefix) = pattern.literal_prefix() else {
            if pattern.text.contains(['*', '?']) {
                return [&self.open, none, none];
            }
            let same = self.literals.get(&Named::literal(pattern));
            return [same.map_or(none, Vec::as_slice), &self.open, none];
        };
        let wildcards = self.wildcards.get(&prefix).map_or(none, Vec::as_slice);
        let literals = if !pattern.text.contains(['*', '?']) {
            self.literals.get(&Named::literal(pattern))
        } else {
            match pattern.expansion() {
                Some((_, [action])) => self.literals.get(&Named::Action(*action as *const _ as usize)),
                _ => None,
            }
        };
        [literals.map_or(none, Vec::as_slice), wildcards, &self.open]
    }
}

/// The indexes of three sorted lists, merged in order.
fn merged<'l>(lists: [&'l [usize]; 3]) -> impl Iterator<Item = usize> + 'l {
    let mut at = [0usize; 3];
    std::iter::from_fn(move || {
        let (list, &next) = (0..3)
            .filter_map(|l| lists[l].get(at[l]).map(|n| (l, n)))
            .min_by_key(|&(_, n)| *n)?;
        at[list] += 1;
        Some(next)
    })
}

/// What one comparison costs: one, plus one per 64 actions of both expansions (their
/// subset test is a merge).
fn cost(this: &ActionPattern, other: &ActionPattern) -> usize {
    let expanded = |p: &ActionPattern| p.expansion().map_or(0, |(_, actions)| actions.len());
    1 + (expanded(this) + expanded(other)) / 64
}

/// The item that makes `patterns[index]` redundant. When two items cover each other, only
/// one of them is redundant: the narrower one as a glob (`s3:GetObjectT*` and
/// `s3:GetObjectTorrent` expand alike, but only the pattern matches actions added later),
/// else the later one. `Err` when the budget runs out.
fn covering<'p, 's, 'c>(
    patterns: &'p [ActionPattern<'s, 'c>],
    candidates: &Candidates,
    index: usize,
    budget: &mut Budget,
) -> Result<Option<&'p ActionPattern<'s, 'c>>, ()> {
    let this = &patterns[index];
    for other_index in merged(candidates.of(this)) {
        let other = &patterns[other_index];
        if other_index == index {
            continue;
        }
        if !budget.spend(cost(this, other)) {
            return Err(());
        }
        if !this.covered_by(other) {
            continue;
        }
        if !other.covered_by(this) {
            return Ok(Some(other));
        }
        let redundant = match (this.glob_covers(other), other.glob_covers(this)) {
            (false, true) => true,
            (true, false) => false,
            _ => other_index < index,
        };
        if redundant {
            return Ok(Some(other));
        }
    }
    Ok(None)
}
