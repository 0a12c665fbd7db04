//! `iam/service-principal-without-source`: a resource-based policy that grants an AWS
//! service principal access without saying on whose behalf (the confused deputy problem).

use super::raw;
use crate::finding::Diagnostic;
use crate::model::{FileModel, PolicyKind};
use crate::parse::Node;
use crate::rules::Rule;

/// Keys that tie a service's request to your resource, account or organization.
const SOURCE_KEYS: [&str; 4] = [
    "aws:sourcearn",
    "aws:sourceaccount",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
];

pub struct ServicePrincipalWithoutSource;

impl Rule for ServicePrincipalWithoutSource {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        let resource_policies = file
            .policies
            .iter()
            .filter(|d| matches!(d.kind, PolicyKind::Resource | PolicyKind::KeyPolicy));
        for doc in resource_policies {
            for statement in doc.statement_nodes() {
                if statement.get("Effect").and_then(Node::as_str) != Some("Allow") {
                    continue;
                }
                let keys = raw::condition_keys(statement);
                if keys.iter().any(|(k, _)| SOURCE_KEYS.contains(&k.as_str())) {
                    continue;
                }
                for principal in raw::principals(statement).iter().filter(|p| p.kind == "Service") {
                    let name = principal.text.unwrap_or("the service");
                    out.push(
                        Diagnostic::new(
                            principal.node.span,
                            format!("`{name}` is granted access without `aws:SourceArn`, `aws:SourceAccount`, `aws:SourceOrgID` or `aws:SourceOrgPaths`: it can be made to act for another account"),
                        )
                        .help("add a condition such as `\"StringEquals\": {\"aws:SourceAccount\": \"<your account id>\"}` or `\"ArnLike\": {\"aws:SourceArn\": \"<the resource that calls>\"}`"),
                    );
                }
            }
        }
    }
}
