//! Text -> spanned tree. Every key and every value keeps the byte span it came from, so a
//! finding can point at the exact token. JSON and YAML both produce [`Node`]; Terraform's
//! HCL produces its own block/expression tree ([`hcl`]), which `model::terraform` lowers
//! into [`Node`]s.

mod embedded;
pub mod hcl;
mod json;
mod logical;
mod yaml;

pub use embedded::{Piece, WrittenOffsets, parse_embedded_json, parse_json_pieces};
pub use logical::logical_location;

use crate::source::{FileId, Span};

/// Trees deeper than this are rejected: no IAM policy or template comes close, and the
/// limit keeps every recursive walk over the tree bounded.
pub const MAX_DEPTH: usize = 128;

/// Upper bound on the number of nodes (values) one document may expand to, in every
/// syntax (YAML aliases included), so that a "billion laughs" document, or 16 MiB of
/// `[0,0,0,...]`, costs a bounded amount of time and memory (a node of the tree and of the
/// parser's own syntax tree take 100 to 300 bytes together). A CloudFormation template (at
/// most 1 MB) holds well under 100,000; 200,000 small statements hold 800,000.
pub const MAX_NODES: usize = 1_000_000;

/// Upper bound on the text YAML aliases may copy into one document (the length of every
/// key and scalar they repeat), so that an anchored 500 KB string referenced 30,000 times
/// stops long before it takes 15 GB: with it, a document holds at most the input cap of
/// text twice.
pub const MAX_ALIAS_BYTES: usize = 16 * 1024 * 1024;

/// A parsed value with the span of its text. For a YAML short-form tag such as `!Ref X`,
/// the span covers the tag and its operand.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub span: Span,
    pub value: Value,
}

/// A tree written as the JSON text of [`Node::to_json`] (keys sorted, the last of repeated
/// keys kept), without building that value: for the compact form of a large document.
pub struct JsonText<'a>(pub &'a Node);

impl serde::Serialize for JsonText<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match &self.0.value {
            Value::Null => serializer.serialize_unit(),
            Value::Bool(b) => serializer.serialize_bool(*b),
            Value::Number(n) => match n.parse::<serde_json::Number>() {
                Ok(number) => number.serialize(serializer),
                Err(_) => serializer.serialize_str(n),
            },
            Value::String(s) => serializer.serialize_str(s),
            Value::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(&JsonText(item))?;
                }
                seq.end()
            }
            Value::Object(entries) => {
                let mut last: std::collections::BTreeMap<&str, &Node> = std::collections::BTreeMap::new();
                for entry in entries {
                    last.insert(&entry.key, &entry.value);
                }
                let mut map = serializer.serialize_map(Some(last.len()))?;
                for (key, value) in last {
                    map.serialize_entry(key, &JsonText(value))?;
                }
                map.end()
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// Kept as written, so `012` or `1e3` are not reinterpreted.
    Number(String),
    String(String),
    Array(Vec<Node>),
    Object(Vec<Entry>),
}

/// One key of an object. Duplicate keys are kept in source order.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_span: Span,
    pub value: Node,
}

/// Where and why a file could not be parsed.
#[derive(Clone, Debug, PartialEq)]
pub struct ParseError {
    pub span: Span,
    pub message: String,
}

impl ParseError {
    /// An error at one position of `text`: the character starting at byte `at`, nothing at
    /// the end of the text. For parsers that give a position, not a range: a span one byte
    /// long would split a character, and reporters slice the text with it.
    pub fn at(file: FileId, text: &str, at: usize, message: impl Into<String>) -> ParseError {
        let at = at.min(text.len());
        let end = text
            .get(at..)
            .and_then(|rest| rest.chars().next())
            .map_or(at, |c| at + c.len_utf8());
        ParseError {
            span: Span::new(file, at, end),
            message: message.into(),
        }
    }
}

/// The surface syntax of a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    Json,
    Yaml,
}

impl Syntax {
    /// Decides from the extension, falling back to the first significant character.
    pub fn detect(path: &str, text: &str) -> Syntax {
        let lower = path.to_ascii_lowercase();
        if lower.ends_with(".json") {
            Syntax::Json
        } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
            Syntax::Yaml
        } else if text
            .trim_start_matches('\u{feff}')
            .trim_start()
            .starts_with(['{', '['])
        {
            Syntax::Json
        } else {
            Syntax::Yaml
        }
    }
}

pub fn parse(file: FileId, text: &str, syntax: Syntax) -> Result<Node, ParseError> {
    parse_with_aliases(file, text, syntax).map(|(root, _)| root)
}

/// A YAML alias (`*pw`) and the node it copies. The copy carries the alias's span (that is
/// where the value is used), so whatever is said about the copy's text may concern the
/// anchored text too: a password masked at `*pw` must also be masked at `&pw`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AliasUse {
    pub alias: Span,
    pub anchor: Span,
}

/// [`parse`], with every alias of a YAML document (JSON has none).
pub fn parse_with_aliases(
    file: FileId,
    text: &str,
    syntax: Syntax,
) -> Result<(Node, Vec<AliasUse>), ParseError> {
    match syntax {
        Syntax::Json => json::parse(file, text).map(|root| (root, Vec::new())),
        Syntax::Yaml => yaml::parse(file, text),
    }
}

impl Node {
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&[Entry]> {
        match &self.value {
            Value::Object(entries) => Some(entries),
            _ => None,
        }
    }

    /// The entry for `key` (exact match); with duplicate keys the last one wins, as in
    /// CloudFormation and most JSON readers.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.as_object()?.iter().rev().find(|e| e.key == key)
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    /// A string, number or boolean as text: the forms CloudFormation accepts for scalars.
    pub fn scalar_text(&self) -> Option<String> {
        match &self.value {
            Value::String(s) | Value::Number(s) => Some(s.clone()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// `Some(true|false)` for a boolean or a `"true"`/`"false"` string (any case).
    pub fn as_bool_like(&self) -> Option<bool> {
        match &self.value {
            Value::Bool(b) => Some(*b),
            Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
            Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        }
    }

    /// A CloudFormation intrinsic function: a one-key object whose key is `Ref`,
    /// `Condition` or starts with `Fn::` (or an unknown YAML tag kept as `!Name`).
    pub fn intrinsic(&self) -> Option<(&str, &Node)> {
        match self.as_object()? {
            [entry]
                if entry.key == "Ref"
                    || entry.key == "Condition"
                    || entry.key.starts_with("Fn::")
                    || entry.key.starts_with('!') =>
            {
                Some((entry.key.as_str(), &entry.value))
            }
            _ => None,
        }
    }

    /// The tree as plain JSON, for JSONPath queries. Duplicate keys keep the last value.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Number(n) => n
                .parse::<serde_json::Number>()
                .map(J::Number)
                .unwrap_or_else(|_| J::String(n.clone())),
            Value::String(s) => J::String(s.clone()),
            Value::Array(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Object(entries) => {
                let mut map = serde_json::Map::with_capacity(entries.len());
                for entry in entries {
                    map.insert(entry.key.clone(), entry.value.to_json());
                }
                J::Object(map)
            }
        }
    }

    /// What [`Node::to_json`] costs in memory, roughly, in units of one JSON value: an
    /// object costs twenty, since each is a B-tree of its own (a node of 11 slots even for
    /// one key).
    pub fn json_cost(&self) -> usize {
        let mut cost = 0;
        self.walk(&mut |node| {
            cost += match node.value {
                Value::Object(_) => 20,
                _ => 1,
            }
        });
        cost
    }

    /// Calls `f` on this node and every node below it, depth first.
    pub fn walk<'a>(&'a self, f: &mut impl FnMut(&'a Node)) {
        f(self);
        match &self.value {
            Value::Array(items) => items.iter().for_each(|n| n.walk(f)),
            Value::Object(entries) => entries.iter().for_each(|e| e.value.walk(f)),
            _ => {}
        }
    }
}
