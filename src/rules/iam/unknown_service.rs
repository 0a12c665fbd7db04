//! `iam/unknown-service`: an action whose service prefix is not an AWS service.

use super::actions::{action_lists, literal_items, service_named, typo_of};
use super::{ActionRef, resolve_action};
use crate::catalog::Catalog;
use crate::finding::Diagnostic;
use crate::model::FileModel;
use crate::rules::Rule;

pub struct UnknownService;

impl Rule for UnknownService {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        let catalog = Catalog::global();
        for (_, list) in action_lists(file) {
            for (item, text) in literal_items(list) {
                let ActionRef::UnknownService { prefix } = resolve_action(catalog, text) else {
                    continue;
                };
                let name = text.split_once(':').map_or("", |(_, name)| name);
                // Only a near miss (or a service's name used as its prefix) shows that the
                // prefix is wrong rather than missing from the catalog.
                let suggestion = typo_of(&prefix, catalog.prefixes())
                    .or_else(|| service_named(catalog, &prefix).map(|s| s.prefix.as_str()));
                let Some(suggestion) = suggestion else { continue };
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
