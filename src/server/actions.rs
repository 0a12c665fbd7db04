//! Code actions: each finding's fix (the same edits `check --fix` applies, carried in the
//! diagnostic's `data`), and "suppress this finding", written in the inline form of the file's syntax
//! (README, "Suppressing findings") with a reason to fill in: a comment on the line before
//! the element in YAML and Terraform, an entry of the resource's `Metadata` in a
//! CloudFormation JSON template. A plain JSON policy has no inline form (its suppressions
//! live in `.iamlint.toml`), so it gets no action.

use std::collections::HashMap;
use std::path::Path;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Diagnostic, NumberOrString, TextEdit, Uri, WorkspaceEdit,
};

use super::diagnostics::SOURCE;
use super::text::LineMap;
use crate::parse::{Node, Syntax, Value, parse};
use crate::rules::{is_engine_rule, is_suppression_rule};
use crate::source::FileId;

/// The fixes of the diagnostics the client sends back (see `diagnostics::fix_data`): one
/// quick fix each, preferred when it is safe, offered only while the document's text is the
/// one the diagnostics were computed on.
pub fn fixes(uri: &Uri, text: &str, diagnostics: &[Diagnostic]) -> Vec<CodeActionOrCommand> {
    let version = super::diagnostics::text_version(text);
    let mut out = Vec::new();
    for diagnostic in diagnostics {
        if diagnostic.source.as_deref() != Some(SOURCE) {
            continue;
        }
        let Some(data) = &diagnostic.data else { continue };
        if data.get("text").and_then(|v| v.as_str()) != Some(version.as_str()) {
            continue;
        }
        let fix = &data["fix"];
        let Ok(edits) = serde_json::from_value::<Vec<TextEdit>>(fix["edits"].clone()) else {
            continue;
        };
        let (Some(message), Some(applicability)) = (fix["message"].as_str(), fix["applicability"].as_str())
        else {
            continue;
        };
        let safe = applicability == "safe";
        let title = if safe {
            format!("Fix: {message}")
        } else {
            format!("Fix (unsafe: changes what the policy matches): {message}")
        };
        out.push(CodeActionOrCommand::CodeAction(CodeAction {
            title,
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![diagnostic.clone()]),
            edit: Some(WorkspaceEdit {
                changes: Some(HashMap::from([(uri.clone(), edits)])),
                ..WorkspaceEdit::default()
            }),
            is_preferred: Some(safe),
            ..CodeAction::default()
        }));
    }
    out
}

/// The reason left for the author to write.
pub const REASON: &str = "TODO";

pub fn suppressions(
    uri: &Uri,
    path: Option<&Path>,
    text: &str,
    diagnostics: &[Diagnostic],
    utf8: bool,
) -> Vec<CodeActionOrCommand> {
    let lines = LineMap::new(text, utf8);
    let name = path
        .map(|p| p.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let mut out = Vec::new();
    for diagnostic in diagnostics {
        if diagnostic.source.as_deref() != Some(SOURCE) {
            continue;
        }
        let Some(NumberOrString::String(rule)) = &diagnostic.code else {
            continue;
        };
        // Findings about files not fully checked, or about suppressions, cannot be suppressed.
        if is_engine_rule(rule) || is_suppression_rule(rule) || rule.starts_with("assert/") {
            continue;
        }
        let at = lines.offset(diagnostic.range.start);
        let edit = if name.ends_with(".tf") {
            Some(comment(text, &lines, line_start_of(text, at), rule))
        } else if name.ends_with(".tf.json") {
            None
        } else {
            match Syntax::detect(&name, text) {
                Syntax::Yaml => Some(comment(text, &lines, yaml_anchor(text, at), rule)),
                Syntax::Json => metadata(text, &lines, at, rule),
            }
        };
        let Some(edit) = edit else {
            continue;
        };
        out.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: format!("Suppress `{rule}` here (fill in the reason)"),
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![diagnostic.clone()]),
            edit: Some(WorkspaceEdit {
                changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
                ..WorkspaceEdit::default()
            }),
            ..CodeAction::default()
        }));
    }
    out
}

fn line_start_of(text: &str, at: usize) -> usize {
    text[..at.min(text.len())].rfind('\n').map_or(0, |i| i + 1)
}

/// A comment line before the line that starts at `line_start`, indented as that line.
fn comment(text: &str, lines: &LineMap<'_>, line_start: usize, rule: &str) -> TextEdit {
    let rest = &text[line_start..];
    let indent = &rest[..rest.len() - rest.trim_start_matches([' ', '\t']).len()];
    let position = lines.position(line_start);
    TextEdit {
        range: lsp_types::Range::new(position, position),
        new_text: format!("{indent}# iamlint: ignore[{rule}] reason: {REASON}\n"),
    }
}

/// The line a YAML comment must precede to cover a finding at `at`: its own, unless the
/// finding is inside a string written over several lines (a policy in a block scalar),
/// where a comment would be text: then the line of that string's key.
fn yaml_anchor(text: &str, at: usize) -> usize {
    let Ok(root) = parse(FileId(0), text, Syntax::Yaml) else {
        return line_start_of(text, at);
    };
    let own = line_start_of(text, at);
    multi_line_string_key(&root, at, text)
        .map(|key| line_start_of(text, key))
        .filter(|&key_line| key_line < own)
        .unwrap_or(own)
}

/// The start of the key whose value is a string spanning lines and holds `at`.
fn multi_line_string_key(node: &Node, at: usize, text: &str) -> Option<usize> {
    match &node.value {
        Value::Object(entries) => entries.iter().find_map(|entry| {
            let span = entry.value.span.range();
            if !(span.start..=span.end).contains(&at) {
                return None;
            }
            let key = entry.key_span.range().start;
            if matches!(entry.value.value, Value::String(_))
                && text.get(key..at).is_some_and(|s| s.contains('\n'))
            {
                return Some(key);
            }
            multi_line_string_key(&entry.value, at, text)
        }),
        Value::Array(items) => items
            .iter()
            .filter(|item| {
                let span = item.span.range();
                (span.start..=span.end).contains(&at)
            })
            .find_map(|item| multi_line_string_key(item, at, text)),
        _ => None,
    }
}

/// An entry of the `Metadata` of the template's resource that holds `at`:
/// `"Metadata": {"iamlint": {"ignore": [{"rule": ..., "reason": ...}]}}`, merged into what
/// is already written.
fn metadata(text: &str, lines: &LineMap<'_>, at: usize, rule: &str) -> Option<TextEdit> {
    let root = parse(FileId(0), text, Syntax::Json).ok()?;
    let resources = root.get("Resources")?.as_object()?;
    let resource = resources
        .iter()
        .find(|entry| entry.value.span.range().contains(&at))?;
    let entry = format!(r#"{{"rule": "{rule}", "reason": "{REASON}"}}"#);
    let ignore = format!(r#""ignore": [{entry}]"#);
    let iamlint = format!(r#""iamlint": {{{ignore}}}"#);
    let (container, insert) = match resource.value.get("Metadata") {
        None => (&resource.value, format!(r#""Metadata": {{{iamlint}}}"#)),
        Some(meta) => match meta.get("iamlint") {
            None => (meta, iamlint),
            Some(ours) => match ours.get("ignore") {
                None => (ours, ignore),
                Some(list) if matches!(list.value, Value::Array(_)) => (list, entry),
                // A single entry written without a list: leave it to the author.
                Some(_) => return None,
            },
        },
    };
    // After the opening bracket, with a comma when something follows.
    let open = container.span.range().start;
    if !matches!(text.as_bytes().get(open), Some(b'{' | b'[')) {
        return None;
    }
    let empty = match &container.value {
        Value::Object(entries) => entries.is_empty(),
        Value::Array(items) => items.is_empty(),
        _ => return None,
    };
    let position = lines.position(open + 1);
    Some(TextEdit {
        range: lsp_types::Range::new(position, position),
        new_text: if empty { insert } else { format!("{insert}, ") },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(text: &str, edit: &TextEdit) -> String {
        let lines = LineMap::new(text, true);
        let at = lines.offset(edit.range.start);
        format!("{}{}{}", &text[..at], edit.new_text, &text[at..])
    }

    #[test]
    fn yaml_comment_goes_before_the_line_or_the_block_scalar_key() {
        let text =
            "Resources:\n  P:\n    Properties:\n      PolicyDocument: |\n        {\"Statement\": []}\n";
        let at = text.find("{\"Statement").unwrap_or(0);
        let lines = LineMap::new(text, true);
        let edit = comment(text, &lines, yaml_anchor(text, at), "iam/resource-star");
        let fixed = apply(text, &edit);
        assert!(fixed.contains(
            "    Properties:\n      # iamlint: ignore[iam/resource-star] reason: TODO\n      PolicyDocument: |"
        ), "{fixed}");
    }

    #[test]
    fn json_metadata_is_added_or_merged() {
        let text = r#"{"Resources": {"R": {"Type": "AWS::IAM::Policy", "Properties": {}}}}"#;
        let lines = LineMap::new(text, true);
        let at = text.find("Properties").unwrap_or(0);
        let edit = metadata(text, &lines, at, "iam/resource-star").expect("an edit");
        let fixed = apply(text, &edit);
        assert!(fixed.contains(r#"{"Metadata": {"iamlint": {"ignore": [{"rule": "iam/resource-star", "reason": "TODO"}]}}, "Type""#), "{fixed}");
        let lines = LineMap::new(&fixed, true);
        let at = fixed.find("Properties").unwrap_or(0);
        let again = apply(
            &fixed,
            &metadata(&fixed, &lines, at, "iam/pass-role-star").expect("an edit"),
        );
        assert!(
            again.contains(
                r#""ignore": [{"rule": "iam/pass-role-star", "reason": "TODO"}, {"rule": "iam/resource-star""#
            ),
            "{again}"
        );
    }
}
