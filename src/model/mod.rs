//! Spanned tree -> domain model: what a file is (policy document or CloudFormation
//! template), the policy documents it holds, and its resources. Terraform modules and plans
//! are lowered into the same template shape ([`terraform`]), remembering their
//! [`Language`] so that findings name things as their author wrote them.

mod policy;
mod principal;
mod resource_policy;
mod template;
pub mod terraform;
mod vocabulary;

pub use policy::{
    ConditionClause, ConditionValue, Effect, ElementItem, ElementList, Operator, PolicyDocument, PolicyKind,
    SetQualifier, Statement, action_matches, allow_all, deploy_time_pattern, is_synthetic, scp_level,
};
pub use principal::{ACCOUNT, DeclaredPrincipal, DeclaredPrincipals, Principal, Visibility, principals};
pub use resource_policy::{document_property, resource_implied};
pub use template::{
    Parameter, Resource, Template, is_dynamic_reference, is_pseudo_parameter, ref_target, sub_variables,
};
pub use vocabulary::Language;

use std::sync::{Arc, OnceLock};

use crate::parse::{Node, ParseError};
use crate::source::FileId;

/// The text of every file a model's spans may point into.
#[derive(Clone, Copy)]
pub enum Texts<'a> {
    /// One file: every span points into it.
    One(&'a str),
    /// A Terraform module's files, and the files its `file()` calls read.
    Many(&'a [(FileId, Arc<str>)]),
}

impl<'a> Texts<'a> {
    pub fn get(&self, file: FileId) -> &'a str {
        match self {
            Texts::One(text) => text,
            Texts::Many(files) => files
                .iter()
                .find(|(id, _)| *id == file)
                .map_or("", |(_, text)| text),
        }
    }
}

/// What the content of a file says it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocumentKind {
    /// A JSON or YAML object with `Statement`, or with the `Version` of a policy
    /// (`{"Version": "2012-10-17"}` is a policy that lacks its statements).
    Policy,
    /// A mapping with `Resources` or `AWSTemplateFormatVersion`.
    Template,
}

impl DocumentKind {
    pub fn of(root: &Node) -> Option<DocumentKind> {
        if root.entry("Statement").is_some() {
            Some(DocumentKind::Policy)
        } else if root.entry("Resources").is_some() || root.entry("AWSTemplateFormatVersion").is_some() {
            Some(DocumentKind::Template)
        } else if root
            .get("Version")
            .and_then(Node::as_str)
            .is_some_and(|v| matches!(v, "2012-10-17" | "2008-10-17"))
        {
            Some(DocumentKind::Policy)
        } else {
            None
        }
    }
}

/// What the JSON form of a file for JSONPath queries may cost ([`Node::json_cost`]): about
/// 70 MB. A CloudFormation template of 1 MB (the most CloudFormation accepts) costs under
/// 500,000.
pub const JSON_BUDGET: usize = 2_000_000;

/// A file as plain JSON for JSONPath queries. Converting costs far more memory than the
/// tree (a B-tree per object), so it is done within [`JSON_BUDGET`], a section or resource
/// at a time: a resource (or section) that does not fit is left out, except for a
/// resource's `Type`, and named in `left_out`.
pub struct JsonView {
    pub value: serde_json::Value,
    /// The keys of the resources and sections left out, in file order.
    pub left_out: Vec<crate::source::Span>,
}

impl JsonView {
    fn of(root: &Node) -> JsonView {
        use serde_json::Value as J;
        let Some(entries) = root.as_object() else {
            return JsonView {
                value: if root.json_cost() <= JSON_BUDGET {
                    root.to_json()
                } else {
                    J::Null
                },
                left_out: Vec::new(),
            };
        };
        let mut left = JSON_BUDGET;
        let mut left_out = Vec::new();
        let mut fits = |node: &Node, key: crate::source::Span| -> bool {
            let cost = node.json_cost();
            if cost > left {
                left_out.push(key);
                return false;
            }
            left -= cost;
            true
        };
        let mut map = serde_json::Map::new();
        for entry in entries {
            let value = match (entry.key.as_str(), entry.value.as_object()) {
                ("Resources", Some(resources)) => {
                    let mut converted = serde_json::Map::new();
                    for resource in resources {
                        let value = if fits(&resource.value, resource.key_span) {
                            resource.value.to_json()
                        } else {
                            let mut stub = serde_json::Map::new();
                            if let Some(kind) = resource.value.get("Type") {
                                stub.insert("Type".to_string(), kind.to_json());
                            }
                            J::Object(stub)
                        };
                        converted.insert(resource.key.clone(), value);
                    }
                    J::Object(converted)
                }
                _ if fits(&entry.value, entry.key_span) => entry.value.to_json(),
                _ => continue,
            };
            map.insert(entry.key.clone(), value);
        }
        JsonView {
            value: J::Object(map),
            left_out,
        }
    }
}

/// Everything the cross-file rules see: every file's model and the principals they form.
pub struct Project<'m, 'a> {
    /// Indexed by `FileId`; `None` for a file that could not be read or parsed.
    pub files: &'m [Option<FileModel<'a>>],
    pub principals: Vec<Principal<'m, 'a>>,
}

/// Everything the rules see of one file. Built once, shared by every rule.
pub struct FileModel<'a> {
    pub root: &'a Node,
    pub texts: Texts<'a>,
    pub kind: DocumentKind,
    pub policies: Vec<PolicyDocument<'a>>,
    pub template: Option<Template<'a>>,
    /// Embedded policy documents that could not be parsed.
    pub errors: Vec<ParseError>,
    json: OnceLock<JsonView>,
    /// What the rules derive from this model once and share (`rules::shared`): kept here
    /// so that it lives as long as the model, type-erased so that the model does not
    /// depend on the rules.
    pub derived: OnceLock<Box<dyn std::any::Any + Send + Sync>>,
}

impl<'a> FileModel<'a> {
    /// `policy_kind` overrides what a plain policy file is inferred to be: a file a config
    /// names as an SCP is one, whatever its content suggests.
    pub fn build(
        root: &'a Node,
        text: &'a str,
        kind: DocumentKind,
        policy_kind: Option<PolicyKind>,
    ) -> FileModel<'a> {
        FileModel::build_in(
            root,
            Texts::One(text),
            kind,
            Language::CloudFormation,
            policy_kind,
        )
    }

    /// A model whose spans may point into several files, written in `language`.
    pub fn build_in(
        root: &'a Node,
        texts: Texts<'a>,
        kind: DocumentKind,
        language: Language,
        policy_kind: Option<PolicyKind>,
    ) -> FileModel<'a> {
        match kind {
            DocumentKind::Policy => FileModel {
                root,
                texts,
                kind,
                policies: vec![PolicyDocument::from_node(
                    std::borrow::Cow::Borrowed(root),
                    policy_kind.unwrap_or_else(|| PolicyKind::infer(root)),
                    None,
                )],
                template: None,
                errors: Vec::new(),
                json: OnceLock::new(),
                derived: OnceLock::new(),
            },
            DocumentKind::Template => {
                let mut template = Template::from_node(root);
                template.language = language;
                let mut errors = Vec::new();
                let policies = template.policies(texts, &mut errors);
                FileModel {
                    root,
                    texts,
                    kind,
                    policies,
                    template: Some(template),
                    errors,
                    json: OnceLock::new(),
                    derived: OnceLock::new(),
                }
            }
        }
    }

    /// The text of the file a span points into.
    pub fn text(&self, file: FileId) -> &'a str {
        self.texts.get(file)
    }

    /// Every statement of every policy document of the file.
    pub fn statements(&self) -> impl Iterator<Item = &Statement> {
        self.policies.iter().flat_map(|d| &d.statements)
    }

    /// Every condition clause of every statement of the file.
    pub fn clauses(&self) -> impl Iterator<Item = &ConditionClause> {
        self.statements().flat_map(|s| &s.condition)
    }

    /// The file as plain JSON for JSONPath queries, converted once on first use, within
    /// [`JSON_BUDGET`].
    pub fn json(&self) -> &JsonView {
        self.json.get_or_init(|| JsonView::of(self.root))
    }
}
