//! Completion from the catalog at the policy position under the cursor ([`super::cursor`]):
//! service prefixes and actions in `Action`/`NotAction` (`actions`/`not_actions` in
//! `aws_iam_policy_document`), operators under `Condition` (`test`), condition keys under
//! an operator (`variable`): the global keys and those the statement's actions accept,
//! and the values of `Effect` and `Version`.

use std::collections::BTreeSet;
use std::path::Path;

use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionResponse, CompletionTextEdit, Position, TextEdit,
};

use super::cursor::{Frame, frames, statement_around, typed_start};
use super::text::LineMap;
use crate::catalog::Catalog;
use crate::parse::Syntax;
use crate::rules::CONDITION_OPERATORS;

pub fn complete(text: &str, path: Option<&Path>, position: Position, utf8: bool) -> CompletionResponse {
    let lines = LineMap::new(text, utf8);
    let offset = lines.offset(position);
    let start = typed_start(text, offset);
    let typed = &text[start..offset.max(start)];
    let name = path.map(|p| p.to_string_lossy().into_owned()).unwrap_or_default();
    let yaml = !name.ends_with(".tf") && Syntax::detect(&name, text) == Syntax::Yaml;
    let frames = frames(text, offset, yaml);
    let range = lines.range(start, offset.max(start));
    let item = |label: String, kind: CompletionItemKind, detail: Option<String>| CompletionItem {
        label: label.clone(),
        kind: Some(kind),
        detail,
        filter_text: Some(label.clone()),
        text_edit: Some(CompletionTextEdit::Edit(TextEdit {
            range,
            new_text: label,
        })),
        ..CompletionItem::default()
    };
    let catalog = Catalog::global();
    let key = |i: usize| frames.get(i).map(|f| f.key().to_ascii_lowercase());
    let mut items = Vec::new();
    match frames.first() {
        Some(Frame::Value(k))
            if matches!(
                k.to_ascii_lowercase().as_str(),
                "action" | "notaction" | "actions" | "not_actions"
            ) =>
        {
            items = actions(catalog, typed, &item);
        }
        Some(Frame::Value(k)) if k.eq_ignore_ascii_case("effect") => {
            for value in ["Allow", "Deny"] {
                items.push(item(value.into(), CompletionItemKind::ENUM_MEMBER, None));
            }
        }
        Some(Frame::Value(k)) if k.eq_ignore_ascii_case("version") => {
            items.push(item(
                "2012-10-17".into(),
                CompletionItemKind::ENUM_MEMBER,
                Some("the current policy language".into()),
            ));
            items.push(item(
                "2008-10-17".into(),
                CompletionItemKind::ENUM_MEMBER,
                Some("the old language, without policy variables".into()),
            ));
        }
        Some(Frame::Object(k)) if k == "Condition" => items = operators(&item),
        Some(Frame::Value(k)) if k == "test" && key(1).as_deref() == Some("condition") => {
            items = operators(&item)
        }
        Some(Frame::Object(_)) if key(1).as_deref() == Some("condition") => {
            items = keys(catalog, text, offset, yaml, &item);
        }
        Some(Frame::Value(k)) if k == "variable" && key(1).as_deref() == Some("condition") => {
            items = keys(catalog, text, offset, yaml, &item);
        }
        _ => {}
    }
    let typed_lower = typed.to_ascii_lowercase();
    items.retain(|i| i.label.to_ascii_lowercase().starts_with(&typed_lower));
    CompletionResponse::List(lsp_types::CompletionList {
        is_incomplete: false,
        items,
    })
}

type Item<'a> = dyn Fn(String, CompletionItemKind, Option<String>) -> CompletionItem + 'a;

/// Service prefixes until a `:` is typed, then the actions of that service.
fn actions(catalog: &Catalog, typed: &str, item: &Item<'_>) -> Vec<CompletionItem> {
    match typed.split_once(':') {
        None => catalog
            .prefixes()
            .map(|prefix| {
                let name = catalog.service(prefix).map(|s| s.name.to_string());
                item(format!("{prefix}:"), CompletionItemKind::MODULE, name)
            })
            .collect(),
        Some((prefix, _)) => catalog
            .service(prefix)
            .map(|service| {
                service
                    .actions
                    .iter()
                    .map(|action| {
                        let access = format!("{:?}", action.access);
                        item(
                            format!("{}:{}", service.prefix, action.name),
                            CompletionItemKind::FUNCTION,
                            Some(access),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

fn operators(item: &Item<'_>) -> Vec<CompletionItem> {
    let mut out = Vec::new();
    for (name, _) in CONDITION_OPERATORS {
        out.push(item(name.to_string(), CompletionItemKind::OPERATOR, None));
        if name != "Null" {
            out.push(item(
                format!("{name}IfExists"),
                CompletionItemKind::OPERATOR,
                None,
            ));
        }
        for qualifier in ["ForAllValues", "ForAnyValue"] {
            if name != "Null" {
                out.push(item(
                    format!("{qualifier}:{name}"),
                    CompletionItemKind::OPERATOR,
                    None,
                ));
            }
        }
    }
    out
}

/// The global keys, and the keys of the statement's actions (and of their resource types).
fn keys(catalog: &Catalog, text: &str, offset: usize, yaml: bool, item: &Item<'_>) -> Vec<CompletionItem> {
    let mut names: BTreeSet<(String, String)> = catalog
        .global_keys()
        .iter()
        .map(|k| (k.name.clone(), format!("global, {}", k.key_type.name())))
        .collect();
    let condition = text[..offset.min(text.len())].rfind("ondition").unwrap_or(0);
    let statement = statement_around(text, condition, yaml);
    let words = text[statement]
        .split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, ':' | '*' | '?' | '-' | '_')))
        .filter(|w| w.contains(':') && !w.starts_with("arn:"));
    for word in words {
        let Some((prefix, name)) = word.split_once(':') else {
            continue;
        };
        let Some(service) = catalog.service(prefix) else {
            continue;
        };
        let actions = if name.contains(['*', '?']) {
            service.matching(name)
        } else {
            service.action(name).into_iter().collect()
        };
        for action in actions {
            let indexes = action
                .keys
                .iter()
                .chain(action.resources.iter().flat_map(|r| r.keys.iter()))
                .chain(
                    action
                        .resources
                        .iter()
                        .filter_map(|r| service.resource_type(r.resource))
                        .flat_map(|r| r.keys.iter()),
                );
            for &index in indexes {
                if let Some(key) = service.keys.get(index as usize) {
                    names.insert((
                        key.name.to_string(),
                        format!("{}, {}", service.prefix, key.key_type.name()),
                    ));
                }
            }
        }
    }
    let mut seen = BTreeSet::new();
    names
        .into_iter()
        .filter(|(name, _)| seen.insert(name.clone()))
        .map(|(name, detail)| item(name, CompletionItemKind::PROPERTY, Some(detail)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(text: &str, file: &str) -> Vec<String> {
        let offset = text.find('|').unwrap_or(0);
        let text = text.replacen('|', "", 1);
        let lines = LineMap::new(&text, true);
        match complete(&text, Some(Path::new(file)), lines.position(offset), true) {
            CompletionResponse::List(list) => list.items.into_iter().map(|i| i.label).collect(),
            CompletionResponse::Array(items) => items.into_iter().map(|i| i.label).collect(),
        }
    }

    #[test]
    fn completes_in_each_position() {
        let json = labels(
            r#"{"Statement": [{"Effect": "Allow", "Action": "rds:ModifyDBCl|"#,
            "p.json",
        );
        assert!(json.contains(&"rds:ModifyDBCluster".to_string()), "{json:?}");
        assert!(labels(r#"{"Action": "secretsm|"#, "p.json").contains(&"secretsmanager:".to_string()));
        assert_eq!(labels("Effect: |", "t.yaml"), ["Allow", "Deny"]);
        let yaml = "Statement:\n  - Effect: Deny\n    Action: rds:CreateDBInstance\n    Condition:\n      Bool:\n        rds:Man|\n";
        assert_eq!(labels(yaml, "t.yaml"), ["rds:ManageMasterUserPassword"]);
        let ops = labels("Statement:\n  - Condition:\n      StringEq|\n", "t.yaml");
        assert!(ops.contains(&"StringEqualsIgnoreCase".to_string()), "{ops:?}");
        let tf = "data \"aws_iam_policy_document\" \"x\" {\n  statement {\n    actions = [\"s3:GetObj|\"]\n  }\n}\n";
        assert!(labels(tf, "main.tf").contains(&"s3:GetObject".to_string()));
        let tf = "data \"aws_iam_policy_document\" \"x\" {\n  statement {\n    actions = [\"s3:GetObject\"]\n    condition {\n      test = \"Bo|\"\n";
        assert_eq!(labels(tf, "main.tf"), ["Bool", "BoolIfExists"]);
    }
}
