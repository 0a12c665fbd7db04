//! `iam/allow-with-not-resource`: an Allow with `NotResource` grants every other resource,
//! including resources created later.

use crate::finding::Diagnostic;
use crate::model::{Effect, FileModel};
use crate::rules::Rule;

pub struct AllowWithNotResource;

impl Rule for AllowWithNotResource {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        for statement in file.statements() {
            let Some(list) = statement.resource.as_ref().filter(|r| r.negated) else {
                continue;
            };
            if !statement.is(Effect::Allow) {
                continue;
            }
            out.push(
                Diagnostic::new(
                    list.key_span,
                    "Allow with `NotResource` grants the actions on every resource not listed, including resources created later",
                )
                .help("list the resources to grant in `Resource`; keep `NotResource` only for a deliberate \"everywhere except\" grant"),
            );
        }
    }
}
