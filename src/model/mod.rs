//! Spanned tree -> domain model: what a file is (policy document or CloudFormation
//! template), the policy documents it holds, and its resources. Terraform modules and plans
//! are lowered into the same template shape ([`terraform`]), remembering their
//! [`Language`] so that findings name things as their author wrote them.

mod policy;
mod principal;
mod template;
pub mod terraform;
mod vocabulary;

pub use policy::{
    ConditionClause, ConditionValue, Effect, ElementItem, ElementList, Operator, PolicyDocument, PolicyKind,
    SetQualifier, Statement, action_matches, allow_all, deploy_time_pattern, is_synthetic, scp_level,
};
pub use principal::{ACCOUNT, DeclaredPrincipal, DeclaredPrincipals, Principal, Visibility, principals};
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
    /// A JSON or YAML object with `Statement`.
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
        } else {
            None
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
    json: OnceLock<serde_json::Value>,
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

    /// The file as plain JSON for JSONPath queries, converted once on first use.
    pub fn json(&self) -> &serde_json::Value {
        self.json.get_or_init(|| self.root.to_json())
    }
}
