//! JSON via `jsonc-parser`, which keeps the byte range of every value and property name.
//! Comments, trailing commas and other JSON5 extensions are rejected: IAM and
//! CloudFormation accept strict JSON only.

use jsonc_parser::ast;
use jsonc_parser::{CollectOptions, ParseOptions};

use super::{Entry, MAX_DEPTH, MAX_NODES, Node, ParseError, Value};
use crate::source::{FileId, Span};

const STRICT: ParseOptions = ParseOptions {
    allow_comments: false,
    allow_loose_object_property_names: false,
    allow_trailing_commas: false,
    allow_missing_commas: false,
    allow_single_quoted_strings: false,
    allow_hexadecimal_numbers: false,
    allow_unary_plus_numbers: false,
    allow_bare_decimal_point_numbers: false,
    allow_non_finite_numbers: false,
    allow_extended_string_escapes: false,
};

pub fn parse(file: FileId, text: &str) -> Result<Node, ParseError> {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    parse_at(file, &text[bom..], bom)
}

/// Parses `text`, whose first byte sits at byte `base` of the file.
pub(super) fn parse_at(file: FileId, text: &str, base: usize) -> Result<Node, ParseError> {
    parse_within(file, text, base, MAX_NODES)
        .map(|(node, _)| node)
        .map_err(|(err, _)| err)
}

/// [`parse_at`] for a document that may hold at most `max_nodes` values; with the number of
/// values it may hold (counted before parsing, an upper bound). An error says whether it is
/// that budget that the document exceeds.
pub(super) fn parse_within(
    file: FileId,
    text: &str,
    base: usize,
    max_nodes: usize,
) -> Result<(Node, usize), (ParseError, bool)> {
    let nodes = match prescan(text, max_nodes) {
        Ok(nodes) => nodes,
        Err((offset, problem)) => {
            let span = Span::new(file, base + offset, base + offset + 1);
            let (message, budget) = match problem {
                Limit::Depth => (format!("nesting deeper than {MAX_DEPTH} levels"), false),
                Limit::Nodes => (
                    format!(
                        "the document has more than {MAX_NODES} values (the node budget of one document)"
                    ),
                    true,
                ),
            };
            return Err((ParseError { span, message }, budget));
        }
    };
    let collect = CollectOptions::default();
    let parsed = jsonc_parser::parse_to_ast(text, &collect, &STRICT).map_err(|e| {
        let range = e.range();
        let err = ParseError {
            span: Span::new(file, base + range.start, base + range.end),
            message: e.kind().to_string(),
        };
        (err, false)
    })?;
    match parsed.value {
        Some(value) => Ok((convert(file, base, &value), nodes)),
        None => Err((
            ParseError {
                span: Span::new(file, base, base),
                message: "the file is empty".to_string(),
            },
            false,
        )),
    }
}

/// Which budget a document exceeds.
enum Limit {
    Depth,
    Nodes,
}

/// One pass over the text before parsing, so that the parser (recursive, and building a
/// syntax tree of its own) never sees a document it cannot afford: finds the first opening
/// bracket past [`MAX_DEPTH`], or the separator where the document has more than
/// `max_nodes` values. Every value after the first follows a `,` (an item or entry) or
/// opens a container, so `1 + commas + brackets` bounds the number of values.
fn prescan(text: &str, max_nodes: usize) -> Result<usize, (usize, Limit)> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    let mut nodes = 1usize;
    for (i, b) in text.bytes().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                nodes += 1;
                if depth > MAX_DEPTH {
                    return Err((i, Limit::Depth));
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            b',' => nodes += 1,
            _ => continue,
        }
        if nodes > max_nodes {
            return Err((i, Limit::Nodes));
        }
    }
    Ok(nodes)
}

fn convert(file: FileId, base: usize, value: &ast::Value) -> Node {
    let span = |r: &jsonc_parser::common::Range| Span::new(file, base + r.start, base + r.end);
    match value {
        ast::Value::StringLit(s) => Node {
            span: span(&s.range),
            value: Value::String(s.value.to_string()),
        },
        ast::Value::NumberLit(n) => Node {
            span: span(&n.range),
            value: Value::Number(n.value.to_string()),
        },
        ast::Value::BooleanLit(b) => Node {
            span: span(&b.range),
            value: Value::Bool(b.value),
        },
        ast::Value::NullKeyword(n) => Node {
            span: span(&n.range),
            value: Value::Null,
        },
        ast::Value::Array(a) => Node {
            span: span(&a.range),
            value: Value::Array(a.elements.iter().map(|v| convert(file, base, v)).collect()),
        },
        ast::Value::Object(o) => Node {
            span: span(&o.range),
            value: Value::Object(
                o.properties
                    .iter()
                    .map(|p| {
                        let (key, key_range) = match &p.name {
                            ast::ObjectPropName::String(s) => (s.value.to_string(), &s.range),
                            ast::ObjectPropName::Word(w) => (w.value.to_string(), &w.range),
                        };
                        Entry {
                            key,
                            key_span: span(key_range),
                            value: convert(file, base, &p.value),
                        }
                    })
                    .collect(),
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_spans_of_keys_and_values() {
        let text = r#"{"Effect": "Deny", "Action": ["rds:*"]}"#;
        let node = parse(FileId(0), text).unwrap();
        let entry = node.entry("Action").unwrap();
        assert_eq!(&text[entry.key_span.range()], "\"Action\"");
        let item = &entry.value.as_array().unwrap()[0];
        assert_eq!(&text[item.span.range()], "\"rds:*\"");
    }

    #[test]
    fn rejects_deep_nesting_without_recursing() {
        let text = "[".repeat(100_000);
        let err = parse(FileId(0), &text).unwrap_err();
        assert!(err.message.contains("nesting"), "{}", err.message);
        assert_eq!(err.span.start as usize, MAX_DEPTH);
    }

    #[test]
    fn reports_where_the_parser_stopped() {
        let text = "{\n  \"Statement\": [,]\n}";
        let err = parse(FileId(0), text).unwrap_err();
        assert_eq!(&text[err.span.range()], ",");
    }

    #[test]
    fn skips_a_byte_order_mark() {
        let text = "\u{feff}{\"a\": 1}";
        let node = parse(FileId(0), text).unwrap();
        assert_eq!(&text[node.entry("a").unwrap().key_span.range()], "\"a\"");
    }
}
