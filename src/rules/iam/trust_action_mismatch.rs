//! `iam/trust-action-mismatch`: in a role trust policy, an STS action that cannot work for
//! the principal it is granted to.

use super::oidc_trust_unrestricted::oidc_host;
use super::raw;
use crate::finding::Diagnostic;
use crate::model::{FileModel, PolicyKind, action_matches};
use crate::rules::Rule;

pub struct TrustActionMismatch;

/// The assume-role action each kind of principal uses; session actions
/// (sts:TagSession, sts:SetSourceIdentity, sts:SetContext) go with any of them.
const ASSUME: [&str; 3] = [
    "sts:AssumeRole",
    "sts:AssumeRoleWithSAML",
    "sts:AssumeRoleWithWebIdentity",
];
const ROLES_ANYWHERE: [&str; 3] = ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"];

impl Rule for TrustActionMismatch {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        for doc in file.policies.iter().filter(|d| d.kind == PolicyKind::Trust) {
            for (statement, node) in doc.statements.iter().zip(doc.statement_nodes()) {
                let Some(actions) = statement.action.as_ref().filter(|a| !a.negated) else {
                    continue;
                };
                let principals = raw::principals(node);
                let expected = principals.iter().find_map(|p| match (p.kind, p.text) {
                    ("Federated", Some(text)) if text.contains(":saml-provider/") => {
                        Some(("sts:AssumeRoleWithSAML", "a SAML provider"))
                    }
                    ("Federated", Some(text)) if oidc_host(text).is_some() => {
                        Some(("sts:AssumeRoleWithWebIdentity", "an OpenID Connect provider"))
                    }
                    ("AWS" | "Service" | "*", _) => Some(("sts:AssumeRole", "this principal")),
                    _ => None,
                });
                // Mixed principal kinds in one statement: each action fits one of them.
                let kinds: std::collections::BTreeSet<&str> = principals.iter().map(|p| p.kind).collect();
                if let Some((expected, who)) = expected.filter(|_| kinds.len() == 1) {
                    for item in &actions.items {
                        let Some(text) = &item.text else { continue };
                        if text.contains(['*', '?']) {
                            continue;
                        }
                        let assume = ASSUME.iter().find(|a| a.eq_ignore_ascii_case(text));
                        if let Some(assume) = assume.filter(|a| !a.eq_ignore_ascii_case(expected)) {
                            out.push(
                                Diagnostic::new(item.span, format!("`{assume}` does not work for {who}"))
                                    .help(format!("{who} assumes a role with `{expected}`")),
                            );
                        }
                    }
                }
                let roles_anywhere = principals.iter().any(|p| {
                    p.kind == "Service"
                        && p.text
                            .is_some_and(|t| t.eq_ignore_ascii_case("rolesanywhere.amazonaws.com"))
                });
                if roles_anywhere {
                    let missing: Vec<&str> = ROLES_ANYWHERE
                        .iter()
                        .copied()
                        .filter(|needed| {
                            !actions
                                .items
                                .iter()
                                .any(|i| i.text.as_deref().is_some_and(|t| action_matches(t, needed)))
                                && actions.items.iter().all(|i| i.text.is_some())
                        })
                        .collect();
                    if !missing.is_empty() {
                        let list = missing
                            .iter()
                            .map(|a| format!("`{a}`"))
                            .collect::<Vec<_>>()
                            .join(", ");
                        out.push(
                            Diagnostic::new(actions.span, format!("IAM Roles Anywhere also needs {list} in this trust policy"))
                                .help("Roles Anywhere calls sts:AssumeRole, sts:SetSourceIdentity and sts:TagSession when it creates a session"),
                        );
                    }
                }
            }
        }
    }
}
