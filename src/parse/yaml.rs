//! YAML via `saphyr-parser`'s event stream, which carries the start and end of every
//! event. The tree is built iteratively, CloudFormation short-form tags become their long
//! forms (`!Ref X` -> `{"Ref": "X"}`), and alias expansion is bounded by [`MAX_NODES`]
//! and, for the text it copies, [`MAX_ALIAS_BYTES`].

use std::collections::HashMap;
use std::ops::Range;

use saphyr_parser::{Event, Parser, ScalarStyle, Tag};

use super::{AliasUse, Entry, MAX_ALIAS_BYTES, MAX_DEPTH, MAX_NODES, Node, ParseError, Value};
use crate::source::{FileId, Span};

/// Short-form tags whose long form is `Fn::<Name>`.
const FN_TAGS: &[&str] = &[
    "Base64",
    "Cidr",
    "And",
    "Equals",
    "If",
    "Not",
    "Or",
    "FindInMap",
    "GetAtt",
    "GetAZs",
    "ImportValue",
    "Join",
    "Select",
    "Split",
    "Sub",
    "Transform",
    "Length",
    "ToJsonString",
    "ForEach",
];

/// The first document, and where each of its aliases points.
pub fn parse(file: FileId, text: &str) -> Result<(Node, Vec<AliasUse>), ParseError> {
    let offsets = CharOffsets::new(text);
    let mut builder = Builder {
        file,
        text,
        stack: Vec::new(),
        anchors: HashMap::new(),
        aliases: Vec::new(),
        nodes: 0,
        alias_bytes: 0,
        root: None,
    };
    for event in Parser::new_from_str(text) {
        let (event, span) =
            event.map_err(|e| ParseError::at(file, text, offsets.byte(e.marker().index()), e.info()))?;
        let start = offsets.byte(span.start.index());
        let end = offsets.byte(span.end.index());
        if builder.event(event, start, end)? {
            break;
        }
    }
    match builder.root {
        Some(root) => Ok((root, builder.aliases)),
        None => Err(ParseError {
            span: Span::new(file, 0, 0),
            message: "the file holds no YAML document".to_string(),
        }),
    }
}

/// saphyr reports positions in characters; spans are bytes.
struct CharOffsets {
    /// Byte offset of each character, or empty when the text is ASCII.
    bytes: Vec<u32>,
    len: usize,
}

impl CharOffsets {
    fn new(text: &str) -> CharOffsets {
        let bytes = if text.is_ascii() {
            Vec::new()
        } else {
            text.char_indices().map(|(i, _)| i as u32).collect()
        };
        CharOffsets {
            bytes,
            len: text.len(),
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        if self.bytes.is_empty() {
            char_index.min(self.len)
        } else {
            self.bytes.get(char_index).map_or(self.len, |&b| b as usize)
        }
    }
}

enum Frame {
    Sequence {
        start: usize,
        tag: Option<Tag>,
        anchor: usize,
        items: Vec<Node>,
    },
    Mapping {
        start: usize,
        tag: Option<Tag>,
        anchor: usize,
        entries: Vec<Entry>,
        key: Option<(String, Span)>,
    },
}

struct Builder<'a> {
    file: FileId,
    text: &'a str,
    stack: Vec<Frame>,
    /// Each anchored node, with its size in nodes and in bytes of text.
    anchors: HashMap<usize, (Node, Size)>,
    /// Every alias and the span of the anchored node it copies.
    aliases: Vec<AliasUse>,
    nodes: usize,
    /// Text that aliases have copied so far.
    alias_bytes: usize,
    root: Option<Node>,
}

impl Builder<'_> {
    /// Handles one event; returns true once the first document is complete.
    fn event(&mut self, event: Event<'_>, start: usize, end: usize) -> Result<bool, ParseError> {
        match event {
            Event::Scalar(value, style, anchor, tag) => {
                let tag = tag.map(|t| t.into_owned());
                let node = self.scalar(value.into_owned(), style, tag, start, end);
                self.count(1, start)?;
                if anchor > 0 {
                    self.remember(anchor, &node, start)?;
                }
                self.push(node)?;
            }
            Event::SequenceStart(anchor, tag) => {
                self.open(start)?;
                self.stack.push(Frame::Sequence {
                    start,
                    tag: tag.map(|t| t.into_owned()),
                    anchor,
                    items: Vec::new(),
                });
            }
            Event::MappingStart(anchor, tag) => {
                self.open(start)?;
                self.stack.push(Frame::Mapping {
                    start,
                    tag: tag.map(|t| t.into_owned()),
                    anchor,
                    entries: Vec::new(),
                    key: None,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.stack.pop() else {
                    return Ok(false);
                };
                self.count(1, start)?;
                let (node, tag, anchor) = match frame {
                    Frame::Sequence {
                        start: s,
                        tag,
                        anchor,
                        items,
                    } => {
                        let last = items.last().map(|n| n.span.end as usize);
                        let span = self.container_span(s, start, end, last);
                        (
                            Node {
                                span,
                                value: Value::Array(items),
                            },
                            tag,
                            anchor,
                        )
                    }
                    Frame::Mapping {
                        start: s,
                        tag,
                        anchor,
                        entries,
                        ..
                    } => {
                        let last = entries.last().map(|e| e.value.span.end as usize);
                        let span = self.container_span(s, start, end, last);
                        (
                            Node {
                                span,
                                value: Value::Object(entries),
                            },
                            tag,
                            anchor,
                        )
                    }
                };
                let node = match tag {
                    Some(tag) => {
                        let (open, close) = (node.span.start as usize, node.span.end as usize);
                        let mut inner = node;
                        inner.span.start = self.after_tag(open, close) as u32;
                        self.apply_tag(&tag, inner, open, close)
                    }
                    None => node,
                };
                if anchor > 0 {
                    self.remember(anchor, &node, start)?;
                }
                self.push(node)?;
            }
            Event::Alias(id) => {
                // The copy below takes the alias's span: remember the anchored text.
                if let Some((anchored, _)) = self.anchors.get(&id) {
                    let anchor = self.after_anchor_name(anchored.span);
                    let alias = Span::new(self.file, start, end);
                    self.aliases.push(AliasUse { alias, anchor });
                }
                let Some(size) = self.anchors.get(&id).map(|(_, size)| *size) else {
                    return Err(self.error(start, end, "alias to an unknown anchor"));
                };
                // Count before copying, so an alias bomb stops before it allocates.
                self.count(size.nodes, start)?;
                self.alias_bytes += size.bytes;
                if self.alias_bytes > MAX_ALIAS_BYTES {
                    return Err(self.error(
                        start,
                        start + 1,
                        &format!(
                            "YAML aliases copy more than {MAX_ALIAS_BYTES} bytes of text into the document (the alias budget)"
                        ),
                    ));
                }
                let mut node = self.anchors[&id].0.clone();
                // The copy is reported where the alias is written.
                node.span = Span::new(self.file, start, end);
                self.push(node)?;
            }
            Event::DocumentEnd => return Ok(self.root.is_some()),
            _ => {}
        }
        Ok(false)
    }

    /// Keeps a copy of an anchored node for its aliases. The copy counts against the node
    /// budget too: anchors on every level of a deep tree would copy it once per level.
    fn remember(&mut self, anchor: usize, node: &Node, at: usize) -> Result<(), ParseError> {
        let size = Size::of(node);
        self.count(size.nodes, at)?;
        self.anchors.insert(anchor, (node.clone(), size));
        Ok(())
    }

    /// An anchored node's span without the `&name` it may start with.
    fn after_anchor_name(&self, mut span: Span) -> Span {
        if let Some(rest) = self.text[span.range()].strip_prefix('&') {
            let name_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            let value = rest[name_end..].trim_start();
            span.start = span.end - value.len() as u32;
        }
        span
    }

    fn open(&mut self, at: usize) -> Result<(), ParseError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(self.error_at(at, format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        Ok(())
    }

    fn count(&mut self, n: usize, at: usize) -> Result<(), ParseError> {
        self.nodes += n;
        if self.nodes > MAX_NODES {
            return Err(self.error_at(
                at,
                format!(
                    "the document expands to more than {MAX_NODES} nodes (the node budget of one document; alias expansion?)"
                ),
            ));
        }
        Ok(())
    }

    fn error(&self, start: usize, end: usize, message: &str) -> ParseError {
        ParseError {
            span: Span::new(self.file, start, end.min(self.text.len())),
            message: message.to_string(),
        }
    }

    fn error_at(&self, at: usize, message: impl Into<String>) -> ParseError {
        ParseError::at(self.file, self.text, at, message)
    }

    /// Block collections have empty start/end events; their span runs from the first to
    /// the last child. Flow collections end at their closing bracket.
    fn container_span(&self, start: usize, end_start: usize, end: usize, last: Option<usize>) -> Span {
        let end = if end > end_start {
            // The end event runs on to the next token, past spaces and a comment: the
            // collection ends at its bracket.
            match self.text.as_bytes().get(end_start) {
                Some(b']' | b'}') => end_start + 1,
                _ => end,
            }
        } else {
            last.unwrap_or(start).max(start)
        };
        Span::new(self.file, start, end)
    }

    fn push(&mut self, node: Node) -> Result<(), ParseError> {
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
            Some(Frame::Sequence { items, .. }) => items.push(node),
            Some(Frame::Mapping { entries, key, .. }) => match key.take() {
                None => {
                    let text = match &node.value {
                        Value::String(s) | Value::Number(s) => s.clone(),
                        Value::Bool(b) => b.to_string(),
                        Value::Null => String::new(),
                        _ => {
                            let (start, end) = (node.span.start as usize, node.span.end as usize);
                            let message = "a mapping key must be a scalar";
                            return Err(if end > start {
                                self.error(start, end, message)
                            } else {
                                self.error_at(start, message)
                            });
                        }
                    };
                    // A key is not a value of the tree (as in JSON): its scalar, counted
                    // when it was read, is given back.
                    self.nodes = self.nodes.saturating_sub(1);
                    *key = Some((text, node.span));
                }
                Some((key, key_span)) => entries.push(Entry {
                    key,
                    key_span,
                    value: node,
                }),
            },
        }
        Ok(())
    }

    fn scalar(&self, text: String, style: ScalarStyle, tag: Option<Tag>, start: usize, end: usize) -> Node {
        let value_start = match &tag {
            Some(_) => self.after_tag(start, end),
            None => start,
        };
        let mut value_end = end;
        if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) {
            value_end = value_start + self.text[value_start..end].trim_end().len();
        }
        // saphyr ends a quoted scalar where the next token starts, after the spaces and a
        // comment that follow it: the value ends at its closing quote.
        if let Some(close) = closing_quote(&self.text[value_start..end], style) {
            value_end = value_start + close;
        }
        let span = Span::new(self.file, value_start, value_end);
        let value = match (&tag, style) {
            (Some(t), _) if t.handle == "tag:yaml.org,2002:" || t.handle == "!!" => {
                core_tagged(&t.suffix, text)
            }
            // The non-specific tag `!` means "not resolved": a plain string.
            (Some(t), _) if is_non_specific(t) => Value::String(text),
            (_, ScalarStyle::Plain) => resolve_plain(text),
            _ => Value::String(text),
        };
        let node = Node { span, value };
        match tag {
            Some(tag) if is_non_specific(&tag) => node,
            Some(tag) if tag.handle == "!" || !tag.is_yaml_core_schema() => {
                self.apply_tag(&tag, node, start, end)
            }
            _ => node,
        }
    }

    /// Where the tag is written inside the event from `start` to `end`: the first word that
    /// starts with `!` (an anchor may precede it), up to white space or a flow indicator,
    /// which a tag never holds (`!<...>` up to its `>`). Empty at `start` if there is none.
    /// Not found from the `Tag` itself: saphyr resolves it (`!!str` is
    /// `tag:yaml.org,2002:str`, a `%TAG` handle is expanded), so it is not what is written.
    fn written_tag(&self, start: usize, end: usize) -> Range<usize> {
        let window = &self.text[start..end.max(start)];
        let word_start = |i: usize| window[..i].chars().next_back().is_none_or(char::is_whitespace);
        let Some(at) = window.match_indices('!').map(|(i, _)| i).find(|&i| word_start(i)) else {
            return start..start;
        };
        let tag = &window[at..];
        let len = if tag.starts_with("!<") {
            tag.find('>').map_or(tag.len(), |i| i + 1)
        } else {
            tag.find(|c: char| c.is_whitespace() || matches!(c, ',' | '[' | ']' | '{' | '}'))
                .unwrap_or(tag.len())
        };
        start + at..start + at + len
    }

    /// Byte offset of the operand that follows `!Tag` and its whitespace.
    fn after_tag(&self, start: usize, end: usize) -> usize {
        let at = self.written_tag(start, end).end;
        let operand = self.text[at..].trim_start();
        (self.text.len() - operand.len()).min(end.max(at))
    }

    /// Turns a CloudFormation short-form tag into its long form. Unknown local tags are
    /// kept as a one-key object named after the tag, so no rule mistakes them for a
    /// literal.
    fn apply_tag(&self, tag: &Tag, node: Node, event_start: usize, event_end: usize) -> Node {
        if tag.handle == "!!" || tag.handle == "tag:yaml.org,2002:" || is_non_specific(tag) {
            return node;
        }
        let name = tag.suffix.as_str();
        let key = match name {
            "Ref" | "Condition" => name.to_string(),
            _ if FN_TAGS.contains(&name) => format!("Fn::{name}"),
            _ => format!("{}{}", tag.handle, tag.suffix),
        };
        let written = self.written_tag(event_start, event_end);
        let key_span = Span::new(self.file, written.start, written.end);
        let outer = Span::new(self.file, written.start, node.span.end as usize);
        let value = if name == "GetAtt" {
            split_get_att(node, self.text)
        } else {
            node
        };
        Node {
            span: outer,
            value: Value::Object(vec![Entry { key, key_span, value }]),
        }
    }
}

/// What an alias of a node copies: its nodes, and the bytes of its keys and scalars.
#[derive(Clone, Copy, Default)]
struct Size {
    nodes: usize,
    bytes: usize,
}

impl Size {
    fn of(node: &Node) -> Size {
        let mut size = Size::default();
        let mut stack = vec![node];
        while let Some(node) = stack.pop() {
            size.nodes += 1;
            match &node.value {
                Value::String(s) | Value::Number(s) => size.bytes += s.len(),
                Value::Array(items) => stack.extend(items),
                Value::Object(entries) => {
                    for entry in entries {
                        size.bytes += entry.key.len();
                        stack.push(&entry.value);
                    }
                }
                Value::Null | Value::Bool(_) => {}
            }
        }
        size
    }
}

/// saphyr writes the non-specific tag `!` as an empty handle with suffix `!`.
fn is_non_specific(tag: &Tag) -> bool {
    (tag.handle.is_empty() && tag.suffix == "!") || (tag.handle == "!" && tag.suffix.is_empty())
}

/// The end of a quoted scalar that starts `text` (after its closing quote); `None` for
/// other styles, or when `text` does not start with the quote.
fn closing_quote(text: &str, style: ScalarStyle) -> Option<usize> {
    let quote = match style {
        ScalarStyle::DoubleQuoted => b'"',
        ScalarStyle::SingleQuoted => b'\'',
        _ => return None,
    };
    let bytes = text.as_bytes();
    if bytes.first() != Some(&quote) {
        return None;
    }
    let mut i = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            b if b == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// `!GetAtt Resource.Attribute` -> `["Resource", "Attribute"]`, each with its own span.
fn split_get_att(node: Node, text: &str) -> Node {
    let Value::String(s) = &node.value else {
        return node;
    };
    let Some(dot) = s.find('.') else {
        return node;
    };
    let (resource, attribute) = (s[..dot].to_string(), s[dot + 1..].to_string());
    let raw = &text[node.span.range()];
    // Quoted operands start one byte later than the text they hold.
    let quote = usize::from(raw.starts_with(['"', '\'']));
    let base = node.span.start as usize + quote;
    let file = node.span.file;
    let exact = raw.get(quote..quote + s.len()) == Some(s.as_str());
    let (first, second) = if exact {
        (
            Span::new(file, base, base + dot),
            Span::new(file, base + dot + 1, base + s.len()),
        )
    } else {
        (node.span, node.span)
    };
    Node {
        span: node.span,
        value: Value::Array(vec![
            Node {
                span: first,
                value: Value::String(resource),
            },
            Node {
                span: second,
                value: Value::String(attribute),
            },
        ]),
    }
}

/// Resolves a plain scalar as the YAML 1.2 core schema does (which is what
/// CloudFormation's own parser accepts for booleans, nulls and numbers).
fn resolve_plain(text: String) -> Value {
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        _ if looks_numeric(&text) => Value::Number(text),
        _ => Value::String(text),
    }
}

fn core_tagged(suffix: &str, text: String) -> Value {
    match suffix {
        "str" => Value::String(text),
        "null" => Value::Null,
        "bool" => match text.to_ascii_lowercase().as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => Value::String(text),
        },
        "int" | "float" if looks_numeric(&text) => Value::Number(text),
        _ => Value::String(text),
    }
}

fn looks_numeric(text: &str) -> bool {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    if body.is_empty() {
        return false;
    }
    if let Some(hex) = body.strip_prefix("0x") {
        return !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit());
    }
    if let Some(oct) = body.strip_prefix("0o") {
        return !oct.is_empty() && oct.chars().all(|c| ('0'..='7').contains(&c));
    }
    if matches!(body, ".inf" | ".Inf" | ".INF") || matches!(text, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let mut digits = false;
    let mut chars = body.chars().peekable();
    while chars.peek().is_some_and(char::is_ascii_digit) {
        chars.next();
        digits = true;
    }
    if chars.peek() == Some(&'.') {
        chars.next();
        while chars.peek().is_some_and(char::is_ascii_digit) {
            chars.next();
            digits = true;
        }
    }
    if !digits {
        return false;
    }
    if matches!(chars.peek(), Some('e' | 'E')) {
        chars.next();
        if matches!(chars.peek(), Some('+' | '-')) {
            chars.next();
        }
        let mut exponent = false;
        while chars.peek().is_some_and(char::is_ascii_digit) {
            chars.next();
            exponent = true;
        }
        if !exponent {
            return false;
        }
    }
    chars.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Node {
        parse(FileId(0), text).unwrap().0
    }

    #[test]
    fn an_alias_remembers_the_anchored_node() {
        let text = "a: &pw secret\nb: *pw\nc: &m {k: v}\nd: *m\n";
        let (root, aliases) = parse(FileId(0), text).unwrap();
        assert_eq!(&text[root.get("b").unwrap().span.range()], "*pw");
        let pairs: Vec<(&str, &str)> = aliases
            .iter()
            .map(|a| (&text[a.alias.range()], &text[a.anchor.range()]))
            .collect();
        assert_eq!(pairs, [("*pw", "secret"), ("*m", "{k: v}")]);
    }

    #[test]
    fn short_form_tags_become_long_forms_with_spans() {
        let text = "A: !Ref Pw\nB: !GetAtt Db.Endpoint.Address\nC: !Sub 'x-${AWS::Region}'\n";
        let root = parse_str(text);
        let a = root.get("A").unwrap();
        let (name, operand) = a.intrinsic().unwrap();
        assert_eq!(name, "Ref");
        assert_eq!(operand.as_str(), Some("Pw"));
        assert_eq!(&text[operand.span.range()], "Pw");
        assert_eq!(&text[a.span.range()], "!Ref Pw");
        assert_eq!(&text[a.entry("Ref").unwrap().key_span.range()], "!Ref");

        let (name, operand) = root.get("B").unwrap().intrinsic().unwrap();
        assert_eq!(name, "Fn::GetAtt");
        let parts = operand.as_array().unwrap();
        assert_eq!(parts[0].as_str(), Some("Db"));
        assert_eq!(&text[parts[1].span.range()], "Endpoint.Address");

        let (name, operand) = root.get("C").unwrap().intrinsic().unwrap();
        assert_eq!(name, "Fn::Sub");
        assert_eq!(&text[operand.span.range()], "'x-${AWS::Region}'");
    }

    #[test]
    fn a_tag_is_located_as_written_not_as_resolved() {
        // `!!x` resolves to `tag:yaml.org,2002:x`, `!e!x` to what `%TAG` says.
        let text = "%TAG !e! tag:example.com,2000:\n---\nA: &a !e!Ref Pw\nB: !<!Ref> Pw\nC: !!Or [x]\n";
        let root = parse_str(text);
        let a = root.get("A").unwrap();
        assert_eq!(&text[a.span.range()], "!e!Ref Pw");
        assert_eq!(&text[a.as_object().unwrap()[0].key_span.range()], "!e!Ref");
        assert_eq!(&text[a.as_object().unwrap()[0].value.span.range()], "Pw");
        let b = root.get("B").unwrap();
        assert_eq!(&text[b.as_object().unwrap()[0].key_span.range()], "!<!Ref>");
        assert_eq!(&text[root.get("C").unwrap().span.range()], "[x]");
    }

    #[test]
    fn tagged_sequences_and_plain_scalars() {
        let text = "J: !Join\n  - ''\n  - [a, 1, true, ~]\n";
        let root = parse_str(text);
        let (name, operand) = root.get("J").unwrap().intrinsic().unwrap();
        assert_eq!(name, "Fn::Join");
        let parts = operand.as_array().unwrap()[1].as_array().unwrap();
        assert_eq!(parts[0].value, Value::String("a".into()));
        assert_eq!(parts[1].value, Value::Number("1".into()));
        assert_eq!(parts[2].value, Value::Bool(true));
        assert_eq!(parts[3].value, Value::Null);
    }

    #[test]
    fn the_non_specific_tag_is_a_plain_string() {
        let root = parse_str("S: [a, ! \"Ref\": \"AWS::AccountId\"]\n");
        let pair = &root.get("S").unwrap().as_array().unwrap()[1];
        assert_eq!(pair.get("Ref").and_then(Node::as_str), Some("AWS::AccountId"));
    }

    #[test]
    fn block_mapping_span_ends_at_its_last_value() {
        let text = "Outer:\n  K: v\n  L: w\n\nNext: 1\n";
        let root = parse_str(text);
        let outer = root.get("Outer").unwrap();
        assert_eq!(&text[outer.span.range()], "K: v\n  L: w");
    }

    #[test]
    fn quoted_scalars_end_at_their_closing_quote() {
        let text = "A: \"*\" # c\nB: 'it''s' # d\nC: [\"x\", 'y']  # e\nD: \"a\\\"b\"   \nE: \"multi\n  line\" # f\n";
        let root = parse_str(text);
        let shown = |key: &str| &text[root.get(key).unwrap().span.range()];
        assert_eq!(shown("A"), "\"*\"");
        assert_eq!(shown("B"), "'it''s'");
        assert_eq!(shown("C"), "[\"x\", 'y']");
        assert_eq!(shown("D"), "\"a\\\"b\"");
        assert_eq!(shown("E"), "\"multi\n  line\"");
    }

    #[test]
    fn spans_are_bytes_in_non_ascii_text() {
        let text = "Description: çà\nKey: value\n";
        let root = parse_str(text);
        assert_eq!(&text[root.get("Key").unwrap().span.range()], "value");
    }

    #[test]
    fn alias_bombs_are_bounded() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 1..10 {
            let prev = level - 1;
            let refs = vec![format!("*l{prev}"); 10].join(", ");
            let name = format!("l{level}");
            if level == 1 {
                text.push_str(&format!("{name}: &{name} [{}]\n", ["*a"; 10].join(", ")));
            } else {
                text.push_str(&format!("{name}: &{name} [{refs}]\n"));
            }
        }
        let err = parse(FileId(0), &text).unwrap_err();
        assert!(err.message.contains("alias"), "{}", err.message);
    }

    #[test]
    fn deep_nesting_is_an_error() {
        let text = "[".repeat(10_000);
        let err = parse(FileId(0), &text).unwrap_err();
        assert!(
            err.message.contains("nesting") || err.message.contains("recursion"),
            "{}",
            err.message
        );
    }

    #[test]
    fn syntax_errors_have_a_location() {
        let text = "a: [1, 2\nb: c\n";
        let err = parse(FileId(0), text).unwrap_err();
        assert!(err.span.start > 0);
    }
}
