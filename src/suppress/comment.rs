//! Suppression comments of YAML and Terraform (`.tf`) files:
//!
//! ```text
//! # iamlint: ignore[iam/resource-star, rds] reason: read-only role, reviewed in SEC-123
//! # iamlint: ignore[iam/pass-role-star] until=2027-03-31 reason: removed with the v2 deploy
//! # iamlint: ignore-file[iam/resource-star] reason: a sandbox account
//! ```
//!
//! (`//` starts a comment in HCL too.) What a comment covers is decided with the parsed
//! tree, never by guessing from the text:
//! - A comment alone on its line names the next line that holds code; a comment after
//!   code names its own line. It covers the findings that start on that line, and every
//!   element that starts on it, whole: a key with its value (a CloudFormation resource, a
//!   statement's `Action` list, a `PolicyDocument` block scalar), a list item (a
//!   statement), a Terraform block or attribute (`resource "aws_iam_role" "x" { ... }`,
//!   `policy = jsonencode({...})`) or an object item.
//! - `ignore-file` covers the whole file; it must come before the file's first element.
//!
//! A `#` inside a string, a key, a block scalar or a heredoc is text, not a comment: the
//! lexer here skips every literal the tree holds. Comments inside a Terraform conditional
//! or `for` expression, whose strings the tree does not keep, are not read.

use std::collections::HashMap;
use std::ops::Range;

use super::{Date, FileSuppressions, Malformed, RuleName, Scope, Suppression, SuppressionKind};
use crate::parse::hcl::{Body, Expr, ExprKind, TemplatePart};
use crate::parse::{Node, Value};
use crate::source::{FileId, Span};

/// The syntax a file's comments are written in.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum CommentSyntax {
    /// `#` after white space or at the start of a line.
    Yaml,
    /// `#` or `//` to the end of the line, `/* ... */` (not read for suppressions).
    Hcl,
}

/// What the comments of a file are read against, from its tree.
#[derive(Default)]
pub(super) struct Layout {
    /// Byte ranges of strings, keys, block scalars and heredocs: text, where `#` is no
    /// comment. Sorted by start.
    literals: Vec<(u32, u32)>,
    /// Expressions whose strings the tree does not keep: comments in them are not read.
    opaque: Vec<(u32, u32)>,
    /// The elements a comment may name: key-value pairs, list items, blocks. Sorted by
    /// start.
    elements: Vec<(u32, u32)>,
}

impl Layout {
    pub(super) fn yaml(root: &Node) -> Layout {
        let mut layout = Layout::default();
        layout.add_node(root);
        layout.sort();
        layout
    }

    fn add_node(&mut self, node: &Node) {
        match &node.value {
            Value::Array(items) => {
                for item in items {
                    self.elements.push((item.span.start, item.span.end));
                    self.add_node(item);
                }
            }
            Value::Object(entries) => {
                for entry in entries {
                    self.literals.push((entry.key_span.start, entry.key_span.end));
                    self.elements
                        .push((entry.key_span.start, entry.value.span.end.max(entry.key_span.end)));
                    self.add_node(&entry.value);
                }
            }
            _ => self.literals.push((node.span.start, node.span.end)),
        }
    }

    pub(super) fn hcl(body: &Body) -> Layout {
        let mut layout = Layout::default();
        layout.add_body(body);
        layout.sort();
        layout
    }

    fn add_body(&mut self, body: &Body) {
        for attribute in &body.attributes {
            self.elements.push((
                attribute.name_span.start,
                attribute.value.span.end.max(attribute.name_span.end),
            ));
            self.add_expr(&attribute.value);
        }
        for block in &body.blocks {
            self.elements.push((block.span.start, block.span.end));
            for label in &block.labels {
                self.literals.push((label.span.start, label.span.end));
            }
            self.add_body(&block.body);
        }
    }

    fn add_expr(&mut self, expr: &Expr) {
        match &expr.kind {
            ExprKind::String(_) | ExprKind::Template(_) => {
                self.literals.push((expr.span.start, expr.span.end));
                if let ExprKind::Template(parts) = &expr.kind {
                    for part in parts {
                        if let TemplatePart::Interpolation(inner) = part {
                            self.add_expr(inner);
                        }
                    }
                }
            }
            ExprKind::Array(items) => {
                for item in items {
                    self.elements.push((item.span.start, item.span.end));
                    self.add_expr(item);
                }
            }
            ExprKind::Object(items) => {
                for item in items {
                    self.literals.push((item.key_span.start, item.key_span.end));
                    self.elements
                        .push((item.key_span.start, item.value.span.end.max(item.key_span.end)));
                    self.add_expr(&item.value);
                }
            }
            ExprKind::Call { args, .. } => args.iter().for_each(|a| self.add_expr(a)),
            ExprKind::Traversal { steps, .. } => {
                for step in steps {
                    if let crate::parse::hcl::Step::Index(index) = step {
                        self.add_expr(index);
                    }
                }
            }
            ExprKind::Other => self.opaque.push((expr.span.start, expr.span.end)),
            ExprKind::Null | ExprKind::Bool(_) | ExprKind::Number(_) => {}
        }
    }

    fn sort(&mut self) {
        self.literals.sort_unstable();
        self.opaque.sort_unstable();
        self.elements.sort_unstable();
    }

    /// Whether `at` lies inside an expression whose strings are unknown.
    fn in_opaque(&self, at: u32) -> bool {
        // Opaque expressions are leaves of the tree: they never overlap.
        let i = self.opaque.partition_point(|&(start, _)| start <= at);
        i > 0 && self.opaque[i - 1].1 > at
    }

    /// The end of the elements that start in `line`, or of the line.
    fn reach(&self, line: Range<usize>) -> usize {
        let first = self
            .elements
            .partition_point(|&(start, _)| (start as usize) < line.start);
        self.elements[first..]
            .iter()
            .take_while(|&&(start, _)| (start as usize) < line.end.max(line.start + 1))
            .map(|&(_, end)| end as usize)
            .fold(line.end, usize::max)
    }
}

/// The comments of `text`: each the range from its `#` or `//` to the end of its line.
fn comments(text: &str, syntax: CommentSyntax, layout: &Layout) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let literals = &layout.literals;
    let mut found = Vec::new();
    let mut next = 0; // the first literal that may still lie ahead
    let mut at = 0;
    while at < bytes.len() {
        while next < literals.len() && literals[next].1 as usize <= at {
            next += 1;
        }
        if let Some(&(start, end)) = literals.get(next)
            && start as usize <= at
        {
            at = end as usize;
            continue;
        }
        let stop = literals
            .get(next)
            .map_or(bytes.len(), |&(start, _)| start as usize);
        let mut i = at;
        let mut comment = None;
        while i < stop {
            let b = bytes[i];
            let starts_comment = match syntax {
                CommentSyntax::Yaml => {
                    b == b'#' && (i == 0 || matches!(bytes[i - 1], b' ' | b'\t' | b'\n' | b'\r'))
                }
                CommentSyntax::Hcl => b == b'#' || (b == b'/' && bytes.get(i + 1) == Some(&b'/')),
            };
            if starts_comment {
                comment = Some(i);
                break;
            }
            if syntax == CommentSyntax::Hcl && b == b'/' && bytes.get(i + 1) == Some(&b'*') {
                // A block comment: skipped, with anything that looks like a line comment in it.
                i = text[i + 2..]
                    .find("*/")
                    .map_or(bytes.len(), |end| i + 2 + end + 2);
                continue;
            }
            i += 1;
        }
        match comment {
            Some(start) => {
                let end = bytes[start..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(bytes.len(), |n| start + n);
                let end = if end > start && bytes[end - 1] == b'\r' {
                    end - 1
                } else {
                    end
                };
                found.push(start..end);
                at = end;
            }
            None => at = i.max(stop),
        }
    }
    found
}

/// Reads the suppression comments of a file.
pub(super) fn read(
    file: FileId,
    text: &str,
    syntax: CommentSyntax,
    layout: &Layout,
    out: &mut FileSuppressions,
) {
    let comments = comments(text, syntax, layout);
    let bytes = text.as_bytes();
    let line_start = |at: usize| text[..at].rfind('\n').map_or(0, |n| n + 1);
    let line_end = |at: usize| {
        let end = text[at..].find('\n').map_or(text.len(), |n| at + n);
        if end > at && bytes[end - 1] == b'\r' {
            end - 1
        } else {
            end
        }
    };
    // For each comment alone on its line, the next line with code. Computed last to first,
    // so that a run of comment lines is walked once, however many suppressions it holds.
    let mut targets: Vec<Option<Range<usize>>> = vec![None; comments.len()];
    for (i, comment) in comments.iter().enumerate().rev() {
        if !text[line_start(comment.start)..comment.start].trim().is_empty() {
            continue;
        }
        let mut at = text[comment.start..]
            .find('\n')
            .map_or(text.len(), |n| comment.start + n);
        targets[i] = loop {
            if at >= text.len() {
                break None;
            }
            let next = at + 1;
            let end = line_end(next);
            let code = next + (text[next..end].len() - text[next..end].trim_start().len());
            if code < end {
                match comments.binary_search_by(|c| c.start.cmp(&code)) {
                    Ok(j) => break targets[j].clone(),
                    Err(_) => break Some(next..end),
                }
            }
            at = text[next..].find('\n').map_or(text.len(), |n| next + n);
        };
    }
    // Many suppressions may name one line: its reach is computed once.
    let mut reaches: HashMap<usize, usize> = HashMap::new();
    for (i, comment) in comments.iter().enumerate() {
        if layout.in_opaque(comment.start as u32) {
            continue;
        }
        let marker = if bytes[comment.start] == b'#' { 1 } else { 2 };
        let body_start = comment.start + marker;
        let Some(parsed) = parse(file, &text[body_start..comment.end], body_start) else {
            continue;
        };
        let span = Span::new(
            file,
            comment.start,
            comment.start + text[comment.clone()].trim_end().len(),
        );
        let directive = match parsed {
            Ok(directive) => directive,
            Err(mut malformed) => {
                if malformed.span.start == malformed.span.end {
                    malformed.span = span;
                }
                out.malformed.push(malformed);
                continue;
            }
        };
        let start = line_start(comment.start);
        let own_line = text[start..comment.start].trim().is_empty();
        let scope = match directive.form {
            Form::File => {
                let first_element = layout.elements.first().map_or(usize::MAX, |e| e.0 as usize);
                if !own_line || first_element < comment.start {
                    out.malformed.push(Malformed {
                        span,
                        message: "`ignore-file` after the first element of the file".to_string(),
                        help: Some(
                            "move it to the comments at the top of the file, or use `ignore[...]` on the line before the element"
                                .to_string(),
                        ),
                    });
                    continue;
                }
                Scope::File(file)
            }
            Form::Line => {
                let mut line = start..line_end(comment.start);
                if own_line {
                    match targets[i].clone() {
                        Some(target) => line = target,
                        None => {
                            out.malformed.push(Malformed {
                                span,
                                message: "no element follows this suppression".to_string(),
                                help: Some(
                                    "put it on the line before the element it is about, or at the end of that element's line"
                                        .to_string(),
                                ),
                            });
                            continue;
                        }
                    }
                }
                let reach = *reaches
                    .entry(line.start)
                    .or_insert_with(|| layout.reach(line.clone()));
                Scope::Range(Span::new(file, line.start, reach))
            }
        };
        out.suppressions.push(Suppression {
            kind: SuppressionKind::InSource,
            scope,
            span,
            rules: directive.rules,
            reason: directive.reason,
            until: directive.until,
            reported: true,
            entry: None,
        });
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Form {
    Line,
    File,
}

#[derive(Debug)]
struct Directive {
    form: Form,
    rules: Vec<RuleName>,
    reason: String,
    until: Option<(Date, Span)>,
}

/// The directive of a comment's text (after `#` or `//`), which starts at byte `base` of
/// the file; `None` when the comment is not one (it does not start with `iamlint:`). A
/// malformed directive whose problem is the whole comment has an empty span.
fn parse(file: FileId, body: &str, base: usize) -> Option<Result<Directive, Malformed>> {
    let lead = body.len() - body.trim_start().len();
    let rest = body[lead..].strip_prefix("iamlint:")?;
    let mut at = base + lead + "iamlint:".len();
    let whole = Span::new(file, base, base);
    let malformed = |span: Span, message: String, help: Option<&str>| {
        Some(Err(Malformed {
            span,
            message,
            help: help.map(str::to_string),
        }))
    };
    let skip_space = |s: &str, at: &mut usize| -> usize {
        let n = s.len() - s.trim_start().len();
        *at += n;
        n
    };
    let mut rest = &rest[skip_space(rest, &mut at)..];
    let word_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .unwrap_or(rest.len());
    let form = match &rest[..word_len] {
        "ignore" => Form::Line,
        "ignore-file" => Form::File,
        other => {
            return malformed(
                Span::new(file, at, at + word_len),
                format!("unknown suppression `iamlint: {other}`"),
                Some("write `iamlint: ignore[RULE] reason: ...` or `iamlint: ignore-file[RULE] reason: ...`"),
            );
        }
    };
    at += word_len;
    rest = &rest[word_len..];
    let blanket = || {
        malformed(
            whole,
            "a suppression must name the rules it ignores".to_string(),
            Some(
                "name them, e.g. `iamlint: ignore[iam/resource-star] reason: ...`; `iamlint rules` lists the ids",
            ),
        )
    };
    let Some(list) = rest.strip_prefix('[') else {
        return blanket();
    };
    let Some(close) = list.find(']') else {
        return malformed(whole, "the rule list is not closed with `]`".to_string(), None);
    };
    let mut rules = Vec::new();
    let mut item_at = at + 1;
    for item in list[..close].split(',') {
        let trimmed = item.trim();
        if !trimmed.is_empty() {
            let start = item_at + (item.len() - item.trim_start().len());
            rules.push(RuleName {
                id: trimmed.to_string(),
                span: Span::new(file, start, start + trimmed.len()),
            });
        }
        item_at += item.len() + 1;
    }
    if rules.is_empty() {
        return blanket();
    }
    at += 1 + close + 1;
    rest = &list[close + 1..];
    let mut until = None;
    let mut reason = None;
    loop {
        rest = &rest[skip_space(rest, &mut at)..];
        if rest.is_empty() {
            break;
        }
        if let Some(value) = rest.strip_prefix("until=") {
            let len = value.find(char::is_whitespace).unwrap_or(value.len());
            let span = Span::new(file, at + "until=".len(), at + "until=".len() + len);
            match Date::parse(&value[..len]) {
                Ok(date) => until = Some((date, span)),
                Err(err) => return malformed(span, format!("invalid `until` date: {err}"), None),
            }
            at += "until=".len() + len;
            rest = &value[len..];
        } else if let Some(text) = rest.strip_prefix("reason:") {
            let mut text = text.trim();
            // `until=` may also close the reason.
            if let Some((before, date)) = text.rsplit_once(char::is_whitespace)
                && let Some(date) = date.strip_prefix("until=")
            {
                let offset = base + body.trim_end().len() - date.len();
                let span = Span::new(file, offset, offset + date.len());
                match Date::parse(date) {
                    Ok(date) => until = Some((date, span)),
                    Err(err) => return malformed(span, format!("invalid `until` date: {err}"), None),
                }
                text = before.trim_end();
            }
            reason = Some(text.to_string());
            break;
        } else {
            let len = rest.find(char::is_whitespace).unwrap_or(rest.len());
            return malformed(
                Span::new(file, at, at + len),
                format!("unexpected `{}` in a suppression", &rest[..len]),
                Some("after the rule list come `until=YYYY-MM-DD` (optional) and `reason: ...`"),
            );
        }
    }
    match reason {
        Some(reason) if !reason.is_empty() => Some(Ok(Directive {
            form,
            rules,
            reason,
            until,
        })),
        _ => malformed(
            whole,
            "suppression without a reason".to_string(),
            Some("say why after `reason:`; a suppression without one does not apply"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn directive(text: &str) -> Result<Directive, Malformed> {
        parse(FileId(0), text, 0).expect("a directive")
    }

    #[test]
    fn reads_directives() {
        let d = directive(" iamlint: ignore[iam/resource-star, rds] reason: reviewed in SEC-1").unwrap();
        assert_eq!(d.form, Form::Line);
        let ids: Vec<&str> = d.rules.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["iam/resource-star", "rds"]);
        let text = " iamlint: ignore[iam/resource-star, rds] reason: reviewed in SEC-1";
        assert_eq!(&text[d.rules[1].span.range()], "rds");
        assert_eq!(d.reason, "reviewed in SEC-1");
        let d = directive("iamlint: ignore-file[iam] until=2027-03-31 reason: sandbox").unwrap();
        assert_eq!(d.form, Form::File);
        assert_eq!(d.until.map(|u| u.0.to_string()).as_deref(), Some("2027-03-31"));
        let text = " iamlint: ignore[iam] reason: sandbox account until=2027-03-31";
        let d = directive(text).unwrap();
        assert_eq!(d.reason, "sandbox account");
        let (date, span) = d.until.unwrap();
        assert_eq!(
            (date.to_string().as_str(), &text[span.range()]),
            ("2027-03-31", "2027-03-31")
        );
        assert!(parse(FileId(0), " just a comment about iamlint", 0).is_none());
    }

    #[test]
    fn rejects_malformed_directives() {
        let message = |text: &str| directive(text).unwrap_err().message;
        assert_eq!(
            message(" iamlint: ignore reason: x"),
            "a suppression must name the rules it ignores"
        );
        assert_eq!(
            message(" iamlint: ignore[] reason: x"),
            "a suppression must name the rules it ignores"
        );
        assert_eq!(message(" iamlint: ignore[iam]"), "suppression without a reason");
        assert_eq!(
            message(" iamlint: ignore[iam] reason:  "),
            "suppression without a reason"
        );
        assert!(message(" iamlint: ignore[iam] until=2027-02-30 reason: x").contains("not a day"));
        assert!(message(" iamlint: ignore[iam] reason: x until=2027-1-1").contains("invalid `until`"));
        assert_eq!(
            message(" iamlint: disable[iam] reason: x"),
            "unknown suppression `iamlint: disable`"
        );
        assert_eq!(
            message(" iamlint: ignore[iam reason: x"),
            "the rule list is not closed with `]`"
        );
        assert_eq!(
            message(" iamlint: ignore[iam] because x"),
            "unexpected `because` in a suppression"
        );
    }

    fn scopes(text: &str, syntax: CommentSyntax, layout: &Layout) -> Vec<String> {
        let mut out = FileSuppressions::default();
        read(FileId(0), text, syntax, layout, &mut out);
        let mut shown: Vec<String> = out
            .suppressions
            .iter()
            .map(|s| match s.scope {
                Scope::Range(span) => text[span.range()].to_string(),
                Scope::File(_) => "<file>".to_string(),
            })
            .collect();
        shown.extend(out.malformed.iter().map(|m| format!("error: {}", m.message)));
        shown
    }

    fn yaml(text: &str) -> Vec<String> {
        let root = crate::parse::parse(FileId(0), text, crate::parse::Syntax::Yaml).unwrap();
        scopes(text, CommentSyntax::Yaml, &Layout::yaml(&root))
    }

    #[test]
    fn yaml_comments_cover_the_next_element() {
        let text = "# iamlint: ignore-file[iam] reason: a\nA:\n  # iamlint: ignore[iam] reason: b\n  # other\n\n  B:\n    C: 1\n  D: 2 # iamlint: ignore[iam] reason: c\nE: x\n";
        assert_eq!(
            yaml(text),
            [
                "<file>",
                "  B:\n    C: 1",
                "  D: 2 # iamlint: ignore[iam] reason: c"
            ]
        );
        let text = "A: 1\n# iamlint: ignore-file[iam] reason: late\n# iamlint: ignore[iam] reason: last\n";
        assert_eq!(
            yaml(text),
            [
                "error: `ignore-file` after the first element of the file",
                "error: no element follows this suppression"
            ]
        );
        let text = "---\n# iamlint: ignore-file[iam] reason: after the marker\nA: 1\n";
        assert_eq!(yaml(text), ["<file>"]);
    }

    #[test]
    fn yaml_text_that_looks_like_a_comment_is_not_one() {
        let text = "A: |\n  # iamlint: ignore[iam] reason: block\nB: \"x # iamlint: ignore[iam] reason: quoted\"\nC: 'y\n  # iamlint: ignore[iam] reason: folded'\nD: plain#iamlint:ignore[iam]\n\"# iamlint: ignore[iam] reason: key\": 1\n";
        assert_eq!(yaml(text), Vec::<String>::new());
    }

    fn hcl(text: &str) -> Vec<String> {
        let body = crate::parse::hcl::parse(FileId(0), text).unwrap();
        scopes(text, CommentSyntax::Hcl, &Layout::hcl(&body))
    }

    #[test]
    fn hcl_comments_cover_blocks_and_attributes() {
        let text = "// iamlint: ignore[iam] reason: a\nresource \"x\" \"y\" {\n  a = 1 # iamlint: ignore[iam] reason: b\n  # iamlint: ignore[iam] reason: c\n  policy = jsonencode({\n    A = \"*\"\n  })\n}\n";
        assert_eq!(
            hcl(text),
            [
                "resource \"x\" \"y\" {\n  a = 1 # iamlint: ignore[iam] reason: b\n  # iamlint: ignore[iam] reason: c\n  policy = jsonencode({\n    A = \"*\"\n  })\n}",
                "  a = 1 # iamlint: ignore[iam] reason: b",
                "  policy = jsonencode({\n    A = \"*\"\n  })",
            ]
        );
    }

    #[test]
    fn hcl_text_that_looks_like_a_comment_is_not_one() {
        let text = "a = <<EOF\n# iamlint: ignore[iam] reason: heredoc\nEOF\nb = \"# iamlint: ignore[iam] reason: string\"\n/*\n# iamlint: ignore[iam] reason: block comment\n*/\nc = \"${\"#\"} // iamlint: ignore[iam] reason: template\"\nd = true ? \"# iamlint: ignore[iam] reason: x\" : \"\"\n";
        assert_eq!(hcl(text), Vec::<String>::new());
    }
}
