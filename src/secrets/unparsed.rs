//! The values of a file that failed to parse. Without a tree there is no telling which
//! value is a password (it may sit on the line after its key, in a block scalar or a
//! heredoc, or after a duplicate key), so every value that could be one is masked: each
//! string, number and bare word in a value position, block scalars and heredocs whole,
//! comments (a commented-out password is still one). What stays readable is what locates the
//! error and holds no value: indentation, punctuation (`{ } [ ] , : = "`), keys and
//! attribute names, block types and labels, `true`/`false`/`null`, references (`var.x`)
//! and function names. A key such as `ManageMasterUserPassword` stays, its `true` too.
//!
//! These are tolerant scanners, not parsers: they never fail, take one pass over the text
//! and err towards masking.

use std::ops::Range;

use crate::source::{FileId, Span};

/// The syntax a file was read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unparsed {
    /// JSON, CloudFormation JSON, Terraform `.tf.json` and plans.
    Json,
    Yaml,
    /// Terraform's native syntax.
    Hcl,
}

pub fn unparsed_values(file: FileId, text: &str, syntax: Unparsed) -> Vec<Span> {
    let ranges = match syntax {
        Unparsed::Json => json(text),
        Unparsed::Yaml => yaml(text),
        Unparsed::Hcl => hcl(text),
    };
    ranges
        .into_iter()
        .filter(|r| !r.is_empty())
        .map(|r| Span::new(file, r.start, r.end))
        .collect()
}

fn is_keyword(word: &str) -> bool {
    matches!(word, "true" | "false" | "null")
}

fn skip_spaces(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t') {
        i += 1;
    }
    i
}

/// The first byte that is not whitespace (newlines included), from `i`.
fn next_significant(b: &[u8], mut i: usize) -> Option<u8> {
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    b.get(i).copied()
}

/// A `"` string from `i` (at its opening quote): the end of its content and the byte after
/// it. An unterminated string ends at the end of its line.
fn quoted_end(b: &[u8], i: usize, quote: u8) -> (usize, usize) {
    let mut j = i + 1;
    while j < b.len() {
        match b[j] {
            b'\\' if quote == b'"' => j += 2,
            c if c == quote => {
                // `''` is an escaped quote in a YAML single-quoted string.
                if quote == b'\'' && b.get(j + 1) == Some(&b'\'') {
                    j += 2;
                    continue;
                }
                return (j, j + 1);
            }
            b'\n' => return (j, j),
            _ => j += 1,
        }
    }
    (b.len(), b.len())
}

/// `"` strings are values unless they are keys (followed by `:` in an object); bare words
/// other than `true`, `false` and `null` are values too.
fn json(text: &str) -> Vec<Range<usize>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut objects: Vec<bool> = Vec::new();
    let mut expect_key = false;
    let mut i = if text.starts_with('\u{feff}') { 3 } else { 0 };
    while i < b.len() {
        match b[i] {
            c if c.is_ascii_whitespace() => i += 1,
            b'{' | b'[' => {
                objects.push(b[i] == b'{');
                expect_key = b[i] == b'{';
                i += 1;
            }
            b'}' | b']' => {
                objects.pop();
                expect_key = false;
                i += 1;
            }
            b',' => {
                expect_key = objects.last() == Some(&true);
                i += 1;
            }
            b':' => {
                expect_key = false;
                i += 1;
            }
            b'"' => {
                let (content_end, next) = quoted_end(b, i, b'"');
                if !(expect_key && next_significant(b, next) == Some(b':')) {
                    out.push(i + 1..content_end);
                }
                expect_key = false;
                i = next.max(i + 1);
            }
            _ => {
                let end = (i..b.len())
                    .find(|&j| b[j].is_ascii_whitespace() || b"{}[],:\"".contains(&b[j]))
                    .unwrap_or(b.len());
                let key = expect_key && next_significant(b, end) == Some(b':');
                if !key && !is_keyword(&text[i..end]) {
                    out.push(i..end);
                }
                expect_key = false;
                i = end;
            }
        }
    }
    out
}

/// Line by line: the structure at the start of a line (indentation, `- `, `? `, a key and
/// its `:`) stays; the rest of the line is a value, and so is every line that starts with no
/// key (the next-line value of `MasterUserPassword:`, the continuation of a multi-line
/// scalar), and every line of a block scalar (`|`, `>`).
fn yaml(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    // Inside a block scalar: the lines indented more than this are its content.
    let mut block_parent: Option<usize> = None;
    // After a quoted scalar left open on its key's line: the lines indented more than the
    // key continue it, whatever they look like (`MasterUserPassword: "abc` then
    // `  def: ghi"` is one value). A plain scalar cannot hold `: `, so there a line that
    // looks like a key is one (a misindented key is the error to show).
    let mut scalar_parent: Option<usize> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let indent = content.len() - content.trim_start_matches([' ', '\t']).len();
        if let Some(parent) = block_parent.or(scalar_parent) {
            if indent == content.len() || indent > parent {
                out.push(start + indent..start + content.len());
                continue;
            }
            block_parent = None;
            scalar_parent = None;
        }
        let b = content.as_bytes();
        let mut at = indent;
        if start == 0 && content.starts_with('\u{feff}') {
            at = 3;
        }
        if content[at..].starts_with("---") || content[at..].starts_with("...") {
            at += 3;
        }
        // The column of the node a value on this line belongs to.
        let mut parent = indent;
        while at < b.len() && matches!(b[at], b'-' | b'?') && b.get(at + 1).is_none_or(|c| *c == b' ') {
            parent = at;
            at = skip_spaces(b, at + 1);
        }
        if let Some(after_key) = yaml_key(&content[at..]) {
            parent = at;
            at = skip_spaces(b, at + after_key);
        }
        let value = &content[at..];
        if is_block_header(value) {
            block_parent = Some(parent);
        } else if opens_quote(value) {
            scalar_parent = Some(parent);
        }
        yaml_value(content, at, start, &mut out);
    }
    out
}

/// The byte after the `:` of a mapping key at the start of `s`.
fn yaml_key(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let after = match b.first()? {
        q @ (b'"' | b'\'') => quoted_end(b, 0, *q).1,
        b'[' | b'{' | b']' | b'}' | b',' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'%' | b'@' | b'`' => {
            return None;
        }
        _ => {
            let colon = (0..b.len()).find(|&j| {
                (b[j] == b':' && b.get(j + 1).is_none_or(|c| c.is_ascii_whitespace()))
                    || (b[j] == b'#' && j > 0 && b[j - 1].is_ascii_whitespace())
            })?;
            return (b[colon] == b':').then_some(colon + 1);
        }
    };
    let colon = skip_spaces(b, after);
    (b.get(colon) == Some(&b':') && b.get(colon + 1).is_none_or(|c| c.is_ascii_whitespace()))
        .then_some(colon + 1)
}

/// Whether a value is a quoted scalar (after any tag or anchor) that its line leaves open.
fn opens_quote(value: &str) -> bool {
    let mut rest = value.trim_start();
    while rest.starts_with(['!', '&']) {
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        rest = rest[end..].trim_start();
    }
    let b = rest.as_bytes();
    match b.first() {
        Some(&q @ (b'"' | b'\'')) => {
            let (content_end, next) = quoted_end(b, 0, q);
            content_end == next
        }
        _ => false,
    }
}

/// `|`, `>-`, `|2+`..., after any tag or anchor, up to a comment.
fn is_block_header(value: &str) -> bool {
    let mut words = value.split_whitespace().skip_while(|w| w.starts_with(['!', '&']));
    words.next().is_some_and(|w| {
        w.starts_with(['|', '>'])
            && w[1..]
                .bytes()
                .all(|c| c.is_ascii_digit() || c == b'+' || c == b'-')
    }) && words.next().is_none_or(|w| w.starts_with('#'))
}

/// Masks a YAML value from `at` to the end of the line: quoted strings whole (their quotes
/// stay), bare words but tags (`!Ref`), anchors, aliases, block headers and `true`, `false`,
/// `null`, `~`; after ` #`, the comment's text.
fn yaml_value(content: &str, mut at: usize, base: usize, out: &mut Vec<Range<usize>>) {
    let b = content.as_bytes();
    while at < b.len() {
        match b[at] {
            c if c.is_ascii_whitespace() || b"[]{},:".contains(&c) => at += 1,
            b'#' if at == 0 || b[at - 1].is_ascii_whitespace() => {
                out.push(base + at + 1..base + b.len());
                return;
            }
            q @ (b'"' | b'\'') => {
                let (end, next) = quoted_end(b, at, q);
                out.push(base + at + 1..base + end);
                at = next.max(at + 1);
            }
            c => {
                let end = (at..b.len())
                    .find(|&j| b[j].is_ascii_whitespace() || b"[]{},".contains(&b[j]))
                    .unwrap_or(b.len());
                // A key inside a flow mapping (`{Key: v}`) keeps its `:` in view.
                let word_end = if b[end - 1] == b':' { end - 1 } else { end };
                let word = &content[at..word_end];
                let structural = matches!(c, b'!' | b'&' | b'*') || is_block_header(word);
                if !structural && !is_keyword(word) && !matches!(word, "~" | "True" | "False" | "Null") {
                    out.push(base + at..base + word_end);
                }
                at = end;
            }
        }
    }
}

/// Roots of references that hold no value themselves.
const REFERENCE_ROOTS: [&str; 9] = [
    "var",
    "local",
    "module",
    "data",
    "path",
    "each",
    "count",
    "self",
    "terraform",
];

const HCL_KEYWORDS: [&str; 6] = ["for", "in", "if", "else", "endif", "endfor"];

/// Strings (interpolations included), heredoc bodies, numbers, comments and bare words are
/// values, except a block's type and labels, the name that starts an attribute or an object
/// item (before `=` or `:`), function names, keywords and references rooted at `var`,
/// `local`, `module`... A string is a key only at the start of an item of an object
/// expression: `password = "s3cret" = =` masks `s3cret`.
fn hcl(text: &str) -> Vec<Range<usize>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut line_start = true;
    // At the start of an attribute or object item: a name there stays.
    let mut item_start = true;
    // Open braces, innermost last: `true` for an object expression, `false` for a body.
    let mut braces: Vec<bool> = Vec::new();
    // On a block header line (`resource "type" "name" {`): labels stay.
    let mut header = false;
    // After a kept reference root: `.name` stays.
    let mut traversal = false;
    while i < b.len() {
        let c = b[i];
        match c {
            b'\n' => {
                line_start = true;
                item_start = true;
                header = false;
                traversal = false;
                i += 1;
                continue;
            }
            c if c.is_ascii_whitespace() => {
                i += 1;
                continue;
            }
            _ => {}
        }
        let first_on_line = std::mem::replace(&mut line_start, false);
        let at_item_start = std::mem::replace(&mut item_start, false);
        // What follows a token: `=` or `:` makes it a name (not `==`).
        let names = |end: usize| {
            let after = skip_spaces(b, end);
            matches!(b.get(after), Some(b'=' | b':')) && b.get(after + 1) != Some(&b'=')
        };
        match c {
            b'#' => i = comment_to_line_end(b, i + 1, &mut out),
            b'/' if b.get(i + 1) == Some(&b'/') => i = comment_to_line_end(b, i + 2, &mut out),
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let end = text[i + 2..].find("*/").map_or(b.len(), |e| i + 2 + e);
                out.push(i + 2..end);
                i = (end + 2).min(b.len());
            }
            b'<' if b.get(i + 1) == Some(&b'<') => i = heredoc(text, i, &mut out),
            b'"' => {
                let end = hcl_string_end(b, i);
                let content_end = if end > i + 1 && b[end - 1] == b'"' {
                    end - 1
                } else {
                    end
                };
                let key = at_item_start && braces.last() == Some(&true) && names(end);
                if !header && !key {
                    out.push(i + 1..content_end);
                }
                i = end.max(i + 1);
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let end = (i..b.len())
                    .find(|&j| !(b[j].is_ascii_alphanumeric() || b[j] == b'_' || b[j] == b'-'))
                    .unwrap_or(b.len());
                let word = &text[i..end];
                if first_on_line && is_header_rest(b, end) {
                    header = true;
                }
                let continues = i > 0 && b[i - 1] == b'.' && traversal;
                let kept = header
                    || (at_item_start && names(end))
                    || continues
                    || b.get(skip_spaces(b, end)) == Some(&b'(')
                    || is_keyword(word)
                    || HCL_KEYWORDS.contains(&word)
                    || REFERENCE_ROOTS.contains(&word);
                traversal = kept && b.get(end) == Some(&b'.');
                if !kept {
                    out.push(i..end);
                }
                i = end;
            }
            c if c.is_ascii_digit() => {
                let end = (i..b.len())
                    .find(|&j| !(b[j].is_ascii_alphanumeric() || b[j] == b'.'))
                    .unwrap_or(b.len());
                out.push(i..end);
                i = end;
            }
            b'{' => {
                braces.push(!header);
                header = false;
                item_start = true;
                i += 1;
            }
            b'}' => {
                braces.pop();
                i += 1;
            }
            b',' => {
                item_start = true;
                i += 1;
            }
            b'=' => {
                header = false;
                i += 1;
            }
            b'.' => i += 1,
            _ if c.is_ascii() => {
                traversal = false;
                i += 1;
            }
            _ => {
                // A character outside ASCII stands only in a value.
                let end = (i..b.len())
                    .find(|&j| b[j].is_ascii() && text.is_char_boundary(j))
                    .unwrap_or(b.len());
                out.push(i..end);
                i = end;
            }
        }
    }
    out
}

/// Whether what follows a line's first word makes a block header: labels (strings or
/// words), then `{`.
fn is_header_rest(b: &[u8], mut j: usize) -> bool {
    loop {
        j = skip_spaces(b, j);
        match b.get(j) {
            Some(b'{') => return true,
            Some(b'"') => j = hcl_string_end(b, j),
            Some(c) if c.is_ascii_alphabetic() || *c == b'_' => {
                while b
                    .get(j)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-')
                {
                    j += 1;
                }
            }
            _ => return false,
        }
    }
}

fn comment_to_line_end(b: &[u8], from: usize, out: &mut Vec<Range<usize>>) -> usize {
    let end = (from..b.len()).find(|&j| b[j] == b'\n').unwrap_or(b.len());
    let shown_end = if end > from && b[end - 1] == b'\r' {
        end - 1
    } else {
        end
    };
    out.push(from..shown_end);
    end
}

/// The byte after a quoted HCL string that starts at `i`, through its interpolations
/// (`"${lookup(var.m, "k")}"` holds quotes of its own, to any depth). A string ends at the
/// end of its line when it is not closed.
fn hcl_string_end(b: &[u8], i: usize) -> usize {
    // Open strings and interpolations, innermost last: `None` for a string, `Some(braces)`
    // for the `${ ... }` or `%{ ... }` being read.
    let mut open: Vec<Option<usize>> = vec![None];
    let mut j = i + 1;
    while j < b.len() {
        let top = open.len() - 1;
        match (open[top], b[j]) {
            (None, b'\\') => j += 2,
            (None, b'$' | b'%') if b.get(j + 1) == Some(&b'{') => {
                open.push(Some(1));
                j += 2;
            }
            (None, b'"' | b'\n') => {
                open.pop();
                if open.is_empty() {
                    return if b[j] == b'"' { j + 1 } else { j };
                }
                j += 1;
            }
            (Some(braces), b'{') => {
                open[top] = Some(braces + 1);
                j += 1;
            }
            (Some(1), b'}') => {
                open.pop();
                j += 1;
            }
            (Some(braces), b'}') => {
                open[top] = Some(braces - 1);
                j += 1;
            }
            (Some(_), b'"') => {
                open.push(None);
                j += 1;
            }
            _ => j += 1,
        }
    }
    b.len()
}

/// `<<EOT` / `<<-EOT` at `i`: masks the lines up to the closing marker (all of the rest when
/// there is none) and returns where scanning goes on.
fn heredoc(text: &str, i: usize, out: &mut Vec<Range<usize>>) -> usize {
    let b = text.as_bytes();
    let mut j = i + 2;
    if b.get(j) == Some(&b'-') {
        j += 1;
    }
    let name_end = (j..b.len())
        .find(|&k| !(b[k].is_ascii_alphanumeric() || b[k] == b'_'))
        .unwrap_or(b.len());
    let marker = &text[j..name_end];
    let Some(newline) = text[name_end..].find('\n').map(|n| name_end + n) else {
        return b.len();
    };
    if marker.is_empty() {
        return name_end;
    }
    let mut at = newline + 1;
    for line in text[at..].split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed == marker {
            return at + line.trim_end().len();
        }
        let content = line.trim_end_matches(['\n', '\r']);
        let indent = content.len() - content.trim_start().len();
        out.push(at + indent..at + content.len());
        at += line.len();
    }
    b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text with every masked byte replaced by `*`, as the human report shows it.
    fn shown(text: &str, syntax: Unparsed) -> String {
        let mut bytes = text.as_bytes().to_vec();
        for span in unparsed_values(FileId(0), text, syntax) {
            for byte in &mut bytes[span.range()] {
                *byte = b'*';
            }
        }
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn json_keeps_keys_and_punctuation() {
        let text = "{\"MasterUserPassword\":\n  \"s3cret\",, \"ManageMasterUserPassword\": true,\n \"N\": [12, x, null, \"a\\\"b\"], \"U\": \"unterminated\n}";
        assert_eq!(
            shown(text, Unparsed::Json),
            "{\"MasterUserPassword\":\n  \"******\",, \"ManageMasterUserPassword\": true,\n \"N\": [**, *, null, \"****\"], \"U\": \"************\n}"
        );
    }

    #[test]
    fn yaml_masks_values_after_keys_on_next_lines_and_in_blocks() {
        let text = "\
Resources:
  Db:
    Properties:
      MasterUserPassword:
        s3cret
      ManageMasterUserPassword: true
      Block: !Sub |
        line one
          line two

      Folded: &x >-
        folded
      Alias: *x
      Tags: [{Key: k, Value: 'it''s'}, \"q\"]  # old: hunter2
      - item
      Url: https://example.com/a:b
      Plain: first
        second: a key, misindented
      Quoted: \"first
        second: inside\"
      Engine: [mysql
";
        assert_eq!(
            shown(text, Unparsed::Yaml),
            "\
Resources:
  Db:
    Properties:
      MasterUserPassword:
        ******
      ManageMasterUserPassword: true
      Block: !Sub |
        ********
          ********

      Folded: &x >-
        ******
      Alias: *x
      Tags: [{***: *, *****: '*****'}, \"*\"]  #*************
      - ****
      Url: ***********************
      Plain: *****
        second: * ***, ***********
      Quoted: \"*****
        ***************
      Engine: [*****
"
        );
    }

    /// Any text, however broken: no panic, and every span lies on character boundaries
    /// (the human report replaces the bytes of a span; it must stay UTF-8).
    #[test]
    fn scanners_take_any_text() {
        let alphabet: Vec<char> = "\"'{}[](),:=#/*<-|>!&$%\\\n\r\t ?.EOTab1€é\u{feff}"
            .chars()
            .collect();
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        // xorshift64: deterministic, no dependency.
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut total = 0;
        for _ in 0..3_000 {
            let length = next() % 80;
            let text: String = (0..length)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            total += text.len();
            for syntax in [Unparsed::Json, Unparsed::Yaml, Unparsed::Hcl] {
                for span in unparsed_values(FileId(0), &text, syntax) {
                    let range = span.range();
                    assert!(range.end <= text.len(), "{syntax:?} {text:?} {range:?}");
                    assert!(
                        text.is_char_boundary(range.start) && text.is_char_boundary(range.end),
                        "{syntax:?} {text:?} {range:?}"
                    );
                }
            }
        }
        assert!(total > 50_000, "{total} bytes of text tried");
    }

    #[test]
    fn deep_interpolations_and_a_byte_order_mark() {
        let deep = format!("a = \"{}x{}\"\n", "${\"".repeat(100_000), "\"}".repeat(100_000));
        let spans = unparsed_values(FileId(0), &deep, Unparsed::Hcl);
        assert_eq!(spans.len(), 1);
        assert_eq!(spans[0].end as usize, deep.len() - 2);
        assert_eq!(
            shown("\u{feff}MasterUserPassword: s3cret\n--- x\n", Unparsed::Yaml),
            "\u{feff}MasterUserPassword: ******\n--- *\n"
        );
    }

    #[test]
    fn hcl_keeps_names_labels_and_references() {
        let text = "\
resource \"aws_db_instance\" \"main\" {
  manage_master_user_password = true
  password = \"s3cret-${var.x}-${lookup(local.m, \"k\")}\"
  port     = 5432 # was \"hunter2\"
  master_password = upper(bare)
  tags = { \"Name\" = \"db\", other = var.tags.x }
  heredoc = <<-EOT
    line one
    EOT
  broken = = \"after\"
  password = \"s3cret\" = =
  password = bare = cond ? yes : no
}
";
        assert_eq!(
            shown(text, Unparsed::Hcl),
            "\
resource \"aws_db_instance\" \"main\" {
  manage_master_user_password = true
  password = \"***************************************\"
  port     = **** #**************
  master_password = upper(****)
  tags = { \"Name\" = \"**\", other = var.tags.x }
  heredoc = <<-EOT
    ********
    EOT
  broken = = \"*****\"
  password = \"******\" = =
  password = **** = **** ? *** : **
}
"
        );
    }
}
