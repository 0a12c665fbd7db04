//! `iam/unknown-action`: an action that its (known) service does not have, or an item that
//! is not of the form `service:action`.

use super::actions::{Spelling, action_lists, literal_items};
use super::{ActionRef, only_near_match};
use crate::catalog::Catalog;
use crate::finding::Diagnostic;
use crate::fix::Fix;
use crate::fix::syntax::replace_name;
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
                        let suggested = format!("{}:{suggestion}", text_prefix(text));
                        let diagnostic = Diagnostic::new(
                            item.span,
                            format!("`{}` has no action `{name}`", service.prefix),
                        )
                        .help(format!("did you mean `{suggested}`?"));
                        // Only when no other action of the service is as near (see
                        // `only_near_match`): the rename is then what the author meant.
                        let only = only_near_match(name, service.actions.iter().map(|a| a.name.as_str()));
                        match only.filter(|o| o.eq_ignore_ascii_case(suggestion)).and_then(|_| {
                            replace_name(file.texts.get(item.span.file), item.span, text, &suggested)
                        }) {
                            Some(edit) => diagnostic.fix(Fix::safe(
                                format!("replace `{text}` with `{suggested}`"),
                                vec![edit],
                            )),
                            None => diagnostic,
                        }
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
