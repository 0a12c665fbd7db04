//! `iam/redundant-resource`: a `Resource`/`NotResource` item that another item of the same
//! list already covers (the same ARN twice, or an ARN inside a wildcard ARN).

use std::collections::HashMap;

use crate::finding::Diagnostic;
use crate::fix::Applicability;
use crate::model::{ElementItem, FileModel};
use crate::rules::budget::thousands;
use crate::rules::iam::{arn, remove_redundant};
use crate::rules::{Budget, Rule};
use crate::source::Span;

pub struct RedundantResource;

/// Comparisons of one item with another the rule may spend on one file. An item is compared only with the items written the same way
/// and the wildcards whose literal start it begins with (see [`Candidates`]); 100,000
/// wildcards that all start `arn:aws:s3:::` would need 10^10.
const COMPARISON_BUDGET: usize = 5_000_000;

impl Rule for RedundantResource {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        let mut budget = Budget::new(COMPARISON_BUDGET);
        for doc in &file.policies {
            for statement in &doc.statements {
                let Some(resources) = &statement.resource else {
                    continue;
                };
                let literal: Vec<(&ElementItem, &str)> = resources
                    .items
                    .iter()
                    .filter_map(|i| i.text.as_deref().map(|t| (i, t)))
                    .collect();
                let candidates = Candidates::new(&literal);
                for (index, &(item, text)) in literal.iter().enumerate() {
                    match redundancy(&literal, &candidates, index, item, text, &mut budget) {
                        Ok(Some(diagnostic)) => {
                            // An ARN inside another (or `*`) field by field, or the same
                            // ARN twice: the list matches the same resources without it.
                            let spans: Vec<Span> = resources.items.iter().map(|i| i.span).collect();
                            let fix = remove_redundant(file, &spans, item.span, text, Applicability::Safe);
                            out.push(match fix {
                                Some(fix) => diagnostic.fix(fix),
                                None => diagnostic,
                            })
                        }
                        Ok(None) => {}
                        Err(()) => {
                            out.push(Diagnostic::analysis_limit(
                                item.span,
                                format!(
                                    "comparing resources that may cover each other took more than {} comparisons in this file; this resource and the ones after it were not checked",
                                    thousands(budget.limit())
                                ),
                            ));
                            return;
                        }
                    }
                }
            }
        }
    }
}

/// Which items may cover which. An item covers another only when both are written the
/// same way, or when it has a wildcard and the other starts with its literal part (the
/// text before its first `*`, `?` or `${`): items by their text, and a trie of the
/// wildcards' literal parts.
struct Candidates<'t> {
    by_text: HashMap<&'t str, Vec<usize>>,
    trie: Trie,
}

/// Byte trie of the literal parts of the wildcard items.
struct Trie {
    edges: HashMap<(usize, u8), usize>,
    /// The wildcard items whose literal part ends at each node, in list order.
    items: Vec<Vec<usize>>,
}

impl<'t> Candidates<'t> {
    fn new(items: &[(&ElementItem, &'t str)]) -> Candidates<'t> {
        let mut by_text: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut trie = Trie {
            edges: HashMap::new(),
            items: vec![Vec::new()],
        };
        for (index, &(_, text)) in items.iter().enumerate() {
            by_text.entry(text).or_default().push(index);
            if !text.contains(['*', '?']) {
                continue;
            }
            let mut node = 0;
            for &byte in arn::literal_prefix(text).as_bytes() {
                let next = trie.items.len();
                node = *trie.edges.entry((node, byte)).or_insert(next);
                if node == next {
                    trie.items.push(Vec::new());
                }
            }
            trie.items[node].push(index);
        }
        Candidates { by_text, trie }
    }

    /// The items that may cover `text`, in list order (itself included).
    fn of(&self, text: &str) -> Vec<usize> {
        let mut found: Vec<usize> = self.by_text.get(text).cloned().unwrap_or_default();
        let mut node = 0;
        found.extend(&self.trie.items[0]);
        for &byte in text.as_bytes() {
            let Some(&next) = self.trie.edges.get(&(node, byte)) else {
                break;
            };
            node = next;
            found.extend(&self.trie.items[node]);
        }
        found.sort_unstable();
        found.dedup();
        found
    }
}

/// The finding for the item at `index` when another item covers it. Of two items that
/// cover each other, the later one is redundant. `Err` when the budget runs out.
fn redundancy(
    items: &[(&ElementItem, &str)],
    candidates: &Candidates,
    index: usize,
    item: &ElementItem,
    text: &str,
    budget: &mut Budget,
) -> Result<Option<Diagnostic>, ()> {
    let found = candidates.of(text);
    if !budget.spend(found.len()) {
        return Err(());
    }
    let mut covering = None;
    for other in found {
        let outer = items[other].1;
        if other == index {
            continue;
        }
        if !budget.spend(1) {
            return Err(());
        }
        if covers(outer, text) && (other < index || !covers(text, outer)) {
            covering = Some(items[other]);
            break;
        }
    }
    let Some((cover, outer)) = covering else {
        return Ok(None);
    };
    let diagnostic = if outer == text {
        Diagnostic::new(item.span, format!("`{text}` is listed twice")).label(cover.span, "first listed here")
    } else {
        Diagnostic::new(item.span, format!("`{text}` is already covered by `{outer}`"))
            .label(cover.span, "covers it")
    };
    Ok(Some(diagnostic.help("remove the redundant entry")))
}

/// Coverage field by field, so that a wildcard never spans the colons between ARN fields
/// (whichever way IAM reads them, such coverage holds).
fn covers(outer: &str, inner: &str) -> bool {
    if outer == inner || outer == "*" {
        return true;
    }
    if !outer.contains(['*', '?']) || !inner.starts_with(arn::literal_prefix(outer)) {
        return false;
    }
    // Field by field coverage implies a match of the whole texts (the colons match each
    // other): a literal that the whole pattern does not match is settled without splitting
    // either into fields.
    if !inner.contains(['*', '?', '$'])
        && !outer.contains('$')
        && !crate::eval::context::wildcard(outer, inner, false)
    {
        return false;
    }
    let (Some(o), Some(i)) = (arn::Arn::parse(outer), arn::Arn::parse(inner)) else {
        return false;
    };
    arn::covers(o.partition, i.partition)
        && arn::covers(o.service, i.service)
        && arn::covers(o.region, i.region)
        && arn::covers(o.account, i.account)
        && arn::covers(o.resource, i.resource)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_wildcards_cover_but_bucket_and_objects_differ() {
        assert!(covers("arn:aws:s3:::logs/*", "arn:aws:s3:::logs/2024/*"));
        assert!(covers("*", "arn:aws:s3:::logs"));
        assert!(!covers("arn:aws:s3:::logs/*", "arn:aws:s3:::logs"));
        assert!(!covers("arn:aws:s3:::logs", "arn:aws:s3:::logs/*"));
        assert!(!covers(
            "arn:aws:iam::*:role/${aws:username}",
            "arn:aws:iam::*:role/bob"
        ));
        assert!(!covers(
            "arn:aws:logs:*:*:/aws/lambda/x*",
            "arn:aws:logs:*:*:log-group:/aws/lambda/x*"
        ));
        assert!(covers(
            "arn:aws:logs:*:*:*",
            "arn:aws:logs:us-east-1:*:log-group:a:*"
        ));
    }
}
