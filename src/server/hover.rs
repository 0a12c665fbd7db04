//! Hover: what the word under the cursor means, from the embedded catalog (an action or a
//! wildcard pattern of actions, a condition key), the IAM User Guide's condition operators,
//! and the rule registry (a rule id in a suppression).

use std::fmt::Write;

use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind, Position};

use super::cursor::word_at;
use super::text::LineMap;
use crate::catalog::{AccessLevel, Catalog, KeyType, Service};
use crate::rules::{CONDITION_OPERATORS, OperatorFamily, Registry};

/// How many actions a wildcard's hover names before it says how many more there are.
const LISTED: usize = 20;

pub fn hover(text: &str, position: Position, registry: &Registry, utf8: bool) -> Option<Hover> {
    let lines = LineMap::new(text, utf8);
    let offset = lines.offset(position);
    let (start, end) = word_at(text, offset);
    let word = text.get(start..end)?.trim_matches(['"', '\'']);
    if word.is_empty() {
        return None;
    }
    let line = lines
        .line(lines.line_of(start))
        .and_then(|r| text.get(r))
        .unwrap_or_default();
    let markdown = describe(word, line, registry)?;
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: markdown,
        }),
        range: Some(lines.range(start, end)),
    })
}

/// The Markdown that explains `word`, written on `line`.
pub fn describe(word: &str, line: &str, registry: &Registry) -> Option<String> {
    let catalog = Catalog::global();
    let in_suppression = line.contains("iamlint") || line.contains("\"rule\"") || line.contains("rule:");
    if in_suppression && let Some(rule) = registry.get(word) {
        return Some(format!(
            "**{}** ({})\n\n{}\n\n[Documentation]({})",
            rule.meta.id,
            rule.meta.severity,
            rule.meta.summary,
            rule.meta.help_uri()
        ));
    }
    if let Some(operator) = operator(word) {
        return Some(operator);
    }
    let mut parts = Vec::new();
    if let Some(key) = condition_key(catalog, word) {
        parts.push(key);
    }
    if let Some(action) = action(catalog, word) {
        parts.push(action);
    }
    (!parts.is_empty()).then(|| parts.join("\n\n---\n\n"))
}

fn access(level: AccessLevel) -> &'static str {
    match level {
        AccessLevel::List => "List",
        AccessLevel::Read => "Read",
        AccessLevel::Write => "Write",
        AccessLevel::PermissionsManagement => "Permissions management",
        AccessLevel::Tagging => "Tagging",
        AccessLevel::Unknown => "not documented",
    }
}

fn key_names(service: &Service, keys: &[u16]) -> Vec<String> {
    keys.iter()
        .filter_map(|&k| service.keys.get(k as usize))
        .map(|k| format!("`{}`", k.name))
        .collect()
}

/// An action, or a pattern of actions with `*` and `?`.
fn action(catalog: &Catalog, word: &str) -> Option<String> {
    if word == "*" {
        return Some("**`*`**: every action of every service".into());
    }
    let (prefix, name) = word.split_once(':')?;
    let service = catalog.service(prefix)?;
    let mut out = String::new();
    if name.contains(['*', '?']) {
        let matched = service.matching(name);
        let _ = write!(
            out,
            "**`{word}`** matches {} of the {} actions of {} (`{}`)",
            matched.len(),
            service.actions.len(),
            service.name,
            service.prefix
        );
        if !matched.is_empty() {
            out.push_str(":\n\n");
            for action in matched.iter().take(LISTED) {
                let _ = writeln!(
                    out,
                    "- `{}:{}` ({})",
                    service.prefix,
                    action.name,
                    access(action.access)
                );
            }
            if matched.len() > LISTED {
                let _ = writeln!(out, "- … and {} more", matched.len() - LISTED);
            }
        }
        return Some(out);
    }
    let action = service.action(name)?;
    let _ = write!(
        out,
        "**`{}:{}`**: {} (`{}`)\n\nAccess level: {}",
        service.prefix,
        action.name,
        service.name,
        service.prefix,
        access(action.access)
    );
    if action.resources.is_empty() {
        out.push_str("\n\nResource types: none (the action applies to `*`)");
    } else {
        out.push_str("\n\nResource types:");
        for resource in action.resources {
            let Some(kind) = service.resource_type(resource.resource) else {
                continue;
            };
            let required = if resource.required { " (required)" } else { "" };
            let _ = write!(out, "\n- `{}`{required}: `{}`", kind.name, kind.arn);
            let keys = key_names(service, resource.keys);
            if !keys.is_empty() {
                let _ = write!(out, "; keys {}", keys.join(", "));
            }
        }
    }
    let keys = key_names(service, action.keys);
    if !keys.is_empty() {
        let _ = write!(out, "\n\nCondition keys: {}", keys.join(", "));
    }
    let _ = write!(
        out,
        "\n\n([Service Authorization Reference](https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html), embedded snapshot {})",
        catalog.version.updated_at
    );
    Some(out)
}

fn key_type(key_type: KeyType) -> String {
    let multivalued = if key_type.is_multivalued() {
        " (multivalued: compare it with `ForAllValues` or `ForAnyValue`)"
    } else {
        ""
    };
    format!("`{}`{multivalued}", key_type.name())
}

fn condition_key(catalog: &Catalog, word: &str) -> Option<String> {
    if let Some(global) = catalog.global_key(word) {
        let presence = if global.always_present {
            "present in every request"
        } else {
            "present only in some requests"
        };
        return Some(format!(
            "**`{word}`**: global condition key (`{}`)\n\nType: {}; {presence}\n\n([IAM global condition context keys](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html))",
            global.name,
            key_type(global.key_type)
        ));
    }
    let (prefix, _) = word.split_once(':')?;
    let service = catalog.service(prefix)?;
    let index = service.key_index(word)?;
    let key = service.keys.get(index as usize)?;
    let actions = catalog.actions_accepting(word);
    let mut out = format!(
        "**`{word}`**: condition key of {} (`{}`)\n\nType: {}\n\nAccepted by {} action{}",
        service.name,
        key.name,
        key_type(key.key_type),
        actions.len(),
        if actions.len() == 1 { "" } else { "s" }
    );
    if !actions.is_empty() {
        let shown: Vec<String> = actions.iter().take(LISTED).map(|a| format!("`{a}`")).collect();
        let _ = write!(out, ": {}", shown.join(", "));
        if actions.len() > LISTED {
            let _ = write!(out, " and {} more", actions.len() - LISTED);
        }
    }
    Some(out)
}

/// What a condition operator compares, with its set qualifier and `IfExists`.
fn operator(word: &str) -> Option<String> {
    let (qualifier, rest) = match word.split_once(':') {
        Some((q @ ("ForAllValues" | "ForAnyValue"), rest)) => (Some(q), rest),
        Some(_) => return None,
        None => (None, word),
    };
    let (base, if_exists) = match rest.strip_suffix("IfExists") {
        Some(base) if base != "Null" => (base, true),
        _ => (rest, false),
    };
    let &(name, family) = CONDITION_OPERATORS.iter().find(|(name, _)| *name == base)?;
    let negated = name.contains("Not");
    let what = match family {
        OperatorFamily::String => {
            let how = if name.contains("Like") {
                "matches the pattern (`*` any run of characters, `?` one character), case-sensitive"
            } else if name.contains("IgnoreCase") {
                "equals the value, ignoring case"
            } else {
                "equals the value exactly, case-sensitive"
            };
            format!("the key's string value {how}")
        }
        OperatorFamily::Numeric => "compares the key's value as a number".to_string(),
        OperatorFamily::Date => {
            "compares the key's value as a date (ISO 8601, or epoch seconds)".to_string()
        }
        OperatorFamily::Bool => "the key's value is `true` or `false` as given".to_string(),
        OperatorFamily::Binary => "compares the key's bytes with the base-64 encoded value".to_string(),
        OperatorFamily::IpAddress => "the key's IP address is in the address or CIDR range".to_string(),
        OperatorFamily::Arn => {
            "compares the key's ARN component by component (`*` and `?` allowed in each with Like)"
                .to_string()
        }
        OperatorFamily::Null => {
            "whether the key is absent from the request: `true` matches when it is absent, `false` when it is present"
                .to_string()
        }
    };
    let mut out = format!("**`{word}`**: condition operator; {what}");
    if negated && family != OperatorFamily::Null {
        out.push_str(" (negated: true when no value matches)");
    }
    if if_exists {
        out.push_str("\n\n`IfExists`: also true when the key is absent from the request");
    }
    match qualifier {
        Some("ForAllValues") => out.push_str(
            "\n\n`ForAllValues`: true when every value of the request's multivalued key matches one of the policy's values, and when the key is absent or empty",
        ),
        Some(_) => out.push_str(
            "\n\n`ForAnyValue`: true when at least one value of the request's multivalued key matches one of the policy's values; false when the key is absent",
        ),
        None => {}
    }
    out.push_str("\n\n([IAM JSON policy elements: Condition operators](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html))");
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registry() -> &'static Registry {
        Registry::global().expect("the embedded rules load")
    }

    #[test]
    fn actions_keys_operators_and_rules_are_explained() {
        let action = describe("s3:GetObject", "", registry()).unwrap_or_default();
        assert!(
            action.contains("Access level: Read") && action.contains("`object`"),
            "{action}"
        );
        let wildcard = describe("rds:Modify*", "", registry()).unwrap_or_default();
        assert!(wildcard.contains("`rds:ModifyDBInstance`"), "{wildcard}");
        let key = describe("aws:SourceIp", "", registry()).unwrap_or_default();
        assert!(
            key.contains("global condition key") && key.contains("`IPAddress`"),
            "{key}"
        );
        let service_key = describe("rds:ManageMasterUserPassword", "", registry()).unwrap_or_default();
        assert!(service_key.contains("`rds:CreateDBInstance`"), "{service_key}");
        let op = describe("ForAnyValue:StringLikeIfExists", "", registry()).unwrap_or_default();
        assert!(
            op.contains("pattern") && op.contains("IfExists") && op.contains("at least one"),
            "{op}"
        );
        let rule = describe(
            "iam/resource-star",
            "# iamlint: ignore[iam/resource-star]",
            registry(),
        );
        assert!(rule.unwrap_or_default().contains("every resource"));
        assert_eq!(describe("Statement", "", registry()), None);
    }
}
