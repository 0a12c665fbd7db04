//! Edits written in the source's own syntax, from the spans the parsers give: a list item
//! removed with its separator, a name replaced inside its quotes, an entry added before
//! the first key of an object. They work alike in JSON, YAML (block and flow) and HCL, and
//! in a policy written as a JSON string inside a template (where quotes and newlines are
//! escaped), because they only ever cut or copy text that the source already holds between
//! two spans, after checking that it is nothing but a separator.
//!
//! Each returns `None` when the text around the spans is not what it expects (a comment
//! between two items, a span that covers a whole string because the string could not be
//! aligned with its value): no edit is better than a guessed one.

use super::Edit;
use crate::source::Span;

/// Deletes `items[index]` from its list together with one separator: the one before it
/// (`, "b"`, a YAML `\n- b`), or for the first item the one after it. The other items and
/// the list's own formatting stay as written.
pub fn remove_item(text: &str, items: &[Span], index: usize) -> Option<Edit> {
    let this = *items.get(index)?;
    if items.len() < 2 {
        return None;
    }
    let between = |a: Span, b: Span| {
        a.file == b.file
            && a.end <= b.start
            && text.get(a.range().end..b.range().start).is_some_and(is_separator)
    };
    if let Some(&previous) = index.checked_sub(1).and_then(|i| items.get(i))
        && between(previous, this)
    {
        return Some(Edit::delete(Span {
            start: previous.end,
            ..this
        }));
    }
    let next = *items.get(index + 1)?;
    between(this, next).then(|| {
        Edit::delete(Span {
            end: next.start,
            ..this
        })
    })
}

/// What may stand between two items of one list: blanks, one comma, a YAML block
/// sequence's `-`, and the escaped blanks of a document embedded in a string (`\n`).
/// A comment, a bracket or any other text means the spans are not neighbours.
fn is_separator(gap: &str) -> bool {
    let mut commas = 0;
    let mut chars = gap.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' | '\r' => {}
            ',' => commas += 1,
            // A YAML block sequence entry: `-` then a blank.
            '-' if chars.peek().is_some_and(|n| n.is_whitespace()) => {}
            '\\' if chars.peek().is_some_and(|n| matches!(n, 'n' | 'r' | 't')) => {
                chars.next();
            }
            _ => return false,
        }
    }
    commas <= 1
}

/// Replaces `old` with `new` inside the item written at `span`: the item is `old` itself (a
/// YAML plain scalar) or `old` in quotes, escaped quotes included (`\"s3:GetObjet\"` in a
/// template's string). `new` must need no escaping in any of those forms.
pub fn replace_name(text: &str, span: Span, old: &str, new: &str) -> Option<Edit> {
    if old.is_empty() || !new.chars().all(is_plain) {
        return None;
    }
    let written = text.get(span.range())?;
    let at = written.find(old)?;
    let (before, after) = (&written[..at], &written[at + old.len()..]);
    let quote = |s: &str| matches!(s, "" | "\"" | "'" | "\\\"");
    if !quote(before) || before != after {
        return None;
    }
    let start = span.start + at as u32;
    Some(Edit::replace(
        Span {
            start,
            end: start + old.len() as u32,
            ..span
        },
        new,
    ))
}

/// Characters that mean the same unquoted, in quotes and inside an escaped string, in
/// JSON, YAML and HCL: those of action names, condition keys and ARNs.
fn is_plain(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, ':' | '*' | '?' | '-' | '_' | '.' | '/' | '@' | '+' | '=')
}

/// Adds `key` with the string `value` as the first entry of the object whose first key is
/// written at `first_key`, in that key's style: quoted or not (escaped quotes inside a
/// template's string), `:` or `=` with the same spacing, and for a YAML block mapping on
/// its own line with the same indentation.
pub fn insert_first_entry(text: &str, first_key: Span, key: &str, value: &str) -> Option<Edit> {
    if !key.chars().chain(value.chars()).all(is_plain) {
        return None;
    }
    let written = text.get(first_key.range())?;
    let quote = ["\\\"", "\"", "'"]
        .into_iter()
        .find(|q| written.starts_with(q) && written.len() > q.len() && written.ends_with(q))
        .unwrap_or("");
    let after = text.get(first_key.range().end..)?;
    let separator_at = after.find(|c| c != ' ' && c != '\t')?;
    let separator = after[separator_at..].chars().next()?;
    if !matches!(separator, ':' | '=') {
        return None;
    }
    let spaces = after[separator_at + 1..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .count();
    let mut separator_text = after[..separator_at + 1 + spaces].to_string();
    // A plain YAML key needs a blank after its colon (`Version:"x"` is one scalar), and the
    // first key of a block mapping has its value on the next line: `: ` then.
    if separator == ':' && quote.is_empty() && spaces == 0 {
        separator_text.push(' ');
    }
    let value_quote = if quote.is_empty() { "\"" } else { quote };
    let entry = format!("{quote}{key}{quote}{separator_text}{value_quote}{value}{value_quote}");
    let before = text.get(..first_key.range().start)?;
    let opening = trim_blank_end(before);
    let gap = &before[opening.len()..];
    let inserted = if opening.ends_with('{') {
        // A flow mapping (JSON, YAML flow, HCL object): the entry and a separator, then the
        // blank that came after the brace, so the old first key keeps its place.
        let comma = if separator == '=' && gap.contains('\n') {
            ""
        } else {
            ","
        };
        format!("{entry}{comma}{gap}")
    } else {
        // A YAML block mapping: a line of its own, indented as the first key.
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let indent = &before[line_start..];
        if separator != ':' || quote == "\\\"" || !indent.chars().all(|c| c == ' ') {
            return None;
        }
        format!("{entry}\n{indent}")
    };
    Some(Edit::insert(first_key, inserted))
}

/// `text` without its trailing blanks, escaped blanks (`\n`) included.
fn trim_blank_end(text: &str) -> &str {
    let mut end = text.len();
    loop {
        let rest = &text[..end];
        if let Some(stripped) = rest.strip_suffix([' ', '\t', '\n', '\r']) {
            end = stripped.len();
        } else if let Some(stripped) = ["\\n", "\\r", "\\t"].iter().find_map(|e| rest.strip_suffix(e))
            && !stripped.ends_with('\\')
        {
            end = stripped.len();
        } else {
            return rest;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::apply;
    use crate::source::FileId;

    /// The spans of every `needle` in `text`.
    fn spans(text: &str, needle: &str) -> Vec<Span> {
        text.match_indices(needle)
            .map(|(at, _)| Span::new(FileId(0), at, at + needle.len()))
            .collect()
    }

    fn items(text: &str, words: &[&str]) -> Vec<Span> {
        words.iter().map(|w| spans(text, w)[0]).collect()
    }

    fn removed(text: &str, words: &[&str], index: usize) -> Option<String> {
        let edit = remove_item(text, &items(text, words), index)?;
        apply(text, &[edit])
    }

    #[test]
    fn removes_an_item_with_its_separator_in_every_syntax() {
        let json = r#"["s3:A", "s3:B", "s3:C"]"#;
        let words = ["\"s3:A\"", "\"s3:B\"", "\"s3:C\""];
        assert_eq!(removed(json, &words, 0).unwrap(), r#"["s3:B", "s3:C"]"#);
        assert_eq!(removed(json, &words, 1).unwrap(), r#"["s3:A", "s3:C"]"#);
        assert_eq!(removed(json, &words, 2).unwrap(), r#"["s3:A", "s3:B"]"#);
        let block = "Action:\n  - s3:A\n  - s3:B\n  - s3:C\nResource: x\n";
        let plain = ["s3:A", "s3:B", "s3:C"];
        assert_eq!(
            removed(block, &plain, 0).unwrap(),
            "Action:\n  - s3:B\n  - s3:C\nResource: x\n"
        );
        assert_eq!(
            removed(block, &plain, 2).unwrap(),
            "Action:\n  - s3:A\n  - s3:B\nResource: x\n"
        );
        let multiline = "[\n    \"s3:A\",\n    \"s3:B\"\n  ]";
        assert_eq!(
            removed(multiline, &words[..2], 1).unwrap(),
            "[\n    \"s3:A\"\n  ]"
        );
        let trailing = "[\"s3:A\", \"s3:B\",\n]";
        assert_eq!(removed(trailing, &words[..2], 1).unwrap(), "[\"s3:A\",\n]");
        let escaped = r#""[\"s3:A\",\n \"s3:B\"]""#;
        let escaped_words = [r#"\"s3:A\""#, r#"\"s3:B\""#];
        assert_eq!(removed(escaped, &escaped_words, 1).unwrap(), r#""[\"s3:A\"]""#);
    }

    #[test]
    fn leaves_comments_and_strangers_alone() {
        let commented = "- s3:A # keep\n- s3:B\n";
        // The first item's comment would go with the second item: the one after is taken.
        assert_eq!(
            removed(commented, &["s3:A", "s3:B"], 1),
            None,
            "a comment between the two items"
        );
        let apart = r#"{"a": ["s3:A"], "b": ["s3:B"]}"#;
        assert_eq!(removed(apart, &["\"s3:A\"", "\"s3:B\""], 1), None);
        let whole = Span::new(FileId(0), 0, 10);
        assert_eq!(remove_item("0123456789", &[whole, whole], 1), None);
        assert_eq!(remove_item("[\"a\"]", &[Span::new(FileId(0), 1, 4)], 0), None);
    }

    #[test]
    fn replaces_a_name_inside_its_quotes() {
        // The text, and the item as the parser's span covers it.
        for (text, item, expected) in [
            (r#"["s3:GetObjet"]"#, r#""s3:GetObjet""#, r#"["s3:GetObject"]"#),
            ("- s3:GetObjet\n", "s3:GetObjet", "- s3:GetObject\n"),
            ("- 's3:GetObjet'\n", "'s3:GetObjet'", "- 's3:GetObject'\n"),
            (
                r#""[\"s3:GetObjet\"]""#,
                r#"\"s3:GetObjet\""#,
                r#""[\"s3:GetObject\"]""#,
            ),
        ] {
            let span = spans(text, item)[0];
            let edit = replace_name(text, span, "s3:GetObjet", "s3:GetObject").unwrap();
            assert_eq!(apply(text, &[edit]).unwrap(), expected);
        }
        // Written with an escape: not the value's own text, so no edit.
        let text = r#"["s3:Get\u004fbjet"]"#;
        let span = Span::new(FileId(0), 1, text.len() - 1);
        assert_eq!(replace_name(text, span, "s3:GetObjet", "s3:GetObject"), None);
        // Mismatched quotes, or text beside the name.
        assert_eq!(
            replace_name("'s3:GetObjet\"", Span::new(FileId(0), 0, 13), "s3:GetObjet", "x"),
            None
        );
    }

    fn inserted(text: &str, first_key: &str) -> Option<String> {
        let span = spans(text, first_key)[0];
        apply(text, &[insert_first_entry(text, span, "Version", "2012-10-17")?])
    }

    #[test]
    fn inserts_a_first_entry_in_the_style_of_the_first_key() {
        assert_eq!(
            inserted("{\n  \"Statement\": []\n}", "\"Statement\"").unwrap(),
            "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": []\n}"
        );
        assert_eq!(
            inserted("{\"Statement\":[]}", "\"Statement\"").unwrap(),
            "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
        );
        assert_eq!(
            inserted("Doc:\n  Statement:\n    - x\n", "Statement").unwrap(),
            "Doc:\n  Version: \"2012-10-17\"\n  Statement:\n    - x\n"
        );
        assert_eq!(
            inserted("Doc: {Statement: []}", "Statement").unwrap(),
            "Doc: {Version: \"2012-10-17\",Statement: []}"
        );
        assert_eq!(
            inserted("p = jsonencode({\n    Statement = []\n  })", "Statement").unwrap(),
            "p = jsonencode({\n    Version = \"2012-10-17\"\n    Statement = []\n  })"
        );
        assert_eq!(
            inserted(r#""{\n  \"Statement\": []}""#, r#"\"Statement\""#).unwrap(),
            r#""{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": []}""#
        );
        // Not a key followed by `:` or `=`, or a block key after a sequence dash.
        assert_eq!(inserted("- Statement: []", "Statement"), None);
        assert_eq!(inserted("{\"Statement\"}", "\"Statement\""), None);
    }
}
