//! Policy documents written as a JSON string inside a template (`"Content": "{\"Version\"...`
//! a YAML block scalar, a Terraform heredoc or quoted string). The string is parsed on its
//! own and every span is mapped back to the bytes of the file that produced it, through
//! escapes, quotes, indentation and HCL's `$${` escape.

use super::{Node, ParseError, Value, json};
use crate::source::Span;

/// Parses the string held by `node` (whose source is `text`) as JSON, with spans in the
/// template. When the written form cannot be aligned with the value (an exotic escape),
/// every span falls back to the whole string.
pub fn parse_embedded_json(node: &Node, text: &str) -> Result<Node, ParseError> {
    let Value::String(value) = &node.value else {
        return Err(ParseError {
            span: node.span,
            message: "expected a string".to_string(),
        });
    };
    let written = text.get(node.span.range()).unwrap_or("");
    parse_json_pieces(&[Piece {
        decoded: value,
        written,
        span: node.span,
    }])
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
/// every position inside it to the whole piece. All pieces belong to one file.
pub fn parse_json_pieces(pieces: &[Piece<'_>]) -> Result<Node, ParseError> {
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
    match json::parse_at(file, &decoded, 0) {
        Ok(mut parsed) => {
            remap_tree(&mut parsed, &remap);
            Ok(parsed)
        }
        Err(mut err) => {
            err.span = remap(err.span);
            err.message = format!("embedded policy document: {}", err.message);
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
    starts: Vec<usize>,
    ends: Vec<usize>,
}

impl OffsetMap {
    /// The map of the pieces' decoded text laid end to end.
    fn concat(pieces: &[Piece<'_>]) -> OffsetMap {
        let total: usize = pieces.iter().map(|p| p.decoded.len()).sum();
        let mut starts = Vec::with_capacity(total + 1);
        let mut ends = Vec::with_capacity(total + 1);
        ends.push(pieces.first().map_or(0, |p| p.span.start as usize));
        let mut after_last = 0;
        for piece in pieces {
            let len = piece.decoded.len();
            let (start, end) = (piece.span.start as usize, piece.span.end as usize);
            match OffsetMap::align(piece.decoded, piece.written, start) {
                Some(map) => {
                    starts.extend_from_slice(&map.starts[..len]);
                    ends.extend_from_slice(&map.ends[1..=len]);
                    after_last = map.starts[len];
                }
                None => {
                    starts.extend(std::iter::repeat_n(start, len));
                    ends.extend(std::iter::repeat_n(end, len));
                    after_last = end;
                }
            }
        }
        starts.push(after_last);
        if let Some(first) = starts.first().copied() {
            ends[0] = first;
        }
        OffsetMap { starts, ends }
    }

    fn start(&self, offset: usize) -> usize {
        self.starts[offset.min(self.starts.len() - 1)]
    }

    fn end(&self, offset: usize) -> usize {
        self.ends[offset.min(self.ends.len() - 1)]
    }

    /// Walks the decoded value and the written form together. Written characters that
    /// produce nothing (quotes, indentation, line folding) are skipped; escapes are
    /// decoded. Returns `None` when the two cannot be matched.
    fn align(decoded: &str, raw: &str, base: usize) -> Option<OffsetMap> {
        let mut starts = vec![base; decoded.len() + 1];
        let mut ends = vec![base; decoded.len() + 1];
        let raw_bytes = raw.as_bytes();
        let mut r = 0;
        for (d, c) in decoded.char_indices() {
            loop {
                let rest = raw.get(r..)?;
                let Some(next) = rest.chars().next() else {
                    // Trailing line breaks of a block scalar lie outside its span.
                    starts[d] = base + r;
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
                    starts[d] = base + r;
                    r += next.len_utf8();
                    break;
                }
                if next == '\\' {
                    if let Some((escaped, len)) = decode_escape(&raw_bytes[r..]) {
                        if escaped == Some(c) {
                            starts[d] = base + r;
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
                    starts[d] = base + r;
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
            for k in 1..=c.len_utf8() {
                ends[d + k] = base + r;
            }
            for k in 1..c.len_utf8() {
                starts[d + k] = starts[d];
            }
        }
        starts[decoded.len()] = base + r;
        ends[0] = starts[0];
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
        parse_embedded_json(root.get(key).unwrap(), text).unwrap()
    }

    #[test]
    fn maps_spans_through_json_escapes() {
        let text = r#"{"Content": "{\"Statement\": [{\"Effect\": \"Deny\", \"Action\": \"rds:Create*\"}]}"}"#;
        let root = parse(FileId(0), text, Syntax::Json).unwrap();
        let doc = parse_embedded_json(root.get("Content").unwrap(), text).unwrap();
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
        let err = parse_embedded_json(root.get("Content").unwrap(), text).unwrap_err();
        assert_eq!(&text[err.span.range()], "}");
    }
}
