//! `iam/allow-with-not-action`: an Allow with `NotAction` grants every other action,
//! including actions added later.

use crate::finding::Diagnostic;
use crate::model::{Effect, FileModel};
use crate::rules::Rule;

pub struct AllowWithNotAction;

impl Rule for AllowWithNotAction {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        for statement in file.statements() {
            let Some(list) = statement.action.as_ref().filter(|a| a.negated) else {
                continue;
            };
            if !statement.is(Effect::Allow) {
                continue;
            }
            out.push(
                Diagnostic::new(
                    list.key_span,
                    "Allow with `NotAction` grants every action not listed, including actions AWS adds later",
                )
                .help("list the actions to grant in `Action`; keep `NotAction` only for a deliberate \"everything except\" grant"),
            );
        }
    }
}
