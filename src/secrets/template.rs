//! Passwords in a CloudFormation template (and in a Terraform module or plan lowered into
//! that shape). A password is the value of any key named like one (`MasterUserPassword`,
//! `LoginProfile.Password`, an `env` entry `DB_PASSWORD` in `AWS::CloudFormation::Init`,
//! every duplicate of the key, not only the last one that CloudFormation keeps; the `Value`
//! of an output named like one), the
//! `Default` of a `NoEcho` parameter or of one named like a password, and everything those
//! values are made of: the literal parts of `Fn::Sub`/`Fn::Join`/`Fn::Select`/`Fn::If`,
//! the `Default` and `AllowedValues` of the parameters they name (by `Ref` or by `${P}` in
//! a `Fn::Sub` body), the `Mappings` entries `Fn::FindInMap` reads. Dynamic references
//! (`{{resolve:...}}`), `Fn::GetAtt` and `Fn::ImportValue` hold no value in the template.

use std::collections::{HashMap, HashSet};

use super::{Lookup, Secrets, is_password_name};
use crate::model::{FileModel, Parameter, is_dynamic_reference, is_pseudo_parameter, sub_variables};
use crate::parse::{MAX_DEPTH, Node, Value};

pub fn template_secrets(file: &FileModel<'_>) -> Secrets {
    let Some(template) = &file.template else {
        return Secrets::default();
    };
    // Every parameter of a name: the earlier of two duplicate keys holds a value too.
    let mut parameters: HashMap<&str, Vec<&Parameter<'_>>> = HashMap::new();
    for parameter in &template.parameters {
        parameters.entry(parameter.name).or_default().push(parameter);
    }
    let mut flow = Flow {
        parameters,
        lookup: Lookup::default(),
        mappings: file.root.get("Mappings"),
        mapping_budget: mappings_size(file.root.get("Mappings")),
        parameters_seen: HashSet::new(),
        pending: Vec::new(),
        secrets: Secrets::default(),
    };
    // Names chosen by the author (a resource `RequireManagedPasswords`, a condition) say
    // nothing about a value; the keys inside a resource, a mapping or metadata do, and so
    // does an output's name.
    for entry in file.root.as_object().unwrap_or_default() {
        match entry.key.as_str() {
            "Resources" => {
                for resource in entry.value.as_object().unwrap_or_default() {
                    flow.sinks(&resource.value, 0);
                }
            }
            "Outputs" => {
                for output in entry.value.as_object().unwrap_or_default() {
                    match output.value.get("Value") {
                        Some(value) if is_password_name(&output.key) => flow.value(value, 0),
                        _ => flow.sinks(&output.value, 0),
                    }
                }
            }
            "Mappings" | "Metadata" => flow.sinks(&entry.value, 0),
            _ => {}
        }
    }
    for parameter in &template.parameters {
        let no_echo = parameter.node.get("NoEcho").and_then(Node::as_bool_like) == Some(true);
        if no_echo || is_password_name(parameter.name) {
            flow.parameter(parameter.name);
        }
    }
    flow.follow();
    flow.secrets
}

struct Flow<'t, 'a> {
    parameters: HashMap<&'a str, Vec<&'t Parameter<'a>>>,
    lookup: Lookup<'a>,
    mappings: Option<&'a Node>,
    /// How many more `Mappings` entries `Fn::FindInMap` may visit before all of `Mappings`
    /// is masked at once: many lookups with keys only known at deploy time would otherwise
    /// walk the same entries again and again.
    mapping_budget: usize,
    parameters_seen: HashSet<&'a str>,
    /// Parameter values met but not yet followed.
    pending: Vec<&'a Node>,
    secrets: Secrets,
}

impl<'a> Flow<'_, 'a> {
    /// Every value under a key named like a password, anywhere below `node`.
    fn sinks(&mut self, node: &'a Node, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        match &node.value {
            Value::Object(entries) => {
                for entry in entries {
                    if is_password_name(&entry.key) {
                        self.value(&entry.value, 0);
                    } else {
                        self.sinks(&entry.value, depth + 1);
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|n| self.sinks(n, depth + 1)),
            _ => {}
        }
    }

    /// A value that becomes (part of) a password: its literal parts, and what it refers to.
    fn value(&mut self, node: &'a Node, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        match &node.value {
            Value::String(s) if is_dynamic_reference(s) => {}
            Value::String(s) | Value::Number(s) => self.secrets.add(node.span, Some(s)),
            // No password is a boolean (`PasswordResetRequired: true` is a setting).
            Value::Bool(_) | Value::Null => {}
            Value::Array(items) => items.iter().for_each(|n| self.value(n, depth + 1)),
            Value::Object(entries) => match node.intrinsic() {
                Some(("Ref", target)) => {
                    if let Some(name) = target.as_str() {
                        self.parameter(name);
                    }
                }
                Some(("Fn::Sub", operand)) => self.sub(operand, depth),
                Some(("Fn::FindInMap", operand)) => self.find_in_map(operand, depth),
                // The condition's name and the index choose a value; they are not one.
                Some(("Fn::If" | "Fn::Select", operand)) => {
                    for item in operand.as_array().unwrap_or_default().iter().skip(1) {
                        self.value(item, depth + 1);
                    }
                }
                Some(("Fn::GetAtt" | "Fn::ImportValue" | "Fn::GetAZs" | "Condition", _)) => {}
                _ => entries.iter().for_each(|e| self.value(&e.value, depth + 1)),
            },
        }
    }

    /// The `Default` and `AllowedValues` of a parameter are passwords too: followed later,
    /// each parameter once (a default that refers to another parameter, which CloudFormation
    /// rejects, costs no stack however long the chain).
    fn parameter(&mut self, name: &str) {
        if is_pseudo_parameter(name) {
            return;
        }
        let Some((&name, parameters)) = self.parameters.get_key_value(name) else {
            return;
        };
        if !self.parameters_seen.insert(name) {
            return;
        }
        for parameter in parameters {
            for key in ["Default", "AllowedValues"] {
                if let Some(value) = parameter.node.get(key) {
                    self.pending.push(value);
                }
            }
        }
    }

    fn follow(&mut self) {
        while let Some(value) = self.pending.pop() {
            self.value(value, 0);
        }
    }

    /// `Fn::Sub`: the literal text of the body, the values of the variable map, and the
    /// parameters the body names that the map does not bind.
    fn sub(&mut self, operand: &'a Node, depth: usize) {
        let (body, bound) = match &operand.value {
            Value::Array(items) if items.len() == 2 => (&items[0], Some(&items[1])),
            _ => (operand, None),
        };
        let Some(text) = body.as_str() else {
            self.value(operand, depth + 1);
            return;
        };
        if is_dynamic_reference(text) {
            return;
        }
        self.secrets.spans.push(body.span);
        let file = body.span.file;
        let literals = sub_literals(text).map(|literal| (file, literal.to_string()));
        self.secrets.values.extend(literals);
        for name in sub_variables(text) {
            let bound_here = bound.is_some_and(|b| self.lookup.get(b, name).is_some());
            // `${Resource.Attribute}` is a `Fn::GetAtt`.
            if !bound_here && !name.contains('.') {
                self.parameter(name);
            }
        }
        if let Some(bound) = bound {
            for entry in bound.as_object().unwrap_or_default() {
                self.value(&entry.value, depth + 1);
            }
        }
    }

    /// `Fn::FindInMap [Map, TopKey, SecondKey, {DefaultValue: ...}]`: the entries it may
    /// read (every entry at a level whose key is not a literal).
    fn find_in_map(&mut self, operand: &'a Node, depth: usize) {
        let Some(mappings) = self.mappings else {
            return;
        };
        let items = operand.as_array().unwrap_or_default();
        let mut level: Vec<&'a Node> = vec![mappings];
        for key in items.iter().take(3) {
            let mut next = Vec::new();
            for node in level {
                match key.as_str() {
                    Some(key) => next.extend(self.lookup.get(node, key)),
                    None => next.extend(node.as_object().unwrap_or_default().iter().map(|e| &e.value)),
                }
            }
            match self.mapping_budget.checked_sub(next.len()) {
                Some(left) => self.mapping_budget = left,
                None => {
                    self.mappings = None;
                    self.value(mappings, depth + 1);
                    return;
                }
            }
            level = next;
        }
        for node in level {
            self.value(node, depth + 1);
        }
        if let Some(default) = items.get(3) {
            self.value(default, depth + 1);
        }
    }
}

/// The number of entries of a `Mappings` section, at every level.
fn mappings_size(mappings: Option<&Node>) -> usize {
    let mut size = 0;
    if let Some(mappings) = mappings {
        mappings.walk(&mut |_| size += 1);
    }
    size
}

/// The literal text of an `Fn::Sub` body, between its `${...}` variables.
fn sub_literals(body: &str) -> impl Iterator<Item = &str> {
    let mut rest = body;
    std::iter::from_fn(move || {
        while !rest.is_empty() {
            let (literal, after) = match rest.find("${") {
                Some(at) => {
                    let end = rest[at..].find('}').map_or(rest.len(), |e| at + e + 1);
                    (&rest[..at], &rest[end..])
                }
                None => (rest, ""),
            };
            rest = after;
            if !literal.is_empty() {
                return Some(literal);
            }
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DocumentKind;
    use crate::parse::{Syntax, parse};
    use crate::source::FileId;

    fn masked(text: &str) -> Vec<&str> {
        let root = parse(FileId(0), text, Syntax::Yaml).unwrap();
        let model = FileModel::build(&root, text, DocumentKind::Template, None);
        let mut spans = template_secrets(&model).spans;
        spans.sort();
        spans.dedup();
        spans.iter().map(|s| &text[s.range()]).collect()
    }

    #[test]
    fn sub_literals_are_the_text_between_variables() {
        let parts: Vec<&str> = sub_literals("a-${X}-b${Y}${Z}c").collect();
        assert_eq!(parts, ["a-", "-b", "c"]);
    }

    #[test]
    fn values_are_followed_to_where_they_are_written() {
        let text = "\
Parameters:
  P: {Type: String, Default: pdefault, AllowedValues: [pdefault, pother]}
  Q: {Type: String, Default: qdefault}
  Hidden: {Type: String, NoEcho: 'true', Default: hdefault}
  Unused: {Type: String, Default: udefault}
Mappings:
  M: {prod: {pw: mprod}, dev: {pw: mdev}}
Resources:
  A:
    Type: AWS::RDS::DBInstance
    Properties:
      ManageMasterUserPassword: false
      MasterUserPassword: first
      MasterUserPassword: !Sub ['${P}-${X}-${AWS::Region}-${Db.Endpoint}', {X: !Ref Q}]
  B:
    Type: AWS::IAM::User
    Properties:
      LoginProfile: {Password: !Join ['', [!FindInMap [M, !Ref Env, pw], '{{resolve:ssm:x}}']]}
";
        assert_eq!(
            masked(text),
            [
                "pdefault",
                "pdefault",
                "pother",
                "qdefault",
                "hdefault",
                "mprod",
                "mdev",
                "first",
                "'${P}-${X}-${AWS::Region}-${Db.Endpoint}'",
                "''",
            ]
        );
    }
}
