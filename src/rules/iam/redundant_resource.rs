//! `iam/redundant-resource`: a `Resource`/`NotResource` item that another item of the same
//! list already covers (the same ARN twice, or an ARN inside a wildcard ARN).

use crate::finding::Diagnostic;
use crate::model::{ElementItem, FileModel};
use crate::rules::Rule;
use crate::rules::iam::arn;

pub struct RedundantResource;

impl Rule for RedundantResource {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
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
                for (index, &(item, text)) in literal.iter().enumerate() {
                    if let Some(diagnostic) = redundancy(&literal, index, item, text) {
                        out.push(diagnostic);
                    }
                }
            }
        }
    }
}

/// The finding for the item at `index` when another item covers it. Of two items that
/// cover each other, the later one is redundant.
fn redundancy(
    items: &[(&ElementItem, &str)],
    index: usize,
    item: &ElementItem,
    text: &str,
) -> Option<Diagnostic> {
    let covering = items.iter().enumerate().find(|&(other, &(_, outer))| {
        other != index && covers(outer, text) && (other < index || !covers(text, outer))
    });
    let (_, &(cover, outer)) = covering?;
    let diagnostic = if outer == text {
        Diagnostic::new(item.span, format!("`{text}` is listed twice")).label(cover.span, "first listed here")
    } else {
        Diagnostic::new(item.span, format!("`{text}` is already covered by `{outer}`"))
            .label(cover.span, "covers it")
    };
    Some(diagnostic.help("remove the redundant entry"))
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
