//! The policy grammar as the grammar rules read it from a document's raw spanned tree:
//! which elements a document and a statement may have, the statement objects of a
//! document, and the names a misspelt key most likely meant.
//!
//! Everything here accepts any shape of input: a `Statement` that is a string, a number
//! where an object is expected or a CloudFormation intrinsic simply yields nothing.

use crate::model::PolicyDocument;
use crate::parse::{Entry, Node, Value};
use crate::source::Span;

use super::nearest;

/// The elements of a policy document.
pub const DOCUMENT_ELEMENTS: [&str; 3] = ["Version", "Id", "Statement"];

/// The elements of a statement.
pub const STATEMENT_ELEMENTS: [&str; 9] = [
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

/// The policy language versions IAM accepts.
pub const CURRENT_VERSION: &str = "2012-10-17";
pub const OLD_VERSION: &str = "2008-10-17";

/// The statement objects of a document: the `Statement` object itself, or the object
/// items of a `Statement` array. Intrinsics and values of the wrong type yield nothing
/// (`iam/invalid-element-type` reports those).
pub fn statements(doc: &Node) -> Vec<&Node> {
    let is_statement = |n: &&Node| n.as_object().is_some() && !is_unknown(n);
    match doc.get("Statement") {
        Some(Node {
            value: Value::Array(items),
            ..
        }) => items.iter().filter(is_statement).collect(),
        Some(single) => Some(single).filter(is_statement).into_iter().collect(),
        None => Vec::new(),
    }
}

/// Every entry of `node` named `key` (more than one when the key is repeated).
pub fn entries<'n>(node: &'n Node, key: &'n str) -> impl Iterator<Item = &'n Entry> + 'n {
    node.as_object()
        .unwrap_or_default()
        .iter()
        .filter(move |e| e.key == key)
}

pub fn has(node: &Node, key: &str) -> bool {
    entries(node, key).next().is_some()
}

/// Where to point when something is missing from an object: its first key, or the whole
/// object when it is empty.
pub fn first_key_span(node: &Node) -> Span {
    node.as_object()
        .and_then(|entries| entries.first())
        .map_or(node.span, |e| e.key_span)
}

/// The element a key that is not part of the grammar most likely meant: the same name in
/// another case, or a near miss by edit distance.
pub fn intended(key: &str, known: &[&'static str]) -> Option<&'static str> {
    if let Some(exact) = known.iter().find(|k| k.eq_ignore_ascii_case(key)) {
        return Some(exact);
    }
    // Plurals and singulars (`Actions`, `Resources`, `Statements`) are the usual slip.
    let singular = key.strip_suffix('s').unwrap_or(key);
    if let Some(exact) = known.iter().find(|k| k.eq_ignore_ascii_case(singular)) {
        return Some(exact);
    }
    let found = nearest(key, known.iter().copied())?;
    known.iter().copied().find(|k| *k == found)
}

/// Whether any statement of the document names a principal: then it is a resource-based
/// policy whatever its declared kind.
pub fn names_principal(doc: &PolicyDocument<'_>) -> bool {
    statements(&doc.source)
        .iter()
        .any(|s| has(s, "Principal") || has(s, "NotPrincipal"))
}

/// How a value is described in messages: "a number", "an object".
pub fn describe(node: &Node) -> &'static str {
    match &node.value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Whether a value is a CloudFormation intrinsic, whose value is only known at deploy
/// time and never reported as wrong.
pub fn is_unknown(node: &Node) -> bool {
    match node.intrinsic() {
        // `{"Condition": "IsProd"}` names a template condition; a statement with nothing
        // but a `Condition` object is a statement.
        Some(("Condition", value)) => value.as_str().is_some(),
        Some(_) => true,
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intended_elements() {
        assert_eq!(intended("action", &STATEMENT_ELEMENTS), Some("Action"));
        assert_eq!(intended("Actions", &STATEMENT_ELEMENTS), Some("Action"));
        assert_eq!(intended("Efect", &STATEMENT_ELEMENTS), Some("Effect"));
        assert_eq!(intended("notresource", &STATEMENT_ELEMENTS), Some("NotResource"));
        assert_eq!(intended("Statements", &DOCUMENT_ELEMENTS), Some("Statement"));
        assert_eq!(intended("PolicyName", &DOCUMENT_ELEMENTS), None);
    }

    #[test]
    fn a_statement_with_only_a_condition_is_not_an_intrinsic() {
        let file = crate::source::FileId(0);
        let parse = |text: &str| crate::parse::parse(file, text, crate::parse::Syntax::Json).unwrap();
        assert!(is_unknown(&parse(r#"{"Condition": "IsProd"}"#)));
        assert!(is_unknown(&parse(r#"{"Fn::If": ["IsProd", {}, {}]}"#)));
        assert!(!is_unknown(&parse(
            r#"{"Condition": {"Bool": {"aws:SecureTransport": "true"}}}"#
        )));
        let doc = parse(r#"{"Statement": [{"Condition": {"Bool": {}}}, {"Ref": "X"}, 3]}"#);
        assert_eq!(statements(&doc).len(), 1);
    }
}
