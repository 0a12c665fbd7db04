//! Text -> spanned tree. Every key and every value keeps the byte span it came from, so a
//! finding can point at the exact token. JSON and YAML both produce [`Node`]; Terraform's
//! HCL produces its own block/expression tree ([`hcl`]), which `model::terraform` lowers
//! into [`Node`]s.

mod embedded;
pub mod hcl;
mod json;
mod yaml;

pub use embedded::{Piece, parse_embedded_json, parse_json_pieces};

use crate::source::{FileId, Span};

/// Trees deeper than this are rejected: no IAM policy or template comes close, and the
/// limit keeps every recursive walk over the tree bounded.
pub const MAX_DEPTH: usize = 128;

/// Upper bound on the number of nodes one file may expand to (YAML aliases included), so
/// that a "billion laughs" document costs a bounded amount of time and memory.
pub const MAX_NODES: usize = 250_000;

/// A parsed value with the span of its text. For a YAML short-form tag such as `!Ref X`,
/// the span covers the tag and its operand.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub span: Span,
    pub value: Value,
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
