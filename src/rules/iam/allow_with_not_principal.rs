//! `iam/allow-with-not-principal`: an `Allow` statement with `NotPrincipal`, which grants
//! access to every principal but the ones it lists, anonymous users included.

use crate::finding::Diagnostic;
use crate::model::{FileModel, PolicyKind};
use crate::parse::Node;
use crate::rules::Rule;

pub struct AllowWithNotPrincipal;

impl Rule for AllowWithNotPrincipal {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        for doc in &file.policies {
            // Where `NotPrincipal` is not allowed at all, `iam/element-not-allowed` reports it.
            if matches!(
                doc.kind,
                PolicyKind::Identity
                    | PolicyKind::Trust
                    | PolicyKind::ServiceControl
                    | PolicyKind::ResourceControl
            ) {
                continue;
            }
            for statement in doc.statement_nodes() {
                if statement.get("Effect").and_then(Node::as_str) != Some("Allow") {
                    continue;
                }
                let Some(entry) = statement.entry("NotPrincipal") else {
                    continue;
                };
                let mut diagnostic = Diagnostic::new(
                    entry.key_span,
                    "`Allow` with `NotPrincipal` grants access to every principal not listed, anonymous users included",
                )
                .help("name the principals to allow in `Principal` instead");
                if let Some(effect) = statement.entry("Effect") {
                    diagnostic = diagnostic.label(effect.value.span, "this statement allows");
                }
                out.push(diagnostic);
            }
        }
    }
}
