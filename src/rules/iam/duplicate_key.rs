//! `iam/duplicate-key`: a key written twice in one object of a policy document, and
//! condition keys of one operator block that differ only in case.

use std::collections::HashMap;

use crate::finding::Diagnostic;
use crate::model::FileModel;
use crate::parse::{Entry, Node, Value};
use crate::rules::Rule;

pub struct DuplicateKey;

/// What an object is in the policy grammar, which decides how a repeat is explained.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place<'n> {
    Document,
    Statement,
    /// The object of a `Condition` element: its keys are operators.
    Condition,
    /// The block of one condition operator: its keys are condition keys.
    Operator(&'n str),
    /// The object of `Principal` or `NotPrincipal`: its keys are principal types.
    Principal(&'n str),
    Other,
}

impl Rule for DuplicateKey {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        for doc in &file.policies {
            visit(&doc.source, Place::Document, out);
        }
    }
}

fn visit<'n>(node: &'n Node, place: Place<'n>, out: &mut Vec<Diagnostic>) {
    match &node.value {
        Value::Array(items) => {
            for item in items {
                visit(item, place, out);
            }
        }
        Value::Object(entries) => {
            // The first entry of each key, exactly and ignoring case: one pass, so a huge
            // object costs linear time.
            let mut seen: HashMap<&str, &Entry> = HashMap::with_capacity(entries.len());
            let mut seen_folded: HashMap<String, &Entry> = HashMap::new();
            for entry in entries {
                let exact = seen.get(entry.key.as_str()).copied();
                seen.entry(entry.key.as_str()).or_insert(entry);
                let folded = if let Place::Operator(_) = place {
                    let key = entry.key.to_ascii_lowercase();
                    let first = seen_folded.get(&key).copied();
                    seen_folded.entry(key).or_insert(entry);
                    first
                } else {
                    None
                };
                if let Some(first) = exact {
                    out.push(repeated(place, &entry.key, entry.key_span, first.key_span));
                } else if let Place::Operator(operator) = place
                    && let Some(first) = folded
                {
                    out.push(
                        Diagnostic::new(
                            entry.key_span,
                            format!(
                                "condition key `{}` repeats `{}` in another case in one `{operator}` block",
                                entry.key, first.key
                            ),
                        )
                        .label(first.key_span, "the same key")
                        .help(format!(
                            "condition keys are case-insensitive: merge the values into one `{}`",
                            first.key
                        )),
                    );
                }
                let child = match (place, entry.key.as_str()) {
                    (Place::Document, "Statement") => Place::Statement,
                    (Place::Statement, "Condition") => Place::Condition,
                    (Place::Statement, element @ ("Principal" | "NotPrincipal")) => Place::Principal(element),
                    (Place::Condition, operator) => Place::Operator(operator),
                    _ => Place::Other,
                };
                visit(&entry.value, child, out);
            }
        }
        _ => {}
    }
}

fn repeated(
    place: Place<'_>,
    key: &str,
    span: crate::source::Span,
    first: crate::source::Span,
) -> Diagnostic {
    let (message, help) = match place {
        Place::Condition => (
            format!("condition operator `{key}` appears twice in one `Condition`"),
            format!("merge both into one `{key}` block: readers disagree about which one applies"),
        ),
        Place::Operator(operator) => (
            format!("condition key `{key}` appears twice in one `{operator}` block"),
            format!("merge the values into one `{key}`: readers disagree about which one applies"),
        ),
        Place::Principal(element) => (
            format!("principal type `{key}` appears twice in one `{element}`"),
            format!("merge both into one `{key}` array: readers disagree about which one applies"),
        ),
        Place::Document => (
            format!("policy document has `{key}` twice"),
            "keep one: IAM, CloudFormation and other readers disagree about which one applies".to_string(),
        ),
        Place::Statement => (
            format!("statement has `{key}` twice"),
            "keep one, or split the statement: readers disagree about which one applies".to_string(),
        ),
        Place::Other => (
            format!("key `{key}` appears twice in one object"),
            "keep one: readers disagree about which one applies".to_string(),
        ),
    };
    Diagnostic::new(span, message)
        .label(first, format!("first `{key}`"))
        .help(help)
}
