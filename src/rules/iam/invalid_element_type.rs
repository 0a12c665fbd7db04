//! `iam/invalid-element-type`: a policy element whose JSON type the grammar does not allow
//! (a number for `Sid`, an object for `Action`, a string for `Statement`...).

use crate::finding::Diagnostic;
use crate::model::FileModel;
use crate::parse::{Node, Value};
use crate::rules::Rule;

use super::grammar::{describe, is_unknown, statements};

pub struct InvalidElementType;

impl Rule for InvalidElementType {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        for doc in &file.policies {
            let source: &Node = &doc.source;
            if let Value::Array(_) = source.value {
                out.push(
                    mismatch(source, "a policy document".to_string(), "an object")
                        .help("write the document as one object with `Version` and `Statement`; to choose between documents, put `Fn::If` in place of the whole object"),
                );
                continue;
            }
            for entry in source.as_object().unwrap_or_default() {
                match entry.key.as_str() {
                    "Version" | "Id" => string(&entry.key, &entry.value, out),
                    "Statement" => statement_list(&entry.value, out),
                    _ => {}
                }
            }
            for statement in statements(source) {
                for entry in statement.as_object().unwrap_or_default() {
                    let (key, value) = (entry.key.as_str(), &entry.value);
                    match key {
                        "Sid" | "Effect" => string(key, value, out),
                        "Action" | "NotAction" | "Resource" | "NotResource" => strings(key, value, out),
                        "Principal" | "NotPrincipal" => principal(key, value, out),
                        "Condition" => condition(value, out),
                        _ => {}
                    }
                }
            }
        }
    }
}

fn mismatch(node: &Node, what: String, expected: &str) -> Diagnostic {
    Diagnostic::new(
        node.span,
        format!("{what} must be {expected}, not {}", describe(node)),
    )
}

fn string(key: &str, node: &Node, out: &mut Vec<Diagnostic>) {
    if node.as_str().is_none() && !is_unknown(node) {
        let mut diagnostic = mismatch(node, format!("`{key}`"), "a string");
        if let Some(text) = node.scalar_text() {
            diagnostic = diagnostic.help(format!("quote the value: `\"{text}\"`"));
        }
        out.push(diagnostic);
    }
}

fn statement_list(node: &Node, out: &mut Vec<Diagnostic>) {
    match &node.value {
        Value::Object(_) => {}
        Value::Array(items) => {
            for item in items.iter().filter(|i| i.as_object().is_none()) {
                out.push(mismatch(item, "a statement".to_string(), "an object"));
            }
        }
        _ => out.push(mismatch(
            node,
            "`Statement`".to_string(),
            "an object or an array of objects",
        )),
    }
}

/// A string or an array of strings (`Action`, `Resource`, principal values).
fn strings(what: &str, node: &Node, out: &mut Vec<Diagnostic>) {
    if is_unknown(node) {
        return;
    }
    match &node.value {
        Value::String(_) => {}
        Value::Array(items) => {
            for item in items.iter().filter(|i| i.as_str().is_none() && !is_unknown(i)) {
                out.push(mismatch(item, format!("an item of `{what}`"), "a string"));
            }
        }
        _ => out.push(mismatch(
            node,
            format!("`{what}`"),
            "a string or an array of strings",
        )),
    }
}

fn principal(key: &str, node: &Node, out: &mut Vec<Diagnostic>) {
    if is_unknown(node) {
        return;
    }
    match &node.value {
        Value::String(s) if s == "*" => {}
        Value::String(s) => {
            let kind = if s.ends_with(".amazonaws.com") {
                "Service"
            } else {
                "AWS"
            };
            out.push(
                Diagnostic::new(
                    node.span,
                    format!("`{key}` must be `\"*\"` or an object such as `{{\"{kind}\": ...}}`, not another string"),
                )
                .help(format!("write `{{\"{kind}\": \"{s}\"}}`")),
            );
        }
        Value::Object(entries) => {
            for entry in entries {
                strings(&format!("{key}.{}", entry.key), &entry.value, out);
            }
        }
        _ => out.push(mismatch(node, format!("`{key}`"), "`\"*\"` or an object")),
    }
}

fn condition(node: &Node, out: &mut Vec<Diagnostic>) {
    if is_unknown(node) {
        return;
    }
    let Some(operators) = node.as_object() else {
        out.push(mismatch(node, "`Condition`".to_string(), "an object"));
        return;
    };
    for operator in operators {
        if is_unknown(&operator.value) {
            continue;
        }
        let Some(keys) = operator.value.as_object() else {
            out.push(mismatch(
                &operator.value,
                format!("the `{}` block", operator.key),
                "an object of condition keys",
            ));
            continue;
        };
        for key in keys {
            let value = &key.value;
            let scalar = |n: &Node| {
                matches!(n.value, Value::String(_) | Value::Bool(_) | Value::Number(_)) || is_unknown(n)
            };
            let expected = "a string, a boolean, a number or an array of them";
            match &value.value {
                _ if scalar(value) => {}
                Value::Array(items) => {
                    for item in items.iter().filter(|i| !scalar(i)) {
                        out.push(mismatch(
                            item,
                            format!("a value of `{}`", key.key),
                            "a string, a boolean or a number",
                        ));
                    }
                }
                _ => out.push(mismatch(value, format!("the value of `{}`", key.key), expected)),
            }
        }
    }
}
