//! `iam/redundant-action`: an item of an `Action`/`NotAction` list that another item of
//! the same list already covers.

use std::collections::HashMap;

use super::ActionRef;
use super::actions::{ActionPattern, action_lists};
use crate::catalog::Catalog;
use crate::finding::Diagnostic;
use crate::model::FileModel;
use crate::rules::Rule;

pub struct RedundantAction;

impl Rule for RedundantAction {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        let catalog = Catalog::global();
        for (_, list) in action_lists(file) {
            let patterns = ActionPattern::all(catalog, list);
            let candidates = Candidates::new(&patterns);
            for (index, pattern) in patterns.iter().enumerate() {
                let Some(cover) = covering(&patterns, &candidates, index) else {
                    continue;
                };
                let duplicate = cover.text.eq_ignore_ascii_case(pattern.text);
                let message = if duplicate {
                    format!("`{}` is listed twice", pattern.text)
                } else if cover.glob_covers(pattern) || matches!(cover.resolved, ActionRef::Everything) {
                    format!("`{}` is already covered by `{}`", pattern.text, cover.text)
                } else {
                    // Covered by the catalog's expansion only: true of today's actions.
                    format!(
                        "every action `{}` matches is already matched by `{}`",
                        pattern.text, cover.text
                    )
                };
                out.push(
                    Diagnostic::new(pattern.span, message)
                        .help("remove it: the list means the same without it")
                        .label(
                            cover.span,
                            if duplicate {
                                "first listed here"
                            } else {
                                "covers it"
                            },
                        ),
                );
            }
        }
    }
}

/// Which items may cover which: items with the same literal service prefix, plus every
/// item whose prefix is a wildcard (`*`, `*code*:Get*`) or missing. AWS's read-only
/// policies list 1,500 actions; comparing each with all others is too slow.
struct Candidates {
    by_prefix: HashMap<String, Vec<usize>>,
    open: Vec<usize>,
}

impl Candidates {
    fn new(patterns: &[ActionPattern]) -> Candidates {
        let mut by_prefix: HashMap<String, Vec<usize>> = HashMap::new();
        let mut open = Vec::new();
        for (index, pattern) in patterns.iter().enumerate() {
            match pattern.literal_prefix() {
                Some(prefix) => by_prefix.entry(prefix).or_default().push(index),
                None => open.push(index),
            }
        }
        Candidates { by_prefix, open }
    }

    /// The items that may cover `pattern`, in list order.
    fn of(&self, pattern: &ActionPattern) -> Vec<usize> {
        let same = pattern
            .literal_prefix()
            .and_then(|p| self.by_prefix.get(&p))
            .map_or(&[][..], Vec::as_slice);
        let mut all: Vec<usize> = same.iter().chain(&self.open).copied().collect();
        all.sort_unstable();
        all
    }
}

/// The item that makes `patterns[index]` redundant. When two items cover each other, only
/// one of them is redundant: the narrower one as a glob (`s3:GetObjectT*` and
/// `s3:GetObjectTorrent` expand alike, but only the pattern matches actions added later),
/// else the later one.
fn covering<'p, 's, 'c>(
    patterns: &'p [ActionPattern<'s, 'c>],
    candidates: &Candidates,
    index: usize,
) -> Option<&'p ActionPattern<'s, 'c>> {
    let this = &patterns[index];
    candidates.of(this).into_iter().find_map(|other_index| {
        let other = &patterns[other_index];
        if other_index == index || !this.covered_by(other) {
            return None;
        }
        if !other.covered_by(this) {
            return Some(other);
        }
        let redundant = match (this.glob_covers(other), other.glob_covers(this)) {
            (false, true) => true,
            (true, false) => false,
            _ => other_index < index,
        };
        redundant.then_some(other)
    })
}
