//! `iam/duplicate-sid`: two statements of one policy document with the same `Sid`.

use std::collections::HashMap;

use crate::finding::Diagnostic;
use crate::model::FileModel;
use crate::parse::Node;
use crate::rules::Rule;

use super::grammar::statements;

pub struct DuplicateSid;

impl Rule for DuplicateSid {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        for doc in &file.policies {
            // The first statement of each Sid: one pass, so 100,000 statements cost linear time.
            let mut seen: HashMap<&str, &Node> = HashMap::new();
            for statement in statements(&doc.source) {
                let Some(sid) = statement.get("Sid") else {
                    continue;
                };
                // Empty Sids are `iam/empty-element`'s, other types `iam/invalid-element-type`'s.
                let Some(text) = sid.as_str().filter(|s| !s.is_empty()) else {
                    continue;
                };
                match seen.get(text) {
                    Some(first) => out.push(
                        Diagnostic::new(sid.span, format!("`Sid` `{text}` is used by another statement"))
                            .label(first.span, "first used here")
                            .help("give every statement of a policy its own `Sid`"),
                    ),
                    None => {
                        seen.insert(text, sid);
                    }
                }
            }
        }
    }
}
