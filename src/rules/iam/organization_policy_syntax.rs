//! `iam/organization-policy-syntax`: the grammar that AWS Organizations adds for resource
//! control policies (service control policies accept the full IAM language since 2025).

use crate::catalog::Catalog;
use crate::finding::Diagnostic;
use crate::model::{Effect, FileModel, PolicyKind};
use crate::rules::Rule;

pub struct OrganizationPolicySyntax;

impl Rule for OrganizationPolicySyntax {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        for doc in file
            .policies
            .iter()
            .filter(|d| d.kind == PolicyKind::ResourceControl)
        {
            // Service control policies have no grammar of their own since September 2025:
            // "you can now use wildcards at the beginning or middle of the Action element
            // strings" (AWS Security Blog, "AWS Organizations service control policy now
            // supports full IAM language"), and the SCP syntax page lists `Resource`,
            // `Condition` and `NotAction` for both effects. A `Principal` in an SCP is
            // iam/element-not-allowed's finding.
            check_rcp(doc, out);
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
