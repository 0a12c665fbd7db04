//! Raw access to statements and principals of a policy document, for rules that need what
//! the typed model does not keep (principals, the written form of an element).

use crate::parse::{Node, Value};

/// One principal value: its kind (`AWS`, `Service`, `Federated`, `CanonicalUser`, or `*`
/// for `"Principal": "*"`), the node, and the text a rule can read. For an `Fn::Sub`
/// string the text is the template (`arn:${AWS::Partition}:iam::...`), which still names
/// a provider host; other intrinsics give no text.
pub struct PrincipalValue<'n> {
    pub kind: &'n str,
    pub node: &'n Node,
    pub text: Option<&'n str>,
}

/// The values of a statement's `Principal` (not `NotPrincipal`).
pub fn principals(statement: &Node) -> Vec<PrincipalValue<'_>> {
    let Some(principal) = statement.get("Principal") else {
        return Vec::new();
    };
    if let Some(star) = principal.as_str() {
        return vec![PrincipalValue {
            kind: "*",
            node: principal,
            text: Some(star),
        }];
    }
    let mut values = Vec::new();
    for entry in principal.as_object().unwrap_or_default() {
        let items: Vec<&Node> = match &entry.value.value {
            Value::Array(list) => list.iter().collect(),
            _ => vec![&entry.value],
        };
        for node in items {
            values.push(PrincipalValue {
                kind: &entry.key,
                node,
                text: literal_or_sub(node),
            });
        }
    }
    values
}

/// A string, or the template string of an `Fn::Sub`.
pub fn literal_or_sub(node: &Node) -> Option<&str> {
    if let Some(text) = node.as_str() {
        return Some(text);
    }
    match node.intrinsic()? {
        ("Fn::Sub", operand) => operand
            .as_str()
            .or_else(|| operand.as_array().and_then(|a| a.first()).and_then(Node::as_str)),
        _ => None,
    }
}

/// The statement's condition keys (lowercased), as written.
pub fn condition_keys(statement: &Node) -> Vec<(String, &Node)> {
    let mut keys = Vec::new();
    for operator in statement
        .get("Condition")
        .and_then(Node::as_object)
        .unwrap_or_default()
    {
        for key in operator.value.as_object().unwrap_or_default() {
            keys.push((key.key.to_ascii_lowercase(), &key.value));
        }
    }
    keys
}

/// The literal strings of a statement's `Resource` and `NotResource`, both as written: a
/// statement with both (an iam/conflicting-elements error) keeps only one in the model.
pub fn resource_strings(statement: &Node) -> Vec<(&Node, &str)> {
    let mut found = Vec::new();
    for element in ["Resource", "NotResource"] {
        let Some(value) = statement.get(element) else {
            continue;
        };
        let items: Vec<&Node> = match &value.value {
            Value::Array(items) => items.iter().collect(),
            _ => vec![value],
        };
        found.extend(items.into_iter().filter_map(|n| Some((n, n.as_str()?))));
    }
    found
}
