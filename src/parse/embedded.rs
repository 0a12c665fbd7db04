//! Policy documents written as a JSON string inside a template (`"Content": "{\"Version\"...`
//! a YAML block scalar, a Terraform heredoc or quoted string). The string is parsed on its
//! own and every span is mapped back to the bytes of the file that produced it, through
//! escapes, quotes, indentation and HCL's `$${` escape.

use super::{MAX_NODES, Node, ParseError, Value, json};
use crate::source::Span;

/// Parses the string held by `node` (whose source is `text`) as JSON, with spans in the
/// template. When the written form cannot be aligned with the value (an exotic escape),
/// every span falls back to the whole string. The documents embedded in one input share
/// one node budget, `nodes_left` (start it at [`MAX_NODES`]): an input whose strings hold
/// many documents, or a YAML alias of one repeated many times, cannot multiply past it.
pub fn parse_embedded_json(node: &Node, text: &str, nodes_left: &mut usize) -> Result<Node, ParseError> {
    let Value::String(value) = &node.value else {
        return Err(ParseError {
            span: node.span,
            message: "expected a string".to_string(),
        });
    };
    let written = text.get(node.span.range()).unwrap_or("");
    parse_json_pieces(
        &[Piece {
            decoded: value,
            written,
            span: node.span,
        }],
        nodes_left,
    )
}

/// One run of an embedded document: the text it decodes to, and what was written for it
/// (quotes, escapes and indentation included) at `span`.
pub struct Piece<'t> {
    pub decoded: &'t str,
    pub written: &'t str,
    pub span: Span,
}

/// Parses the concatenation of the pieces' decoded text as JSON, with spans in the files
/// that hold the pieces. A piece whose written form cannot be aligned with its text maps
/// every position inside it to the whole piece. All pieces belong to one file. Spends
/// `nodes_left` as [`parse_embedded_json`] does.
pub fn parse_json_pieces(pieces: &[Piece<'_>], nodes_left: &mut usize) -> Result<Node, ParseError> {
    let Some(first) = pieces.first() else {
        return Err(ParseError {
            span: Span::new(crate::source::FileId(0), 0, 0),
            message: "embedded policy document: empty".to_string(),
        });
    };
    let file = first.span.file;
    let decoded: String = pieces.iter().map(|p| p.decoded).collect();
    let map = OffsetMap::concat(pieces);
    let remap = |span: Span| Span::new(file, map.start(span.start as usize), map.end(span.end as usize));
    match json::parse_within(file, &decoded, 0, *nodes_left) {
        Ok((mut parsed, nodes)) => {
            *nodes_left -= nodes;
            remap_tree(&mut parsed, &remap);
            Ok(parsed)
        }
        Err((mut err, budget)) => {
            err.span = remap(err.span);
            err.message = if budget {
                format!(
                    "embedded policy document: the documents embedded in this file hold more than {MAX_NODES} values together (the node budget of one document)"
                )
            } else {
                format!("embedded policy document: {}", err.message)
            };
            Err(err)
        }
    }
}

/// Where each byte of a string value is written in the file, through quotes, escapes,
/// indentation and HCL's `$${`: built once per string in one pass, so that a rule can
/// point at many parts of one long string without searching it for each.
pub struct WrittenOffsets(OffsetMap);

impl WrittenOffsets {
    /// `None` when the written form cannot be aligned with the value (an exotic escape).
    pub fn new(value: &str, written: &str, base: usize) -> Option<WrittenOffsets> {
        OffsetMap::align(value, written, base).map(WrittenOffsets)
    }

    /// The span in the file of `value[start..end]`.
    pub fn span(&self, file: crate::source::FileId, start: usize, end: usize) -> Span {
        Span::new(file, self.0.start(start), self.0.end(end))
    }
}

fn remap_tree(node: &mut Node, remap: &impl Fn(Span) -> Span) {
    node.span = remap(node.span);
    match &mut node.value {
        Value::Array(items) => items.iter_mut().for_each(|n| remap_tree(n, remap)),
        Value::Object(entries) => {
            for entry in entries {
                entry.key_span = remap(entry.key_span);
                remap_tree(&mut entry.value, remap);
            }
        }
        _ => {}
    }
}

/// For each byte offset of the decoded string, where its character starts (and where the
/// previous one ends) in the file.
struct OffsetMap {
    starts: Offsets,
    ends: Offsets,
}

/// A sequence of file offsets, one per byte offset of a decoded string (and one past its
/// end), kept as runs: a run goes up by one byte at a time (text written as it reads) or
/// stays flat (the bytes of one character, or a piece that could not be aligned). An
/// embedded document of 15 MB with a few escapes takes a few runs per escape, not two
/// machine words per byte.
#[derive(Default)]
struct Offsets {
    /// Where each run starts (decoded offset), its first value and whether it is flat.
    runs: Vec<(usize, usize, bool)>,
    len: usize,
}

impl Offsets {
    fn push(&mut self, value: usize) {
        let at = self.len;
        self.len += 1;
        if let Some(last) = self.runs.last_mut() {
            let predicted = if last.2 { last.1 } else { last.1 + (at - last.0) };
            if predicted == value {
                return;
            }
            // A run of one value can still be flat.
            if at == last.0 + 1 && !last.2 && value == last.1 {
                last.2 = true;
                return;
            }
        }
        self.runs.push((at, value, false));
    }

    fn get(&self, offset: usize) -> usize {
        let offset = offset.min(self.len.saturating_sub(1));
        let run = self
            .runs
            .partition_point(|&(at, ..)| at <= offset)
            .saturating_sub(1);
        match self.runs.get(run) {
            Some(&(at, value, flat)) => {
                if flat {
                    value
                } else {
                    value + (offset - at)
                }
            }
            None => 0,
        }
    }

    /// The values in order, `from` up to `to` (exclusive).
    fn values(&self, from: usize, to: usize) -> impl Iterator<Item = usize> + '_ {
        let mut run = self
            .runs
            .partition_point(|&(at, ..)| at <= from)
            .saturating_sub(1);
        (from..to.min(self.len)).map(move |offset| {
            while self.runs.get(run + 1).is_some_and(|&(at, ..)| at <= offset) {
                run += 1;
            }
            let (at, value, flat) = self.runs[run];
            if flat { value } else { value + (offset - at) }
        })
    }
}

impl OffsetMap {
    /// The map of the pieces' decoded text laid end to end.
    fn concat(pieces: &[Piece<'_>]) -> OffsetMap {
        let aligned: Vec<Option<OffsetMap>> = pieces
            .iter()
            .map(|p| OffsetMap::align(p.decoded, p.written, p.span.start as usize))
            .collect();
        let mut starts = Offsets::default();
        let mut after_last = 0;
        for (piece, map) in pieces.iter().zip(&aligned) {
            let len = piece.decoded.len();
            match map {
                Some(map) => {
                    map.starts.values(0, len).for_each(|v| starts.push(v));
                    after_last = map.starts.get(len);
                }
                None => {
                    (0..len).for_each(|_| starts.push(piece.span.start as usize));
                    after_last = piece.span.end as usize;
                }
            }
        }
        let mut ends = Offsets::default();
        // Nothing ends before the first byte: its start.
        ends.push(if starts.len > 0 { starts.get(0) } else { after_last });
        for (piece, map) in pieces.iter().zip(&aligned) {
            let len = piece.decoded.len();
            match map {
                Some(map) => map.ends.values(1, len + 1).for_each(|v| ends.push(v)),
                None => (0..len).for_each(|_| ends.push(piece.span.end as usize)),
            }
        }
        starts.push(after_last);
        OffsetMap { starts, ends }
    }

    fn start(&self, offset: usize) -> usize {
        self.starts.get(offset)
    }

    fn end(&self, offset: usize) -> usize {
        self.ends.get(offset)
    }

    /// Walks the decoded value and the written form together. Written characters that
    /// produce nothing (quotes, indentation, line folding) are skipped; escapes are
    /// decoded. Returns `None` when the two cannot be matched.
    fn align(decoded: &str, raw: &str, base: usize) -> Option<OffsetMap> {
        let mut starts = Offsets::default();
        let mut ends = Offsets::default();
        let raw_bytes = raw.as_bytes();
        let mut r = 0;
        for (d, c) in decoded.char_indices() {
            // Where the character is written.
            let start;
            loop {
                let rest = raw.get(r..)?;
                let Some(next) = rest.chars().next() else {
                    // Trailing line breaks of a block scalar lie outside its span.
                    start = base + r;
                    break;
                };
                if matches!(next, '$' | '%')
                    && c == next
                    && rest[1..].starts_with([next])
                    && rest[2..].starts_with('{')
                    && decoded[d + 1..].starts_with('{')
                {
                    // HCL's `$${` / `%%{` escapes stand for `${` / `%{`.
                    r += 1;
                    continue;
                }
                if next == c {
                    start = base + r;
                    r += next.len_utf8();
                    break;
                }
                if next == '\\' {
                    if let Some((escaped, len)) = decode_escape(&raw_bytes[r..]) {
                        if escaped == Some(c) {
                            start = base + r;
                            r += len;
                            break;
                        }
                        if escaped.is_none() {
                            r += len;
                            continue;
                        }
                    }
                    return None;
                }
                if c.is_whitespace() && next.is_whitespace() {
                    // A folded line break or a block scalar's newline.
                    start = base + r;
                    r += next.len_utf8();
                    break;
                }
                if next.is_whitespace()
                    || next == '"'
                    || next == '\''
                    || matches!(next, '|' | '>' | '-' | '+') && d == 0
                {
                    r += next.len_utf8();
                    continue;
                }
                return None;
            }
            if d == 0 {
                // Nothing ends before the first character: its start.
                ends.push(start);
            }
            // Every byte of the character starts where it does, and ends after it.
            for _ in 0..c.len_utf8() {
                starts.push(start);
                ends.push(base + r);
            }
        }
        if decoded.is_empty() {
            ends.push(base + r);
        }
        starts.push(base + r);
        Some(OffsetMap { starts, ends })
    }
}

/// Decodes one escape at the start of `raw` (which begins with a backslash). Returns the
/// character it stands for (`None` for a line continuation) and its written length.
fn decode_escape(raw: &[u8]) -> Option<(Option<char>, usize)> {
    let c = *raw.get(1)?;
    let simple = match c {
        b'n' => Some('\n'),
        b't' => Some('\t'),
        b'r' => Some('\r'),
        b'"' => Some('"'),
        b'\\' => Some('\\'),
        b'/' => Some('/'),
        b'b' => Some('\u{8}'),
        b'f' => Some('\u{c}'),
        b' ' => Some(' '),
        b'0' => Some('\0'),
        _ => None,
    };
    if let Some(ch) = simple {
        return Some((Some(ch), 2));
    }
    match c {
        b'u' => {
            let hex = std::str::from_utf8(raw.get(2..6)?).ok()?;
            let code = u32::from_str_radix(hex, 16).ok()?;
            Some((char::from_u32(code), 6))
        }
        b'x' => {
            let hex = std::str::from_utf8(raw.get(2..4)?).ok()?;
            let code = u32::from_str_radix(hex, 16).ok()?;
            Some((char::from_u32(code), 4))
        }
        b'\n' => Some((None, 2)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{Syntax, parse};
    use crate::source::FileId;

    fn embedded(text: &str, key: &str) -> Node {
        let root = parse(FileId(0), text, Syntax::detect("t.yaml", text)).unwrap();
        parse_embedded_json(root.get(key).unwrap(), text, &mut MAX_NODES.clone()).unwrap()
    }

    #[test]
    fn maps_spans_through_json_escapes() {
        let text = r#"{"Content": "{\"Statement\": [{\"Effect\": \"Deny\", \"Action\": \"rds:Create*\"}]}"}"#;
        let root = parse(FileId(0), text, Syntax::Json).unwrap();
        let doc = parse_embedded_json(root.get("Content").unwrap(), text, &mut MAX_NODES.clone()).unwrap();
        let stmt = &doc.get("Statement").unwrap().as_array().unwrap()[0];
        let action = stmt.get("Action").unwrap();
        assert_eq!(&text[action.span.range()], r#"\"rds:Create*\""#);
        assert_eq!(
            &text[stmt.entry("Effect").unwrap().key_span.range()],
            r#"\"Effect\""#
        );
    }

    #[test]
    fn maps_spans_through_a_block_scalar() {
        let text = "Content: |\n  {\n    \"Statement\": {\"Effect\": \"Deny\"}\n  }\nOther: 1\n";
        let doc = embedded(text, "Content");
        let effect = doc.get("Statement").unwrap().get("Effect").unwrap();
        assert_eq!(&text[effect.span.range()], "\"Deny\"");
    }

    #[test]
    fn parse_errors_point_into_the_template() {
        let text = "Content: '{\"Statement\": [}'\n";
        let root = parse(FileId(0), text, Syntax::Yaml).unwrap();
        let err =
            parse_embedded_json(root.get("Content").unwrap(), text, &mut MAX_NODES.clone()).unwrap_err();
        assert_eq!(&text[err.span.range()], "}");
    }
}
