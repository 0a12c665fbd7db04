//! `iam/unknown-element`: a key of a policy document or statement that is not part of the
//! policy grammar (element names are case-sensitive).

use crate::finding::Diagnostic;
use crate::model::FileModel;
use crate::parse::Node;
use crate::rules::Rule;

use super::grammar::{DOCUMENT_ELEMENTS, STATEMENT_ELEMENTS, intended, statements};

pub struct UnknownElement;

impl Rule for UnknownElement {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        for doc in &file.policies {
            let source: &Node = &doc.source;
            report(source, &DOCUMENT_ELEMENTS, "policy document", out);
            for statement in statements(source) {
                report(statement, &STATEMENT_ELEMENTS, "statement", out);
            }
        }
    }
}

fn report(node: &Node, grammar: &[&'static str], context: &str, out: &mut Vec<Diagnostic>) {
    for entry in node.as_object().unwrap_or_default() {
        if grammar.contains(&entry.key.as_str()) {
            continue;
        }
        let help = match intended(&entry.key, grammar) {
            Some(name) if name.eq_ignore_ascii_case(&entry.key) => {
                format!("did you mean `{name}`? Element names are case-sensitive")
            }
            Some(name) => format!("did you mean `{name}`?"),
            None => format!("a {context} may only have {}", list(grammar)),
        };
        out.push(
            Diagnostic::new(
                entry.key_span,
                format!("`{}` is not an element of a {context}", entry.key),
            )
            .help(help),
        );
    }
}

fn list(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => quoted.concat(),
    }
}
