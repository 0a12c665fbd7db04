//! Terraform plan JSON (`terraform show -json plan.out`), recognised by its content. The
//! resources of `planned_values` (root and child modules) are lowered like a module's, with
//! values already resolved; where a password came from is read from `configuration`
//! (a `constant_value` is written in the code, a reference to a variable takes its
//! `default`), since the plan itself holds every password in clear.

use std::collections::HashMap;

use super::{
    EVENT_CONDITION, EVENT_PERMISSION, LAMBDA_PERMISSION, Lowered, cfn_type, entry, get_att, node, reference,
    resource_policy, string,
};
use crate::parse::{Entry, Node, ParseError, Value, parse_embedded_json};
use crate::source::Span;

/// The arguments that hold a database's master password.
const PASSWORD_ARGUMENTS: [&str; 4] = ["password", "password_wo", "master_password", "master_password_wo"];

/// How deep module calls are followed to find where a password comes from.
const MAX_MODULE_DEPTH: usize = 16;

/// Whether a JSON document is a Terraform plan.
pub fn is_plan(root: &Node) -> bool {
    root.get("format_version").is_some()
        && (root.get("planned_values").is_some() || root.get("resource_changes").is_some())
}

/// One resource of `planned_values`, with the module it is in.
struct Planned<'p> {
    address: &'p str,
    address_span: Span,
    kind: &'p str,
    /// `["db", "inner"]` for `module.db.module.inner`.
    module: Vec<&'p str>,
    /// `aws_db_instance.main`: the address within its module, without index.
    local: String,
    values: &'p Node,
    span: Span,
}

pub fn lower_plan(root: &Node, text: &str) -> Lowered {
    let mut planned = Vec::new();
    if let Some(module) = root.get("planned_values").and_then(|p| p.get("root_module")) {
        collect(module, 0, &mut planned);
    }
    let config = root.get("configuration").and_then(|c| c.get("root_module"));
    let mut plan = Plan {
        planned: &planned,
        index: Index::default(),
        config,
        text,
        errors: Vec::new(),
        nodes_left: crate::parse::MAX_NODES,
    };
    plan.index = Index::new(&plan);
    plan.index.attachments = plan.attachment_index();
    plan.index.memberships = plan.membership_index();
    let resources: Vec<Entry> = planned.iter().filter_map(|p| plan.resource(p)).collect();
    let mut parameters = Vec::new();
    for variable in config
        .and_then(|c| c.get("variables"))
        .and_then(Node::as_object)
        .unwrap_or_default()
    {
        let mut fields = Vec::new();
        if let Some(default) = variable.value.entry("default") {
            fields.push(entry("Default", default.key_span, default.value.clone()));
        }
        if let Some(sensitive) = variable.value.entry("sensitive") {
            fields.push(entry("NoEcho", sensitive.key_span, sensitive.value.clone()));
        }
        parameters.push(entry(
            &variable.key,
            variable.key_span,
            node(variable.value.span, Value::Object(fields)),
        ));
    }
    let whole = root.span;
    Lowered {
        root: node(
            whole,
            Value::Object(vec![
                entry("Parameters", whole, node(whole, Value::Object(parameters))),
                entry("Resources", whole, node(whole, Value::Object(resources))),
            ]),
        ),
        errors: plan.errors,
        unread: Vec::new(),
    }
}

fn collect<'p>(module: &'p Node, depth: usize, out: &mut Vec<Planned<'p>>) {
    if depth > MAX_MODULE_DEPTH {
        return;
    }
    let path: Vec<&str> = module
        .get("address")
        .and_then(Node::as_str)
        .map(|a| {
            a.split('.')
                .collect::<Vec<_>>()
                .chunks(2)
                .filter_map(|c| match c {
                    ["module", name] => Some(name.split('[').next().unwrap_or(name)),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    for resource in module
        .get("resources")
        .and_then(Node::as_array)
        .unwrap_or_default()
    {
        let field = |k: &str| resource.get(k).and_then(Node::as_str);
        let (Some(address_node), Some(kind), Some(name), Some(values)) = (
            resource.get("address"),
            field("type"),
            field("name"),
            resource.get("values"),
        ) else {
            continue;
        };
        if field("mode") != Some("managed") {
            continue;
        }
        out.push(Planned {
            address: address_node.as_str().unwrap_or_default(),
            address_span: address_node.span,
            kind,
            module: path.clone(),
            local: format!("{kind}.{name}"),
            values,
            span: resource.span,
        });
    }
    for child in module
        .get("child_modules")
        .and_then(Node::as_array)
        .unwrap_or_default()
    {
        collect(child, depth + 1, out);
    }
}

struct Plan<'p> {
    planned: &'p [Planned<'p>],
    /// Indexes of `planned`, so that lowering a plan of n resources is linear in n.
    index: Index<'p>,
    config: Option<&'p Node>,
    text: &'p str,
    errors: Vec<ParseError>,
    /// What the policy documents written as JSON strings may still hold, together.
    nodes_left: usize,
}

/// Where a password comes from, per the configuration.
enum Origin<'p> {
    /// Written in the code: point at this node.
    Literal(&'p Node),
    /// A root module variable.
    Variable(&'p str, Span),
    Elsewhere,
}

/// The planned resources by what other resources find them by, each list in plan order.
#[derive(Default)]
struct Index<'p> {
    /// By each name, identifier, ARN, id or key id they hold.
    by_value: HashMap<&'p str, Vec<usize>>,
    /// By their address (the first of each).
    by_address: HashMap<&'p str, usize>,
    /// By their address within their module (`aws_iam_role.app`).
    by_local: HashMap<&'p str, Vec<usize>>,
    /// The configuration's `expressions` of each resource, by module path and address.
    expressions: HashMap<Vec<&'p str>, HashMap<&'p str, &'p Node>>,
    /// The policy attachments that name each `aws_iam_policy`, by its address.
    attachments: HashMap<&'p str, Vec<usize>>,
    /// The groups each `aws_iam_user` is put in (`aws_iam_user_group_membership`,
    /// `aws_iam_group_membership`), by the user's address: a `Ref` to a planned group, or
    /// the name as planned.
    memberships: HashMap<&'p str, Vec<Node>>,
}

/// The values by which [`Plan::named`] finds a resource.
const NAMING_VALUES: [&str; 5] = ["name", "identifier", "arn", "id", "key_id"];

impl<'p> Index<'p> {
    /// All but the attachments, which are found through these
    /// ([`Plan::attachment_index`]).
    fn new(plan: &Plan<'p>) -> Index<'p> {
        let mut index = Index::default();
        for (at, planned) in plan.planned.iter().enumerate() {
            let mut values: Vec<&str> = NAMING_VALUES
                .iter()
                .filter_map(|k| planned.values.get(k).and_then(Node::as_str))
                .collect();
            values.sort_unstable();
            values.dedup();
            for value in values {
                index.by_value.entry(value).or_default().push(at);
            }
            index.by_address.entry(planned.address).or_insert(at);
            index.by_local.entry(planned.local.as_str()).or_default().push(at);
            if let std::collections::hash_map::Entry::Vacant(slot) =
                index.expressions.entry(planned.module.clone())
            {
                let mut resources = HashMap::new();
                for resource in plan
                    .module_config(&planned.module)
                    .and_then(|m| m.get("resources"))
                    .and_then(Node::as_array)
                    .unwrap_or_default()
                {
                    if let (Some(address), Some(expressions)) = (
                        resource.get("address").and_then(Node::as_str),
                        resource.get("expressions"),
                    ) {
                        resources.entry(address).or_insert(expressions);
                    }
                }
                slot.insert(resources);
            }
        }
        index
    }
}

impl<'p> Plan<'p> {
    /// The attachments that name each policy, found through the other indexes.
    fn attachment_index(&self) -> HashMap<&'p str, Vec<usize>> {
        let mut attachments: HashMap<&'p str, Vec<usize>> = HashMap::new();
        for (at, attachment) in self.planned.iter().enumerate() {
            if attachment_targets(attachment.kind).is_empty() {
                continue;
            }
            let arn = attachment.values.get("policy_arn");
            let policy = self.principal(attachment, "policy_arn", arn, "aws_iam_policy");
            let address = policy
                .as_ref()
                .and_then(|r| r.intrinsic())
                .and_then(|(_, t)| t.as_str());
            // Keyed by the policy's own address, which lives as long as the plan.
            if let Some(&target) = address.and_then(|a| self.index.by_address.get(a)) {
                attachments
                    .entry(self.planned[target].address)
                    .or_default()
                    .push(at);
            }
        }
        attachments
    }
}

impl<'p> Plan<'p> {
    /// The groups of each user, found through the other indexes.
    fn membership_index(&self) -> HashMap<&'p str, Vec<Node>> {
        let mut memberships: HashMap<&'p str, Vec<Node>> = HashMap::new();
        for membership in self.planned {
            let (users, groups) = match membership.kind {
                "aws_iam_user_group_membership" => ("user", "groups"),
                "aws_iam_group_membership" => ("users", "group"),
                _ => continue,
            };
            let list = |argument: &str| -> Vec<&'p Node> {
                match membership.values.get(argument).map(|n| &n.value) {
                    Some(Value::Array(items)) => items.iter().collect(),
                    Some(Value::Null) | None => Vec::new(),
                    Some(_) => membership.values.get(argument).into_iter().collect(),
                }
            };
            let joined: Vec<Node> = list(groups)
                .into_iter()
                .map(
                    |group| match self.named("aws_iam_group", group, &membership.module) {
                        Some(target) => reference(group.span, target.address),
                        None => group.clone(),
                    },
                )
                .collect();
            for user in list(users) {
                if let Some(target) = self.named("aws_iam_user", user, &membership.module) {
                    memberships
                        .entry(target.address)
                        .or_default()
                        .extend(joined.iter().cloned());
                }
            }
        }
        memberships
    }
}

/// The arguments of a policy attachment that name principals: the argument, the key of
/// the lowered policy's list, and the principals' resource type.
fn attachment_targets(kind: &str) -> &'static [(&'static str, &'static str, &'static str)] {
    match kind {
        "aws_iam_role_policy_attachment" => &[("role", "Roles", "aws_iam_role")],
        "aws_iam_user_policy_attachment" => &[("user", "Users", "aws_iam_user")],
        "aws_iam_group_policy_attachment" => &[("group", "Groups", "aws_iam_group")],
        "aws_iam_policy_attachment" => &[
            ("roles", "Roles", "aws_iam_role"),
            ("users", "Users", "aws_iam_user"),
            ("groups", "Groups", "aws_iam_group"),
        ],
        _ => &[],
    }
}

impl<'p> Plan<'p> {
    /// The configuration of the module at `path`.
    fn module_config(&self, path: &[&str]) -> Option<&'p Node> {
        let mut module = self.config?;
        for name in path {
            module = module.get("module_calls")?.get(name)?.get("module")?;
        }
        Some(module)
    }

    fn expressions(&self, planned: &Planned<'_>) -> Option<&'p Node> {
        self.index
            .expressions
            .get(planned.module.as_slice())?
            .get(planned.local.as_str())
            .copied()
    }

    /// Where the value of `expression` (in the module at `path`) comes from.
    fn origin(&self, expression: &'p Node, path: &[&'p str], depth: usize) -> Origin<'p> {
        if depth > MAX_MODULE_DEPTH {
            return Origin::Elsewhere;
        }
        if let Some(constant) = expression.get("constant_value") {
            return Origin::Literal(constant);
        }
        let Some(first) = expression
            .get("references")
            .and_then(Node::as_array)
            .and_then(|r| r.first())
        else {
            return Origin::Elsewhere;
        };
        let Some(variable) = first.as_str().and_then(|r| r.strip_prefix("var.")) else {
            return Origin::Elsewhere;
        };
        match path.split_last() {
            None => Origin::Variable(variable, first.span),
            Some((call, parent)) => {
                let passed = self
                    .module_config(parent)
                    .and_then(|m| m.get("module_calls"))
                    .and_then(|c| c.get(call))
                    .and_then(|c| c.get("expressions"))
                    .and_then(|e| e.get(variable));
                match passed {
                    Some(passed) => self.origin(passed, parent, depth + 1),
                    None => Origin::Elsewhere,
                }
            }
        }
    }

    /// The planned resource a name, identifier or ARN value names, of the given type.
    fn named(&self, kind: &str, value: &Node, path: &[&str]) -> Option<&'p Planned<'p>> {
        let text = value.as_str()?;
        self.index
            .by_value
            .get(text)?
            .iter()
            .map(|&at| &self.planned[at])
            .find(|p| p.kind == kind && p.module == path)
    }

    /// A principal or policy argument as a `Ref` to the planned resource it names (by
    /// value, or by the configuration's reference when the value is not known yet).
    fn principal(
        &self,
        planned: &Planned<'_>,
        argument: &str,
        value: Option<&Node>,
        kind: &str,
    ) -> Option<Node> {
        if let Some(value) = value
            && let Some(target) = self.named(kind, value, &planned.module)
        {
            return Some(reference(value.span, target.address));
        }
        let expression = self.expressions(planned).and_then(|e| e.get(argument));
        let referenced = expression
            .and_then(|e| e.get("references"))
            .and_then(Node::as_array)
            .unwrap_or_default()
            .iter()
            .filter_map(Node::as_str)
            .find_map(|r| {
                let mut parts = r.split('.');
                let (Some(t), Some(n)) = (parts.next(), parts.next()) else {
                    return None;
                };
                let local = format!("{t}.{}", n.split('[').next().unwrap_or(n));
                self.index
                    .by_local
                    .get(local.as_str())?
                    .iter()
                    .map(|&at| &self.planned[at])
                    .find(|p| p.kind == kind && p.module == planned.module)
            });
        match (referenced, value) {
            (Some(target), Some(value)) => Some(reference(value.span, target.address)),
            (Some(target), None) => Some(reference(
                expression.map_or(planned.span, |e| e.span),
                target.address,
            )),
            (None, Some(value)) if value.value != Value::Null => Some(value.clone()),
            _ => None,
        }
    }

    fn document(&mut self, values: &Node, argument: &str) -> Option<(Span, Node)> {
        let e = values.entry(argument)?;
        match &e.value.value {
            Value::String(s) if s.trim_start().starts_with('{') => {
                match parse_embedded_json(&e.value, self.text, &mut self.nodes_left) {
                    Ok(document) => Some((e.key_span, document)),
                    Err(err) => {
                        self.errors.push(err);
                        None
                    }
                }
            }
            Value::Object(_) => Some((e.key_span, e.value.clone())),
            _ => None,
        }
    }

    fn resource(&mut self, planned: &Planned<'p>) -> Option<Entry> {
        let cfn = cfn_type(planned.kind)?;
        let values = planned.values;
        let mut properties: Vec<Entry> = Vec::new();
        let copy = |properties: &mut Vec<Entry>, argument: &str, key: &str| {
            if let Some(e) = values.entry(argument)
                && e.value.value != Value::Null
            {
                properties.push(entry(key, e.key_span, e.value.clone()));
            }
        };
        match planned.kind {
            "aws_db_instance" | "aws_rds_cluster" => {
                copy(&mut properties, "engine", "Engine");
                copy(
                    &mut properties,
                    "manage_master_user_password",
                    "ManageMasterUserPassword",
                );
                if let Some(e) = values.entry("replicate_source_db")
                    && e.value.value != Value::Null
                {
                    let value = self
                        .principal(planned, "replicate_source_db", Some(&e.value), "aws_db_instance")
                        .unwrap_or_else(|| e.value.clone());
                    properties.push(entry("SourceDBInstanceIdentifier", e.key_span, value));
                }
                copy(
                    &mut properties,
                    "replication_source_identifier",
                    "ReplicationSourceIdentifier",
                );
                // The key, as a `Ref` to the planned key when it is one (its ARN is not
                // known before apply: the configuration's reference names it).
                let key_value = values
                    .entry("master_user_secret_kms_key_id")
                    .filter(|e| e.value.value != Value::Null);
                if let Some(key) = self.principal(
                    planned,
                    "master_user_secret_kms_key_id",
                    key_value.map(|e| &e.value),
                    "aws_kms_key",
                ) {
                    let key_span = key_value.map_or(key.span, |e| e.key_span);
                    let secret = node(key.span, Value::Object(vec![entry("KmsKeyId", key_span, key)]));
                    properties.push(entry("MasterUserSecret", key_span, secret));
                }
                if let Some(e) = values.entry("blue_green_update")
                    && let Some(block) = e.value.as_array().and_then(|a| a.first())
                    && let Some(enabled) = block.entry("enabled")
                {
                    let value = node(
                        block.span,
                        Value::Object(vec![entry("Enabled", enabled.key_span, enabled.value.clone())]),
                    );
                    properties.push(entry("BlueGreenUpdate", e.key_span, value));
                }
                if let Some(password) = self.password(planned) {
                    properties.push(password);
                }
            }
            "aws_iam_policy" => {
                if let Some((span, document)) = self.document(values, "policy") {
                    properties.push(entry("PolicyDocument", span, document));
                }
                properties.extend(self.attached(planned));
            }
            "aws_iam_role_policy" | "aws_iam_user_policy" | "aws_iam_group_policy" => {
                if let Some((span, document)) = self.document(values, "policy") {
                    properties.push(entry("PolicyDocument", span, document));
                }
                let (argument, key, kind) = match planned.kind {
                    "aws_iam_role_policy" => ("role", "Roles", "aws_iam_role"),
                    "aws_iam_user_policy" => ("user", "Users", "aws_iam_user"),
                    _ => ("group", "Groups", "aws_iam_group"),
                };
                let value = values.entry(argument);
                if let Some(principal) = self.principal(planned, argument, value.map(|e| &e.value), kind) {
                    let span = value.map_or(planned.span, |e| e.key_span);
                    properties.push(entry(
                        key,
                        span,
                        node(principal.span, Value::Array(vec![principal])),
                    ));
                }
            }
            "aws_iam_role" | "aws_iam_user" | "aws_iam_group" => {
                if planned.kind == "aws_iam_role"
                    && let Some((span, document)) = self.document(values, "assume_role_policy")
                {
                    properties.push(entry("AssumeRolePolicyDocument", span, document));
                }
                if let Some(e) = values.entry("inline_policy")
                    && let Some(items) = e.value.as_array()
                {
                    let mut inline = Vec::new();
                    for item in items {
                        let mut fields = Vec::new();
                        if let Some(name) = item.entry("name") {
                            fields.push(entry("PolicyName", name.key_span, name.value.clone()));
                        }
                        if let Some((span, document)) = self.document(item, "policy") {
                            fields.push(entry("PolicyDocument", span, document));
                        }
                        inline.push(node(item.span, Value::Object(fields)));
                    }
                    properties.push(entry(
                        "Policies",
                        e.key_span,
                        node(e.value.span, Value::Array(inline)),
                    ));
                }
                copy(&mut properties, "permissions_boundary", "PermissionsBoundary");
                copy(&mut properties, "managed_policy_arns", "ManagedPolicyArns");
                copy(&mut properties, "name", "RoleName");
                if let Some(groups) = self.index.memberships.get(planned.address) {
                    properties.push(entry(
                        "Groups",
                        planned.address_span,
                        node(values.span, Value::Array(groups.clone())),
                    ));
                }
            }
            "aws_organizations_policy" => {
                copy(&mut properties, "type", "Type");
                if let Some((span, document)) = self.document(values, "content") {
                    properties.push(entry("Content", span, document));
                }
            }
            "aws_kms_key" => {
                if let Some((span, document)) = self.document(values, "policy") {
                    properties.push(entry("KeyPolicy", span, document));
                }
            }
            "aws_lambda_permission" => {
                for (argument, key) in LAMBDA_PERMISSION {
                    copy(&mut properties, argument, key);
                }
            }
            "aws_cloudwatch_event_permission" => {
                for (argument, key) in EVENT_PERMISSION {
                    copy(&mut properties, argument, key);
                }
                if let Some(e) = values.entry("condition")
                    && let Some(condition) = e.value.as_array().and_then(|a| a.first())
                {
                    let fields = EVENT_CONDITION
                        .iter()
                        .filter_map(|(argument, key)| {
                            let given = condition.entry(argument)?;
                            Some(entry(key, given.key_span, given.value.clone()))
                        })
                        .collect();
                    properties.push(entry(
                        "Condition",
                        e.key_span,
                        node(condition.span, Value::Object(fields)),
                    ));
                }
            }
            _ => {
                let (argument, property) = resource_policy(planned.kind)?;
                if let Some((span, document)) = self.document(values, argument) {
                    properties.push(entry(property, span, document));
                }
            }
        }
        let resource = node(
            planned.span,
            Value::Object(vec![
                entry("Type", planned.address_span, string(planned.address_span, cfn)),
                entry(
                    "Properties",
                    planned.span,
                    node(values.span, Value::Object(properties)),
                ),
            ]),
        );
        Some(entry(planned.address, planned.address_span, resource))
    }

    /// `MasterUserPassword`, as what its configuration says it is.
    fn password(&self, planned: &Planned<'p>) -> Option<Entry> {
        let expressions = self.expressions(planned);
        for argument in PASSWORD_ARGUMENTS {
            let value = planned
                .values
                .entry(argument)
                .filter(|e| e.value.value != Value::Null);
            let expression = expressions.and_then(|e| e.get(argument));
            let key_span = value.map(|e| e.key_span).or(expression.map(|e| e.span));
            let Some(key_span) = key_span else {
                continue;
            };
            let origin = expression.map_or(Origin::Elsewhere, |e| self.origin(e, &planned.module, 0));
            let lowered = match origin {
                Origin::Literal(constant) => match value {
                    Some(value) => value.value.clone(),
                    None => constant.clone(),
                },
                Origin::Variable(name, span) => reference(value.map_or(span, |v| v.value.span), name),
                Origin::Elsewhere => get_att(
                    value.map_or(key_span, |v| v.value.span),
                    planned.address,
                    argument,
                ),
            };
            return Some(entry("MasterUserPassword", key_span, lowered));
        }
        None
    }

    /// `Roles`/`Users`/`Groups` of a policy, from the attachments that name it.
    fn attached(&self, policy: &Planned<'p>) -> Vec<Entry> {
        let mut groups: Vec<Entry> = Vec::new();
        let attachments = self
            .index
            .attachments
            .get(policy.address)
            .map_or(&[][..], Vec::as_slice);
        for attachment in attachments.iter().map(|&at| &self.planned[at]) {
            for (argument, key, kind) in attachment_targets(attachment.kind) {
                let Some(value) = attachment.values.entry(argument) else {
                    continue;
                };
                let items: Vec<&Node> = match &value.value.value {
                    Value::Array(items) => items.iter().collect(),
                    _ => vec![&value.value],
                };
                for item in items {
                    let principal = match self.named(kind, item, &attachment.module) {
                        Some(target) => reference(item.span, target.address),
                        None => item.clone(),
                    };
                    match groups.iter_mut().find(|g| g.key == *key) {
                        Some(group) => {
                            if let Value::Array(list) = &mut group.value.value {
                                list.push(principal);
                            }
                        }
                        None => groups.push(entry(
                            key,
                            value.key_span,
                            node(value.value.span, Value::Array(vec![principal])),
                        )),
                    }
                }
            }
        }
        groups
    }
}
