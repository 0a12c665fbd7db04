//! `iam/old-version`: a document written in the 2008-10-17 policy language, which does not
//! know policy variables.

use crate::finding::Diagnostic;
use crate::model::FileModel;
use crate::parse::{Node, Value};
use crate::rules::Rule;
use crate::source::Span;

use super::grammar::{CURRENT_VERSION, OLD_VERSION};

pub struct OldVersion;

impl Rule for OldVersion {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        for doc in &file.policies {
            let Some(version) = doc.source.get("Version") else {
                continue;
            };
            if version.as_str() != Some(OLD_VERSION) {
                continue;
            }
            let mut diagnostic = Diagnostic::new(
                version.span,
                format!("`{OLD_VERSION}` is the old policy language, without policy variables"),
            )
            .help(format!(
                "use `{CURRENT_VERSION}`; statements written for the old version keep their meaning, \
                 and `${{...}}` variables start to work"
            ));
            if let Some(variable) = first_variable(&doc.source, file) {
                diagnostic = diagnostic.label(variable, "read as literal text under this version");
            }
            out.push(diagnostic);
        }
    }
}

/// The first literal string containing `${`. CloudFormation functions are not entered: in an
/// `Fn::Sub`, `${AWS::Partition}` is substituted before IAM sees the document.
fn first_string_with_variable(node: &Node, depth: usize) -> Option<Span> {
    if depth > crate::parse::MAX_DEPTH || node.intrinsic().is_some() {
        return None;
    }
    match &node.value {
        Value::String(s) if s.contains("${") => Some(node.span),
        Value::Array(items) => items
            .iter()
            .find_map(|n| first_string_with_variable(n, depth + 1)),
        Value::Object(entries) => entries
            .iter()
            .find_map(|e| first_string_with_variable(&e.value, depth + 1)),
        _ => None,
    }
}

/// The first policy variable (`${aws:username}`) of the document: the variable itself
/// when its text can be found in the file, else the string that holds it.
fn first_variable(doc: &Node, file: &FileModel<'_>) -> Option<Span> {
    let string = first_string_with_variable(doc, 0)?;
    let narrowed = file.text(string.file).get(string.range()).and_then(|raw| {
        let start = raw.find("${")?;
        let end = start + raw[start..].find('}')? + 1;
        Some(Span::new(
            string.file,
            string.start as usize + start,
            string.start as usize + end,
        ))
    });
    Some(narrowed.unwrap_or(string))
}
