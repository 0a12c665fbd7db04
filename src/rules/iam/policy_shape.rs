//! What the principal, element and size rules share: the raw statements of a document, the
//! policy type a document really is (a plain file with a `Principal` is resource-based),
//! the template resource that holds it, and the shapes of principal values.

use crate::model::{FileModel, PolicyDocument, PolicyKind, Resource};
use crate::parse::{Entry, Node, Value};

/// The principal types IAM accepts as keys of a `Principal` object (case-sensitive).
pub const PRINCIPAL_TYPES: [&str; 4] = ["AWS", "Service", "Federated", "CanonicalUser"];

/// The `Principal` and `NotPrincipal` entries of a statement, in source order.
pub fn principal_entries(statement: &Node) -> impl Iterator<Item = &Entry> {
    statement
        .as_object()
        .unwrap_or_default()
        .iter()
        .filter(|e| e.key == "Principal" || e.key == "NotPrincipal")
}

/// Whether any statement of the document names a principal.
pub fn names_principal(doc: &PolicyDocument<'_>) -> bool {
    doc.statement_nodes()
        .iter()
        .any(|s| principal_entries(s).next().is_some())
}

/// The policy type a document is: a plain policy file is resource-based when it names a
/// principal, and an identity policy otherwise.
pub fn effective_kind(doc: &PolicyDocument<'_>) -> PolicyKind {
    match doc.kind {
        PolicyKind::Unspecified if names_principal(doc) => PolicyKind::Resource,
        PolicyKind::Unspecified => PolicyKind::Identity,
        kind => kind,
    }
}

/// The template resource that holds the document, if it comes from a template.
pub fn owner<'f>(file: &'f FileModel<'_>, doc: &PolicyDocument<'_>) -> Option<&'f Resource<'f>> {
    let id = doc.owner.as_deref()?;
    file.template.as_ref()?.resource(id)
}

/// One value of a principal: a literal string (numbers are accepted as CloudFormation
/// turns an unquoted account id into a string), an unknown (intrinsic function), or a
/// value of the wrong type.
pub enum PrincipalValue<'a> {
    Literal(&'a Node, String),
    Unknown,
    WrongType,
}

/// The values of one principal type (`"AWS": "..."` or `"AWS": [...]`).
pub fn principal_values(node: &Node) -> Vec<PrincipalValue<'_>> {
    match &node.value {
        Value::Array(items) => items.iter().map(principal_value).collect(),
        _ => vec![principal_value(node)],
    }
}

fn principal_value(node: &Node) -> PrincipalValue<'_> {
    if node.intrinsic().is_some() {
        return PrincipalValue::Unknown;
    }
    match &node.value {
        Value::String(s) | Value::Number(s) => PrincipalValue::Literal(node, s.clone()),
        _ => PrincipalValue::WrongType,
    }
}

/// A value that a templating tool fills in later (`${AccountId}`, `{{ account }}`): not a
/// literal IAM sees.
pub fn is_placeholder(text: &str) -> bool {
    text.contains("${") || text.contains("{{") || text.contains("<%")
}

/// A 12-digit AWS account id.
pub fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

/// An AWS partition name in an ARN (`aws`, `aws-cn`, `aws-us-gov`, `aws-iso-b`, ...).
pub fn is_partition(text: &str) -> bool {
    text == "aws"
        || text
            .strip_prefix("aws-")
            .is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'))
}

/// `arn:<partition>:<service>::<account>:<resource>` split into service, account and
/// resource, for the global (region-less) IAM and STS ARNs.
pub fn global_arn(text: &str) -> Option<(&str, &str, &str)> {
    let mut parts = text.splitn(6, ':');
    let (arn, partition, service, region, account, resource) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    (arn == "arn" && is_partition(partition) && region.is_empty()).then_some((service, account, resource))
}

/// The kind of IAM entity a unique id stands for (`AROA...` a role, `AIDA...` a user).
pub fn unique_id_kind(text: &str) -> Option<&'static str> {
    let kind = if text.starts_with("AROA") {
        "role"
    } else if text.starts_with("AIDA") {
        "user"
    } else {
        return None;
    };
    let well_formed = (16..=128).contains(&text.len())
        && text.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    well_formed.then_some(kind)
}

/// The DNS suffixes of AWS service principals across partitions (`ec2.amazonaws.com`,
/// `ec2.amazonaws.com.cn`, `alexa-appkit.amazon.com`, the ISO and European Sovereign Cloud
/// partitions).
const SERVICE_SUFFIXES: [&str; 8] = [
    ".amazonaws.com",
    ".amazonaws.com.cn",
    ".amazon.com",
    ".c2s.ic.gov",
    ".sc2s.sgov.gov",
    ".cloud.adc-e.uk",
    ".csp.hci.ic.gov",
    ".amazonaws.eu",
];

/// A host name: dot-separated labels of letters, digits and hyphens.
pub fn is_host_name(text: &str) -> bool {
    !text.is_empty()
        && text.split('.').all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// A service principal: `<service>[.<region>].<AWS suffix>`, such as `ec2.amazonaws.com`,
/// `states.eu-west-1.amazonaws.com` or `ec2.amazonaws.com.cn`.
pub fn is_service_principal(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    SERVICE_SUFFIXES
        .iter()
        .any(|suffix| lower.strip_suffix(suffix).is_some_and(is_host_name))
}

/// A federated principal: an identity provider's domain (`accounts.google.com`,
/// `cognito-identity.amazonaws.com`, `oidc.eks.us-east-1.amazonaws.com/id/ABC`) or the ARN
/// of a SAML or OIDC provider of IAM.
pub fn is_federated_principal(text: &str) -> bool {
    if text.starts_with("arn:") {
        return global_arn(text).is_some_and(|(service, account, resource)| {
            service == "iam"
                && is_account_id(account)
                && (resource.starts_with("saml-provider/") || resource.starts_with("oidc-provider/"))
                && resource.split_once('/').is_some_and(|(_, name)| !name.is_empty())
        });
    }
    let host = text.split_once('/').map_or(text, |(host, _)| host);
    host.contains('.') && is_host_name(host) && !text.contains(char::is_whitespace)
}

/// An `AWS` principal that IAM can resolve: `*`, an account id, or an IAM or STS ARN of an
/// account (`arn:aws:iam::123456789012:root`, `...:role/Name`,
/// `arn:aws:sts::123456789012:assumed-role/Role/session`).
pub fn is_aws_principal(text: &str) -> bool {
    if text == "*" || is_account_id(text) {
        return true;
    }
    global_arn(text).is_some_and(|(service, account, resource)| {
        // The legacy CloudFront origin access identities live in a pseudo-account:
        // `arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E1234`.
        if account == "cloudfront" {
            return service == "iam" && resource.starts_with("user/CloudFront Origin Access Identity ");
        }
        is_account_id(account)
            && !resource.is_empty()
            && match service {
                "iam" => true,
                "sts" => resource.starts_with("assumed-role/") || resource.starts_with("federated-user/"),
                _ => false,
            }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_principals() {
        for ok in [
            "ec2.amazonaws.com",
            "states.eu-west-1.amazonaws.com",
            "ec2.amazonaws.com.cn",
            "delivery.logs.amazonaws.com",
            "alexa-appkit.amazon.com",
        ] {
            assert!(is_service_principal(ok), "{ok}");
        }
        for bad in [
            "ec2",
            "amazonaws.com",
            "ec2.amazonaws.org",
            "ec2 .amazonaws.com",
            "arn:aws:iam::1:root",
        ] {
            assert!(!is_service_principal(bad), "{bad}");
        }
    }

    #[test]
    fn aws_principals() {
        for ok in [
            "*",
            "123456789012",
            "arn:aws:iam::123456789012:root",
            "arn:aws-cn:iam::123456789012:role/path/Name",
            "arn:aws:sts::123456789012:assumed-role/Role/session",
            "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E15MNIMTCFKK4C",
        ] {
            assert!(is_aws_principal(ok), "{ok}");
        }
        for bad in [
            "12345",
            "arn:aws:iam::12345:root",
            "arn:aws:s3:::bucket",
            "arn:aws:sts::123456789012:role/x",
            "root",
            "arn:aws:iam:us-east-1:123456789012:root",
            "arn:aws:iam::cloudfront:role/x",
        ] {
            assert!(!is_aws_principal(bad), "{bad}");
        }
    }

    #[test]
    fn federated_principals() {
        for ok in [
            "cognito-identity.amazonaws.com",
            "accounts.google.com",
            "token.actions.githubusercontent.com",
            "oidc.eks.us-east-1.amazonaws.com/id/ABCDEF",
            "arn:aws:iam::123456789012:saml-provider/Okta",
            "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
        ] {
            assert!(is_federated_principal(ok), "{ok}");
        }
        for bad in [
            "google",
            "arn:aws:iam::123456789012:role/x",
            "arn:aws:iam::123456789012:saml-provider/",
        ] {
            assert!(!is_federated_principal(bad), "{bad}");
        }
    }

    #[test]
    fn unique_ids() {
        assert_eq!(unique_id_kind("AROA1234567890EXAMPLE"), Some("role"));
        assert_eq!(unique_id_kind("AIDAJQABLZS4A3QDU576Q"), Some("user"));
        assert_eq!(unique_id_kind("AROA"), None);
        assert_eq!(unique_id_kind("arn:aws:iam::123456789012:root"), None);
    }
}
