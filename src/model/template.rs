//! CloudFormation templates: parameters, resources, and the policy documents that
//! resources carry (inline, or as JSON strings).

use std::borrow::Cow;
use std::collections::HashMap;

use super::policy::{PolicyDocument, PolicyKind};
use super::resource_policy;
use crate::parse::{Node, ParseError, Value, parse_embedded_json};
use crate::source::Span;

pub struct Template<'a> {
    /// What the template was written in; Terraform modules and plans are lowered into
    /// this shape.
    pub language: super::Language,
    pub parameters: Vec<Parameter<'a>>,
    pub resources: Vec<Resource<'a>>,
    /// The first parameter and resource of each name, by name: rules look them up for
    /// every reference.
    parameter_index: HashMap<&'a str, usize>,
    resource_index: HashMap<&'a str, usize>,
}

pub struct Parameter<'a> {
    pub name: &'a str,
    pub name_span: Span,
    pub node: &'a Node,
}

impl<'a> Parameter<'a> {
    pub fn default(&self) -> Option<&'a Node> {
        self.node.get("Default")
    }
}

pub struct Resource<'a> {
    pub logical_id: &'a str,
    pub id_span: Span,
    /// `Type`, when it is a literal string.
    pub resource_type: Option<&'a str>,
    pub properties: Option<&'a Node>,
}

impl<'a> Resource<'a> {
    pub fn property(&self, name: &str) -> Option<&'a Node> {
        self.properties?.get(name)
    }

    pub fn property_entry(&self, name: &str) -> Option<&'a crate::parse::Entry> {
        self.properties?.entry(name)
    }

    pub fn is_type(&self, types: &[&str]) -> bool {
        self.resource_type.is_some_and(|t| types.contains(&t))
    }
}

/// A dynamic reference (`{{resolve:secretsmanager:...}}`, `{{resolve:ssm-secure:...}}`):
/// resolved by CloudFormation at deploy time, so the text itself holds no value.
pub fn is_dynamic_reference(text: &str) -> bool {
    text.contains("{{resolve:")
}

/// The names referenced as `${Name}` in an `Fn::Sub` string (`${!Literal}` is text).
pub fn sub_variables(body: &str) -> impl Iterator<Item = &str> {
    body.split("${").skip(1).filter_map(|rest| {
        let name = &rest[..rest.find('}')?];
        (!name.starts_with('!')).then_some(name.trim())
    })
}

/// The pseudo parameters of CloudFormation (`Ref: AWS::Region`).
pub fn is_pseudo_parameter(name: &str) -> bool {
    name.starts_with("AWS::")
}

impl<'a> Template<'a> {
    pub fn from_node(root: &'a Node) -> Template<'a> {
        let entries = |section: &str| -> &'a [crate::parse::Entry] {
            root.get(section).and_then(Node::as_object).unwrap_or_default()
        };
        let mut template = Template {
            language: super::Language::CloudFormation,
            parameters: entries("Parameters")
                .iter()
                .map(|e| Parameter {
                    name: &e.key,
                    name_span: e.key_span,
                    node: &e.value,
                })
                .collect(),
            resources: entries("Resources")
                .iter()
                .map(|e| Resource {
                    logical_id: &e.key,
                    id_span: e.key_span,
                    resource_type: e.value.get("Type").and_then(Node::as_str),
                    properties: e.value.get("Properties"),
                })
                .collect(),
            parameter_index: HashMap::new(),
            resource_index: HashMap::new(),
        };
        for (index, parameter) in template.parameters.iter().enumerate() {
            template.parameter_index.entry(parameter.name).or_insert(index);
        }
        for (index, resource) in template.resources.iter().enumerate() {
            template
                .resource_index
                .entry(resource.logical_id)
                .or_insert(index);
        }
        template
    }

    pub fn parameter(&self, name: &str) -> Option<&Parameter<'a>> {
        self.parameter_index.get(name).map(|&i| &self.parameters[i])
    }

    pub fn resource(&self, logical_id: &str) -> Option<&Resource<'a>> {
        self.resource_index.get(logical_id).map(|&i| &self.resources[i])
    }

    /// Every policy document held by a resource of the template. Documents written as
    /// JSON strings are parsed; those that fail are returned in `errors`.
    pub fn policies(&self, texts: super::Texts<'_>, errors: &mut Vec<ParseError>) -> Vec<PolicyDocument<'a>> {
        let mut found = Vec::new();
        // The documents written as JSON strings share one node budget.
        let mut nodes_left = crate::parse::MAX_NODES;
        for resource in &self.resources {
            let Some(kind) = resource.resource_type else {
                continue;
            };
            let mut take = |node: Option<&'a Node>, kind: PolicyKind, attached_to: Vec<String>| {
                if let Some(mut doc) =
                    node.and_then(|n| document(n, kind, resource.logical_id, texts, errors, &mut nodes_left))
                {
                    doc.attached_to = attached_to;
                    found.push(doc);
                }
            };
            match kind {
                "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" => {
                    let targets = ["Roles", "Users", "Groups"]
                        .iter()
                        .filter_map(|k| resource.property(k).and_then(Node::as_array))
                        .flatten()
                        .filter_map(ref_target)
                        .collect();
                    take(resource.property("PolicyDocument"), PolicyKind::Identity, targets);
                }
                "AWS::IAM::Role" | "AWS::IAM::User" | "AWS::IAM::Group" => {
                    if kind == "AWS::IAM::Role" {
                        take(
                            resource.property("AssumeRolePolicyDocument"),
                            PolicyKind::Trust,
                            Vec::new(),
                        );
                    }
                    for inline in resource
                        .property("Policies")
                        .and_then(Node::as_array)
                        .unwrap_or_default()
                    {
                        let owner = vec![resource.logical_id.to_string()];
                        take(inline.get("PolicyDocument"), PolicyKind::Identity, owner);
                    }
                }
                "AWS::Organizations::Policy" => match resource.property("Type").and_then(Node::as_str) {
                    Some("SERVICE_CONTROL_POLICY") => {
                        take(
                            resource.property("Content"),
                            PolicyKind::ServiceControl,
                            Vec::new(),
                        );
                    }
                    Some("RESOURCE_CONTROL_POLICY") => {
                        take(
                            resource.property("Content"),
                            PolicyKind::ResourceControl,
                            Vec::new(),
                        );
                    }
                    _ => {}
                },
                "AWS::KMS::Key" => take(resource.property("KeyPolicy"), PolicyKind::KeyPolicy, Vec::new()),
                super::terraform::POLICY_DOCUMENT => {
                    if let Some(node) = resource.property("PolicyDocument") {
                        take(Some(node), PolicyKind::infer(node), Vec::new());
                    }
                }
                "AWS::Lambda::Permission" => {
                    if let Some(built) = resource_policy::lambda_permission(resource) {
                        found.push(PolicyDocument::from_node(
                            Cow::Owned(built),
                            PolicyKind::Resource,
                            Some(resource.logical_id.to_string()),
                        ));
                    }
                }
                "AWS::Events::EventBusPolicy" => {
                    let statement = resource
                        .property("Statement")
                        .and_then(|n| readable(n, texts, errors, &mut nodes_left))
                        .map(Cow::into_owned);
                    if let Some(built) = resource_policy::event_bus_statement(resource, statement) {
                        found.push(PolicyDocument::from_node(
                            Cow::Owned(built),
                            PolicyKind::Resource,
                            Some(resource.logical_id.to_string()),
                        ));
                    }
                }
                _ => {
                    if let Some(property) = resource_policy::document_property(kind) {
                        take(resource.property(property), PolicyKind::Resource, Vec::new());
                        if kind == "AWS::ApiGateway::RestApi"
                            && let Some(document) = found.last_mut()
                        {
                            resource_policy::expand_api_resources(document);
                        }
                    }
                }
            }
        }
        found
    }
}

/// The logical id in `{"Ref": "Id"}`.
pub fn ref_target(node: &Node) -> Option<String> {
    match node.intrinsic()? {
        ("Ref", target) => target.as_str().map(str::to_string),
        _ => None,
    }
}

/// A policy document given inline (an object, or a list written in its place) or as a JSON
/// string; intrinsic functions (`Fn::If`, `Fn::Sub` of a document) are not documents we can
/// read and are skipped.
fn document<'a>(
    node: &'a Node,
    kind: PolicyKind,
    owner: &str,
    texts: super::Texts<'_>,
    errors: &mut Vec<ParseError>,
    nodes_left: &mut usize,
) -> Option<PolicyDocument<'a>> {
    // A list is not a document, but it is where the author wrote one (cfn-lint's
    // bad/resources/iam/iam_policy.yaml: a list holding `Fn::If`): kept so that
    // iam/invalid-element-type reports it.
    let node = match node.value {
        Value::Array(_) => Cow::Borrowed(node),
        _ => readable(node, texts, errors, nodes_left)?,
    };
    Some(PolicyDocument::from_node(node, kind, Some(owner.to_string())))
}

/// A JSON object given inline or as a JSON string (parsed); `None` for an intrinsic
/// function or anything else, and for a string that fails to parse (in `errors`).
fn readable<'a>(
    node: &'a Node,
    texts: super::Texts<'_>,
    errors: &mut Vec<ParseError>,
    nodes_left: &mut usize,
) -> Option<Cow<'a, Node>> {
    match &node.value {
        Value::Object(_) if node.intrinsic().is_none() => Some(Cow::Borrowed(node)),
        Value::String(s) if s.trim_start().starts_with('{') => {
            match parse_embedded_json(node, texts.get(node.span.file), nodes_left) {
                Ok(parsed) => Some(Cow::Owned(parsed)),
                Err(err) => {
                    errors.push(err);
                    None
                }
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::sub_variables;

    #[test]
    fn sub_variables_skip_literal_escapes() {
        let names: Vec<&str> = sub_variables("a${AWS::Region}-${!Literal}-${Param}").collect();
        assert_eq!(names, vec!["AWS::Region", "Param"]);
    }
}
