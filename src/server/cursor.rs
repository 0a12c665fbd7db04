//! What the cursor is on, read from the text around it: the word under it, and the keys
//! it is inside of. A document being typed rarely parses, so this does not parse it: it
//! reads brackets backwards in JSON, HCL and flow-style YAML, and indentation upwards in
//! block-style YAML. The keys are those of policies wherever they are written (a policy
//! file, a CloudFormation template, `jsonencode` or `aws_iam_policy_document` in
//! Terraform), so one reading serves every file type.

/// Where the cursor is, relative to one key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Frame {
    /// In the value of the key (a scalar, or an item of its list).
    Value(String),
    /// In the object that is the value of the key, where a key is written.
    Object(String),
}

impl Frame {
    pub fn key(&self) -> &str {
        match self {
            Frame::Value(key) | Frame::Object(key) => key,
        }
    }
}

/// The characters of an action, a condition key, an operator or a rule id.
fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ':' | '*' | '?' | '/' | '.' | '$' | '{' | '}')
}

/// The word around `offset`, with its byte range; a trailing `:` (a YAML key) is not part
/// of it.
pub fn word_at(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor(text, offset);
    let start = text[..offset]
        .char_indices()
        .rev()
        .take_while(|&(_, c)| is_word(c))
        .last()
        .map_or(offset, |(i, _)| i);
    let end = text[offset..]
        .char_indices()
        .find(|&(_, c)| !is_word(c))
        .map_or(text.len(), |(i, _)| offset + i);
    let mut end = end;
    while end > start && text[..end].ends_with(':') {
        end -= 1;
    }
    (start, end)
}

/// The start of the word that ends at `offset` (what has been typed of it).
pub fn typed_start(text: &str, offset: usize) -> usize {
    let offset = floor(text, offset);
    text[..offset]
        .char_indices()
        .rev()
        .take_while(|&(_, c)| is_word(c))
        .last()
        .map_or(offset, |(i, _)| i)
}

fn floor(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The keys the position `offset` is inside of, innermost first (at most four).
pub fn frames(text: &str, offset: usize, yaml: bool) -> Vec<Frame> {
    let offset = typed_start(text, offset);
    let mut frames = Vec::new();
    // Brackets first: all of JSON and HCL, and YAML's flow style on the cursor's line.
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let stop = if yaml { line_start } else { 0 };
    brackets(text, offset, stop, &mut frames);
    if yaml && frames.len() < 4 {
        indentation(text, offset, &mut frames);
    }
    frames
}

/// Reads backwards from `offset` to `stop`, pushing the keys of the unmatched brackets and
/// the key whose value the position is in.
fn brackets(text: &str, offset: usize, stop: usize, frames: &mut Vec<Frame>) {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    // A `,` or a key of this level was seen: the position is not in an earlier key's value.
    let mut settled = false;
    let mut i = offset;
    while i > stop {
        i -= 1;
        match bytes[i] {
            b']' | b'}' | b')' => depth += 1,
            b'[' | b'{' | b'(' if depth > 0 => depth -= 1,
            open @ (b'[' | b'{') => {
                let key = key_before(text, i, stop).unwrap_or_default();
                frames.push(if open == b'[' {
                    Frame::Value(key)
                } else {
                    Frame::Object(key)
                });
                settled = true;
                if frames.len() >= 4 {
                    break;
                }
            }
            b',' if depth == 0 => settled = true,
            b':' | b'=' if depth == 0 && !settled && is_separator(bytes, i) => {
                if let Some(key) = key_before(text, i + 1, stop) {
                    frames.push(Frame::Value(key));
                    settled = true;
                }
            }
            b'\n' if depth == 0 => settled = true,
            _ => {}
        }
    }
}

/// Whether the `:` or `=` at `i` separates a key from its value: a JSON or YAML `:` after a
/// quote or before a blank (not the one inside `s3:GetObject`), an HCL `=` that is not part
/// of `==`, `!=`, `<=`, `>=` or `=>`.
fn is_separator(bytes: &[u8], i: usize) -> bool {
    let before = i.checked_sub(1).map(|j| bytes[j]);
    let after = bytes.get(i + 1).copied();
    if bytes[i] == b'=' {
        return !matches!(before, Some(b'=' | b'!' | b'<' | b'>')) && !matches!(after, Some(b'=' | b'>'));
    }
    matches!(before, Some(b'"' | b'\'')) || matches!(after, None | Some(b' ' | b'\t' | b'\n' | b'\r'))
}

/// The key written before the separator or bracket at `at` (quoted or bare), not looking
/// before `stop`. For a bracket, the separator before it is skipped first.
fn key_before(text: &str, at: usize, stop: usize) -> Option<String> {
    let bytes = text.as_bytes();
    let mut i = at;
    let skip_blanks = |i: &mut usize| {
        while *i > stop && matches!(bytes[*i - 1], b' ' | b'\t' | b'\r' | b'\n') {
            *i -= 1;
        }
    };
    skip_blanks(&mut i);
    if i > stop && matches!(bytes[i - 1], b':' | b'=') {
        i -= 1;
        skip_blanks(&mut i);
    } else if at < text.len() && matches!(bytes[at], b'[' | b'{') {
        // A bracket with no key before it: an item of a list, a block's body (`condition {`).
        return block_name(text, i, stop);
    }
    if i > stop && matches!(bytes[i - 1], b'"' | b'\'') {
        let quote = bytes[i - 1];
        let end = i - 1;
        let start = text[stop..end].rfind(quote as char).map(|s| stop + s + 1)?;
        return Some(text[start..end].to_string());
    }
    let end = i;
    let start = text[stop..end]
        .char_indices()
        .rev()
        .take_while(|&(_, c)| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ':' | '/' | '.' | '$'))
        .last()
        .map(|(s, _)| stop + s)?;
    Some(text[start..end].to_string())
}

/// The name of an HCL block whose `{` is at `end` (`condition {`, `statement {`).
fn block_name(text: &str, end: usize, stop: usize) -> Option<String> {
    let line_start = text[stop..end].rfind('\n').map_or(stop, |n| stop + n + 1);
    let head = text[line_start..end].trim();
    let word = head.split_whitespace().next()?;
    word.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_')
        .then(|| word.to_string())
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// Reads block-style YAML upwards from the line that holds `offset`: each line indented
/// less than the one below it is a parent, `Key:` with the position in its value when the
/// lines below are list items, in its mapping otherwise.
fn indentation(text: &str, offset: usize, frames: &mut Vec<Frame>) {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..];
    let line = &line[..line.find('\n').unwrap_or(line.len())];
    let mut indent = indent_of(line);
    // An item of a list: the dash is where its parent's value starts.
    let mut in_list = line.trim_start().starts_with("- ") || line.trim_start() == "-";
    let mut rest = &text[..line_start];
    while frames.len() < 4 && !rest.is_empty() {
        let trimmed_end = rest.strip_suffix('\n').unwrap_or(rest);
        let start = trimmed_end.rfind('\n').map_or(0, |i| i + 1);
        let line = &trimmed_end[start..];
        rest = &rest[..start];
        let content = line.trim();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let line_indent = indent_of(line);
        if line_indent >= indent {
            continue;
        }
        let item = content.strip_prefix("- ").map(str::trim_start);
        let body = item.unwrap_or(content);
        match body
            .split_once(": ")
            .map(|(k, _)| k)
            .or_else(|| body.strip_suffix(':'))
        {
            // A key whose value is below it: our parent.
            Some(key) if body.ends_with(':') || body.trim_end().ends_with(['|', '>']) => {
                let key = key.trim().trim_matches(['"', '\'']).to_string();
                frames.push(if in_list {
                    Frame::Value(key)
                } else {
                    Frame::Object(key)
                });
                in_list = item.is_some();
            }
            // `- Key: value` at a smaller indent: the item our mapping belongs to.
            _ if item.is_some() => in_list = true,
            _ => in_list = false,
        }
        indent = line_indent;
    }
}

/// The byte range of the statement around the key at `at`: the object between brackets in
/// JSON and HCL, the lines of the list item in block-style YAML.
pub fn statement_around(text: &str, at: usize, yaml: bool) -> std::ops::Range<usize> {
    let at = floor(text, at);
    let bytes = text.as_bytes();
    if !yaml || text[..at].rfind('\n').is_some_and(|n| text[n..at].contains('{')) {
        let mut depth = 0usize;
        let mut start = 0;
        for i in (0..at).rev() {
            match bytes[i] {
                b'}' | b']' => depth += 1,
                b'{' | b'[' if depth > 0 => depth -= 1,
                b'{' => {
                    start = i;
                    break;
                }
                _ => {}
            }
        }
        let mut depth = 0usize;
        let mut end = text.len();
        for (i, &b) in bytes.iter().enumerate().skip(start) {
            match b {
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        end = i + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        return start..end;
    }
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let key_indent = indent_of(&text[line_start..]);
    // Upwards to the line that starts the item (or the first line indented less).
    let mut start = line_start;
    let mut item_indent = key_indent;
    while start > 0 {
        let prev_start = text[..start - 1].rfind('\n').map_or(0, |i| i + 1);
        let line = &text[prev_start..start - 1];
        if line.trim().is_empty() {
            start = prev_start;
            continue;
        }
        let indent = indent_of(line);
        if indent < key_indent {
            if line.trim_start().starts_with("- ") {
                start = prev_start;
                item_indent = indent;
            }
            break;
        }
        start = prev_start;
    }
    let mut end = line_start;
    for line in text[line_start..].split_inclusive('\n').skip(1) {
        if !line.trim().is_empty() && indent_of(line) <= item_indent.min(key_indent.saturating_sub(1)) {
            break;
        }
        end += line.len();
    }
    let first_len = text[line_start..]
        .find('\n')
        .map_or(text.len() - line_start, |n| n + 1);
    start..(end + first_len).min(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, yaml: bool) -> Vec<Frame> {
        let offset = text.find('|').expect("a cursor");
        let text = text.replacen('|', "", 1);
        frames(&text, offset, yaml)
    }

    fn v(key: &str) -> Frame {
        Frame::Value(key.into())
    }

    fn o(key: &str) -> Frame {
        Frame::Object(key.into())
    }

    #[test]
    fn json_positions() {
        assert_eq!(
            at(r#"{"Statement": [{"Action": "s3:Get|"}]}"#, false)[..3],
            [v("Action"), o(""), v("Statement")]
        );
        assert_eq!(
            at(r#"{"Action":["s3:GetObject", "s3:|"]}"#, false)[0],
            v("Action")
        );
        assert_eq!(at(r#"{"Effect": "Allow", "|"}"#, false), [o("")]);
        assert_eq!(
            at(r#"{"Condition": {"StringEquals": {"aws:Sou|"#, false)[..2],
            [o("StringEquals"), o("Condition")]
        );
        assert_eq!(at(r#"{"Condition": {"Str|"#, false)[0], o("Condition"));
    }

    #[test]
    fn hcl_positions() {
        assert_eq!(at("Action = [\"s3:|\"]", false)[0], v("Action"));
        assert_eq!(
            at("condition {\n  test = \"Str|\"", false)[..2],
            [v("test"), o("condition")]
        );
        assert_eq!(at("actions = [\n  \"ec2:|", false)[0], v("actions"));
    }

    #[test]
    fn yaml_positions() {
        let doc = "Statement:\n  - Effect: Allow\n    Action:\n      - s3:Get|\n";
        assert_eq!(at(doc, true)[..2], [v("Action"), v("Statement")]);
        let doc = "Statement:\n  - Effect: Allow\n    Condition:\n      StringEquals:\n        aws:Sou|\n";
        assert_eq!(
            at(doc, true)[..3],
            [o("StringEquals"), o("Condition"), v("Statement")]
        );
        assert_eq!(at("- Effect: Al|", true)[0], v("Effect"));
        assert_eq!(at("Action: [s3:GetObject, s3:|]", true)[0], v("Action"));
        let doc = "Statement:\n  - Effect: Allow\n    Condition:\n      |\n";
        assert_eq!(at(doc, true)[0], o("Condition"));
    }

    #[test]
    fn statements_are_found_in_both_styles() {
        let json =
            r#"{"Statement": [{"Action": "s3:GetObject", "Condition": {}}, {"Action": "ec2:RunInstances"}]}"#;
        let range = statement_around(json, json.find("Condition").unwrap_or(0), false);
        assert!(json[range.clone()].contains("s3:GetObject") && !json[range].contains("ec2:"));
        let yaml = "Statement:\n  - Action: s3:GetObject\n    Condition:\n      Bool: {}\n  - Action: ec2:RunInstances\n";
        let range = statement_around(yaml, yaml.find("Condition").unwrap_or(0), true);
        assert!(yaml[range.clone()].contains("s3:GetObject") && !yaml[range].contains("ec2:"));
    }
}
