//! Terraform's HCL, native syntax (`.tf`) via `hcl-edit`, which keeps the byte range of
//! every block, attribute, expression and template literal, and JSON syntax (`.tf.json`),
//! read with the JSON parser and mapped onto the same tree. The tree is the syntax only:
//! what an expression evaluates to is decided in `model::terraform`.
//!
//! `hcl-edit` bounds its own recursion (64 nested expressions, 128 chained operators), so
//! deeply nested input is a parse error, not a stack overflow.

use hcl_edit::Span as _;
use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::structure::{BlockLabel, Structure};
use hcl_edit::template::{Element, Template};

use super::{MAX_NODES, Node, ParseError, Value, json};
use crate::source::{FileId, Span};

/// The body of a file or block: attributes and nested blocks in source order.
#[derive(Clone, Debug, Default)]
pub struct Body {
    pub attributes: Vec<Attribute>,
    pub blocks: Vec<Block>,
}

#[derive(Clone, Debug)]
pub struct Attribute {
    pub name: String,
    pub name_span: Span,
    pub value: Expr,
}

#[derive(Clone, Debug)]
pub struct Block {
    /// `resource`, `statement`, ...
    pub kind: String,
    pub kind_span: Span,
    pub labels: Vec<Label>,
    pub body: Body,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Label {
    pub text: String,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Expr {
    pub span: Span,
    pub kind: ExprKind,
}

#[derive(Clone, Debug)]
pub enum ExprKind {
    Null,
    Bool(bool),
    /// Kept as written.
    Number(String),
    /// A string without interpolations or directives (quoted or heredoc), decoded.
    String(String),
    /// A string with `${...}` or `%{...}`, or a heredoc.
    Template(Vec<TemplatePart>),
    Array(Vec<Expr>),
    Object(Vec<ObjectItem>),
    /// `var.name`, `aws_iam_role.this[0].arn`: the root name and the steps after it.
    Traversal {
        root: String,
        steps: Vec<Step>,
    },
    Call {
        name: String,
        args: Vec<Expr>,
    },
    /// Conditionals, operators, `for` expressions, splats, parentheses: only Terraform
    /// evaluates these.
    Other,
}

#[derive(Clone, Debug)]
pub enum TemplatePart {
    /// Decoded text (escapes, `$${` and heredoc indentation resolved) and its source span.
    Literal {
        text: String,
        span: Span,
    },
    Interpolation(Expr),
    /// `%{if}` / `%{for}`: its output is not known.
    Directive(Span),
}

#[derive(Clone, Debug)]
pub struct ObjectItem {
    /// The key as an identifier or literal string; `None` for a computed key.
    pub key: Option<String>,
    pub key_span: Span,
    pub value: Expr,
}

#[derive(Clone, Debug)]
pub enum Step {
    Attr(String),
    /// `[0]`, `["key"]`: the index expression.
    Index(Box<Expr>),
    /// `[*]` or `.*`.
    Splat,
}

impl Body {
    /// The last attribute called `name` (Terraform rejects duplicates).
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().rev().find(|a| a.name == name)
    }

    pub fn blocks<'b>(&'b self, kind: &'b str) -> impl Iterator<Item = &'b Block> + 'b {
        self.blocks.iter().filter(move |b| b.kind == kind)
    }
}

impl Expr {
    /// The text of a string, or of a template made only of literal text.
    pub fn literal_text(&self) -> Option<String> {
        match &self.kind {
            ExprKind::String(s) => Some(s.clone()),
            ExprKind::Template(parts) => parts
                .iter()
                .map(|p| match p {
                    TemplatePart::Literal { text, .. } => Some(text.as_str()),
                    _ => None,
                })
                .collect(),
            _ => None,
        }
    }
}

impl Block {
    pub fn label(&self, index: usize) -> Option<&str> {
        self.labels.get(index).map(|l| l.text.as_str())
    }
}

/// Parses a `.tf` file.
pub fn parse(file: FileId, text: &str) -> Result<Body, ParseError> {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    if let Some((at, limit)) = prescan(text) {
        return Err(ParseError {
            span: Span::new(file, at, at + 1),
            message: match limit {
                Limit::Nodes => format!(
                    "the file has more than {MAX_NODES} expressions (the node budget of one document)"
                ),
                Limit::ObjectKeys => format!(
                    "the file's objects have too many keys to check for repeats: the squares of their key counts add up to more than {OBJECT_BUDGET} (the object budget)"
                ),
            },
        });
    }
    let body = hcl_edit::parser::parse_body(&text[bom..]).map_err(|e| {
        let at = bom + e.location().offset();
        ParseError::at(file, text, at, e.message().replace('\n', " "))
    })?;
    let convert = Convert {
        file,
        base: bom,
        fixed: None,
    };
    Ok(convert.body(&body))
}

/// How much the parser may spend checking object keys for repeats, as the sum over the
/// objects of a file of the square of their key counts. `hcl-edit` compares every key of an
/// object with the ones before it, so one object of 300,000 keys takes half an hour; real
/// objects have a handful of keys, and this allows one of about 6,000.
const OBJECT_BUDGET: usize = 40_000_000;

/// Which budget a file exceeds.
enum Limit {
    Nodes,
    ObjectKeys,
}

/// One pass over a file before parsing, so that the parser (whose tree takes a few hundred
/// bytes per expression, and whose objects check each key against all the ones before it)
/// never sees a file it cannot afford: where it has more than [`MAX_NODES`] expressions, or
/// objects that spend more than [`OBJECT_BUDGET`].
///
/// Code is told from strings, heredocs and comments, whose text is not parsed, except for
/// the `${...}` and `%{...}` interpolations in them, which are. In code, every expression
/// after the first is introduced by a separator or an operator (`=`, `,`, `:`, brackets,
/// `?`, `.`, arithmetic and logic operators), and in strings by an interpolation, so
/// counting those bounds the number of expressions. An object's keys are the `=` and `:`
/// written directly inside its braces. A block body's braces follow the block's type or a
/// label (an identifier or a quoted string); `hcl-edit` checks a body's attributes with a
/// hash set, so bodies spend nothing.
fn prescan(text: &str) -> Option<(usize, Limit)> {
    /// What the text at the current position is inside of.
    enum Context {
        /// An object's braces, with the keys counted so far.
        Braces(usize),
        /// A block body's braces.
        Body,
        /// A quoted string.
        String,
        /// A heredoc, until a line that is its delimiter.
        Heredoc(String),
        /// `${` or `%{` inside a string or heredoc, until its `}`.
        Interpolation,
    }
    let bytes = text.as_bytes();
    let mut stack: Vec<Context> = Vec::new();
    let mut spent = 0usize;
    let mut nodes = 1usize;
    let mut at = 0;
    // The last byte of code before `at` that is not white space; a string counts as `"`.
    let mut last_code = b'\n';
    while at < bytes.len() {
        let byte = bytes[at];
        let rest = &bytes[at..];
        let in_code = matches!(
            stack.last(),
            None | Some(Context::Braces(_) | Context::Body | Context::Interpolation)
        );
        if in_code {
            let previous = last_code;
            if !byte.is_ascii_whitespace() {
                last_code = byte;
            }
            if matches!(
                byte,
                b'=' | b','
                    | b':'
                    | b'['
                    | b'{'
                    | b'('
                    | b'?'
                    | b'.'
                    | b'+'
                    | b'-'
                    | b'*'
                    | b'/'
                    | b'%'
                    | b'!'
                    | b'<'
                    | b'>'
                    | b'&'
                    | b'|'
            ) {
                nodes += 1;
                if nodes > MAX_NODES {
                    return Some((at, Limit::Nodes));
                }
            }
            match byte {
                b'"' => stack.push(Context::String),
                b'{' if previous.is_ascii_alphanumeric() || matches!(previous, b'_' | b'-' | b'"') => {
                    stack.push(Context::Body)
                }
                b'{' => stack.push(Context::Braces(0)),
                b'}' => {
                    stack.pop();
                }
                b'=' | b':' => {
                    if let Some(Context::Braces(keys)) = stack.last_mut() {
                        // From n keys to n + 1 adds 2n + 1 to the square.
                        spent += 2 * *keys + 1;
                        *keys += 1;
                        if spent > OBJECT_BUDGET {
                            return Some((at, Limit::ObjectKeys));
                        }
                    }
                }
                b'#' => at = line_end(bytes, at),
                b'/' if rest.starts_with(b"//") => at = line_end(bytes, at),
                b'/' if rest.starts_with(b"/*") => {
                    at = text[at + 2..]
                        .find("*/")
                        .map_or(bytes.len(), |end| at + 2 + end + 1);
                }
                b'<' if rest.starts_with(b"<<") => {
                    let start = at + 2 + usize::from(rest.get(2) == Some(&b'-'));
                    let delimiter: String = text[start..]
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
                        .collect();
                    if !delimiter.is_empty() {
                        at = line_end(bytes, start);
                        stack.push(Context::Heredoc(delimiter));
                    }
                }
                _ => {}
            }
            at += 1;
            continue;
        }
        // In a string or a heredoc: the end of it, or an interpolation.
        let marker = matches!(byte, b'$' | b'%');
        match stack.last() {
            Some(Context::String) if byte == b'\\' => at += 1,
            Some(Context::String) if byte == b'"' => {
                stack.pop();
            }
            Some(Context::Heredoc(delimiter)) if ends_heredoc(text, at, delimiter) => {
                stack.pop();
                at = line_end(bytes, at);
                continue;
            }
            // `$${` and `%%{` are escapes.
            _ if marker && rest.get(1) == Some(&byte) && rest.get(2) == Some(&b'{') => at += 2,
            _ if marker && rest.get(1) == Some(&b'{') => {
                stack.push(Context::Interpolation);
                last_code = b'{';
                nodes += 1;
                at += 1;
            }
            _ => {}
        }
        at += 1;
    }
    None
}

/// Whether the line that starts at `at` is a heredoc's closing delimiter.
fn ends_heredoc(text: &str, at: usize, delimiter: &str) -> bool {
    // Only a line's start is sure to be a character boundary.
    let line_start = at == 0 || text.as_bytes()[at - 1] == b'\n';
    if !line_start {
        return false;
    }
    let line = text[at..].trim_start();
    line.starts_with(delimiter)
        && line[delimiter.len()..]
            .chars()
            .next()
            .is_none_or(|c| c == '\n' || c == '\r')
}

/// The offset of the line break that ends the line holding `at` (or the end of the text).
fn line_end(bytes: &[u8], at: usize) -> usize {
    bytes[at..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |n| at + n)
}

/// How `hcl-edit` ranges become spans: shifted by `base`, or all pinned to one span (for
/// templates found inside a JSON string, whose escapes we do not map).
#[derive(Clone, Copy)]
struct Convert {
    file: FileId,
    base: usize,
    fixed: Option<Span>,
}

impl Convert {
    fn span(&self, range: Option<std::ops::Range<usize>>) -> Span {
        match (self.fixed, range) {
            (Some(fixed), _) => fixed,
            (None, Some(r)) => Span::new(self.file, self.base + r.start, self.base + r.end),
            (None, None) => Span::new(self.file, self.base, self.base),
        }
    }

    fn body(&self, body: &hcl_edit::structure::Body) -> Body {
        let mut out = Body::default();
        for structure in body.iter() {
            match structure {
                Structure::Attribute(attribute) => out.attributes.push(Attribute {
                    name: attribute.key.as_str().to_string(),
                    name_span: self.span(attribute.key.span()),
                    value: self.expr(&attribute.value),
                }),
                Structure::Block(block) => out.blocks.push(Block {
                    kind: block.ident.as_str().to_string(),
                    kind_span: self.span(block.ident.span()),
                    labels: block
                        .labels
                        .iter()
                        .map(|label| Label {
                            text: label.as_str().to_string(),
                            span: self.span(match label {
                                BlockLabel::Ident(ident) => ident.span(),
                                BlockLabel::String(string) => string.span(),
                            }),
                        })
                        .collect(),
                    body: self.body(&block.body),
                    span: self.span(block.span()),
                }),
            }
        }
        out
    }

    fn expr(&self, expr: &Expression) -> Expr {
        let span = self.span(expr.span());
        let kind = match expr {
            Expression::Null(_) => ExprKind::Null,
            Expression::Bool(b) => ExprKind::Bool(*b.value()),
            Expression::Number(n) => ExprKind::Number(n.value().to_string()),
            Expression::String(s) => ExprKind::String(s.value().to_string()),
            Expression::Array(items) => ExprKind::Array(items.iter().map(|e| self.expr(e)).collect()),
            Expression::Object(object) => ExprKind::Object(
                object
                    .iter()
                    .map(|(key, value)| {
                        let (key, key_span) = match key {
                            ObjectKey::Ident(ident) => {
                                (Some(ident.as_str().to_string()), self.span(ident.span()))
                            }
                            ObjectKey::Expression(Expression::String(s)) => {
                                (Some(s.value().to_string()), self.span(s.span()))
                            }
                            ObjectKey::Expression(other) => (None, self.span(other.span())),
                        };
                        ObjectItem {
                            key,
                            key_span,
                            value: self.expr(value.expr()),
                        }
                    })
                    .collect(),
            ),
            Expression::StringTemplate(template) => ExprKind::Template(self.template(template)),
            // Kept as a template even without interpolations: a policy written in a heredoc
            // needs the spans of its lines.
            Expression::HeredocTemplate(heredoc) => ExprKind::Template(self.template(&heredoc.template)),
            Expression::Parenthesis(inner) => return self.expr(inner.inner()),
            Expression::Variable(name) => ExprKind::Traversal {
                root: name.as_str().to_string(),
                steps: Vec::new(),
            },
            Expression::Traversal(traversal) => match &traversal.expr {
                Expression::Variable(root) => ExprKind::Traversal {
                    root: root.as_str().to_string(),
                    steps: traversal
                        .operators
                        .iter()
                        .map(|op| match op.value() {
                            TraversalOperator::GetAttr(name) => Step::Attr(name.as_str().to_string()),
                            TraversalOperator::Index(index) => Step::Index(Box::new(self.expr(index))),
                            TraversalOperator::LegacyIndex(index) => Step::Index(Box::new(Expr {
                                span: self.span(op.span()),
                                kind: ExprKind::Number(index.value().to_string()),
                            })),
                            TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => Step::Splat,
                        })
                        .collect(),
                },
                _ => ExprKind::Other,
            },
            Expression::FuncCall(call) => ExprKind::Call {
                name: if call.name.is_namespaced() {
                    let mut name: Vec<&str> = call.name.namespace.iter().map(|n| n.as_str()).collect();
                    name.push(call.name.name.as_str());
                    name.join("::")
                } else {
                    call.name.name.as_str().to_string()
                },
                args: call.args.iter().map(|e| self.expr(e)).collect(),
            },
            Expression::Conditional(_)
            | Expression::UnaryOp(_)
            | Expression::BinaryOp(_)
            | Expression::ForExpr(_) => ExprKind::Other,
        };
        Expr { span, kind }
    }

    fn template(&self, template: &Template) -> Vec<TemplatePart> {
        template
            .iter()
            .map(|element| match element {
                Element::Literal(literal) => TemplatePart::Literal {
                    text: literal.value().clone(),
                    span: self.span(literal.span()),
                },
                Element::Interpolation(interpolation) => {
                    TemplatePart::Interpolation(self.expr(&interpolation.expr))
                }
                Element::Directive(directive) => TemplatePart::Directive(self.span(directive.span())),
            })
            .collect()
    }
}

/// Parses a `.tf.json` file: Terraform's JSON syntax, in which a block is an object under
/// its type and labels, and strings may hold `${...}` templates.
pub fn parse_json_syntax(file: FileId, text: &str) -> Result<Body, ParseError> {
    let root = json::parse(file, text)?;
    if root.as_object().is_none() {
        return Err(ParseError {
            span: root.span,
            message: "a Terraform JSON file holds an object".to_string(),
        });
    }
    let mut body = Body::default();
    for entry in root.as_object().unwrap_or_default() {
        let labels = match entry.key.as_str() {
            "resource" | "data" => 2,
            "variable" | "output" | "module" | "provider" => 1,
            "locals" | "terraform" => 0,
            _ => continue,
        };
        json_blocks(
            file,
            &entry.key,
            entry.key_span,
            &entry.value,
            labels,
            &mut Vec::new(),
            &mut body,
        );
    }
    Ok(body)
}

/// Unfolds `{"type": {"name": {...}}}` (or arrays of such objects) into blocks.
fn json_blocks(
    file: FileId,
    kind: &str,
    kind_span: Span,
    node: &Node,
    labels_left: usize,
    labels: &mut Vec<Label>,
    out: &mut Body,
) {
    match &node.value {
        Value::Array(items) => {
            for item in items {
                json_blocks(file, kind, kind_span, item, labels_left, labels, out);
            }
        }
        Value::Object(entries) if labels_left > 0 => {
            for entry in entries {
                labels.push(Label {
                    text: entry.key.clone(),
                    span: entry.key_span,
                });
                json_blocks(file, kind, kind_span, &entry.value, labels_left - 1, labels, out);
                labels.pop();
            }
        }
        Value::Object(_) => out.blocks.push(Block {
            kind: kind.to_string(),
            kind_span,
            labels: labels.clone(),
            body: json_body(file, node),
            span: node.span,
        }),
        _ => {}
    }
}

/// A block body in JSON syntax. Without the provider's schema an object can be a nested
/// block or an object-valued attribute, so it is kept as both; readers ask for the form
/// they expect.
fn json_body(file: FileId, node: &Node) -> Body {
    let mut body = Body::default();
    for entry in node.as_object().unwrap_or_default() {
        body.attributes.push(Attribute {
            name: entry.key.clone(),
            name_span: entry.key_span,
            value: json_expr(file, &entry.value),
        });
        let objects: Vec<&Node> = match &entry.value.value {
            Value::Object(_) => vec![&entry.value],
            Value::Array(items) if !items.is_empty() && items.iter().all(|i| i.as_object().is_some()) => {
                items.iter().collect()
            }
            _ => Vec::new(),
        };
        for object in objects {
            body.blocks.push(Block {
                kind: entry.key.clone(),
                kind_span: entry.key_span,
                labels: Vec::new(),
                body: json_body(file, object),
                span: object.span,
            });
        }
    }
    body
}

fn json_expr(file: FileId, node: &Node) -> Expr {
    let kind = match &node.value {
        Value::Null => ExprKind::Null,
        Value::Bool(b) => ExprKind::Bool(*b),
        Value::Number(n) => ExprKind::Number(n.clone()),
        Value::String(s) if s.contains("${") || s.contains("%{") => {
            match hcl_edit::parser::parse_template(s) {
                Ok(template) => {
                    let convert = Convert {
                        file,
                        base: 0,
                        fixed: Some(node.span),
                    };
                    match convert.template(&template).as_slice() {
                        // `"${expr}"` alone is the expression itself, as in native syntax.
                        [TemplatePart::Interpolation(expr)] => return expr.clone(),
                        parts => ExprKind::Template(parts.to_vec()),
                    }
                }
                Err(_) => ExprKind::Other,
            }
        }
        Value::String(s) => ExprKind::String(s.clone()),
        Value::Array(items) => ExprKind::Array(items.iter().map(|n| json_expr(file, n)).collect()),
        Value::Object(entries) => ExprKind::Object(
            entries
                .iter()
                .map(|e| ObjectItem {
                    key: Some(e.key.clone()),
                    key_span: e.key_span,
                    value: json_expr(file, &e.value),
                })
                .collect(),
        ),
    };
    Expr {
        span: node.span,
        kind,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(text: &str, span: Span) -> &str {
        &text[span.range()]
    }

    #[test]
    fn keeps_spans_of_blocks_attributes_and_values() {
        let text = "resource \"aws_db_instance\" \"main\" {\n  password = \"hunter2\"\n  blue_green_update {\n    enabled = true\n  }\n}\n";
        let body = parse(FileId(0), text).unwrap();
        let block = &body.blocks[0];
        assert_eq!(block.kind, "resource");
        assert_eq!(block.label(0), Some("aws_db_instance"));
        assert_eq!(text_of(text, block.labels[1].span), "\"main\"");
        let password = block.body.attribute("password").unwrap();
        assert_eq!(text_of(text, password.name_span), "password");
        assert_eq!(text_of(text, password.value.span), "\"hunter2\"");
        let nested = block.body.blocks("blue_green_update").next().unwrap();
        assert_eq!(text_of(text, nested.kind_span), "blue_green_update");
    }

    #[test]
    fn traversals_calls_and_templates() {
        let text = "a = var.x\nb = aws_iam_role.r[0].name\nc = jsonencode({ Effect = \"Allow\" })\nd = \"arn:${var.p}:x\"\ne = x ? 1 : 2\n";
        let body = parse(FileId(0), text).unwrap();
        let kind = |name: &str| &body.attribute(name).unwrap().value.kind;
        assert!(
            matches!(kind("a"), ExprKind::Traversal { root, steps } if root == "var" && steps.len() == 1)
        );
        let ExprKind::Traversal { steps, .. } = kind("b") else {
            panic!()
        };
        assert!(matches!(steps.as_slice(), [Step::Attr(_), Step::Index(_), Step::Attr(n)] if n == "name"));
        assert!(
            matches!(kind("c"), ExprKind::Call { name, args } if name == "jsonencode" && args.len() == 1)
        );
        let ExprKind::Template(parts) = kind("d") else {
            panic!()
        };
        assert_eq!(parts.len(), 3);
        assert!(matches!(kind("e"), ExprKind::Other));
    }

    #[test]
    fn parse_errors_have_a_location() {
        let text = "resource \"a\" \"b\" {\n  x = \n}\n";
        let err = parse(FileId(0), text).unwrap_err();
        assert!(err.span.start >= 20, "{err:?}");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = format!("a = {}1{}\n", "[".repeat(50_000), "]".repeat(50_000));
        assert!(parse(FileId(0), &text).is_err());
        let text = format!("a = {}\n", "!".repeat(50_000) + "true");
        let _ = parse(FileId(0), &text);
    }

    #[test]
    fn budgets_count_code_not_strings_heredocs_or_comments() {
        let keys = |n: usize, sep: &str| (0..n).map(|i| format!("k{i} = 1")).collect::<Vec<_>>().join(sep);
        let json_keys = (0..10_000)
            .map(|i| format!("\"k{i}\": 1"))
            .collect::<Vec<_>>()
            .join(", ");
        // Text that is not parsed as HCL spends nothing.
        let heredoc = format!("a = <<-EOF\n  {{{json_keys}}}\n  EOF\nb = 1\n");
        assert!(prescan(&heredoc).is_none());
        let string = format!("a = \"{}\"\n", json_keys.replace('"', "\\\""));
        assert!(prescan(&string).is_none());
        let comment = format!("# {json_keys}\n/* {json_keys} */\nb = 1\n");
        assert!(prescan(&comment).is_none());
        // An object's keys, written directly or in an interpolation, do.
        let object = format!("a = {{\n{}\n}}\n", keys(7_000, "\n"));
        assert!(matches!(prescan(&object), Some((_, Limit::ObjectKeys))));
        let interpolated = format!("a = \"${{ {{ {} }} }}\"\n", keys(7_000, ", "));
        assert!(matches!(prescan(&interpolated), Some((_, Limit::ObjectKeys))));
        // A block body's attributes are checked with a hash set: they spend nothing.
        let body = format!(
            "locals {{\n{}\n}}\nresource \"a\" \"b\" {{\n{}\n}}\n",
            keys(7_000, "\n"),
            keys(7_000, "\n")
        );
        assert!(prescan(&body).is_none());
        let nested = format!(
            "resource \"a\" \"b\" {{\n  policy = {{\n{}\n}}\n}}\n",
            keys(7_000, "\n")
        );
        assert!(matches!(prescan(&nested), Some((_, Limit::ObjectKeys))));
        let err = parse(FileId(0), &object).unwrap_err();
        assert!(err.message.contains("object budget"), "{}", err.message);
        // Many small objects are fine; many values are not.
        let objects = (0..5_000)
            .map(|i| format!("a{i} = {{ x = 1, y = 2 }}\n"))
            .collect::<String>();
        assert!(prescan(&objects).is_none());
        let values = format!("a = [{}]\n", "0,".repeat(crate::parse::MAX_NODES));
        assert!(matches!(prescan(&values), Some((_, Limit::Nodes))));
    }

    #[test]
    fn json_syntax_becomes_blocks() {
        let text = r#"{"resource": {"aws_db_instance": {"main": {"password": "${var.pw}", "engine": "mysql"}}},
                      "variable": {"pw": {"default": "x"}}}"#;
        let body = parse_json_syntax(FileId(0), text).unwrap();
        let db = body.blocks("resource").next().unwrap();
        assert_eq!(db.label(1), Some("main"));
        let password = &db.body.attribute("password").unwrap().value;
        assert!(matches!(&password.kind, ExprKind::Traversal { root, .. } if root == "var"));
        assert_eq!(text_of(text, password.span), "\"${var.pw}\"");
        assert_eq!(body.blocks("variable").next().unwrap().label(0), Some("pw"));
    }
}
