//! Passwords in a Terraform plan (`terraform show -json`), which holds every value in
//! clear, often several times (planned values, resource changes before and after, prior
//! state, configuration constants). Masked:
//! - every value under a key named like a password, anywhere;
//! - what Terraform itself marks sensitive: `sensitive_values`, `before_sensitive` and
//!   `after_sensitive` mirror the values they mark; an output, variable or output
//!   expression with `"sensitive": true`;
//! - the `result` and `bcrypt_hash` of every `random_password`;
//! - what flows into a password by reference: a password argument (or a sensitive or
//!   password-named variable or output) whose configuration expression names `var.x` takes
//!   the root variable's value and default, or in a child module the expression the module
//!   call passes (often a `constant_value`); `module.m.out` takes that output's expression.

use std::collections::HashSet;

use super::{Lookup, Secrets, is_password_name};
use crate::parse::{MAX_DEPTH, Node, Value};

/// How deep module calls are followed (as the plan lowering does).
const MAX_MODULE_DEPTH: usize = 16;

/// Terraform's own sensitivity markers, each beside the values it mirrors.
const MARKERS: [(&str, &str); 3] = [
    ("values", "sensitive_values"),
    ("after", "after_sensitive"),
    ("before", "before_sensitive"),
];

pub fn plan_secrets(root: &Node) -> Secrets {
    let mut plan = Plan {
        root,
        config: root.get("configuration").and_then(|c| c.get("root_module")),
        followed: HashSet::new(),
        lookup: Lookup::default(),
        secrets: Secrets::default(),
    };
    plan.walk(root, 0);
    if let Some(config) = plan.config {
        plan.module(config, &mut Vec::new());
    }
    // A value under a password argument is also reached by following it.
    plan.secrets.spans.sort_unstable();
    plan.secrets.spans.dedup();
    plan.secrets
}

struct Plan<'p> {
    root: &'p Node,
    config: Option<&'p Node>,
    /// Variables already followed, by module path and name.
    followed: HashSet<(Vec<&'p str>, &'p str)>,
    lookup: Lookup<'p>,
    secrets: Secrets,
}

impl<'p> Plan<'p> {
    /// Every string and number below `node`; `references` (names, not values) are kept.
    fn leaves(&mut self, node: &'p Node, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        match &node.value {
            Value::String(s) | Value::Number(s) => self.secrets.add(node.span, Some(s)),
            Value::Array(items) => items.iter().for_each(|n| self.leaves(n, depth + 1)),
            Value::Object(entries) => entries
                .iter()
                .filter(|e| e.key != "references")
                .for_each(|e| self.leaves(&e.value, depth + 1)),
            Value::Bool(_) | Value::Null => {}
        }
    }

    /// The part of `value` that `marker` marks sensitive (`true`, or a tree of the same
    /// shape with `true` at the sensitive places).
    fn marked(&mut self, value: &'p Node, marker: &'p Node, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        match (&marker.value, &value.value) {
            (Value::Bool(true), _) => self.leaves(value, depth + 1),
            (Value::Object(marks), Value::Object(_)) => {
                for mark in marks {
                    if let Some(inner) = self.lookup.get(value, &mark.key) {
                        self.marked(inner, &mark.value, depth + 1);
                    }
                }
            }
            (Value::Array(marks), Value::Array(items)) => {
                for (mark, item) in marks.iter().zip(items) {
                    self.marked(item, mark, depth + 1);
                }
            }
            _ => {}
        }
    }

    /// The markers and names found anywhere in the plan.
    fn walk(&mut self, node: &'p Node, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let entries = match &node.value {
            Value::Object(entries) => entries,
            Value::Array(items) => {
                items.iter().for_each(|n| self.walk(n, depth + 1));
                return;
            }
            _ => return,
        };
        for (values, marker) in MARKERS {
            if let (Some(values), Some(marker)) = (node.get(values), node.get(marker)) {
                self.marked(values, marker, depth);
            }
        }
        if node.get("sensitive").and_then(Node::as_bool_like) == Some(true) {
            for key in ["value", "default", "expression"] {
                if let Some(value) = node.get(key) {
                    self.leaves(value, depth + 1);
                }
            }
        }
        let random_password = node.get("type").and_then(Node::as_str) == Some("random_password");
        for entry in entries {
            if is_password_name(&entry.key) {
                self.leaves(&entry.value, depth + 1);
            } else if random_password {
                self.random_password(&entry.value, depth + 1);
            } else {
                self.walk(&entry.value, depth + 1);
            }
        }
    }

    /// `result` and `bcrypt_hash` wherever they appear in a `random_password`.
    fn random_password(&mut self, node: &'p Node, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        match &node.value {
            Value::Object(entries) => {
                for entry in entries {
                    if matches!(entry.key.as_str(), "result" | "bcrypt_hash") {
                        self.leaves(&entry.value, depth + 1);
                    } else {
                        self.random_password(&entry.value, depth + 1);
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|n| self.random_password(n, depth + 1)),
            _ => {}
        }
    }

    /// The configuration of the module at `path` (module call names from the root).
    fn module_config(&mut self, path: &[&str]) -> Option<&'p Node> {
        let mut module = self.config?;
        for name in path {
            let call = self.lookup.get(module.get("module_calls")?, name)?;
            module = call.get("module")?;
        }
        Some(module)
    }

    /// The password sinks of one configuration module and of the modules it calls.
    fn module(&mut self, module: &'p Node, path: &mut Vec<&'p str>) {
        if path.len() > MAX_MODULE_DEPTH {
            return;
        }
        let objects = |key: &str| module.get(key).and_then(Node::as_object).unwrap_or_default();
        for resource in module
            .get("resources")
            .and_then(Node::as_array)
            .unwrap_or_default()
        {
            if let Some(expressions) = resource.get("expressions") {
                self.sinks(expressions, path, 0);
            }
        }
        for output in objects("outputs") {
            let sensitive = output.value.get("sensitive").and_then(Node::as_bool_like) == Some(true);
            if (sensitive || is_password_name(&output.key))
                && let Some(expression) = output.value.get("expression")
            {
                self.expression(expression, path, 0);
            }
        }
        for variable in objects("variables") {
            let sensitive = variable.value.get("sensitive").and_then(Node::as_bool_like) == Some(true);
            if sensitive || is_password_name(&variable.key) {
                self.variable(&variable.key, path);
            }
        }
        for call in objects("module_calls") {
            if let Some(expressions) = call.value.get("expressions") {
                self.sinks(expressions, path, 0);
            }
            if let Some(child) = call.value.get("module") {
                path.push(&call.key);
                self.module(child, path);
                path.pop();
            }
        }
    }

    /// The expressions of password arguments (nested blocks included).
    fn sinks(&mut self, expressions: &'p Node, path: &[&'p str], depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        match &expressions.value {
            Value::Object(entries) => {
                for entry in entries {
                    if is_password_name(&entry.key) {
                        self.expression(&entry.value, path, depth + 1);
                    } else {
                        self.sinks(&entry.value, path, depth + 1);
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|n| self.sinks(n, path, depth + 1)),
            _ => {}
        }
    }

    /// A configuration expression whose value is a password: its constant, and the
    /// variables and module outputs it refers to.
    fn expression(&mut self, expression: &'p Node, path: &[&'p str], depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        self.leaves(expression, depth + 1);
        for reference in expression
            .get("references")
            .and_then(Node::as_array)
            .unwrap_or_default()
            .iter()
            .filter_map(Node::as_str)
        {
            let mut parts = reference.split('.');
            match (parts.next(), parts.next(), parts.next()) {
                (Some("var"), Some(name), _) => self.variable(name, path),
                (Some("module"), Some(call), Some(output)) => {
                    let mut inner = path.to_vec();
                    inner.push(call.split('[').next().unwrap_or(call));
                    let outputs = self.module_config(&inner).and_then(|m| m.get("outputs"));
                    if let Some(expression) = outputs
                        .and_then(|o| self.lookup.get(o, output))
                        .and_then(|o| o.get("expression"))
                    {
                        self.expression(expression, &inner, depth + 1);
                    }
                }
                _ => {}
            }
        }
        // Nested blocks are lists of objects of expressions.
        if expression.get("constant_value").is_none() && expression.get("references").is_none() {
            for entry in expression.as_object().unwrap_or_default() {
                self.expression(&entry.value, path, depth + 1);
            }
            for item in expression.as_array().unwrap_or_default() {
                self.expression(item, path, depth + 1);
            }
        }
    }

    /// A variable whose value is a password: its default, and its value (a root variable)
    /// or what the module call passes for it.
    fn variable(&mut self, name: &'p str, path: &[&'p str]) {
        if !self.followed.insert((path.to_vec(), name)) {
            return;
        }
        let root_variables = self.root.get("variables");
        let declared = self
            .module_config(path)
            .and_then(|m| m.get("variables"))
            .and_then(|v| self.lookup.get(v, name));
        if let Some(default) = declared.and_then(|v| v.get("default")) {
            self.leaves(default, 0);
        }
        match path.split_last() {
            None => {
                if let Some(value) = root_variables.and_then(|v| self.lookup.get(v, name)) {
                    self.leaves(value, 0);
                }
            }
            Some((call, parent)) => {
                let calls = self.module_config(parent).and_then(|m| m.get("module_calls"));
                let passed = calls
                    .and_then(|c| self.lookup.get(c, call))
                    .and_then(|c| c.get("expressions"))
                    .and_then(|e| self.lookup.get(e, name));
                if let Some(passed) = passed {
                    self.expression(passed, parent, 0);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{Syntax, parse};
    use crate::source::FileId;

    #[test]
    fn plan_values_are_masked_wherever_the_plan_repeats_them() {
        let text = r#"{"format_version": "1.2",
 "variables": {"pw": {"value": "vpw"}, "region": {"value": "eu-west-1"}},
 "planned_values": {
  "outputs": {"o": {"sensitive": true, "value": "osecret"}, "plain": {"sensitive": false, "value": "oplain"}},
  "root_module": {"resources": [
   {"address": "aws_ssm_parameter.p", "type": "aws_ssm_parameter", "values": {"name": "n", "value": "ssm"}, "sensitive_values": {"value": true}},
   {"address": "random_password.r", "type": "random_password", "values": {"length": 16, "result": "rresult", "bcrypt_hash": "rhash"}}],
   "child_modules": [{"resources": [{"address": "module.db.aws_db_instance.d", "type": "aws_db_instance", "values": {"password": "dpw", "manage_master_user_password": null}}]}]}},
 "resource_changes": [{"type": "aws_ssm_parameter", "change": {"before": null, "after": {"value": "after"}, "after_sensitive": {"value": true}}}],
 "configuration": {"root_module": {
  "variables": {"pw": {"default": "vdefault"}},
  "module_calls": {"db": {"expressions": {"secret": {"constant_value": "mconst"}, "name": {"constant_value": "mname"}},
   "module": {"resources": [{"address": "aws_db_instance.d", "expressions": {"password": {"references": ["var.secret"]}}}],
              "variables": {"secret": {}}}}},
  "resources": [{"address": "aws_db_instance.e", "expressions": {"master_password": {"references": ["var.pw"]}}}]}}}"#;
        let root = parse(FileId(0), text, Syntax::Json).unwrap();
        let mut spans = plan_secrets(&root).spans;
        spans.sort();
        spans.dedup();
        let shown: Vec<&str> = spans.iter().map(|s| &text[s.range()]).collect();
        assert_eq!(
            shown,
            [
                "\"vpw\"",
                "\"osecret\"",
                "\"ssm\"",
                "\"rresult\"",
                "\"rhash\"",
                "\"dpw\"",
                "\"after\"",
                "\"vdefault\"",
                "\"mconst\"",
            ]
        );
    }
}
