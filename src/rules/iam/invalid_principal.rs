//! `iam/invalid-principal`: a `Principal` or `NotPrincipal` that IAM cannot resolve: an
//! unknown principal type, a value of the wrong shape, a wildcard where none is allowed,
//! a federated principal outside a role trust policy.

use crate::finding::Diagnostic;
use crate::model::{FileModel, PolicyKind};
use crate::parse::{Entry, Node, Value};
use crate::rules::Rule;

use super::nearest;
use super::policy_shape::{
    PRINCIPAL_TYPES, PrincipalValue, is_aws_principal, is_federated_principal, is_placeholder,
    is_service_principal, principal_values, unique_id_kind,
};

pub struct InvalidPrincipal;

impl Rule for InvalidPrincipal {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        for doc in &file.policies {
            for statement in doc.statement_nodes() {
                for entry in statement.as_object().unwrap_or_default() {
                    if entry.key == "Principal" || entry.key == "NotPrincipal" {
                        // `*` in a trust policy is only a problem where it grants: an
                        // unconditional Allow (a Deny with `*` is a guard).
                        let grants_everyone = statement.get("Effect").and_then(Node::as_str) == Some("Allow")
                            && statement.entry("Condition").is_none();
                        check_element(doc.kind, entry, grants_everyone, out);
                    }
                }
            }
        }
    }
}

fn check_element(kind: PolicyKind, element: &Entry, grants_everyone: bool, out: &mut Vec<Diagnostic>) {
    let value = &element.value;
    if value.intrinsic().is_some() {
        return;
    }
    let trust_wildcard = |span, out: &mut Vec<Diagnostic>| {
        if kind == PolicyKind::Trust && element.key == "Principal" && grants_everyone {
            out.push(
                Diagnostic::new(span, "a role trust policy cannot trust every principal with `*`")
                    .help("name the accounts, roles or services that may assume the role"),
            );
        }
    };
    match &value.value {
        Value::String(s) if s == "*" => trust_wildcard(value.span, out),
        Value::String(s) if is_placeholder(s) => {}
        Value::Object(entries) => {
            for entry in entries {
                if !PRINCIPAL_TYPES.contains(&entry.key.as_str()) {
                    let mut diagnostic =
                        Diagnostic::new(entry.key_span, format!("`{}` is not a principal type", entry.key));
                    diagnostic = match nearest(&entry.key, PRINCIPAL_TYPES.into_iter()) {
                        Some(near) => diagnostic.help(format!(
                            "did you mean `{near}`? Principal types are case-sensitive: AWS, Service, Federated or CanonicalUser"
                        )),
                        None => diagnostic.help("use AWS, Service, Federated or CanonicalUser"),
                    };
                    out.push(diagnostic);
                    continue;
                }
                check_values(kind, entry, &trust_wildcard, out);
            }
        }
        // Any other shape is a type error, reported by iam/invalid-element-type.
        _ => {}
    }
}

fn check_values(
    kind: PolicyKind,
    entry: &Entry,
    trust_wildcard: &impl Fn(crate::source::Span, &mut Vec<Diagnostic>),
    out: &mut Vec<Diagnostic>,
) {
    let principal_type = entry.key.as_str();
    if principal_type == "Federated"
        && matches!(
            kind,
            PolicyKind::KeyPolicy | PolicyKind::Resource | PolicyKind::ServiceControl
        )
    {
        let policy = match kind {
            PolicyKind::KeyPolicy => "a key policy",
            PolicyKind::ServiceControl => "a service control policy",
            _ => "a resource-based policy",
        };
        out.push(
            Diagnostic::new(
                entry.key_span,
                format!("a federated principal is not supported in {policy}: only a role trust policy can trust one"),
            )
            .help("let the federated users assume a role, and grant access to that role instead"),
        );
        return;
    }
    for value in principal_values(&entry.value) {
        let (node, text) = match value {
            PrincipalValue::Literal(node, text) => (node, text),
            PrincipalValue::Unknown => continue,
            // A type error, reported by iam/invalid-element-type.
            PrincipalValue::WrongType => continue,
        };
        if is_placeholder(&text) {
            continue;
        }
        if let Some(diagnostic) = check_value(principal_type, node, &text) {
            out.push(diagnostic);
        } else if principal_type == "AWS" && text == "*" {
            trust_wildcard(node.span, out);
        }
    }
}

fn check_value(principal_type: &str, node: &Node, text: &str) -> Option<Diagnostic> {
    let wildcard = text.contains(['*', '?']);
    match principal_type {
        "Service" | "Federated" | "CanonicalUser" if wildcard => Some(
            Diagnostic::new(
                node.span,
                format!("a `{principal_type}` principal cannot contain a wildcard"),
            )
            .help("name each principal in full; a wildcard is only accepted as the whole `\"*\"` principal or `{\"AWS\": \"*\"}`"),
        ),
        "AWS" if wildcard && text != "*" => Some(
            Diagnostic::new(node.span, format!("`{text}` uses a wildcard inside an AWS principal, which IAM does not match"))
                .help("name each account, role or user in full, or use `\"*\"` with a condition such as `aws:PrincipalArn` (`ArnLike` accepts wildcards)"),
        ),
        "Service" if !is_service_principal(text) => Some(
            Diagnostic::new(node.span, format!("`{text}` is not a service principal"))
                .help("a service principal has the form `<service>.amazonaws.com`, for example `ec2.amazonaws.com`"),
        ),
        "Federated" if !is_federated_principal(text) => Some(
            Diagnostic::new(node.span, format!("`{text}` is not a federated principal"))
                .help("use the identity provider's domain (`cognito-identity.amazonaws.com`, `accounts.google.com`) or the ARN of an IAM SAML or OIDC provider"),
        ),
        // Unique ids have their own rule, `iam/principal-unique-id`.
        "AWS" if !is_aws_principal(text) && unique_id_kind(text).is_none() => Some(
            Diagnostic::new(node.span, format!("`{text}` is not an AWS principal"))
                .help("use `*`, a 12-digit account id, or the ARN of an account, user or role (`arn:aws:iam::123456789012:role/Name`)"),
        ),
        _ => None,
    }
}
