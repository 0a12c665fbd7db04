//! `iam/redundant-principal`: an assumed-role session principal listed next to the role it
//! belongs to, which already covers every session of that role.

use super::raw;
use crate::finding::Diagnostic;
use crate::model::FileModel;
use crate::rules::Rule;

pub struct RedundantPrincipal;

/// `arn:aws:sts::111122223333:assumed-role/Admin/alice` -> (`aws`, `111122223333`, `Admin`).
fn session_role(arn: &str) -> Option<(&str, &str, &str)> {
    let rest = arn.strip_prefix("arn:")?;
    let mut parts = rest.splitn(5, ':');
    let (partition, service, _, account, resource) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    if service != "sts" {
        return None;
    }
    let role = resource.strip_prefix("assumed-role/")?.split('/').next()?;
    Some((partition, account, role))
}

impl Rule for RedundantPrincipal {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        for doc in &file.policies {
            for statement in doc.statement_nodes() {
                let principals = raw::principals(statement);
                let roles: Vec<(&str, crate::source::Span)> = principals
                    .iter()
                    .filter(|p| p.kind == "AWS")
                    .filter_map(|p| Some((p.node.as_str()?, p.node.span)))
                    .collect();
                for (session, span) in &roles {
                    let Some((partition, account, role)) = session_role(session) else {
                        continue;
                    };
                    // Roles may have a path: arn:aws:iam::111122223333:role/path/Admin.
                    let parent = roles.iter().find(|(arn, _)| {
                        arn.starts_with(&format!("arn:{partition}:iam::{account}:role/"))
                            && arn.rsplit('/').next() == Some(role)
                    });
                    if let Some((_, parent_span)) = parent {
                        out.push(
                            Diagnostic::new(*span, format!("this session of role `{role}` is already covered by the role itself"))
                                .help("remove the session principal, or remove the role if only that session should be trusted")
                                .label(*parent_span, "the role"),
                        );
                    }
                }
            }
        }
    }
}
