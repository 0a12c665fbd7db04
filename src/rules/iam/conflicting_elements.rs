//! `iam/conflicting-elements`: a statement with both an element and its negation
//! (`Action` and `NotAction`, `Resource` and `NotResource`, `Principal` and `NotPrincipal`).

use crate::finding::Diagnostic;
use crate::model::FileModel;
use crate::rules::Rule;

use super::grammar::statements;

pub struct ConflictingElements;

const PAIRS: [(&str, &str); 3] = [
    ("Action", "NotAction"),
    ("Resource", "NotResource"),
    ("Principal", "NotPrincipal"),
];

impl Rule for ConflictingElements {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        for doc in &file.policies {
            for statement in statements(&doc.source) {
                let entries = statement.as_object().unwrap_or_default();
                for (positive, negative) in PAIRS {
                    let first = entries.iter().find(|e| e.key == positive || e.key == negative);
                    let Some(first) = first else { continue };
                    let other = if first.key == positive { negative } else { positive };
                    let Some(second) = entries.iter().find(|e| e.key == other) else {
                        continue;
                    };
                    out.push(
                        Diagnostic::new(
                            second.key_span,
                            format!(
                                "`{}` cannot be combined with `{}` in one statement",
                                second.key, first.key
                            ),
                        )
                        .label(first.key_span, format!("`{}` is here", first.key))
                        .help(
                            "keep one of them; to carve exceptions out of a list, add a second statement \
                             (a `Deny`) instead",
                        ),
                    );
                }
            }
        }
    }
}
