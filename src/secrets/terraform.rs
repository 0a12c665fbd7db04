//! Passwords in a Terraform module's source. A password is the value of any argument,
//! object key, variable, local or output named like one (`password`, `master_password_wo`,
//! `db_password`; a module call's `db_password = "..."` too, whatever the called module does
//! with it), and of a variable or output marked `sensitive = true`. Each is followed to
//! where its text is written: the `default` of the variables and the value of the locals it
//! names, the literal parts of its templates and heredocs, the arguments of the functions it
//! calls. What only Terraform evaluates (a conditional, an operator, a `for`) is masked
//! whole, and the variables and locals it names are followed.

use std::collections::{HashMap, HashSet};

use super::{Secrets, is_password_name};
use crate::model::terraform::ModuleFile;
use crate::parse::MAX_DEPTH;
use crate::parse::hcl::{Attribute, Block, Body, Expr, ExprKind, TemplatePart};
use crate::source::FileId;

pub fn module_secrets(files: &[ModuleFile<'_>]) -> Secrets {
    let mut flow = Flow {
        texts: files.iter().map(|f| (f.file, f.text)).collect(),
        variables: HashMap::new(),
        locals: HashMap::new(),
        seen: HashSet::new(),
        pending: Vec::new(),
        secrets: Secrets::default(),
    };
    for file in files {
        for block in &file.body.blocks {
            match (block.kind.as_str(), block.label(0)) {
                ("variable", Some(name)) => {
                    flow.variables.insert(name, block);
                }
                ("locals", _) => {
                    for attribute in &block.body.attributes {
                        flow.locals.insert(&attribute.name, attribute);
                    }
                }
                _ => {}
            }
        }
    }
    for file in files {
        for block in &file.body.blocks {
            match (block.kind.as_str(), block.label(0)) {
                ("variable", Some(name)) => {
                    if is_password_name(name) || is_sensitive(&block.body) {
                        flow.variable(name);
                    }
                }
                ("locals", _) => {
                    for attribute in &block.body.attributes {
                        if is_password_name(&attribute.name) {
                            flow.local(&attribute.name);
                        } else {
                            flow.sinks_in(&attribute.value, 0);
                        }
                    }
                }
                ("output", Some(name)) if is_password_name(name) || is_sensitive(&block.body) => {
                    if let Some(value) = block.body.attribute("value") {
                        flow.value(&value.value, 0);
                    }
                }
                _ => flow.block(block, 0),
            }
        }
        for attribute in &file.body.attributes {
            flow.attribute(attribute);
        }
    }
    flow.follow();
    flow.secrets
}

fn is_sensitive(body: &Body) -> bool {
    body.attribute("sensitive")
        .is_some_and(|a| matches!(a.value.kind, ExprKind::Bool(true)))
}

struct Flow<'m> {
    texts: HashMap<FileId, &'m str>,
    variables: HashMap<&'m str, &'m Block>,
    locals: HashMap<&'m str, &'m Attribute>,
    /// Variables (`var.x`) and locals (`local.x`) already met.
    seen: HashSet<(bool, &'m str)>,
    /// The values of those met but not yet followed.
    pending: Vec<&'m Expr>,
    secrets: Secrets,
}

impl<'m> Flow<'m> {
    /// The password arguments of a resource, data source, module call or provider, and of
    /// the blocks nested in it.
    fn block(&mut self, block: &'m Block, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        for attribute in &block.body.attributes {
            self.attribute(attribute);
        }
        for nested in &block.body.blocks {
            self.block(nested, depth + 1);
        }
    }

    fn attribute(&mut self, attribute: &'m Attribute) {
        if is_password_name(&attribute.name) {
            self.value(&attribute.value, 0);
        } else {
            self.sinks_in(&attribute.value, 0);
        }
    }

    /// Object keys named like a password inside an expression
    /// (`secret_string = jsonencode({ password = "..." })`).
    fn sinks_in(&mut self, expr: &'m Expr, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        match &expr.kind {
            ExprKind::Object(items) => {
                for item in items {
                    if item.key.as_deref().is_some_and(is_password_name) {
                        self.value(&item.value, depth + 1);
                    } else {
                        self.sinks_in(&item.value, depth + 1);
                    }
                }
            }
            ExprKind::Array(items) | ExprKind::Call { args: items, .. } => {
                items.iter().for_each(|e| self.sinks_in(e, depth + 1));
            }
            _ => {}
        }
    }

    /// An expression whose value becomes (part of) a password.
    fn value(&mut self, expr: &'m Expr, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        match &expr.kind {
            ExprKind::Null | ExprKind::Bool(_) => {}
            ExprKind::Number(text) | ExprKind::String(text) => self.secrets.add(expr.span, Some(text)),
            ExprKind::Template(parts) => {
                for part in parts {
                    match part {
                        TemplatePart::Literal { text, span } => self.secrets.add(*span, Some(text)),
                        TemplatePart::Interpolation(inner) => self.value(inner, depth + 1),
                        TemplatePart::Directive(span) => self.secrets.add(*span, None),
                    }
                }
            }
            ExprKind::Array(items) | ExprKind::Call { args: items, .. } => {
                items.iter().for_each(|e| self.value(e, depth + 1));
            }
            ExprKind::Object(items) => items.iter().for_each(|i| self.value(&i.value, depth + 1)),
            ExprKind::Traversal { root, steps } => {
                let Some(crate::parse::hcl::Step::Attr(name)) = steps.first() else {
                    return;
                };
                match root.as_str() {
                    "var" => self.variable(name),
                    "local" => self.local(name),
                    _ => {}
                }
            }
            ExprKind::Other => {
                self.secrets.add(expr.span, None);
                let text = self
                    .texts
                    .get(&expr.span.file)
                    .and_then(|t| t.get(expr.span.range()))
                    .unwrap_or_default();
                for (root, name) in references(text) {
                    match root {
                        "var" => self.variable(name),
                        _ => self.local(name),
                    }
                }
            }
        }
    }

    /// A variable's `default` is a password too: followed later, each variable once.
    fn variable(&mut self, name: &str) {
        if let Some((&name, block)) = self.variables.get_key_value(name)
            && self.seen.insert((true, name))
            && let Some(default) = block.body.attribute("default")
        {
            self.pending.push(&default.value);
        }
    }

    /// A local's value is a password too: followed later, each local once.
    fn local(&mut self, name: &str) {
        if let Some((&name, attribute)) = self.locals.get_key_value(name)
            && self.seen.insert((false, name))
        {
            self.pending.push(&attribute.value);
        }
    }

    /// Follows the variables and locals found so far, and those they name in turn: a chain
    /// of locals of any length costs no stack.
    fn follow(&mut self) {
        while let Some(expr) = self.pending.pop() {
            self.value(expr, 0);
        }
    }
}

/// The `var.x` and `local.x` written in an expression's text, as (`var`|`local`, `x`).
fn references(text: &str) -> impl Iterator<Item = (&str, &str)> {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    ["var", "local"].into_iter().flat_map(move |root| {
        text.match_indices(root).filter_map(move |(at, _)| {
            let before = text[..at].chars().next_back();
            let rest = text[at + root.len()..].strip_prefix('.')?;
            let name = &rest[..rest.find(|c| !ident(c)).unwrap_or(rest.len())];
            (before.is_none_or(|c| !ident(c) && c != '.') && !name.is_empty()).then_some((root, name))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::hcl;

    fn masked(text: &str) -> Vec<&str> {
        let body = hcl::parse(FileId(0), text).unwrap();
        let source = ModuleFile {
            file: FileId(0),
            text,
            body: &body,
        };
        let mut spans = module_secrets(&[source]).spans;
        spans.sort();
        spans.dedup();
        spans.iter().map(|s| &text[s.range()]).collect()
    }

    #[test]
    fn a_long_chain_of_locals_is_followed_to_its_end() {
        let mut text = String::from("resource \"aws_db_instance\" \"a\" { password = local.l0 }\nlocals {\n");
        for i in 0..10_000 {
            text.push_str(&format!("  l{i} = local.l{}\n", i + 1));
        }
        text.push_str("  l10000 = \"end\"\n}\n");
        assert_eq!(masked(&text), ["\"end\""]);
    }

    #[test]
    fn references_in_text() {
        let found: Vec<(&str, &str)> = references("var.a ? local.b_c : my_var.x + var.d").collect();
        assert_eq!(found, [("var", "a"), ("var", "d"), ("local", "b_c")]);
    }

    #[test]
    fn passwords_are_followed_to_where_they_are_written() {
        let text = r#"
variable "suffix" { default = "vsuffix" }
variable "flag" { default = true }
variable "unused" { default = "vunused" }
variable "hidden" {
  default   = "vhidden"
  sensitive = true
}
locals {
  pw   = "${local.base}-${var.suffix}"
  base = "lbase"
  db_password = 1234
}
resource "aws_db_instance" "a" {
  manage_master_user_password = false
  password = local.pw
  master_password_wo = var.flag ? "cond" : local.base
}
module "db" {
  source      = "./db"
  db_password = <<EOT
heredoc
EOT
}
resource "aws_secretsmanager_secret_version" "s" {
  secret_string = jsonencode({ username = "admin", password = upper("jpw") })
}
output "db_password" { value = "oconst" }
"#;
        assert_eq!(
            masked(text),
            [
                "\"vsuffix\"",
                "\"vhidden\"",
                "-",
                "\"lbase\"",
                "1234",
                "var.flag ? \"cond\" : local.base",
                "heredoc\n",
                "\"jpw\"",
                "\"oconst\"",
            ]
        );
    }
}
