//! Spanned tree -> domain model: what a file is (policy document or CloudFormation
//! template), the policy documents it holds, and its resources.

mod policy;
mod principal;
mod template;

pub use policy::{
    ConditionClause, ConditionValue, Effect, ElementItem, ElementList, Operator, PolicyDocument, PolicyKind,
    SetQualifier, Statement, action_matches, allow_all, deploy_time_pattern, is_synthetic, scp_level,
};
pub use principal::{ACCOUNT, DeclaredPrincipal, DeclaredPrincipals, Principal, Visibility, principals};
pub use template::{Parameter, Resource, Template, is_pseudo_parameter, ref_target};

use std::sync::OnceLock;

use crate::parse::{Node, ParseError};

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
    pub text: &'a str,
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
        match kind {
            DocumentKind::Policy => FileModel {
                root,
                text,
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
                let template = Template::from_node(root);
                let mut errors = Vec::new();
                let policies = template.policies(text, &mut errors);
                FileModel {
                    root,
                    text,
                    kind,
                    policies,
                    template: Some(template),
                    errors,
                    json: OnceLock::new(),
                }
            }
        }
    }

    /// The file as plain JSON for JSONPath queries, converted once on first use.
    pub fn json(&self) -> &serde_json::Value {
        self.json.get_or_init(|| self.root.to_json())
    }
}
