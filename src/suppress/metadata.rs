//! Suppressions in a CloudFormation template's `Metadata`, where JSON has no comments
//! (cfn-lint's `Metadata: cfn-lint: config: ignore_checks` is the model, with a reason):
//!
//! ```yaml
//! Metadata:                # the template's: covers the whole file
//!   iamlint:
//!     ignore:
//!       - rule: iam/resource-star          # or a list: [iam/resource-star, rds]
//!         reason: a sandbox account
//!         until: 2027-03-31                # optional
//! Resources:
//!   Role:
//!     Type: AWS::IAM::Role
//!     Metadata:            # a resource's: covers that resource, from its logical id on
//!       iamlint:
//!         ignore:
//!           - rule: iam/pass-role-star
//!             reason: the deploy role passes every role of the account
//! ```

use super::{Date, FileSuppressions, Malformed, RuleName, Scope, Suppression, SuppressionKind};
use crate::parse::{Node, Value};
use crate::source::{FileId, Span};

/// Reads the template's and every resource's `Metadata.iamlint`.
pub(super) fn read(file: FileId, template: &Node, out: &mut FileSuppressions) {
    if let Some(metadata) = template.get("Metadata") {
        read_one(metadata, Scope::File(file), out);
    }
    let Some(resources) = template.get("Resources").and_then(Node::as_object) else {
        return;
    };
    for resource in resources {
        if let Some(metadata) = resource.value.get("Metadata") {
            let scope = Span::new(
                file,
                resource.key_span.start as usize,
                resource.value.span.end.max(resource.key_span.end) as usize,
            );
            read_one(metadata, Scope::Range(scope), out);
        }
    }
}

fn read_one(metadata: &Node, scope: Scope, out: &mut FileSuppressions) {
    let Some(iamlint) = metadata.entry("iamlint") else {
        return;
    };
    let mut malformed = |span: Span, message: &str| {
        out.malformed.push(Malformed {
            span,
            message: message.to_string(),
            help: Some(
                "write `iamlint: {ignore: [{rule: RULE, reason: WHY, until: YYYY-MM-DD}]}` (`until` is optional)"
                    .to_string(),
            ),
        })
    };
    let Some(keys) = iamlint.value.as_object() else {
        malformed(
            iamlint.value.span,
            "`iamlint` Metadata must be a mapping with `ignore`",
        );
        return;
    };
    let mut items: &[Node] = &[];
    for entry in keys {
        match (entry.key.as_str(), entry.value.as_array()) {
            ("ignore", Some(list)) => items = list,
            ("ignore", None) => malformed(entry.value.span, "`ignore` must be a list of suppressions"),
            _ => malformed(
                entry.key_span,
                &format!("unknown key `{}` in `iamlint` Metadata", entry.key),
            ),
        }
    }
    for item in items {
        if let Some(suppression) = read_item(item, scope, &mut malformed) {
            out.suppressions.push(suppression);
        }
    }
}

fn read_item(item: &Node, scope: Scope, malformed: &mut impl FnMut(Span, &str)) -> Option<Suppression> {
    let Some(entries) = item.as_object() else {
        malformed(
            item.span,
            "a suppression must be a mapping with `rule` and `reason`",
        );
        return None;
    };
    let mut rules = Vec::new();
    let mut reason = None;
    let mut until = None;
    let mut valid = true;
    for entry in entries {
        let value = &entry.value;
        match entry.key.as_str() {
            "rule" | "rules" => {
                let names: &[Node] = match &value.value {
                    Value::Array(items) => items,
                    _ => std::slice::from_ref(value),
                };
                for name in names {
                    match name.as_str() {
                        Some(id) if !id.trim().is_empty() => rules.push(RuleName {
                            id: id.trim().to_string(),
                            span: name.span,
                        }),
                        _ => {
                            malformed(name.span, "a rule id must be a non-empty string");
                            valid = false;
                        }
                    }
                }
            }
            "reason" => match value.as_str().map(str::trim) {
                Some(text) if !text.is_empty() => reason = Some(text.to_string()),
                _ => {
                    malformed(value.span, "suppression without a reason");
                    valid = false;
                }
            },
            "until" => match value.scalar_text().map(|text| Date::parse(&text)) {
                Some(Ok(date)) => until = Some((date, value.span)),
                Some(Err(err)) => {
                    malformed(value.span, &format!("invalid `until` date: {err}"));
                    valid = false;
                }
                None => {
                    malformed(value.span, "invalid `until` date: write it YYYY-MM-DD");
                    valid = false;
                }
            },
            other => {
                malformed(entry.key_span, &format!("unknown key `{other}` in a suppression"));
                valid = false;
            }
        }
    }
    if rules.is_empty() && valid {
        malformed(item.span, "a suppression must name the rules it ignores");
        return None;
    }
    if !valid {
        return None;
    }
    let Some(reason) = reason else {
        malformed(item.span, "suppression without a reason");
        return None;
    };
    Some(Suppression {
        kind: SuppressionKind::InSource,
        scope,
        span: item.span,
        rules,
        reason,
        until,
        reported: true,
        entry: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{Syntax, parse};

    fn read_text(text: &str, syntax: Syntax) -> FileSuppressions {
        let root = parse(FileId(0), text, syntax).unwrap();
        let mut out = FileSuppressions::default();
        read(FileId(0), &root, &mut out);
        out
    }

    #[test]
    fn template_and_resource_metadata() {
        let text = r#"{"Metadata": {"iamlint": {"ignore": [{"rule": "iam", "reason": "sandbox"}]}},
  "Resources": {"R": {"Type": "AWS::IAM::Role", "Metadata": {"iamlint": {"ignore": [
    {"rule": ["iam/pass-role-star", "rds"], "reason": "deploy role", "until": "2027-03-31"}]}}}}}"#;
        let out = read_text(text, Syntax::Json);
        assert!(out.malformed.is_empty());
        assert_eq!(out.suppressions.len(), 2);
        assert!(matches!(out.suppressions[0].scope, Scope::File(_)));
        let Scope::Range(span) = out.suppressions[1].scope else {
            panic!("a range")
        };
        assert!(text[span.range()].starts_with("\"R\": {\"Type\""));
        assert_eq!(
            &text[out.suppressions[1].rules[0].span.range()],
            "\"iam/pass-role-star\""
        );
        assert_eq!(
            out.suppressions[1].until.map(|u| u.0.to_string()).as_deref(),
            Some("2027-03-31")
        );
    }

    #[test]
    fn malformed_metadata() {
        let text = "Metadata:\n  iamlint:\n    ignore:\n      - rule: iam\n      - reason: no rule\n      - rule: iam\n        reason: x\n        until: 2027-02-30\n      - rule: iam\n        reasn: typo\n    extra: 1\nResources: {}\n";
        let out = read_text(text, Syntax::Yaml);
        assert!(out.suppressions.is_empty());
        let messages: Vec<&str> = out.malformed.iter().map(|m| m.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "unknown key `extra` in `iamlint` Metadata",
                "suppression without a reason",
                "a suppression must name the rules it ignores",
                "invalid `until` date: `2027-02-30` is not a day of its month",
                "unknown key `reasn` in a suppression",
            ]
        );
    }
}
