//! `iam/unknown-service`: an action whose service prefix is not an AWS service.

use super::ActionRef;
use super::actions::{Spelling, action_lists, literal_items};
use crate::finding::Diagnostic;
use crate::model::FileModel;
use crate::rules::{Rule, shared};

pub struct UnknownService;

impl Rule for UnknownService {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        let table = shared::actions(file);
        for (_, list) in action_lists(file) {
            for (item, text) in literal_items(list) {
                let ActionRef::UnknownService { prefix } = &*table.get(text) else {
                    continue;
                };
                let name = text.split_once(':').map_or("", |(_, name)| name);
                // Only a near miss (or a service's name used as its prefix) shows that the
                // prefix is wrong rather than missing from the catalog.
                let Spelling::Near(suggestion) = table.spelling(text) else {
                    continue;
                };
                let diagnostic = Diagnostic::new(
                    item.span,
                    format!("`{prefix}` is not the prefix of an AWS service"),
                )
                .help(format!("did you mean `{suggestion}:{name}`?"));
                out.push(diagnostic);
            }
        }
    }
}
