//! `iam/element-not-allowed`: a policy element that the document's policy type does not
//! accept: a principal in an identity policy or a service control policy, `NotPrincipal`
//! in a resource control policy or a role trust policy, a resource in a role trust policy.

use crate::finding::Diagnostic;
use crate::model::{FileModel, PolicyKind};
use crate::rules::Rule;

pub struct ElementNotAllowed;

/// Why `element` is not accepted by a policy of this type, if it is not.
fn refusal(kind: PolicyKind, rcp: bool, element: &str) -> Option<&'static str> {
    match (kind, element) {
        (PolicyKind::Identity, "Principal" | "NotPrincipal") => Some(
            "an identity policy applies to the user, group or role it is attached to, so it cannot name a principal",
        ),
        (PolicyKind::ServiceControl, "NotPrincipal") if rcp => {
            Some("a resource control policy does not support `NotPrincipal`")
        }
        (PolicyKind::ServiceControl, "Principal" | "NotPrincipal") if !rcp => Some(
            "a service control policy applies to the principals of the accounts it is attached to, so it cannot name a principal",
        ),
        (PolicyKind::Trust, "NotPrincipal") => Some("a role trust policy does not support `NotPrincipal`"),
        (PolicyKind::Trust, "Resource" | "NotResource") => {
            Some("the resource of a role trust policy is the role itself, so it cannot name one")
        }
        _ => None,
    }
}

impl Rule for ElementNotAllowed {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        for doc in &file.policies {
            // A plain file with no statements has no type; it forbids nothing.
            if doc.kind == PolicyKind::Unspecified {
                continue;
            }
            // RCPs follow the SCP grammar here, except that they may name `Principal: "*"`.
            let (kind, rcp) = match doc.kind {
                PolicyKind::ResourceControl => (PolicyKind::ServiceControl, true),
                other => (other, false),
            };
            let policy_type = match kind {
                PolicyKind::Identity => "an identity policy",
                PolicyKind::Trust => "a role trust policy",
                PolicyKind::ServiceControl if rcp => "a resource control policy",
                PolicyKind::ServiceControl => "a service control policy",
                _ => continue,
            };
            for statement in doc.statement_nodes() {
                for entry in statement.as_object().unwrap_or_default() {
                    let Some(why) = refusal(kind, rcp, &entry.key) else {
                        continue;
                    };
                    let help = match entry.key.as_str() {
                        "Resource" | "NotResource" => format!("remove `{}`; {why}", entry.key),
                        "NotPrincipal" if kind == PolicyKind::ServiceControl && rcp => {
                            "use `\"Principal\": \"*\"` with a condition on `aws:PrincipalArn` or `aws:PrincipalAccount` instead".to_string()
                        }
                        "NotPrincipal" if kind == PolicyKind::Trust => {
                            "name the principals that may assume the role in `Principal` instead".to_string()
                        }
                        _ if kind == PolicyKind::ServiceControl => format!(
                            "remove `{}`; {why}. To exempt principals, use a condition on `aws:PrincipalArn`",
                            entry.key
                        ),
                        _ => format!("remove `{}`; {why}", entry.key),
                    };
                    out.push(
                        Diagnostic::new(
                            entry.key_span,
                            format!("`{}` is not allowed in {policy_type}", entry.key),
                        )
                        .help(help),
                    );
                }
            }
        }
    }
}
