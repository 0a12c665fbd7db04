//! `iam/unknown-action`: an action that its (known) service does not have, or an item that
//! is not of the form `service:action`.

use super::ActionRef;
use super::actions::{Spelling, action_lists, literal_items};
use crate::catalog::Catalog;
use crate::finding::Diagnostic;
use crate::model::FileModel;
use crate::rules::{Rule, shared};

pub struct UnknownAction;

impl Rule for UnknownAction {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        let catalog = Catalog::global();
        let table = shared::actions(file);
        for (_, list) in action_lists(file) {
            for (item, text) in literal_items(list) {
                let diagnostic = match &*table.get(text) {
                    ActionRef::UnknownAction { service, name } => {
                        // Only a near miss shows the name is wrong rather than missing
                        // from the catalog (see `typo_of`).
                        let Spelling::Near(suggestion) = table.spelling(text) else {
                            continue;
                        };
                        Diagnostic::new(item.span, format!("`{}` has no action `{name}`", service.prefix))
                            .help(format!("did you mean `{}:{suggestion}`?", text_prefix(text)))
                    }
                    ActionRef::Malformed => {
                        let diagnostic = Diagnostic::new(
                            item.span,
                            format!("`{text}` is not an action: expected `service:action` or `*`"),
                        );
                        let named = actions_named(catalog, text);
                        match catalog.service(text.trim_end_matches(':')) {
                            Some(service) => diagnostic.help(format!(
                                "did you mean `{}:*` (every action of {})?",
                                service.prefix, service.name
                            )),
                            None if (1..=3).contains(&named.len()) => {
                                diagnostic.help(format!("did you mean {}?", named.join(" or ")))
                            }
                            None => diagnostic.help(
                                "write the service prefix, a colon and the action name, such as `s3:GetObject`",
                            ),
                        }
                    }
                    _ => continue,
                };
                out.push(diagnostic);
            }
        }
    }
}

/// The actions (`service:Name`) named `name`, for an item written without its prefix
/// (`GetObjectAcl` is `s3:GetObjectAcl` or `s3-outposts:GetObjectAcl`).
fn actions_named(catalog: &Catalog, name: &str) -> Vec<String> {
    if name.is_empty() || name.contains([':', '*', '?']) {
        return Vec::new();
    }
    catalog
        .prefixes()
        .filter_map(|p| catalog.service(p))
        .filter_map(|s| s.action(name).map(|a| format!("`{}:{}`", s.prefix, a.name)))
        .collect()
}

/// The service prefix as written, so the suggestion keeps the author's spelling.
fn text_prefix(text: &str) -> &str {
    text.split_once(':').map_or(text, |(prefix, _)| prefix)
}
