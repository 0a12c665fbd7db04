//! Policy documents in Terraform: `data "aws_iam_policy_document"` (statement blocks become
//! `Statement` objects whose synthetic keys span the arguments and blocks they come from)
//! and JSON written in a heredoc or a string, with `${...}` interpolations in it.

use super::{Lowering, Mode, entry, intrinsic, node, string, unknown};
use crate::parse::hcl::{Block, Body, Expr, ExprKind, TemplatePart};
use crate::parse::{Entry, JsonText, Node, Piece, Value, parse_json_pieces};
use crate::source::Span;

/// The policy language version the data source writes when `version` is not set.
const DEFAULT_VERSION: &str = "2012-10-17";

/// Stands for an interpolation while the JSON around it is parsed.
const TOKEN: &str = "@@iamlint-interpolation-";

impl<'m> Lowering<'m, '_, '_> {
    /// The document a `data "aws_iam_policy_document"` renders.
    pub(super) fn policy_document(&mut self, block: &'m Block, depth: usize) -> Node {
        let body = &block.body;
        let header = block.labels.get(1).map_or(block.kind_span, |l| l.span);
        let mut entries = Vec::new();
        match body.attribute("version") {
            Some(version) => entries.push(entry(
                "Version",
                version.name_span,
                self.value(&version.value, Mode::Value, depth + 1),
            )),
            None => entries.push(entry("Version", header, string(header, DEFAULT_VERSION))),
        }
        if let Some(id) = body.attribute("policy_id") {
            entries.push(entry(
                "Id",
                id.name_span,
                self.value(&id.value, Mode::Value, depth + 1),
            ));
        }
        let mut statements: Vec<Node> = Vec::new();
        for document in self.documents(body, "source_policy_documents", depth) {
            statements.extend(statements_of(&document));
        }
        // The data source's own statements replace those of the source documents with the
        // same Sid; override documents replace both.
        for statement in &block.body.blocks {
            let lowered = match (statement.kind.as_str(), statement.label(0)) {
                ("statement", _) => self.statement(statement, depth),
                ("dynamic", Some("statement")) => unknown(statement.span),
                _ => continue,
            };
            merge_by_sid(&mut statements, lowered);
        }
        for document in self.documents(body, "override_policy_documents", depth) {
            for statement in statements_of(&document) {
                merge_by_sid(&mut statements, statement);
            }
        }
        let statement_span = body
            .blocks
            .iter()
            .find(|b| b.kind == "statement" || b.label(0) == Some("statement"))
            .map_or(header, |b| b.kind_span);
        entries.push(entry(
            "Statement",
            statement_span,
            node(block.span, Value::Array(statements)),
        ));
        node(block.span, Value::Object(entries))
    }

    /// The documents listed in `source_policy_documents` / `override_policy_documents`.
    fn documents(&mut self, body: &'m Body, name: &str, depth: usize) -> Vec<Node> {
        let Some(attribute) = body.attribute(name) else {
            return Vec::new();
        };
        match &attribute.value.kind {
            ExprKind::Array(items) => items.iter().filter_map(|e| self.policy(e, depth + 1)).collect(),
            _ => Vec::new(),
        }
    }

    fn statement(&mut self, block: &'m Block, depth: usize) -> Node {
        let body = &block.body;
        let mut entries = Vec::new();
        if let Some(sid) = body.attribute("sid") {
            entries.push(entry(
                "Sid",
                sid.name_span,
                self.value(&sid.value, Mode::Value, depth + 1),
            ));
        }
        match body.attribute("effect") {
            Some(effect) => entries.push(entry(
                "Effect",
                effect.name_span,
                self.value(&effect.value, Mode::Value, depth + 1),
            )),
            // The data source's default.
            None => entries.push(entry("Effect", block.kind_span, string(block.kind_span, "Allow"))),
        }
        for (argument, key) in [
            ("actions", "Action"),
            ("not_actions", "NotAction"),
            ("resources", "Resource"),
            ("not_resources", "NotResource"),
        ] {
            if let Some(attribute) = body.attribute(argument) {
                let mut value = self.value(&attribute.value, Mode::Value, depth + 1);
                ampersand_variables(&mut value);
                entries.push(entry(key, attribute.name_span, value));
            }
        }
        for (kind, key) in [("principals", "Principal"), ("not_principals", "NotPrincipal")] {
            if let Some(principals) = self.principals(body, kind, depth) {
                entries.push(principals.map_key(key));
            }
        }
        if let Some(condition) = self.conditions(body, depth) {
            entries.push(condition);
        }
        node(block.span, Value::Object(entries))
    }

    /// `principals { type identifiers }` blocks, merged by type; `type = "*"` is
    /// `"Principal": "*"`.
    fn principals(&mut self, body: &'m Body, kind: &str, depth: usize) -> Option<Entry> {
        let blocks: Vec<&'m Block> = body.blocks.iter().filter(|b| b.kind == kind).collect();
        let dynamic = body
            .blocks
            .iter()
            .find(|b| b.kind == "dynamic" && b.label(0) == Some(kind));
        let first = blocks.first().copied().or(dynamic)?;
        let span = blocks.iter().fold(first.span, |s, b| s.cover(b.span));
        if let Some(dynamic) = dynamic {
            return Some(entry(kind, first.kind_span, self.unknown_block(dynamic)));
        }
        let mut by_type: Vec<Entry> = Vec::new();
        for block in blocks {
            let kind_attribute = block.body.attribute("type");
            let principal_type = kind_attribute.and_then(|a| a.value.literal_text());
            let identifiers = block
                .body
                .attribute("identifiers")
                .map(|a| self.value(&a.value, Mode::Value, depth + 1));
            let (Some(kind_attribute), Some(principal_type), Some(identifiers)) =
                (kind_attribute, principal_type, identifiers)
            else {
                return Some(entry(kind, first.kind_span, self.unknown_block(block)));
            };
            if principal_type == "*" {
                return Some(entry(kind, first.kind_span, string(block.span, "*")));
            }
            match by_type.iter_mut().find(|e| e.key == principal_type) {
                Some(existing) => append(&mut existing.value, identifiers),
                None => by_type.push(entry(&principal_type, kind_attribute.value.span, identifiers)),
            }
        }
        Some(entry(kind, first.kind_span, node(span, Value::Object(by_type))))
    }

    /// `condition { test variable values }` blocks as `Condition: {test: {variable: values}}`.
    fn conditions(&mut self, body: &'m Body, depth: usize) -> Option<Entry> {
        let blocks: Vec<&'m Block> = body.blocks.iter().filter(|b| b.kind == "condition").collect();
        let dynamic = body
            .blocks
            .iter()
            .find(|b| b.kind == "dynamic" && b.label(0) == Some("condition"));
        let first = blocks.first().copied().or(dynamic)?;
        if let Some(dynamic) = dynamic {
            return Some(entry("Condition", first.kind_span, self.unknown_block(dynamic)));
        }
        let span = blocks.iter().fold(first.span, |s, b| s.cover(b.span));
        let mut operators: Vec<Entry> = Vec::new();
        for block in blocks {
            let part = |name: &str| block.body.attribute(name);
            let (Some(test), Some(variable), Some(values)) = (part("test"), part("variable"), part("values"))
            else {
                return Some(entry("Condition", first.kind_span, self.unknown_block(block)));
            };
            let (Some(operator), Some(key)) = (test.value.literal_text(), variable.value.literal_text())
            else {
                return Some(entry("Condition", first.kind_span, self.unknown_block(block)));
            };
            let mut values = self.value(&values.value, Mode::Value, depth + 1);
            ampersand_variables(&mut values);
            let key = key.replace("&{", "${");
            let clause = entry(&key, variable.value.span, values);
            match operators.iter_mut().find(|e| e.key == operator) {
                Some(existing) => {
                    if let Value::Object(keys) = &mut existing.value.value {
                        match keys.iter_mut().find(|k| k.key == key) {
                            Some(same) => append(&mut same.value, clause.value),
                            None => keys.push(clause),
                        }
                    }
                }
                None => operators.push(entry(
                    &operator,
                    test.value.span,
                    node(block.span, Value::Object(vec![clause])),
                )),
            }
        }
        Some(entry(
            "Condition",
            first.kind_span,
            node(span, Value::Object(operators)),
        ))
    }

    fn unknown_block(&self, block: &Block) -> Node {
        unknown(block.span)
    }

    /// JSON written in a string or heredoc. Interpolations whose value is known are
    /// spliced in; the others stand for unknown values (a whole string) or make the string
    /// an `Fn::Sub` template.
    pub(super) fn embedded_document(&mut self, expr: &'m Expr, depth: usize) -> Option<Node> {
        if !expr
            .literal_text()
            .is_none_or(|t| t.trim_start().starts_with('{'))
        {
            return None;
        }
        // (decoded text, written text, span)
        let mut runs: Vec<(String, &str, Span)> = Vec::new();
        let mut holes: Vec<(String, Node)> = Vec::new();
        match &expr.kind {
            ExprKind::String(text) => runs.push((text.clone(), self.module.source(expr.span), expr.span)),
            ExprKind::Template(parts) => {
                let mut state = JsonState::default();
                for part in parts {
                    match part {
                        TemplatePart::Literal { text, span } => {
                            state.advance(text);
                            runs.push((text.clone(), self.module.source(*span), *span));
                        }
                        TemplatePart::Interpolation(inner) => {
                            let value = self.value(inner, Mode::Value, depth + 1);
                            let spliced = match (state.in_string, value.intrinsic()) {
                                (true, None) => value.scalar_text().map(|t| json_escape(&t)),
                                (false, None) => serde_json::to_string(&JsonText(&value)).ok(),
                                (_, Some(_)) => None,
                            };
                            let text = spliced.unwrap_or_else(|| {
                                let token = format!("{TOKEN}{}@@", holes.len());
                                holes.push((token.clone(), value));
                                if state.in_string {
                                    token
                                } else {
                                    format!("\"{token}\"")
                                }
                            });
                            state.advance(&text);
                            runs.push((text, self.module.source(inner.span), inner.span));
                        }
                        TemplatePart::Directive(_) => return None,
                    }
                }
            }
            _ => return None,
        }
        let first_text = runs.iter().map(|r| r.0.as_str()).collect::<String>();
        if !first_text.trim_start().starts_with('{') {
            return None;
        }
        let pieces: Vec<Piece<'_>> = runs
            .iter()
            .map(|(decoded, written, span)| Piece {
                decoded,
                written,
                span: *span,
            })
            .collect();
        match parse_json_pieces(&pieces, &mut self.nodes_left) {
            Ok(mut document) => {
                if !holes.is_empty() {
                    let sources: Vec<(String, String)> = holes
                        .iter()
                        .map(|(token, value)| {
                            (token.clone(), format!("${{{}}}", self.module.source(value.span)))
                        })
                        .collect();
                    fill_holes(&mut document, &holes, &sources, 0);
                }
                Some(document)
            }
            Err(err) => {
                self.errors.push(err);
                None
            }
        }
    }
}

trait MapKey {
    fn map_key(self, key: &str) -> Entry;
}

impl MapKey for Entry {
    fn map_key(mut self, key: &str) -> Entry {
        self.key = key.to_string();
        self
    }
}

/// The statements of a lowered document, as a list.
fn statements_of(document: &Node) -> Vec<Node> {
    match document.get("Statement") {
        Some(Node {
            value: Value::Array(items),
            ..
        }) => items.clone(),
        Some(single) => vec![single.clone()],
        None => Vec::new(),
    }
}

/// Adds a statement, replacing the one with the same `Sid` if there is one.
fn merge_by_sid(statements: &mut Vec<Node>, statement: Node) {
    let sid = statement.get("Sid").and_then(Node::as_str).map(str::to_string);
    if let Some(sid) = sid
        && let Some(same) = statements
            .iter_mut()
            .find(|s| s.get("Sid").and_then(Node::as_str) == Some(sid.as_str()))
    {
        *same = statement;
        return;
    }
    statements.push(statement);
}

/// Appends a value (or the items of a list) to a list, turning a single value into a list.
fn append(list: &mut Node, more: Node) {
    if !matches!(list.value, Value::Array(_)) {
        let single = list.clone();
        list.value = Value::Array(vec![single]);
    }
    let Value::Array(items) = &mut list.value else {
        return;
    };
    match more.value {
        Value::Array(more_items) => items.extend(more_items),
        _ => items.push(more),
    }
}

/// The data source reads `&{aws:username}` as the policy variable `${aws:username}`.
fn ampersand_variables(node: &mut Node) {
    match &mut node.value {
        Value::String(s) if s.contains("&{") => *s = s.replace("&{", "${"),
        Value::Array(items) => items.iter_mut().for_each(ampersand_variables),
        _ => {}
    }
}

fn json_escape(text: &str) -> String {
    let quoted = serde_json::to_string(text).unwrap_or_default();
    quoted
        .strip_prefix('"')
        .and_then(|q| q.strip_suffix('"'))
        .unwrap_or_default()
        .to_string()
}

/// Whether the JSON text so far leaves us inside a string.
#[derive(Default)]
struct JsonState {
    in_string: bool,
    escaped: bool,
}

impl JsonState {
    fn advance(&mut self, text: &str) {
        for b in text.bytes() {
            if self.in_string {
                match b {
                    _ if self.escaped => self.escaped = false,
                    b'\\' => self.escaped = true,
                    b'"' => self.in_string = false,
                    _ => {}
                }
            } else if b == b'"' {
                self.in_string = true;
            }
        }
    }
}

/// Puts the values of interpolations back where their tokens were parsed.
fn fill_holes(node: &mut Node, holes: &[(String, Node)], sources: &[(String, String)], depth: usize) {
    if depth > crate::parse::MAX_DEPTH {
        return;
    }
    match &mut node.value {
        Value::String(s) if s.contains(TOKEN) => {
            if let Some((_, value)) = holes.iter().find(|(token, _)| token == s) {
                let mut value = value.clone();
                value.span = node.span;
                *node = value;
            } else {
                let mut text = s.replace("${", "$${");
                for (token, source) in sources {
                    text = text.replace(token, source);
                }
                *node = intrinsic("Fn::Sub", node.span, string(node.span, &text));
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|n| fill_holes(n, holes, sources, depth + 1)),
        Value::Object(entries) => entries
            .iter_mut()
            .for_each(|e| fill_holes(&mut e.value, holes, sources, depth + 1)),
        _ => {}
    }
}
