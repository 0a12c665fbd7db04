//! `rds/missing-kms-key-permissions`: a database encrypts its managed secret with a
//! customer managed key of the template, and a principal that creates or modifies
//! databases may not use that key.

use super::edit::{NewResource, NewStatement};
use super::{
    EVALUATION_BUDGET, ManageFlag, add_statements, db_resources, deciding, describe, evaluation_cost,
    join_actions, key_request, manage_flag,
};
use crate::eval::{Context, Decision};
use crate::finding::Diagnostic;
use crate::model::{
    ACCOUNT, Effect, Language, PolicyDocument, PolicyKind, Principal, Project, Template, Visibility,
    deploy_time_pattern,
};
use crate::parse::Node;
use crate::rules::budget::thousands;
use crate::rules::probe::{Access, Probe, REGION, Unseen};
use crate::rules::{Budget, Rule};

/// What the caller needs when it names a customer managed key for the secret (RDS User
/// Guide, "Permissions required for Secrets Manager integration").
pub const KEY_PERMISSIONS: [&str; 3] = ["kms:Decrypt", "kms:GenerateDataKey", "kms:CreateGrant"];

/// The actions after which RDS encrypts the secret with the key.
const DB_WRITES: [&str; 4] = [
    "rds:CreateDBInstance",
    "rds:CreateDBCluster",
    "rds:ModifyDBInstance",
    "rds:ModifyDBCluster",
];

pub struct MissingKmsKeyPermissions;

impl Rule for MissingKmsKeyPermissions {
    fn check_project(&self, project: &Project<'_, '_>, out: &mut Vec<Diagnostic>) {
        let mut budget = Budget::new(EVALUATION_BUDGET);
        for (index, file) in project.files.iter().enumerate() {
            let Some(file) = file else { continue };
            let Some(template) = &file.template else { continue };
            let writers: Vec<&Principal<'_, '_>> = project
                .principals
                .iter()
                .filter(|p| p.file == Some(index) && p.logical_id.is_some())
                .collect();
            if writers.is_empty() {
                continue;
            }
            for db in db_resources(template) {
                if matches!(manage_flag(db), ManageFlag::Absent | ManageFlag::False) {
                    continue;
                }
                let Some(key_node) = db.property("MasterUserSecret").and_then(|m| m.get("KmsKeyId")) else {
                    continue;
                };
                // Only a key of the template has a key policy iamlint can read.
                let Some(key_id) = template_key(template, key_node) else {
                    continue;
                };
                let key_policy = file
                    .policies
                    .iter()
                    .find(|d| d.kind == PolicyKind::KeyPolicy && d.owner.as_deref() == Some(key_id));
                let key_arn = format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/{key_id}");
                for principal in &writers {
                    // Every database with a key asks every writer: bounded like the
                    // other rules' principals.
                    if !budget.spend(evaluation_cost(principal)) {
                        out.push(Diagnostic::analysis_limit(
                            db.id_span,
                            format!(
                                "evaluating the principals that write databases with keys took more than {} statements; this database and the ones after it were not checked",
                                thousands(EVALUATION_BUDGET)
                            ),
                        ));
                        return;
                    }
                    let probe = Probe::new(principal, Unseen::Nothing);
                    let write = DB_WRITES.iter().find_map(|action| {
                        let evaluation = probe.evaluate(&key_request(&probe, action, Some(true)));
                        (evaluation.decision == Decision::Allow)
                            .then(|| (action, deciding(&evaluation, Effect::Allow)))
                    });
                    let Some((action, write_span)) = write else {
                        continue;
                    };
                    // What the key policy says of each permission, asked once.
                    let by_key: Vec<(&str, KeyGrant)> = KEY_PERMISSIONS
                        .into_iter()
                        .map(|permission| {
                            let grant = key_policy.map_or(KeyGrant::Delegates, |doc| {
                                key_policy_grant(doc, permission, principal, template)
                            });
                            (permission, grant)
                        })
                        .collect();
                    let missing: Vec<&str> = by_key
                        .iter()
                        .filter(|(permission, grant)| {
                            match grant {
                                KeyGrant::Principal => false,
                                KeyGrant::Nobody => true,
                                // Policies iamlint cannot read may grant it.
                                KeyGrant::Delegates => {
                                    principal.visibility != Visibility::Partial
                                        && probe.access(permission, std::slice::from_ref(&key_arn))
                                            == Access::Denied
                                }
                            }
                        })
                        .map(|(permission, _)| *permission)
                        .collect();
                    if missing.is_empty() {
                        continue;
                    }
                    let delegates = by_key.iter().all(|(_, grant)| *grant != KeyGrant::Nobody);
                    let why = if delegates {
                        "its policies do not allow them"
                    } else {
                        "the key policy neither names it nor delegates to IAM through the account root"
                    };
                    let name = principal.name.clone().unwrap_or_default();
                    let mut diagnostic = Diagnostic::new(
                        key_node.span,
                        format!(
                            "{} encrypts its managed secret with key `{key_id}`, but {name} may call `{action}` and is not allowed {} on that key ({why}): the request fails",
                            describe(template, db),
                            join_actions(&missing),
                        ),
                    )
                    .help(format!(
                        "allow {} on the key for {name}: in the key policy, or in its IAM policies when the key policy delegates to the account root",
                        join_actions(&missing)
                    ));
                    if let Some(span) = write_span {
                        diagnostic = diagnostic.label(span, format!("allows `{action}`"));
                    }
                    if let Some(doc) = key_policy {
                        diagnostic = diagnostic.label(doc.span, "the key policy");
                    }
                    // Only when the key policy delegates to IAM can the principal's own
                    // policy grant the key, and only where no Deny takes it away.
                    let denied = missing.iter().any(|p| {
                        probe.decide(&probe.request(p, &key_arn, Context::new())) == Decision::ExplicitDeny
                    });
                    if let Some(anchor) =
                        write_span.filter(|s| delegates && !denied && s.file == key_node.span.file)
                    {
                        let key = match template.language {
                            Language::CloudFormation => NewResource::GetAtt(key_id.to_string()),
                            Language::Terraform => NewResource::Expression(format!("{key_id}.arn")),
                        };
                        let statement = NewStatement {
                            sid: "RdsManagedPasswordKey".to_string(),
                            actions: missing.clone(),
                            resources: vec![key],
                        };
                        let message = format!(
                            "allow {} on key `{key_id}` in a new statement of the policy that allows `{action}`",
                            join_actions(&missing)
                        );
                        if let Some(fix) =
                            add_statements(project, principal, anchor, vec![statement], message)
                        {
                            diagnostic = diagnostic.fix(fix);
                        }
                    }
                    out.push(diagnostic);
                }
            }
        }
    }
}

/// The logical id of the `AWS::KMS::Key` that a `KmsKeyId` value names: `Ref` (the key or
/// an alias of it), `Fn::GetAtt [Key, Arn]`, or `Fn::Sub "${Key.Arn}"`.
fn template_key<'a>(template: &Template<'a>, node: &Node) -> Option<&'a str> {
    let target: String = match node.intrinsic()? {
        ("Ref", target) => target.as_str()?.to_string(),
        ("Fn::GetAtt", operand) => match operand.as_array() {
            Some([id, _]) => id.as_str()?.to_string(),
            _ => operand.as_str()?.split('.').next()?.to_string(),
        },
        ("Fn::Sub", body) => {
            let body = body.as_str()?.trim();
            let inner = body.strip_prefix("${")?.strip_suffix('}')?;
            inner.split('.').next()?.to_string()
        }
        _ => return None,
    };
    let resource = template.resource(&target)?;
    if resource.is_type(&["AWS::KMS::Alias"]) {
        return template_key(template, resource.property("TargetKeyId")?);
    }
    resource
        .is_type(&["AWS::KMS::Key"])
        .then_some(resource.logical_id)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KeyGrant {
    /// The key policy allows the principal itself (or everyone).
    Principal,
    /// The key policy allows the account root: IAM policies decide.
    Delegates,
    /// The key policy allows neither.
    Nobody,
}

/// What a key policy says about `action` for a principal of the template. Conditions of
/// the key policy are not judged: a grant under a condition counts.
fn key_policy_grant(
    doc: &PolicyDocument<'_>,
    action: &str,
    principal: &Principal<'_, '_>,
    template: &Template<'_>,
) -> KeyGrant {
    let mut best = KeyGrant::Nobody;
    for (statement, node) in doc.statements.iter().zip(doc.statement_nodes()) {
        if !statement.is(Effect::Allow) || statement.covers_action(action) == Some(false) {
            continue;
        }
        let Some(element) = node.get("Principal") else {
            continue;
        };
        if element.as_str() == Some("*") {
            return KeyGrant::Principal;
        }
        for value in element
            .get("AWS")
            .map(|v| {
                v.as_array()
                    .map_or_else(|| vec![v], |items| items.iter().collect())
            })
            .unwrap_or_default()
        {
            match names(value, principal, template) {
                KeyGrant::Principal => return KeyGrant::Principal,
                KeyGrant::Delegates => best = KeyGrant::Delegates,
                KeyGrant::Nobody => {}
            }
        }
    }
    best
}

/// Whether one `AWS` principal value names the principal, or the account root.
fn names(value: &Node, principal: &Principal<'_, '_>, template: &Template<'_>) -> KeyGrant {
    let own = principal.logical_id.as_deref();
    let text = match value.intrinsic() {
        Some(("Fn::GetAtt", operand)) => {
            let id = match operand.as_array() {
                Some([id, _]) => id.as_str(),
                _ => operand.as_str().and_then(|s| s.split('.').next()),
            };
            return if id.is_some() && id == own {
                KeyGrant::Principal
            } else {
                KeyGrant::Nobody
            };
        }
        Some(("Fn::Sub", body))
            if body
                .as_str()
                .is_some_and(|b| own.is_some_and(|id| b.contains(&format!("${{{id}.Arn}}")))) =>
        {
            return KeyGrant::Principal;
        }
        // A role's name (`Ref Role`) is not a principal ARN.
        Some(("Ref", target)) if target.as_str().is_some_and(|t| template.resource(t).is_some()) => {
            return KeyGrant::Nobody;
        }
        _ => match deploy_time_pattern(value) {
            Some(text) => text,
            None => return KeyGrant::Nobody,
        },
    };
    // A value only known at deploy time (a parameter) may be the principal.
    if text.contains('*') {
        return KeyGrant::Principal;
    }
    if text == "*" || text == principal.arn {
        KeyGrant::Principal
    } else if text == ACCOUNT || text == format!("arn:aws:iam::{ACCOUNT}:root") {
        KeyGrant::Delegates
    } else {
        KeyGrant::Nobody
    }
}
