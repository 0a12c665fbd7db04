//! Resource-based policies of templates: which property of which resource type holds one,
//! and the statements that a resource gives as properties of its own rather than as a
//! document (`AWS::Lambda::Permission`, the older form of `AWS::Events::EventBusPolicy`),
//! built into a document whose every part points at the property it comes from.

use super::terraform::{entry, node, string};
use super::{PolicyDocument, Resource};
use crate::parse::{Entry, Node, Value};
use crate::source::Span;

/// The resource types that hold a resource-based policy document, and the property that
/// holds it (CloudFormation User Guide, each type's page). Terraform resources are lowered to
/// these types (`model::terraform`).
const DOCUMENTS: [(&str, &str); 12] = [
    ("AWS::S3::BucketPolicy", "PolicyDocument"),
    ("AWS::SecretsManager::ResourcePolicy", "ResourcePolicy"),
    ("AWS::ECR::Repository", "RepositoryPolicyText"),
    ("AWS::SQS::QueuePolicy", "PolicyDocument"),
    ("AWS::SNS::TopicPolicy", "PolicyDocument"),
    ("AWS::Logs::ResourcePolicy", "PolicyDocument"),
    ("AWS::ApiGateway::RestApi", "Policy"),
    ("AWS::EFS::FileSystem", "FileSystemPolicy"),
    ("AWS::OpenSearchService::Domain", "AccessPolicies"),
    ("AWS::Elasticsearch::Domain", "AccessPolicies"),
    ("AWS::Events::EventBus", "Policy"),
    ("AWS::Backup::BackupVault", "AccessPolicy"),
];

/// The property of `resource_type` that holds its resource-based policy document.
pub fn document_property(resource_type: &str) -> Option<&'static str> {
    DOCUMENTS
        .iter()
        .find(|(t, _)| *t == resource_type)
        .map(|&(_, property)| property)
}

/// Whether statements of the resource-based policy that `resource_type` holds may leave out
/// `Resource`: an ECR repository policy applies to its repository, and AWS's own examples
/// leave it out ("They will not work properly if used with an IAM principal directly unless
/// modified to specify the Amazon ECR repository as the resource", Amazon ECR User Guide,
/// Private repository policy examples).
pub fn resource_implied(resource_type: &str) -> bool {
    resource_type == "AWS::ECR::Repository"
}

/// An API Gateway resource policy may name its resources in "a simplified syntax":
/// "API Gateway converts the abbreviated syntax to the full ARN when you save the policy
/// ... by using the current Region, your AWS account ID, and the ID of the REST API"
/// (API Gateway Developer Guide, API Gateway resource policy examples). What it expands
/// to is known only at deploy time: the item becomes a deploy-time pattern with those
/// three fields as `*`, as an intrinsic function's value is.
pub fn expand_api_resources(document: &mut PolicyDocument<'_>) {
    for statement in &mut document.statements {
        let Some(resources) = &mut statement.resource else {
            continue;
        };
        for item in &mut resources.items {
            if let Some(path) = item.text.as_deref().and_then(|t| t.strip_prefix("execute-api:/")) {
                item.deploy_time = Some(format!("arn:aws:execute-api:*:*:*/{path}"));
                item.text = None;
            }
        }
    }
}

/// The statement properties of an `AWS::Lambda::Permission` that become conditions: "If
/// you specify a service, use `SourceArn` or `SourceAccount` to limit who can invoke the
/// function through that service" (CloudFormation User Guide, AWS::Lambda::Permission,
/// `Principal`). Lambda writes them as these operators and keys.
const LAMBDA_CONDITIONS: [(&str, &str, &str); 4] = [
    ("SourceArn", "ArnLike", "aws:SourceArn"),
    ("SourceAccount", "StringEquals", "aws:SourceAccount"),
    ("PrincipalOrgID", "StringEquals", "aws:PrincipalOrgID"),
    (
        "FunctionUrlAuthType",
        "StringEquals",
        "lambda:FunctionUrlAuthType",
    ),
];

/// The one-statement policy an `AWS::Lambda::Permission` adds to its function's
/// resource-based policy. `None` when it has no properties.
pub fn lambda_permission(resource: &Resource<'_>) -> Option<Node> {
    let properties = resource.properties?;
    let mut conditions = Vec::new();
    for (property, operator, key) in LAMBDA_CONDITIONS {
        if let Some(given) = properties.entry(property) {
            conditions.push((operator, key, given));
        }
    }
    let function = properties.get("FunctionName").map(|name| match name.as_str() {
        Some(text) => string(name.span, &function_arn(text)),
        None => name.clone(),
    });
    Some(statement_document(
        resource.id_span,
        properties,
        properties.entry("Principal"),
        properties.entry("Action"),
        function,
        &conditions,
    ))
}

/// The policy an `AWS::Events::EventBusPolicy` adds to its bus: its `Statement` (an object,
/// or a JSON string parsed by the caller) as the one statement of a document, or, in the
/// older form, the statement its `Action`, `Principal` and `Condition` (`Type`, `Key`,
/// `Value`) describe.
pub fn event_bus_statement(resource: &Resource<'_>, statement: Option<Node>) -> Option<Node> {
    let properties = resource.properties?;
    if let Some(statement) = statement {
        let span = statement.span;
        let key_span = properties.entry("Statement").map_or(span, |e| e.key_span);
        return Some(node(
            span,
            Value::Object(vec![
                entry("Version", key_span, string(key_span, "2012-10-17")),
                entry("Statement", key_span, statement),
            ]),
        ));
    }
    let action = properties.entry("Action")?;
    let mut conditions = Vec::new();
    if let Some(condition) = properties.get("Condition")
        && let (Some(operator), Some(key), Some(value)) = (
            condition.get("Type").and_then(Node::as_str),
            condition.get("Key").and_then(Node::as_str),
            condition.entry("Value"),
        )
    {
        conditions.push((operator, key, value));
    }
    // "If you omit this, the default event bus is used" (CloudFormation User Guide,
    // AWS::Events::EventBusPolicy, EventBusName).
    let bus = Some(match properties.get("EventBusName") {
        Some(name) => match name.as_str() {
            Some(text) => string(name.span, &format!("arn:aws:events:*:*:event-bus/{text}")),
            None => name.clone(),
        },
        None => string(resource.id_span, "arn:aws:events:*:*:event-bus/default"),
    });
    Some(statement_document(
        resource.id_span,
        properties,
        properties.entry("Principal"),
        Some(action),
        bus,
        &conditions,
    ))
}

/// The ARN a function's name, partial ARN or ARN stands for, with what it leaves out as
/// `*`: "You can append a version number or alias to any of the formats" (CloudFormation
/// User Guide, AWS::Lambda::Permission, `FunctionName`).
fn function_arn(name: &str) -> String {
    if name.starts_with("arn:") {
        name.to_string()
    } else if let Some((account, rest)) = name.split_once(":function:") {
        format!("arn:aws:lambda:*:{account}:function:{rest}")
    } else {
        format!("arn:aws:lambda:*:*:function:{name}")
    }
}

/// `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": ...}]}` from
/// the parts a resource gives: `Principal` as written becomes `{"Service": ...}` for a
/// service, `"*"` for everyone, `{"AWS": ...}` otherwise. Each part keeps the span of its
/// property (key and value); `Effect` points at the resource, which is what allows.
fn statement_document(
    resource_span: Span,
    properties: &Node,
    principal: Option<&Entry>,
    action: Option<&Entry>,
    resource: Option<Node>,
    conditions: &[(&str, &str, &Entry)],
) -> Node {
    let span = properties.span;
    let mut statement = vec![entry("Effect", resource_span, string(resource_span, "Allow"))];
    if let Some(principal) = principal {
        let value = &principal.value;
        let written = value
            .as_str()
            .map(str::to_string)
            .or_else(|| super::deploy_time_pattern(value));
        let principal_node = match written.as_deref() {
            Some("*") if value.as_str().is_some() => value.clone(),
            Some(text) if text.ends_with(".amazonaws.com") || text.ends_with(".amazonaws.com.cn") => node(
                value.span,
                Value::Object(vec![entry("Service", principal.key_span, value.clone())]),
            ),
            _ => node(
                value.span,
                Value::Object(vec![entry("AWS", principal.key_span, value.clone())]),
            ),
        };
        statement.push(entry("Principal", principal.key_span, principal_node));
    }
    if let Some(action) = action {
        statement.push(entry("Action", action.key_span, action.value.clone()));
    }
    if let Some(resource) = resource {
        let key_span = resource.span;
        statement.push(entry("Resource", key_span, resource));
    }
    let mut operators: Vec<Entry> = Vec::new();
    for (operator, key, given) in conditions {
        let clause = entry(key, given.key_span, given.value.clone());
        match operators.iter_mut().find(|e| e.key == *operator) {
            Some(existing) => {
                if let Value::Object(clauses) = &mut existing.value.value {
                    clauses.push(clause);
                }
            }
            None => operators.push(entry(
                operator,
                given.key_span,
                node(given.value.span, Value::Object(vec![clause])),
            )),
        }
    }
    if !operators.is_empty() {
        statement.push(entry("Condition", span, node(span, Value::Object(operators))));
    }
    node(
        span,
        Value::Object(vec![
            entry("Version", resource_span, string(resource_span, "2012-10-17")),
            entry(
                "Statement",
                span,
                node(span, Value::Array(vec![node(span, Value::Object(statement))])),
            ),
        ]),
    )
}

#[cfg(test)]
mod tests {
    use super::function_arn;
    use crate::model::{DocumentKind, FileModel, PolicyKind};
    use crate::parse::{Syntax, parse};
    use crate::source::FileId;

    #[test]
    fn a_lambda_permission_is_one_statement_pointing_at_its_properties() {
        let text = "Resources:
  Invoke:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: thumbnailer
      Principal: s3.amazonaws.com
      SourceArn: arn:aws:s3:::uploads
      SourceAccount: '111122223333'
";
        let root = parse(FileId(0), text, Syntax::Yaml).unwrap();
        let model = FileModel::build(&root, text, DocumentKind::Template, None);
        let [document] = model.policies.as_slice() else {
            panic!("one document: {}", model.policies.len());
        };
        assert_eq!(document.kind, PolicyKind::Resource);
        let [statement] = document.statements.as_slice() else {
            panic!("one statement");
        };
        let at = |span: crate::source::Span| &text[span.range()];
        let action = statement.action.as_ref().unwrap();
        assert_eq!(at(action.key_span), "Action");
        assert_eq!(at(action.items[0].span), "lambda:InvokeFunction");
        let resource = statement.resource.as_ref().unwrap();
        assert_eq!(at(resource.items[0].span), "thumbnailer");
        assert_eq!(
            resource.items[0].text.as_deref(),
            Some("arn:aws:lambda:*:*:function:thumbnailer")
        );
        let keys: Vec<(&str, &str, &str, &str)> = statement
            .condition
            .iter()
            .map(|c| {
                (
                    c.operator.base.as_str(),
                    c.key.as_str(),
                    at(c.key_span),
                    at(c.values[0].span),
                )
            })
            .collect();
        assert_eq!(
            keys,
            [
                ("ArnLike", "aws:SourceArn", "SourceArn", "arn:aws:s3:::uploads"),
                (
                    "StringEquals",
                    "aws:SourceAccount",
                    "SourceAccount",
                    "'111122223333'"
                ),
            ]
        );
        let principal = document.statement_nodes()[0].get("Principal").unwrap();
        let service = principal.entry("Service").unwrap();
        assert_eq!(at(service.key_span), "Principal");
        assert_eq!(at(service.value.span), "s3.amazonaws.com");
    }

    #[test]
    fn function_names_become_arns() {
        assert_eq!(
            function_arn("my-function"),
            "arn:aws:lambda:*:*:function:my-function"
        );
        assert_eq!(
            function_arn("my-function:v1"),
            "arn:aws:lambda:*:*:function:my-function:v1"
        );
        assert_eq!(
            function_arn("123456789012:function:my-function"),
            "arn:aws:lambda:*:123456789012:function:my-function"
        );
        let full = "arn:aws:lambda:us-west-2:123456789012:function:my-function";
        assert_eq!(function_arn(full), full);
    }
}
