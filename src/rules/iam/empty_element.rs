//! `iam/empty-element`: empty arrays, objects and strings where the grammar expects
//! content: they either make a statement inert or change what it means.

use crate::finding::Diagnostic;
use crate::model::{FileModel, Operator, SetQualifier};
use crate::parse::{Node, Value};
use crate::rules::Rule;

use super::grammar::{is_unknown, statements};

pub struct EmptyElement;

impl Rule for EmptyElement {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        for doc in &file.policies {
            if let Some(statement) = doc.source.get("Statement")
                && is_empty_array(statement)
            {
                out.push(
                    Diagnostic::new(statement.span, "`Statement` is an empty array")
                        .help("add statements, or remove the policy: without statements it has no effect"),
                );
            }
            for statement in statements(&doc.source) {
                for entry in statement.as_object().unwrap_or_default() {
                    let value = &entry.value;
                    match entry.key.as_str() {
                        "Sid" if value.as_str() == Some("") => out.push(
                            Diagnostic::new(value.span, "`Sid` is an empty string")
                                .help("name the statement, or remove the `Sid`"),
                        ),
                        "NotAction" | "NotResource" if is_empty_array(value) => out.push(
                            Diagnostic::new(value.span, format!("`{}` is an empty array", entry.key)).help(
                                format!(
                                    "an empty `{}` excludes nothing: the statement applies to every {}; write `\"{}\": \"*\"` if that is meant",
                                    entry.key,
                                    if entry.key == "NotAction" { "action" } else { "resource" },
                                    entry.key.trim_start_matches("Not")
                                ),
                            ),
                        ),
                        "Action" | "Resource" if is_empty_array(value) => out.push(
                            Diagnostic::new(value.span, format!("`{}` is an empty array", entry.key)).help(
                                format!(
                                    "the statement applies to no {} and has no effect: list some, or remove \
                                     the statement",
                                    entry.key.to_ascii_lowercase()
                                ),
                            ),
                        ),
                        "Principal" | "NotPrincipal" => principal(&entry.key, value, out),
                        "Condition" => condition(value, out),
                        _ => {}
                    }
                }
            }
        }
    }
}

fn is_empty_array(node: &Node) -> bool {
    matches!(&node.value, Value::Array(items) if items.is_empty())
}

fn is_empty_object(node: &Node) -> bool {
    matches!(&node.value, Value::Object(entries) if entries.is_empty())
}

fn principal(key: &str, node: &Node, out: &mut Vec<Diagnostic>) {
    if is_empty_object(node) {
        out.push(
            Diagnostic::new(node.span, format!("`{key}` is an empty object"))
                .help("name the principals, e.g. `{\"AWS\": \"arn:aws:iam::111122223333:root\"}`"),
        );
        return;
    }
    for entry in node.as_object().unwrap_or_default() {
        if is_empty_array(&entry.value) {
            out.push(
                Diagnostic::new(
                    entry.value.span,
                    format!("`{key}` `{}` is an empty array", entry.key),
                )
                .help(format!("list the principals, or remove `{}`", entry.key)),
            );
        }
    }
}

fn condition(node: &Node, out: &mut Vec<Diagnostic>) {
    if is_empty_object(node) {
        out.push(
            Diagnostic::new(node.span, "`Condition` is an empty object")
                .help("remove it, or add the condition the statement was meant to have"),
        );
        return;
    }
    if is_unknown(node) {
        return;
    }
    for block in node.as_object().unwrap_or_default() {
        if is_empty_object(&block.value) {
            out.push(
                Diagnostic::new(
                    block.value.span,
                    format!("the `{}` block is an empty object", block.key),
                )
                .help("remove it, or add the condition keys it was meant to test"),
            );
            continue;
        }
        if is_unknown(&block.value) {
            continue;
        }
        let operator = Operator::parse(&block.key);
        for key in block.value.as_object().unwrap_or_default() {
            if !is_empty_array(&key.value) {
                continue;
            }
            let name = &key.key;
            let null_check =
                format!("to test that the key is absent, use `\"Null\": {{\"{name}\": \"true\"}}`");
            let (message, help) = match (operator.qualifier, operator.if_exists) {
                (Some(SetQualifier::ForAllValues), _) => (
                    format!("`ForAllValues` with an empty array matches only requests without `{name}`"),
                    null_check,
                ),
                (Some(SetQualifier::ForAnyValue), _) => (
                    format!("`ForAnyValue` with an empty array never matches `{name}`"),
                    "list the values to match; as written the statement has no effect".to_string(),
                ),
                (None, true) => (
                    format!(
                        "`{}` with an empty array matches only requests without `{name}`",
                        block.key
                    ),
                    null_check,
                ),
                (None, false) => (
                    format!("condition key `{name}` has an empty array of values"),
                    "list the values to compare with, or remove the key".to_string(),
                ),
            };
            out.push(Diagnostic::new(key.value.span, message).help(help));
        }
    }
}
