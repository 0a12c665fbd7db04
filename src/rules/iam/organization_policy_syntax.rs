//! `iam/organization-policy-syntax`: the grammar that AWS Organizations adds for service
//! control policies and resource control policies.

use crate::catalog::Catalog;
use crate::finding::Diagnostic;
use crate::model::{Effect, FileModel, PolicyKind};
use crate::rules::Rule;

pub struct OrganizationPolicySyntax;

impl Rule for OrganizationPolicySyntax {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        for doc in &file.policies {
            match doc.kind {
                PolicyKind::ServiceControl => {
                    for statement in &doc.statements {
                        for item in statement.action.iter().flat_map(|a| &a.items) {
                            let Some(text) = &item.text else { continue };
                            // SCPs accept a wildcard only as the last character of an action.
                            let body = text.trim_end_matches('*');
                            if text != "*" && body.contains(['*', '?']) {
                                out.push(
                                    Diagnostic::new(
                                        item.span,
                                        format!("`{text}` has a wildcard before its end, which service control policies do not accept"),
                                    )
                                    .help("in an SCP, use `*` only at the end of an action (`s3:Get*`), or list the actions"),
                                );
                            }
                        }
                    }
                }
                PolicyKind::ResourceControl => check_rcp(doc, out),
                _ => {}
            }
        }
    }
}

fn check_rcp(doc: &crate::model::PolicyDocument<'_>, out: &mut Vec<Diagnostic>) {
    let supported = &Catalog::global().version.rcp_services;
    for (statement, node) in doc.statements.iter().zip(doc.statement_nodes()) {
        // `NotPrincipal` in an RCP is iam/element-not-allowed's finding.
        if let Some(entry) = node.entry("Principal")
            && entry.value.as_str() != Some("*")
        {
            out.push(
                Diagnostic::new(
                    entry.value.span,
                    "the `Principal` of a resource control policy must be \"*\"",
                )
                .help("restrict principals with condition keys such as `aws:PrincipalOrgID` instead"),
            );
        }
        if let Some(action) = statement.action.as_ref().filter(|a| a.negated) {
            out.push(Diagnostic::new(
                action.key_span,
                "resource control policies do not accept `NotAction`",
            ));
        }
        if statement.is(Effect::Allow) {
            let resource_star = node.get("Resource").and_then(|r| r.as_str()) == Some("*");
            let action_star = node.get("Action").and_then(|a| a.as_str()) == Some("*");
            if !resource_star || !action_star || node.entry("Condition").is_some() {
                let span = node.entry("Effect").map_or(statement.span, |e| e.value.span);
                out.push(
                    Diagnostic::new(
                        span,
                        "an `Allow` in a resource control policy must be `\"Action\": \"*\"`, `\"Resource\": \"*\"` without `Condition`",
                    )
                    .help("RCPs restrict with Deny statements; the only Allow is the RCPFullAWSAccess form"),
                );
            }
        }
        for item in statement.action.iter().flat_map(|a| &a.items) {
            let Some(text) = &item.text else { continue };
            let Some((prefix, _)) = text.split_once(':') else {
                continue;
            };
            if prefix.contains(['*', '?']) || supported.is_empty() {
                continue;
            }
            if !supported.iter().any(|s| s.eq_ignore_ascii_case(prefix)) {
                out.push(Diagnostic::new(
                    item.span,
                    format!("resource control policies do not apply to `{prefix}` actions"),
                ));
            }
        }
    }
}
