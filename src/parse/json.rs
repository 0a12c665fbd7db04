//! JSON via `jsonc-parser`, which keeps the byte range of every value and property name.
//! Comments, trailing commas and other JSON5 extensions are rejected: IAM and
//! CloudFormation accept strict JSON only.

use jsonc_parser::ast;
use jsonc_parser::{CollectOptions, ParseOptions};

use super::{Entry, MAX_DEPTH, Node, ParseError, Value};
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
    if let Some(offset) = too_deep(text) {
        return Err(ParseError {
            span: Span::new(file, base + offset, base + offset + 1),
            message: format!("nesting deeper than {MAX_DEPTH} levels"),
        });
    }
    let collect = CollectOptions::default();
    let parsed = jsonc_parser::parse_to_ast(text, &collect, &STRICT).map_err(|e| {
        let range = e.range();
        ParseError {
            span: Span::new(file, base + range.start, base + range.end),
            message: e.kind().to_string(),
        }
    })?;
    match parsed.value {
        Some(value) => Ok(convert(file, base, &value)),
        None => Err(ParseError {
            span: Span::new(file, base, base),
            message: "the file is empty".to_string(),
        }),
    }
}

/// Finds the first opening bracket past [`MAX_DEPTH`] without recursing, so that the
/// recursive parser never sees such input.
fn too_deep(text: &str) -> Option<usize> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
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
                if depth > MAX_DEPTH {
                    return Some(i);
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
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
