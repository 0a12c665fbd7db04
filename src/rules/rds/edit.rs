//! The text edits behind the rds/ rules' fixes, written in the source's own syntax: JSON,
//! YAML (block and flow), HCL (attributes, `jsonencode` objects, `aws_iam_policy_document`
//! blocks) and JSON embedded in a heredoc or, for the edits inside one line, in a JSON
//! string. Each edit touches only the bytes it must, so formatting, comments and key order
//! around it survive. `crate::fix::syntax` holds the edits the iam/ rules share (an item
//! removed, a name replaced); these are the ones only the rds/ rules make.
//!
//! Every helper works from the spans the parsers recorded and the text around them, and
//! answers `None` where it cannot be sure of the result (a new statement in a policy that is
//! an escaped JSON string, a value written with escapes). The rules themselves give no fix
//! in a Terraform plan: it is generated, and the fix belongs in the configuration.

use crate::fix::Edit;
use crate::model::{ElementList, PolicyDocument};
use crate::parse::Node;
use crate::source::Span;

/// The text of `span`, when it lies in `text` on character boundaries.
fn slice(text: &str, span: Span) -> Option<&str> {
    text.get(span.range())
}

/// Where the line holding byte `at` starts.
fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// Where the line holding byte `at` ends (the `\n`, or the end of the text).
fn line_end(text: &str, at: usize) -> usize {
    text[at..].find('\n').map_or(text.len(), |i| at + i)
}

/// The indentation of the line holding `at`.
fn indent_of(text: &str, at: usize) -> &str {
    let start = line_start(text, at);
    let line = &text[start..line_end(text, start)];
    &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
}

/// Whether only spaces and tabs stand between the start of its line and `at`.
fn starts_line(text: &str, at: usize) -> bool {
    text[line_start(text, at)..at]
        .trim_matches([' ', '\t'])
        .is_empty()
}

/// Whether only spaces, tabs or a comment stand between `at` and the end of its line.
fn ends_line(text: &str, at: usize) -> bool {
    let rest = text[at..line_end(text, at)].trim_start_matches([' ', '\t']);
    rest.is_empty() || rest.starts_with('#') || rest.starts_with("//")
}

/// The quotes around a scalar as written: `("\"", "\"")` for `"rds:X"`, `("", "")` for a
/// plain YAML scalar, `("\\\"", "\\\"")` inside a policy that is itself a JSON string;
/// `None` for anything with other escapes.
fn quotes_of<'t>(raw: &'t str, content: &str) -> Option<(&'t str, &'t str)> {
    if content.contains('\\') {
        return None;
    }
    let at = raw.find(content)?;
    let (open, close) = (&raw[..at], &raw[at + content.len()..]);
    matches!(
        (open, close),
        ("", "") | ("\"", "\"") | ("'", "'") | ("\\\"", "\\\"")
    )
    .then_some((open, close))
}

/// `true` ↔ `false` in a condition value, keeping its type, quoting and case
/// (`false` → `true`, `"False"` → `"True"`); `None` for anything else.
pub fn flip_bool(text: &str, span: Span) -> Option<Edit> {
    let raw = slice(text, span)?;
    let (open, close) = quotes_of(raw, raw.trim_matches(['"', '\'', '\\']))?;
    let word = &raw[open.len()..raw.len() - close.len()];
    let flipped = match word {
        "true" => "false",
        "false" => "true",
        "True" => "False",
        "False" => "True",
        "TRUE" => "FALSE",
        "FALSE" => "TRUE",
        _ => return None,
    };
    Some(Edit::replace(span, format!("{open}{flipped}{close}")))
}

/// Adds `actions` to a policy element (`Action`), in the list's own style: one per line
/// with the indentation of the last item (YAML `- ` items included), or inline; a single
/// value becomes a flow list. Every item must be a literal.
pub fn append_items(text: &str, list: &ElementList, actions: &[&str]) -> Option<Vec<Edit>> {
    let last = list.items.last()?;
    if list.items.iter().any(|i| i.text.is_none()) {
        return None;
    }
    let raw_last = slice(text, last.span)?;
    let (open, close) = quotes_of(raw_last, last.text.as_deref()?)?;
    let quoted = |a: &&str| format!("{open}{a}{close}");
    let raw_list = slice(text, list.span)?;
    let (start, last_end) = (last.span.start as usize, last.span.end as usize);
    if raw_list.starts_with('[') {
        let one_per_line = starts_line(text, start) && text[list.span.start as usize..start].contains('\n');
        if !one_per_line {
            let added: String = actions.iter().map(|a| format!(", {}", quoted(a))).collect();
            return Some(vec![Edit::insert(
                Span::new(list.span.file, last_end, last_end),
                added,
            )]);
        }
        let indent = indent_of(text, start);
        let after = &text[last_end..];
        let trailing_comma = after.trim_start_matches([' ', '\t']).starts_with(',');
        let added: String = if trailing_comma {
            actions
                .iter()
                .map(|a| format!("\n{indent}{},", quoted(a)))
                .collect()
        } else {
            actions
                .iter()
                .map(|a| format!(",\n{indent}{}", quoted(a)))
                .collect()
        };
        let at = if trailing_comma {
            last_end + after.find(',')? + 1
        } else {
            last_end
        };
        return Some(vec![Edit::insert(Span::new(list.span.file, at, at), added)]);
    }
    if list.items.len() == 1 && last.span == list.span {
        // A single value: `Action: rds:CreateDBCluster` → `[rds:CreateDBCluster, ...]`.
        let items: Vec<String> = std::iter::once(raw_last.to_string())
            .chain(actions.iter().map(quoted))
            .collect();
        return Some(vec![Edit::replace(list.span, format!("[{}]", items.join(", ")))]);
    }
    // A YAML block sequence: `- item` lines.
    let line = &text[line_start(text, start)..start];
    if !line.trim_start().starts_with('-') || !line.trim_matches([' ', '\t', '-']).is_empty() {
        return None;
    }
    let at = line_end(text, last_end);
    let added: String = actions.iter().map(|a| format!("\n{line}{}", quoted(a))).collect();
    Some(vec![Edit::insert(Span::new(list.span.file, at, at), added)])
}

/// Removes an object entry (`key: value`, `"key": value`, `key = value`) with its
/// separator: the whole line when the entry has its line to itself, the comma that joins it
/// to its neighbours otherwise.
pub fn remove_entry(text: &str, key: Span, value: Span) -> Option<Edit> {
    let (mut start, mut end) = (key.start as usize, value.end as usize);
    slice(text, key.cover(value))?;
    let after = &text[end..];
    let mut comma_after = false;
    if after.trim_start_matches([' ', '\t']).starts_with(',') {
        end += after.find(',')? + 1;
        comma_after = true;
    }
    let own_line = starts_line(text, start) && ends_line(text, end);
    // The last entry of a flow object or JSON: the comma before it goes instead (a YAML
    // block entry, whose line may well end in a comma, is deleted by lines).
    let json_like = !own_line || text[key.range()].starts_with('"');
    if !comma_after && json_like {
        let before = text[..start].trim_end();
        if before.ends_with(',') {
            return Some(Edit::delete(Span::new(key.file, before.len() - 1, end)));
        }
    }
    if own_line {
        start = line_start(text, start);
        end = (line_end(text, end) + 1).min(text.len());
    } else if text[end..].starts_with(' ') {
        end += 1;
    }
    Some(Edit::delete(Span::new(key.file, start, end)))
}

/// A Terraform write-only argument's companion: `password_wo_version` beside `password_wo`
/// (the provider accepts the version only with the argument). The line that sets it, in the
/// same block as the argument at `key`, deleted whole.
pub fn remove_write_only_version(text: &str, key: Span) -> Option<Edit> {
    let name = slice(text, key)?;
    if !name.ends_with("_wo") {
        return None;
    }
    let companion = format!("{name}_version");
    let indent = indent_of(text, key.start as usize);
    // The block's other lines: up and down from the argument to the first line indented less.
    let scan = |mut at: usize, down: bool| -> Option<usize> {
        loop {
            let line = &text[at..line_end(text, at)];
            let own = &line[..line.len() - line.trim_start_matches([' ', '\t']).len()];
            if !line.trim().is_empty() && own.len() < indent.len() {
                return None;
            }
            let trimmed = line.trim_start();
            if let Some(rest) = trimmed.strip_prefix(companion.as_str())
                && rest.trim_start().starts_with('=')
            {
                return Some(at);
            }
            if down {
                let next = line_end(text, at) + 1;
                if next >= text.len() {
                    return None;
                }
                at = next;
            } else {
                if at == 0 {
                    return None;
                }
                at = line_start(text, at - 1);
            }
        }
    };
    let here = line_start(text, key.start as usize);
    let start = scan(here, true).or_else(|| scan(here, false))?;
    let end = (line_end(text, start) + 1).min(text.len());
    Some(Edit::delete(Span::new(key.file, start, end)))
}

/// Replaces an entry's key and value, keeping the separator and alignment between them:
/// `MasterUserPassword: x` → `ManageMasterUserPassword: true`, `password = x` →
/// `manage_master_user_password = true`. The key keeps its quotes.
pub fn replace_entry(
    text: &str,
    key: Span,
    value: Span,
    new_key: &str,
    new_value: &str,
) -> Option<Vec<Edit>> {
    let raw_key = slice(text, key)?;
    slice(text, value)?;
    if raw_key.contains('\\') {
        return None;
    }
    let quote = match raw_key.chars().next() {
        Some(q @ ('"' | '\'')) => q.to_string(),
        _ => String::new(),
    };
    Some(vec![
        Edit::replace(key, format!("{quote}{new_key}{quote}")),
        Edit::replace(value, new_value),
    ])
}

/// A resource of a new statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NewResource {
    /// A literal ARN (pattern).
    Arn(String),
    /// A CloudFormation resource's `Arn` attribute (`Fn::GetAtt`).
    GetAtt(String),
    /// A Terraform expression (`aws_kms_key.secrets.arn`).
    Expression(String),
}

/// A statement a fix adds.
#[derive(Clone, Debug)]
pub struct NewStatement {
    pub sid: String,
    pub actions: Vec<&'static str>,
    pub resources: Vec<NewResource>,
}

/// How the statements of a policy are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum StatementSyntax {
    /// `{"Effect": ...}`: JSON, or a YAML flow mapping.
    Json,
    /// `{ Effect = ... }` inside `jsonencode`.
    HclObject,
    /// `statement { effect = ... }` of `aws_iam_policy_document`.
    HclBlock,
    /// A YAML block mapping, a `- ` item of `Statement`.
    YamlBlock,
}

/// Inserts `statements` after `anchor`, a statement of `document`, in the anchor's own
/// syntax and layout. `None` when `Statement` is not a list (a lone statement object), when
/// the policy is an escaped string, or when a reference cannot be written in that syntax.
pub fn insert_statements(
    text: &str,
    document: &PolicyDocument<'_>,
    anchor: Span,
    statements: &[NewStatement],
) -> Option<Edit> {
    let raw = slice(text, anchor)?;
    if raw.contains("\\\"") {
        return None;
    }
    let statement = document.statements.iter().find(|s| s.span == anchor)?;
    let list: &Node = document.source.get("Statement")?;
    list.as_array()?;
    let action_key = statement.action.as_ref().map(|a| a.key_span)?;
    let after_key = text
        .get(action_key.end as usize..)?
        .trim_start_matches([' ', '\t', '"', '\'']);
    let syntax = if raw.starts_with("statement") {
        StatementSyntax::HclBlock
    } else if raw.starts_with('{') {
        if after_key.starts_with('=') {
            StatementSyntax::HclObject
        } else {
            StatementSyntax::Json
        }
    } else if after_key.starts_with(':') {
        StatementSyntax::YamlBlock
    } else {
        return None;
    };
    let (start, end) = (anchor.start as usize, anchor.end as usize);
    let indent = indent_of(text, start);
    let key_indent = indent_of(text, action_key.start as usize);
    let multi_line = raw.contains('\n');
    let mut out = String::new();
    for new in statements {
        let rendered = render(syntax, new, indent, key_indent, multi_line)?;
        match syntax {
            StatementSyntax::HclBlock => out.push_str(&format!("\n\n{indent}{rendered}")),
            StatementSyntax::YamlBlock => {
                let dash = &text[line_start(text, start)..start];
                out.push_str(&format!("\n{dash}{rendered}"));
            }
            StatementSyntax::Json | StatementSyntax::HclObject if starts_line(text, start) => {
                out.push_str(&format!(",\n{indent}{rendered}"));
            }
            StatementSyntax::Json | StatementSyntax::HclObject => out.push_str(&format!(", {rendered}")),
        }
    }
    let at = match syntax {
        StatementSyntax::YamlBlock => line_end(text, end),
        _ => end,
    };
    Some(Edit::insert(Span::new(anchor.file, at, at), out))
}

fn render(
    syntax: StatementSyntax,
    new: &NewStatement,
    indent: &str,
    key_indent: &str,
    multi_line: bool,
) -> Option<String> {
    let quoted = |s: &str| format!("\"{s}\"");
    let actions = || {
        new.actions
            .iter()
            .map(|a| quoted(a))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let resource = |r: &NewResource, syntax: StatementSyntax| -> Option<String> {
        Some(match (r, syntax) {
            (NewResource::Arn(arn), _) => quoted(arn),
            (NewResource::GetAtt(id), StatementSyntax::Json) => {
                format!("{{\"Fn::GetAtt\": [\"{id}\", \"Arn\"]}}")
            }
            (NewResource::GetAtt(id), StatementSyntax::YamlBlock) => format!("!GetAtt {id}.Arn"),
            (NewResource::Expression(e), StatementSyntax::HclObject | StatementSyntax::HclBlock) => e.clone(),
            _ => return None,
        })
    };
    let resources = new
        .resources
        .iter()
        .map(|r| resource(r, syntax))
        .collect::<Option<Vec<_>>>()?;
    let resource_value = match resources.as_slice() {
        [one] if syntax != StatementSyntax::HclBlock => one.clone(),
        many => format!("[{}]", many.join(", ")),
    };
    let fields = |sep: &'static str| {
        [
            ("Sid", quoted(&new.sid)),
            ("Effect", quoted("Allow")),
            ("Action", format!("[{}]", actions())),
            ("Resource", resource_value.clone()),
        ]
        .map(|(k, v)| (k, sep, v))
    };
    Some(match syntax {
        StatementSyntax::Json => {
            let entries = fields(": ").map(|(k, s, v)| format!("\"{k}\"{s}{v}"));
            if multi_line {
                let body: Vec<String> = entries.iter().map(|e| format!("{key_indent}{e}")).collect();
                format!("{{\n{}\n{indent}}}", body.join(",\n"))
            } else {
                format!("{{{}}}", entries.join(", "))
            }
        }
        StatementSyntax::HclObject => {
            // `terraform fmt` aligns the `=` of consecutive lines.
            let width = if multi_line { "Resource".len() } else { 0 };
            let entries = fields(" = ").map(|(k, s, v)| format!("{k:<width$}{s}{v}"));
            if multi_line {
                let body: Vec<String> = entries.iter().map(|e| format!("{key_indent}{e}")).collect();
                format!("{{\n{}\n{indent}}}", body.join("\n"))
            } else {
                format!("{{ {} }}", entries.join(", "))
            }
        }
        StatementSyntax::HclBlock => {
            let inner = format!("{indent}  ");
            let width = "resources".len();
            let lines = [
                ("sid", quoted(&new.sid)),
                ("effect", quoted("Allow")),
                ("actions", format!("[{}]", actions())),
                ("resources", resource_value),
            ]
            .map(|(k, v)| format!("{inner}{k:<width$} = {v}"));
            format!("statement {{\n{}\n{indent}}}", lines.join("\n"))
        }
        StatementSyntax::YamlBlock => {
            // The keys line up under the first one, after `- `.
            let lines: Vec<String> = fields(": ")
                .iter()
                .enumerate()
                .map(|(i, (k, s, v))| {
                    let v = if *k == "Sid" || *k == "Effect" {
                        v.trim_matches('"').to_string()
                    } else {
                        v.clone()
                    };
                    if i == 0 {
                        format!("{k}{s}{v}")
                    } else {
                        format!("{key_indent}{k}{s}{v}")
                    }
                })
                .collect();
            lines.join("\n")
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::apply;
    use crate::source::FileId;

    fn span_of(text: &str, needle: &str) -> Span {
        let at = text.find(needle).unwrap();
        Span::new(FileId(0), at, at + needle.len())
    }

    fn removed(text: &str, key: &str, value: &str) -> String {
        let edit = remove_entry(text, span_of(text, key), span_of(text, value)).unwrap();
        apply(text, &[edit]).unwrap()
    }

    #[test]
    fn an_entry_goes_with_its_line_and_separator() {
        let yaml = "A: 1\nPassword: x # old\nB: 2\n";
        assert_eq!(removed(yaml, "Password", "x"), "A: 1\nB: 2\n");
        let json = "{\n  \"A\": 1,\n  \"Password\": \"x\",\n  \"B\": 2\n}";
        assert_eq!(
            removed(json, "\"Password\"", "\"x\""),
            "{\n  \"A\": 1,\n  \"B\": 2\n}"
        );
        let last = "{\n  \"A\": 1,\n  \"Password\": \"x\"\n}";
        assert_eq!(removed(last, "\"Password\"", "\"x\""), "{\n  \"A\": 1\n}");
        let flow = "{A: 1, Password: x, B: 2}";
        assert_eq!(removed(flow, "Password", "x"), "{A: 1, B: 2}");
        let flow_last = "{A: 1, Password: x}";
        assert_eq!(removed(flow_last, "Password", "x"), "{A: 1}");
        let hcl = "  a = 1\n  password = var.x\n}\n";
        assert_eq!(removed(hcl, "password", "var.x"), "  a = 1\n}\n");
    }

    #[test]
    fn booleans_flip_in_their_own_spelling() {
        for (before, after) in [
            ("true", "false"),
            ("\"false\"", "\"true\""),
            ("'True'", "'False'"),
        ] {
            let edit = flip_bool(before, span_of(before, before)).unwrap();
            assert_eq!(apply(before, &[edit]).unwrap(), after);
        }
        assert!(flip_bool("\"yes\"", span_of("\"yes\"", "\"yes\"")).is_none());
        let escaped = "\\\"true\\\"";
        let edit = flip_bool(escaped, span_of(escaped, escaped)).unwrap();
        assert_eq!(apply(escaped, &[edit]).unwrap(), "\\\"false\\\"");
    }

    #[test]
    fn a_replaced_entry_keeps_its_quotes_and_alignment() {
        let text = "  password      = var.x\n";
        let edits = replace_entry(
            text,
            span_of(text, "password"),
            span_of(text, "var.x"),
            "manage_master_user_password",
            "true",
        )
        .unwrap();
        assert_eq!(
            apply(text, &edits).unwrap(),
            "  manage_master_user_password      = true\n"
        );
        let json = "\"MasterUserPassword\": {\"Ref\": \"P\"}";
        let edits = replace_entry(
            json,
            span_of(json, "\"MasterUserPassword\""),
            span_of(json, "{\"Ref\": \"P\"}"),
            "ManageMasterUserPassword",
            "true",
        )
        .unwrap();
        assert_eq!(apply(json, &edits).unwrap(), "\"ManageMasterUserPassword\": true");
    }
}
