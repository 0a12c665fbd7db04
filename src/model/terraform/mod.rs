//! Terraform -> the template shape the rules read. A module (a directory's `.tf` and
//! `.tf.json` files) or a plan (`terraform show -json`) is lowered into a
//! CloudFormation-shaped [`Node`] tree (`Resources: {"aws_db_instance.main": {Type:
//! "AWS::RDS::DBInstance", Properties: {MasterUserPassword: ...}}}`) whose every key and
//! value keeps the span of the Terraform text it came from, so the rds and iam rules run
//! unchanged and their findings point into the right `.tf` file.
//!
//! Only what is written is known: variables resolve to their literal `default`, locals to
//! their value (to a bounded depth), `jsonencode` and `file` are read. Everything else
//! (`count`, `for_each`, `dynamic` blocks, conditionals, other functions, attributes of
//! other resources) becomes a value the rules do not guess about: `Ref` for a variable
//! without default, `Fn::GetAtt` for another resource's attribute, `Fn::Sub` for a
//! template with unknown parts and [`UNKNOWN`] for the rest.

mod document;
mod plan;

pub use plan::{is_plan, lower_plan};

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::model::ref_target;
use crate::parse::hcl::{Attribute, Block, Body, Expr, ExprKind, Step, TemplatePart};
use crate::parse::{Entry, Node, ParseError, Value};
use crate::source::{FileId, Span};

/// The intrinsic that stands for an expression only Terraform evaluates. Its operand is an
/// empty string spanning the expression: no rule reads Terraform source as policy text,
/// and a password chosen by a conditional is still masked in reports.
pub const UNKNOWN: &str = "Fn::Terraform";

/// The resource type of a policy document that nothing in the module consumes (a
/// `data "aws_iam_policy_document"` passed to another module): its kind is inferred from
/// its content.
pub const POLICY_DOCUMENT: &str = "Terraform::IAM::PolicyDocument";

/// How deep variable and local references are followed.
const MAX_RESOLVE_DEPTH: usize = 32;

/// A module or plan lowered to a template.
pub struct Lowered {
    /// `Parameters` (the module's variables) and `Resources`.
    pub root: Node,
    /// Embedded policy documents that do not parse.
    pub errors: Vec<ParseError>,
    /// `file()` calls whose target was not read (outside the repository, not a regular
    /// file, missing), located at the argument.
    pub unread: Vec<ParseError>,
}

/// One parsed file of a module.
pub struct ModuleFile<'a> {
    pub file: FileId,
    pub text: &'a str,
    pub body: &'a Body,
}

/// Reads a file named by `file("...")` and registers it as a source: its id and text, or
/// why it gives no document (the caller keeps it inside the repository being checked).
pub type Loader<'l> = dyn FnMut(&Path) -> Result<(FileId, Arc<str>), FileProblem> + 'l;

/// Why a `file()` call gives no document; the message is reported at the call.
#[derive(Clone, Debug)]
pub enum FileProblem {
    /// Not read: outside the repository, not a regular file, missing (`io-error`).
    Unread(String),
    /// Read, but not a JSON document: not text, or not JSON (`parse-error`).
    NotJson(String),
}

/// Lowers a module. `dir` is the module's directory (what `path.module` stands for).
pub fn lower_module(files: &[ModuleFile<'_>], dir: &Path, loader: &mut Loader<'_>) -> Lowered {
    let module = Module::index(files, dir);
    let mut lowering = Lowering {
        module: &module,
        loader,
        loaded: HashMap::new(),
        errors: Vec::new(),
        unread: Vec::new(),
        consumed: HashSet::new(),
        nodes_left: crate::parse::MAX_NODES,
        expansion_reported: false,
    };
    let root = lowering.template(files);
    Lowered {
        root,
        errors: lowering.errors,
        unread: lowering.unread,
    }
}

/// The named things of a module, by name.
struct Module<'m> {
    dir: PathBuf,
    texts: HashMap<FileId, &'m str>,
    variables: HashMap<&'m str, &'m Block>,
    locals: HashMap<&'m str, &'m Attribute>,
    resources: Vec<&'m Block>,
    /// The first resource block of each type and label.
    by_address: HashMap<(&'m str, &'m str), &'m Block>,
    /// The first resource block of each type and literal `name` argument.
    by_name: HashMap<&'m str, HashMap<String, &'m Block>>,
    data: HashMap<(&'m str, &'m str), &'m Block>,
}

impl<'m> Module<'m> {
    fn index(files: &[ModuleFile<'m>], dir: &Path) -> Module<'m> {
        let mut module = Module {
            dir: dir.to_path_buf(),
            texts: files.iter().map(|f| (f.file, f.text)).collect(),
            variables: HashMap::new(),
            locals: HashMap::new(),
            resources: Vec::new(),
            by_address: HashMap::new(),
            by_name: HashMap::new(),
            data: HashMap::new(),
        };
        for file in files {
            for block in &file.body.blocks {
                match (block.kind.as_str(), block.label(0), block.label(1)) {
                    ("variable", Some(name), _) => {
                        module.variables.insert(name, block);
                    }
                    ("locals", ..) => {
                        for attribute in &block.body.attributes {
                            module.locals.insert(&attribute.name, attribute);
                        }
                    }
                    ("resource", Some(kind), Some(label)) => {
                        module.resources.push(block);
                        module.by_address.entry((kind, label)).or_insert(block);
                        let name = block.body.attribute("name").and_then(|a| a.value.literal_text());
                        if let Some(name) = name {
                            module
                                .by_name
                                .entry(kind)
                                .or_default()
                                .entry(name)
                                .or_insert(block);
                        }
                    }
                    ("data", Some(kind), Some(name)) => {
                        module.data.insert((kind, name), block);
                    }
                    _ => {}
                }
            }
        }
        module
    }

    fn source(&self, span: Span) -> &'m str {
        self.texts
            .get(&span.file)
            .and_then(|t| t.get(span.range()))
            .unwrap_or("")
    }

    /// The resource block `kind.name`.
    fn resource(&self, kind: &str, name: &str) -> Option<&'m Block> {
        self.by_address.get(&(kind, name)).copied()
    }
}

/// How a value is read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Value,
    /// A master password: a variable stays a `Ref` to its parameter, so that a literal
    /// default is reported as the variable's.
    Password,
}

struct Lowering<'m, 'l, 'r> {
    module: &'m Module<'m>,
    loader: &'r mut Loader<'l>,
    /// Files read by `file()`, by path: parsed once.
    loaded: HashMap<PathBuf, Result<Node, FileProblem>>,
    errors: Vec<ParseError>,
    unread: Vec<ParseError>,
    /// Policy document data sources that some resource consumed.
    consumed: HashSet<(String, String)>,
    /// Nodes the module's values (each reference to a variable or local copies its value)
    /// and its documents written as JSON strings may still expand to, together: locals
    /// that refer to locals ten times over would otherwise expand to 10^32 nodes.
    nodes_left: usize,
    /// Whether running out of `nodes_left` has been reported.
    expansion_reported: bool,
}

pub(crate) fn node(span: Span, value: Value) -> Node {
    Node { span, value }
}

pub(crate) fn string(span: Span, text: &str) -> Node {
    node(span, Value::String(text.to_string()))
}

pub(crate) fn entry(key: &str, key_span: Span, value: Node) -> Entry {
    Entry {
        key: key.to_string(),
        key_span,
        value,
    }
}

/// `{"<function>": operand}` spanning `span`.
pub(crate) fn intrinsic(function: &str, span: Span, operand: Node) -> Node {
    node(span, Value::Object(vec![entry(function, span, operand)]))
}

pub(crate) fn unknown(span: Span) -> Node {
    intrinsic(UNKNOWN, span, string(span, ""))
}

/// A default that says what the value is: not `null`, and not an empty list or map (a
/// reusable module's way of saying "none unless the caller passes some").
fn informative_default(block: &Block) -> Option<&Attribute> {
    block.body.attribute("default").filter(|d| match &d.value.kind {
        ExprKind::Null => false,
        ExprKind::Array(items) => !items.is_empty(),
        ExprKind::Object(items) => !items.is_empty(),
        _ => true,
    })
}

fn reference(span: Span, target: &str) -> Node {
    intrinsic("Ref", span, string(span, target))
}

fn get_att(span: Span, target: &str, attribute: &str) -> Node {
    intrinsic(
        "Fn::GetAtt",
        span,
        node(
            span,
            Value::Array(vec![string(span, target), string(span, attribute)]),
        ),
    )
}

/// The resources that hold a resource-based policy: the argument that holds the document,
/// and the CloudFormation type and property it is lowered to. A service's resource that
/// takes the policy as an argument of its own (`aws_sqs_queue`'s `policy`) is lowered like
/// the separate policy resource.
const RESOURCE_POLICIES: [(&str, &str, &str, &str); 17] = [
    (
        "aws_s3_bucket_policy",
        "policy",
        "AWS::S3::BucketPolicy",
        "PolicyDocument",
    ),
    (
        "aws_secretsmanager_secret_policy",
        "policy",
        "AWS::SecretsManager::ResourcePolicy",
        "ResourcePolicy",
    ),
    (
        "aws_ecr_repository_policy",
        "policy",
        "AWS::ECR::Repository",
        "RepositoryPolicyText",
    ),
    (
        "aws_sqs_queue_policy",
        "policy",
        "AWS::SQS::QueuePolicy",
        "PolicyDocument",
    ),
    (
        "aws_sqs_queue",
        "policy",
        "AWS::SQS::QueuePolicy",
        "PolicyDocument",
    ),
    (
        "aws_sns_topic_policy",
        "policy",
        "AWS::SNS::TopicPolicy",
        "PolicyDocument",
    ),
    (
        "aws_sns_topic",
        "policy",
        "AWS::SNS::TopicPolicy",
        "PolicyDocument",
    ),
    (
        "aws_cloudwatch_log_resource_policy",
        "policy_document",
        "AWS::Logs::ResourcePolicy",
        "PolicyDocument",
    ),
    (
        "aws_api_gateway_rest_api_policy",
        "policy",
        "AWS::ApiGateway::RestApi",
        "Policy",
    ),
    (
        "aws_api_gateway_rest_api",
        "policy",
        "AWS::ApiGateway::RestApi",
        "Policy",
    ),
    (
        "aws_efs_file_system_policy",
        "policy",
        "AWS::EFS::FileSystem",
        "FileSystemPolicy",
    ),
    (
        "aws_opensearch_domain_policy",
        "access_policies",
        "AWS::OpenSearchService::Domain",
        "AccessPolicies",
    ),
    (
        "aws_opensearch_domain",
        "access_policies",
        "AWS::OpenSearchService::Domain",
        "AccessPolicies",
    ),
    (
        "aws_elasticsearch_domain_policy",
        "access_policies",
        "AWS::Elasticsearch::Domain",
        "AccessPolicies",
    ),
    (
        "aws_elasticsearch_domain",
        "access_policies",
        "AWS::Elasticsearch::Domain",
        "AccessPolicies",
    ),
    (
        "aws_cloudwatch_event_bus_policy",
        "policy",
        "AWS::Events::EventBus",
        "Policy",
    ),
    (
        "aws_backup_vault_policy",
        "policy",
        "AWS::Backup::BackupVault",
        "AccessPolicy",
    ),
];

/// The argument of a resource that holds its resource-based policy, and the
/// CloudFormation property it is lowered to.
fn resource_policy(kind: &str) -> Option<(&'static str, &'static str)> {
    RESOURCE_POLICIES
        .iter()
        .find(|(resource, ..)| *resource == kind)
        .map(|&(_, argument, _, property)| (argument, property))
}

/// The arguments of `aws_lambda_permission` and the `AWS::Lambda::Permission` properties
/// they are lowered to.
const LAMBDA_PERMISSION: [(&str, &str); 7] = [
    ("action", "Action"),
    ("function_name", "FunctionName"),
    ("principal", "Principal"),
    ("source_arn", "SourceArn"),
    ("source_account", "SourceAccount"),
    ("principal_org_id", "PrincipalOrgID"),
    ("function_url_auth_type", "FunctionUrlAuthType"),
];

/// The arguments of `aws_cloudwatch_event_permission` and the properties of the older
/// form of `AWS::Events::EventBusPolicy` they are lowered to; its `condition` block's `type`,
/// `key` and `value` become `Condition`'s `Type`, `Key` and `Value`.
const EVENT_PERMISSION: [(&str, &str); 3] = [
    ("action", "Action"),
    ("principal", "Principal"),
    ("event_bus_name", "EventBusName"),
];
const EVENT_CONDITION: [(&str, &str); 3] = [("type", "Type"), ("key", "Key"), ("value", "Value")];

/// The `action` of an `aws_cloudwatch_event_permission` that leaves it out: the only one
/// EventBridge accepts ("Currently, this must be events:PutEvents", EventBridge API
/// Reference, PutPermission, `Action`).
const EVENT_PERMISSION_ACTION: &str = "events:PutEvents";

/// The CloudFormation type a Terraform resource is lowered to.
fn cfn_type(kind: &str) -> Option<&'static str> {
    if let Some((_, _, cfn, _)) = RESOURCE_POLICIES.iter().find(|(resource, ..)| *resource == kind) {
        return Some(cfn);
    }
    Some(match kind {
        "aws_db_instance" => "AWS::RDS::DBInstance",
        "aws_rds_cluster" => "AWS::RDS::DBCluster",
        "aws_iam_policy" => "AWS::IAM::ManagedPolicy",
        "aws_iam_role_policy" | "aws_iam_user_policy" | "aws_iam_group_policy" => "AWS::IAM::Policy",
        "aws_iam_role" => "AWS::IAM::Role",
        "aws_iam_user" => "AWS::IAM::User",
        "aws_iam_group" => "AWS::IAM::Group",
        "aws_organizations_policy" => "AWS::Organizations::Policy",
        "aws_kms_key" => "AWS::KMS::Key",
        "aws_lambda_permission" => "AWS::Lambda::Permission",
        "aws_cloudwatch_event_permission" => "AWS::Events::EventBusPolicy",
        _ => return None,
    })
}

/// What a policy attachment adds: to a policy of the module, the principal (`Roles`,
/// `Users` or `Groups`); to a principal of the module, a policy from elsewhere.
#[derive(Default)]
struct Attachments {
    principals: HashMap<String, Vec<(&'static str, Node)>>,
    managed_arns: HashMap<String, Vec<Node>>,
    /// The groups a user is put in (`aws_iam_user_group_membership`,
    /// `aws_iam_group_membership`), by the user's id.
    groups: HashMap<String, Vec<Node>>,
}

impl<'m> Lowering<'m, '_, '_> {
    fn template(&mut self, files: &[ModuleFile<'_>]) -> Node {
        let whole = files
            .first()
            .map_or(Span::new(FileId(0), 0, 0), |f| Span::new(f.file, 0, f.text.len()));
        let attachments = self.attachments();
        let mut resources = Vec::new();
        for block in self.module.resources.clone() {
            if let Some(resource) = self.resource(block, &attachments) {
                resources.push(resource);
            }
        }
        // Policy documents nobody here consumes are still checked, as what their content
        // says they are.
        let mut unconsumed: Vec<(&(&str, &str), &&Block)> = self
            .module
            .data
            .iter()
            .filter(|((kind, name), _)| {
                *kind == "aws_iam_policy_document"
                    && !self.consumed.contains(&(kind.to_string(), name.to_string()))
            })
            .collect();
        unconsumed.sort_by_key(|(_, b)| (b.span.file, b.span.start));
        for ((kind, name), block) in unconsumed {
            let document = self.policy_document(block, 0);
            let id = format!("data.{kind}.{name}");
            resources.push(self.resource_entry(
                &id,
                block,
                POLICY_DOCUMENT,
                vec![entry("PolicyDocument", block.kind_span, document)],
            ));
        }
        let mut parameters = Vec::new();
        let mut variables: Vec<(&&str, &&Block)> = self.module.variables.iter().collect();
        variables.sort_by_key(|(_, b)| (b.span.file, b.span.start));
        for (name, block) in variables {
            let mut fields = Vec::new();
            if let Some(default) = block.body.attribute("default") {
                fields.push(entry(
                    "Default",
                    default.name_span,
                    self.value(&default.value, Mode::Value, 0),
                ));
            }
            if let Some(sensitive) = block.body.attribute("sensitive") {
                let value = self.value(&sensitive.value, Mode::Value, 0);
                fields.push(entry("NoEcho", sensitive.name_span, value));
            }
            let label = block.labels.first().map_or(block.kind_span, |l| l.span);
            parameters.push(entry(name, label, node(block.span, Value::Object(fields))));
        }
        node(
            whole,
            Value::Object(vec![
                entry("Parameters", whole, node(whole, Value::Object(parameters))),
                entry("Resources", whole, node(whole, Value::Object(resources))),
            ]),
        )
    }

    fn resource_entry(&self, id: &str, block: &Block, cfn: &str, properties: Vec<Entry>) -> Entry {
        let type_span = block.labels.first().map_or(block.kind_span, |l| l.span);
        let id_span = match block.labels.as_slice() {
            [kind, name, ..] => kind.span.cover(name.span),
            _ => block.kind_span,
        };
        entry(
            id,
            id_span,
            node(
                block.span,
                Value::Object(vec![
                    entry("Type", type_span, string(type_span, cfn)),
                    entry(
                        "Properties",
                        block.span,
                        node(block.span, Value::Object(properties)),
                    ),
                ]),
            ),
        )
    }

    /// The attachments of the module, resolved to the logical ids they name.
    fn attachments(&mut self) -> Attachments {
        let mut found = Attachments::default();
        for block in self.module.resources.clone() {
            let kind = block.label(0).unwrap_or_default();
            let targets: Vec<(&'static str, &Attribute)> = match kind {
                "aws_iam_role_policy_attachment" => block
                    .body
                    .attribute("role")
                    .map(|a| ("Roles", a))
                    .into_iter()
                    .collect(),
                "aws_iam_user_policy_attachment" => block
                    .body
                    .attribute("user")
                    .map(|a| ("Users", a))
                    .into_iter()
                    .collect(),
                "aws_iam_group_policy_attachment" => block
                    .body
                    .attribute("group")
                    .map(|a| ("Groups", a))
                    .into_iter()
                    .collect(),
                "aws_iam_policy_attachment" => [("Roles", "roles"), ("Users", "users"), ("Groups", "groups")]
                    .into_iter()
                    .filter_map(|(key, name)| block.body.attribute(name).map(|a| (key, a)))
                    .collect(),
                "aws_iam_user_group_membership" | "aws_iam_group_membership" => {
                    self.memberships(block, &mut found.groups);
                    continue;
                }
                _ => continue,
            };
            let Some(policy_arn) = block.body.attribute("policy_arn") else {
                continue;
            };
            let policy = self.principal_ref(&policy_arn.value, "aws_iam_policy", 0);
            let policy_id = ref_target(&policy).filter(|id| id.starts_with("aws_iam_policy."));
            for (key, attribute) in targets {
                let principals: Vec<Node> = match &attribute.value.kind {
                    ExprKind::Array(items) => items
                        .iter()
                        .map(|e| self.principal_ref(e, principal_type(key), 0))
                        .collect(),
                    _ => vec![self.principal_ref(&attribute.value, principal_type(key), 0)],
                };
                for principal in principals {
                    match &policy_id {
                        Some(id) => found
                            .principals
                            .entry(id.clone())
                            .or_default()
                            .push((key, principal)),
                        None => {
                            if let Some(target) = ref_target(&principal) {
                                found.managed_arns.entry(target).or_default().push(policy.clone());
                            }
                        }
                    }
                }
            }
        }
        found
    }

    /// The users and groups a membership resource joins, added to `groups` by user id:
    /// `aws_iam_user_group_membership` puts one user in `groups`, `aws_iam_group_membership`
    /// puts `users` in one group.
    fn memberships(&mut self, block: &'m Block, groups: &mut HashMap<String, Vec<Node>>) {
        let (user_argument, group_argument) = match block.label(0) {
            Some("aws_iam_user_group_membership") => ("user", "groups"),
            _ => ("users", "group"),
        };
        let mut list = |argument: &str, kind: &str| -> Vec<Node> {
            let Some(attribute) = block.body.attribute(argument) else {
                return Vec::new();
            };
            match &attribute.value.kind {
                ExprKind::Array(items) => items.iter().map(|e| self.principal_ref(e, kind, 0)).collect(),
                _ => vec![self.principal_ref(&attribute.value, kind, 0)],
            }
        };
        let users = list(user_argument, "aws_iam_user");
        let joined = list(group_argument, "aws_iam_group");
        for user in users.iter().filter_map(ref_target) {
            groups.entry(user).or_default().extend(joined.iter().cloned());
        }
    }

    fn resource(&mut self, block: &'m Block, attachments: &Attachments) -> Option<Entry> {
        let kind = block.label(0)?;
        let name = block.label(1)?;
        let cfn = cfn_type(kind)?;
        let id = format!("{kind}.{name}");
        let body = &block.body;
        let mut properties = Vec::new();
        match kind {
            "aws_db_instance" | "aws_rds_cluster" => {
                for (argument, key) in [
                    ("engine", "Engine"),
                    ("manage_master_user_password", "ManageMasterUserPassword"),
                    ("replicate_source_db", "SourceDBInstanceIdentifier"),
                    ("replication_source_identifier", "ReplicationSourceIdentifier"),
                ] {
                    if let Some(attribute) = body.attribute(argument) {
                        let value = match key {
                            "SourceDBInstanceIdentifier" | "ReplicationSourceIdentifier" => {
                                self.principal_ref(&attribute.value, kind, 0)
                            }
                            _ => self.value(&attribute.value, Mode::Value, 0),
                        };
                        set(&mut properties, key, attribute, value);
                    }
                }
                for argument in ["password", "password_wo", "master_password", "master_password_wo"] {
                    if let Some(attribute) = body.attribute(argument) {
                        let value = self.value(&attribute.value, Mode::Password, 0);
                        set(&mut properties, "MasterUserPassword", attribute, value);
                    }
                }
                if let Some(attribute) = body.attribute("master_user_secret_kms_key_id") {
                    let value = self.value(&attribute.value, Mode::Value, 0);
                    if value.value != Value::Null {
                        let span = attribute.name_span;
                        set(
                            &mut properties,
                            "MasterUserSecret",
                            attribute,
                            node(
                                attribute.value.span,
                                Value::Object(vec![entry("KmsKeyId", span, value)]),
                            ),
                        );
                    }
                }
                if let Some(blue_green) = body.blocks("blue_green_update").next()
                    && let Some(enabled) = blue_green.body.attribute("enabled")
                {
                    let value = self.value(&enabled.value, Mode::Value, 0);
                    properties.push(entry(
                        "BlueGreenUpdate",
                        blue_green.kind_span,
                        node(
                            blue_green.span,
                            Value::Object(vec![entry("Enabled", enabled.name_span, value)]),
                        ),
                    ));
                }
            }
            "aws_iam_policy" => {
                if let Some(document) = self.policy_attribute(body, "policy") {
                    properties.push(document);
                }
                for (key, principals) in group_by_key(attachments.principals.get(&id)) {
                    properties.push(entry(
                        key,
                        block.kind_span,
                        node(block.span, Value::Array(principals)),
                    ));
                }
            }
            "aws_iam_role_policy" | "aws_iam_user_policy" | "aws_iam_group_policy" => {
                if let Some(document) = self.policy_attribute(body, "policy") {
                    properties.push(document);
                }
                let (argument, key, target) = match kind {
                    "aws_iam_role_policy" => ("role", "Roles", "aws_iam_role"),
                    "aws_iam_user_policy" => ("user", "Users", "aws_iam_user"),
                    _ => ("group", "Groups", "aws_iam_group"),
                };
                if let Some(attribute) = body.attribute(argument) {
                    let principal = self.principal_ref(&attribute.value, target, 0);
                    properties.push(entry(
                        key,
                        attribute.name_span,
                        node(attribute.value.span, Value::Array(vec![principal])),
                    ));
                }
            }
            "aws_iam_role" | "aws_iam_user" | "aws_iam_group" => {
                if kind == "aws_iam_role"
                    && let Some(attribute) = body.attribute("assume_role_policy")
                    && let Some(document) = self.policy(&attribute.value, 0)
                {
                    properties.push(entry("AssumeRolePolicyDocument", attribute.name_span, document));
                }
                let mut inline = Vec::new();
                for block in body.blocks("inline_policy") {
                    let mut fields = Vec::new();
                    if let Some(name) = block.body.attribute("name") {
                        fields.push(entry(
                            "PolicyName",
                            name.name_span,
                            self.value(&name.value, Mode::Value, 0),
                        ));
                    }
                    if let Some(attribute) = block.body.attribute("policy")
                        && let Some(document) = self.policy(&attribute.value, 0)
                    {
                        fields.push(entry("PolicyDocument", attribute.name_span, document));
                    }
                    inline.push(node(block.span, Value::Object(fields)));
                }
                if let Some(first) = body.blocks("inline_policy").next() {
                    properties.push(entry(
                        "Policies",
                        first.kind_span,
                        node(first.span, Value::Array(inline)),
                    ));
                }
                if let Some(attribute) = body.attribute("permissions_boundary") {
                    let value = self.principal_ref(&attribute.value, "aws_iam_policy", 0);
                    set(&mut properties, "PermissionsBoundary", attribute, value);
                }
                let mut arns = Vec::new();
                if let Some(attribute) = body.attribute("managed_policy_arns") {
                    match &attribute.value.kind {
                        ExprKind::Array(items) => {
                            arns.extend(items.iter().map(|e| self.principal_ref(e, "aws_iam_policy", 0)));
                        }
                        _ => arns.push(self.value(&attribute.value, Mode::Value, 0)),
                    }
                }
                arns.extend(attachments.managed_arns.get(&id).into_iter().flatten().cloned());
                if let Some(groups) = attachments.groups.get(&id) {
                    properties.push(entry(
                        "Groups",
                        block.kind_span,
                        node(block.span, Value::Array(groups.clone())),
                    ));
                }
                if !arns.is_empty() {
                    properties.push(entry(
                        "ManagedPolicyArns",
                        block.kind_span,
                        node(block.span, Value::Array(arns)),
                    ));
                }
                if let Some(attribute) = body.attribute("name") {
                    let key = match kind {
                        "aws_iam_role" => "RoleName",
                        "aws_iam_user" => "UserName",
                        _ => "GroupName",
                    };
                    let value = self.value(&attribute.value, Mode::Value, 0);
                    set(&mut properties, key, attribute, value);
                }
            }
            "aws_organizations_policy" => {
                // The provider's default type is a service control policy.
                match body.attribute("type") {
                    Some(attribute) => {
                        let value = self.value(&attribute.value, Mode::Value, 0);
                        set(&mut properties, "Type", attribute, value);
                    }
                    None => properties.push(entry(
                        "Type",
                        block.kind_span,
                        string(block.kind_span, "SERVICE_CONTROL_POLICY"),
                    )),
                }
                if let Some(attribute) = body.attribute("content")
                    && let Some(document) = self.policy(&attribute.value, 0)
                {
                    properties.push(entry("Content", attribute.name_span, document));
                }
            }
            "aws_kms_key" => {
                if let Some(mut document) = self.policy_attribute(body, "policy") {
                    document.key = "KeyPolicy".to_string();
                    properties.push(document);
                }
            }
            "aws_lambda_permission" | "aws_cloudwatch_event_permission" => {
                let arguments: &[(&str, &str)] = if kind == "aws_lambda_permission" {
                    &LAMBDA_PERMISSION
                } else {
                    &EVENT_PERMISSION
                };
                for &(argument, key) in arguments {
                    if let Some(attribute) = body.attribute(argument) {
                        let value = self.value(&attribute.value, Mode::Value, 0);
                        set(&mut properties, key, attribute, value);
                    }
                }
                if kind == "aws_cloudwatch_event_permission" {
                    if body.attribute("action").is_none() {
                        properties.push(entry(
                            "Action",
                            block.kind_span,
                            string(block.kind_span, EVENT_PERMISSION_ACTION),
                        ));
                    }
                    if let Some(condition) = body.blocks("condition").next() {
                        let mut fields = Vec::new();
                        for (argument, key) in EVENT_CONDITION {
                            if let Some(attribute) = condition.body.attribute(argument) {
                                let value = self.value(&attribute.value, Mode::Value, 0);
                                set(&mut fields, key, attribute, value);
                            }
                        }
                        properties.push(entry(
                            "Condition",
                            condition.kind_span,
                            node(condition.span, Value::Object(fields)),
                        ));
                    }
                }
            }
            _ => {
                let (argument, property) = resource_policy(kind)?;
                if let Some(mut document) = self.policy_attribute(body, argument) {
                    document.key = property.to_string();
                    properties.push(document);
                }
            }
        }
        Some(self.resource_entry(&id, block, cfn, properties))
    }

    /// `PolicyDocument` from the argument `name`, when it holds a document we can read.
    fn policy_attribute(&mut self, body: &'m Body, name: &str) -> Option<Entry> {
        let attribute = body.attribute(name)?;
        let document = self.policy(&attribute.value, 0)?;
        Some(entry("PolicyDocument", attribute.name_span, document))
    }

    /// A reference to a role, user, group, policy or database of the module, as
    /// CloudFormation writes it (`{"Ref": "aws_iam_role.app"}`), whatever attribute is
    /// taken of it; a literal name of one of the module's resources of type `kind`
    /// resolves to it; anything else is read as a value.
    fn principal_ref(&mut self, expr: &'m Expr, kind: &str, depth: usize) -> Node {
        if let ExprKind::Traversal { root, steps } = &expr.kind
            && let Some(Step::Attr(name)) = steps.first()
            && self.module.resource(root, name).is_some()
        {
            return reference(expr.span, &format!("{root}.{name}"));
        }
        if let Some(resolved) = self.resolve_expr(expr, depth)
            && !std::ptr::eq(resolved, expr)
        {
            let value = self.principal_ref(resolved, kind, depth + 1);
            return relocate_if_synthetic(value, expr.span);
        }
        let value = self.value(expr, Mode::Value, depth);
        if let Some(text) = value.as_str()
            && let Some(block) = self.module.by_name.get(kind).and_then(|names| names.get(text))
        {
            let id = format!("{kind}.{}", block.label(1).unwrap_or_default());
            return reference(expr.span, &id);
        }
        value
    }

    /// The expression a `var.x` (with a default) or `local.x` stands for, followed to the
    /// end of the chain; `None` when the chain ends in nothing known.
    fn resolve_expr(&self, expr: &'m Expr, depth: usize) -> Option<&'m Expr> {
        if depth > MAX_RESOLVE_DEPTH {
            return None;
        }
        let ExprKind::Traversal { root, steps } = &expr.kind else {
            return Some(expr);
        };
        let [Step::Attr(name)] = steps.as_slice() else {
            return Some(expr);
        };
        let next = match root.as_str() {
            "var" => {
                let default = self
                    .module
                    .variables
                    .get(name.as_str())?
                    .body
                    .attribute("default")?;
                &default.value
            }
            "local" => &self.module.locals.get(name.as_str())?.value,
            _ => return Some(expr),
        };
        if matches!(next.kind, ExprKind::Null) {
            return None;
        }
        self.resolve_expr(next, depth + 1)
    }

    /// An expression's value as a node.
    fn value(&mut self, expr: &'m Expr, mode: Mode, depth: usize) -> Node {
        if depth > MAX_RESOLVE_DEPTH {
            return self.unknown(expr);
        }
        if self.nodes_left == 0 {
            if !self.expansion_reported {
                self.expansion_reported = true;
                self.errors.push(ParseError {
                    span: expr.span,
                    message: format!(
                        "the module's values expand to more than {} nodes (the node budget of one document: variables and locals referred to over and over?); this value and the later ones are left unresolved",
                        crate::parse::MAX_NODES
                    ),
                });
            }
            return self.unknown(expr);
        }
        self.nodes_left -= 1;
        let span = expr.span;
        match &expr.kind {
            ExprKind::Null => node(span, Value::Null),
            ExprKind::Bool(b) => node(span, Value::Bool(*b)),
            ExprKind::Number(n) => node(span, Value::Number(n.clone())),
            ExprKind::String(s) => string(span, s),
            ExprKind::Array(items) => node(
                span,
                Value::Array(
                    items
                        .iter()
                        .map(|e| self.value(e, Mode::Value, depth + 1))
                        .collect(),
                ),
            ),
            ExprKind::Object(items) => {
                let mut entries = Vec::with_capacity(items.len());
                for item in items {
                    let Some(key) = &item.key else {
                        return self.unknown(expr);
                    };
                    entries.push(entry(
                        key,
                        item.key_span,
                        self.value(&item.value, Mode::Value, depth + 1),
                    ));
                }
                node(span, Value::Object(entries))
            }
            ExprKind::Template(parts) => self.template_value(expr, parts, mode, depth),
            ExprKind::Traversal { root, steps } => self.traversal(expr, root, steps, mode, depth),
            ExprKind::Call { name, args } => match (name.as_str(), args.as_slice()) {
                ("jsonencode", [arg]) => self.value(arg, Mode::Value, depth + 1),
                _ => self.unknown(expr),
            },
            ExprKind::Other => self.unknown(expr),
        }
    }

    fn unknown(&self, expr: &Expr) -> Node {
        unknown(expr.span)
    }

    fn template_value(
        &mut self,
        expr: &'m Expr,
        parts: &'m [TemplatePart],
        mode: Mode,
        depth: usize,
    ) -> Node {
        if let [TemplatePart::Interpolation(inner)] = parts {
            // `"${x}"` is `x`.
            return self.value(inner, mode, depth + 1);
        }
        let mut text = String::new();
        let mut known = true;
        for part in parts {
            match part {
                TemplatePart::Literal { text: literal, .. } => text.push_str(&literal.replace("${", "$${")),
                TemplatePart::Interpolation(inner) => {
                    let value = self.value(inner, Mode::Value, depth + 1);
                    match value.scalar_text() {
                        Some(scalar) => text.push_str(&scalar.replace("${", "$${")),
                        None => {
                            known = false;
                            text.push_str("${");
                            text.push_str(self.module.source(inner.span));
                            text.push('}');
                        }
                    }
                }
                TemplatePart::Directive(_) => return self.unknown(expr),
            }
        }
        if known {
            string(expr.span, &text.replace("$${", "${"))
        } else {
            intrinsic("Fn::Sub", expr.span, string(expr.span, &text))
        }
    }

    fn traversal(&mut self, expr: &'m Expr, root: &str, steps: &'m [Step], mode: Mode, depth: usize) -> Node {
        let span = expr.span;
        let (name, rest) = match steps.split_first() {
            Some((Step::Attr(name), rest)) => (name.as_str(), rest),
            _ => return self.unknown(expr),
        };
        match root {
            "var" => {
                let Some(variable) = self.module.variables.get(name) else {
                    return reference(span, name);
                };
                match (mode, informative_default(variable)) {
                    (Mode::Password, _) if rest.is_empty() => reference(span, name),
                    (_, Some(default)) => {
                        let value = self.value(&default.value, Mode::Value, depth + 1);
                        self.navigate(expr, value, rest, depth)
                    }
                    (_, None) if rest.is_empty() => reference(span, name),
                    (_, None) => self.unknown(expr),
                }
            }
            "local" => match self.module.locals.get(name) {
                Some(local) => {
                    let mode = if rest.is_empty() { mode } else { Mode::Value };
                    let value = self.value(&local.value, mode, depth + 1);
                    self.navigate(expr, value, rest, depth)
                }
                None => self.unknown(expr),
            },
            "data" => {
                let Some((Step::Attr(data_name), rest)) = rest.split_first() else {
                    return self.unknown(expr);
                };
                let rest: Vec<&Step> = rest.iter().filter(|s| !matches!(s, Step::Index(_))).collect();
                let attribute = match rest.first() {
                    Some(Step::Attr(attribute)) => attribute.as_str(),
                    _ => "",
                };
                let block = self.module.data.get(&(name, data_name.as_str())).copied();
                match block {
                    Some(block)
                        if name == "aws_iam_policy_document"
                            && matches!(attribute, "json" | "minified_json") =>
                    {
                        self.consumed.insert((name.to_string(), data_name.clone()));
                        self.policy_document(block, depth + 1)
                    }
                    _ => get_att(span, &format!("data.{name}.{data_name}"), attribute),
                }
            }
            "path" if name == "module" && rest.is_empty() => string(span, "."),
            "count" | "each" | "self" | "terraform" | "module" | "path" => self.unknown(expr),
            _ => {
                let attribute = rest.iter().find_map(|s| match s {
                    Step::Attr(a) => Some(a.as_str()),
                    _ => None,
                });
                match attribute {
                    Some(attribute) => get_att(span, &format!("{root}.{name}"), attribute),
                    None => reference(span, &format!("{root}.{name}")),
                }
            }
        }
    }

    /// Follows attribute and index steps into a known value.
    fn navigate(&mut self, expr: &'m Expr, mut value: Node, steps: &'m [Step], depth: usize) -> Node {
        for step in steps {
            let next = match step {
                Step::Attr(key) => value.get(key).cloned(),
                Step::Index(index) => {
                    let index = self.value(index, Mode::Value, depth + 1);
                    match (&value.value, &index.value) {
                        (Value::Array(items), Value::Number(n)) => {
                            n.parse::<usize>().ok().and_then(|i| items.get(i).cloned())
                        }
                        (Value::Object(_), Value::String(key)) => value.get(key).cloned(),
                        _ => None,
                    }
                }
                Step::Splat => None,
            };
            match next {
                Some(next) => value = next,
                None => return self.unknown(expr),
            }
        }
        value
    }

    /// A policy document given as `jsonencode({...})`, a heredoc or JSON string, `file()`
    /// or a `data "aws_iam_policy_document"`; `None` when it is none we can read.
    fn policy(&mut self, expr: &'m Expr, depth: usize) -> Option<Node> {
        if depth > MAX_RESOLVE_DEPTH {
            return None;
        }
        match &expr.kind {
            ExprKind::Call { name, args } => match (name.as_str(), args.as_slice()) {
                ("jsonencode", [arg]) => Some(self.value(arg, Mode::Value, depth + 1)).filter(is_document),
                ("file", [path]) => self.file_document(path, depth),
                _ => None,
            },
            ExprKind::Template(parts) if matches!(parts.as_slice(), [TemplatePart::Interpolation(_)]) => {
                let [TemplatePart::Interpolation(inner)] = parts.as_slice() else {
                    return None;
                };
                self.policy(inner, depth + 1)
            }
            ExprKind::String(_) | ExprKind::Template(_) => self.embedded_document(expr, depth),
            ExprKind::Traversal { root, .. } if root == "var" || root == "local" => {
                let resolved = self.resolve_expr(expr, depth)?;
                if std::ptr::eq(resolved, expr) {
                    Some(self.value(expr, Mode::Value, depth)).filter(is_document)
                } else {
                    self.policy(resolved, depth + 1)
                }
            }
            _ => Some(self.value(expr, Mode::Value, depth)).filter(is_document),
        }
    }

    /// The policy document in the file a `file()` argument names. Whatever goes wrong is
    /// reported at the argument, never with the target's text: a file that is not a JSON
    /// policy (a `.env`, a binary) may hold anything.
    fn file_document(&mut self, argument: &'m Expr, depth: usize) -> Option<Node> {
        let written = self.value(argument, Mode::Value, depth + 1);
        let written = written.as_str()?;
        if let Some(why) = crate::repository::refuse_absolute(written) {
            self.unread.push(ParseError {
                span: argument.span,
                message: format!("`file()` argument {why}"),
            });
            return None;
        }
        // `${path.module}/x.json` is `./x.json`: shown as `dir/x.json`, not `dir/./x.json`.
        let path: PathBuf = self
            .module
            .dir
            .join(written)
            .components()
            .filter(|c| !matches!(c, std::path::Component::CurDir))
            .collect();
        let target = match self.loaded.get(&path) {
            Some(target) => target.clone(),
            None => {
                let target = self.read_document(&path);
                self.loaded.insert(path, target.clone());
                target
            }
        };
        match target {
            Ok(node) => Some(node).filter(is_document),
            Err(FileProblem::Unread(message)) => {
                self.unread.push(ParseError {
                    span: argument.span,
                    message,
                });
                None
            }
            Err(FileProblem::NotJson(message)) => {
                self.errors.push(ParseError {
                    span: argument.span,
                    message,
                });
                None
            }
        }
    }

    fn read_document(&mut self, path: &Path) -> Result<Node, FileProblem> {
        let (file, text) = (self.loader)(path)?;
        crate::parse::parse(file, &text, crate::parse::Syntax::Json).map_err(|err| {
            // Where, but not what: the parser's words may quote the text.
            let at = crate::source::LineIndex::new(&text).line_col(&text, err.span.start as usize);
            FileProblem::NotJson(format!(
                "`file()` target `{}` is not a JSON policy document: it does not parse as JSON (line {}, column {})",
                path.display(),
                at.line,
                at.column
            ))
        })
    }
}

/// Adds a property, unless its value is `null` (how Terraform leaves an argument unset).
fn set(properties: &mut Vec<Entry>, key: &str, attribute: &Attribute, value: Node) {
    if value.value != Value::Null {
        properties.push(entry(key, attribute.name_span, value));
    }
}

/// A policy document is an object that is not an intrinsic function.
fn is_document(node: &Node) -> bool {
    node.as_object().is_some() && node.intrinsic().is_none()
}

fn principal_type(key: &str) -> &'static str {
    match key {
        "Roles" => "aws_iam_role",
        "Users" => "aws_iam_user",
        _ => "aws_iam_group",
    }
}

fn group_by_key(items: Option<&Vec<(&'static str, Node)>>) -> Vec<(&'static str, Vec<Node>)> {
    let mut groups: Vec<(&'static str, Vec<Node>)> = Vec::new();
    for (key, node) in items.into_iter().flatten() {
        match groups.iter_mut().find(|(k, _)| k == key) {
            Some((_, nodes)) => nodes.push(node.clone()),
            None => groups.push((key, vec![node.clone()])),
        }
    }
    groups
}

/// A reference found through a variable or local points where it was written.
fn relocate_if_synthetic(mut value: Node, span: Span) -> Node {
    if value.intrinsic().is_some_and(|(f, _)| f == "Ref") {
        value.span = span;
    }
    value
}

#[cfg(test)]
mod tests;
