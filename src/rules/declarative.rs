//! Declarative rules: a JSONPath query over a template selects the nodes to report.
//! jsonpath-rust answers with normalized paths (`$['Resources']['Db']...`), which are
//! resolved back to the spanned tree for the exact location.

use jsonpath_rust::parser::model::JpQuery;
use jsonpath_rust::parser::parse_json_path;
use jsonpath_rust::query::js_path_process;
use serde::Deserialize;

use super::Rule;
use super::rds::edit;
use crate::finding::Diagnostic;
use crate::fix::Fix;
use crate::model::{DocumentKind, FileModel, Language};
use crate::parse::{Entry, Node};

/// The `[query]` table of a rule file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuerySpec {
    /// A JSONPath (RFC 9535) query over the template; every match is a finding.
    pub path: String,
    /// Whether to point at the matched property's key or its value.
    #[serde(default)]
    pub target: Target,
    /// The message; `{resource}` is replaced by the logical id of the resource matched.
    pub message: String,
    pub help: Option<String>,
    /// The wording for Terraform, where `{resource}` is the resource's address and
    /// `{attribute}` the argument matched, as written.
    pub terraform: Option<Wording>,
    /// The fix each finding carries.
    pub fix: Option<QueryFix>,
}

/// A declarative rule's fix: what to do with the matched property.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueryFix {
    pub action: FixAction,
    /// What the fix does; `{resource}` and `{attribute}` as in the message.
    pub message: String,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum FixAction {
    /// Remove the property (its whole line with its separator; in Terraform a write-only
    /// argument's `_version` too): a safe fix, for a property that the others make
    /// invalid.
    RemoveProperty,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wording {
    pub message: String,
    pub help: Option<String>,
}

#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    Key,
    #[default]
    Value,
}

pub struct QueryRule {
    query: JpQuery,
    spec: QuerySpec,
}

impl QueryRule {
    pub fn new(spec: QuerySpec) -> Result<QueryRule, String> {
        let query = parse_json_path(&spec.path).map_err(|e| format!("invalid JSONPath: {e}"))?;
        Ok(QueryRule { query, spec })
    }
}

impl Rule for QueryRule {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        if file.kind != DocumentKind::Template {
            return;
        }
        let view = file.json();
        if let Some(&first) = view.left_out.first() {
            let others = match view.left_out.len() - 1 {
                0 => String::new(),
                n => format!(" (and {} more after it)", crate::rules::budget::thousands(n)),
            };
            out.push(Diagnostic::analysis_limit(
                first,
                format!(
                    "the template is too large to convert for JSONPath queries (its JSON form would cost more than {} values, about 70 MB): its query saw this resource{others} only by its `Type`",
                    crate::rules::budget::thousands(crate::model::JSON_BUDGET)
                ),
            ));
        }
        let Ok(matches) = js_path_process(&self.query, &view.value) else {
            return;
        };
        for found in matches {
            let path = parse_path(&found.path());
            let Some((entry, node)) = resolve(file.root, &path) else {
                continue;
            };
            let span = match (self.spec.target, entry) {
                (Target::Key, Some(entry)) => entry.key_span,
                _ => node.span,
            };
            let resource = match path.as_slice() {
                [Segment::Key(section), Segment::Key(id), ..] if section == "Resources" => id.as_str(),
                _ => "",
            };
            let (message, help) = match (&self.spec.terraform, file.language()) {
                (Some(wording), Language::Terraform) => (&wording.message, &wording.help),
                _ => (&self.spec.message, &self.spec.help),
            };
            // The argument as the author wrote it: a lowered key spans its name.
            let attribute = entry
                .and_then(|e| file.text(e.key_span.file).get(e.key_span.range()))
                .map(|t| t.trim_matches('"'))
                .unwrap_or_default();
            let fill = |text: &str| {
                text.replace("{resource}", resource)
                    .replace("{attribute}", attribute)
            };
            let mut diagnostic = Diagnostic::new(span, fill(message));
            if let Some(help) = help {
                diagnostic = diagnostic.help(fill(help));
            }
            if let (Some(fix), Some(entry)) = (&self.spec.fix, entry)
                && let Some(fix) = query_fix(file, fix, entry, &fill)
            {
                diagnostic = diagnostic.fix(fix);
            }
            out.push(diagnostic);
        }
    }
}

/// The edits of a query's fix on the matched entry; `None` in a Terraform plan (generated)
/// or where the edit cannot be written.
fn query_fix(
    file: &FileModel<'_>,
    fix: &QueryFix,
    entry: &Entry,
    fill: &dyn Fn(&str) -> String,
) -> Option<Fix> {
    if !super::rds::editable(file) {
        return None;
    }
    let text = file.text(entry.key_span.file);
    match fix.action {
        FixAction::RemoveProperty => {
            let mut edits = vec![edit::remove_entry(text, entry.key_span, entry.value.span)?];
            if file.language() == Language::Terraform {
                edits.extend(edit::remove_write_only_version(text, entry.key_span));
            }
            Some(Fix::safe(fill(&fix.message), edits))
        }
    }
}

#[derive(Debug, PartialEq)]
enum Segment {
    Key(String),
    Index(usize),
}

/// Parses a normalized path as jsonpath-rust writes it: `$['a']['b'][0]`.
fn parse_path(path: &str) -> Vec<Segment> {
    let mut segments = Vec::new();
    let mut rest = path.strip_prefix('$').unwrap_or(path);
    while let Some(after) = rest.strip_prefix('[') {
        if let Some(quoted) = after.strip_prefix('\'') {
            let Some(end) = quoted.find("']") else { break };
            segments.push(Segment::Key(quoted[..end].to_string()));
            rest = &quoted[end + 2..];
        } else {
            let Some(end) = after.find(']') else { break };
            let Ok(index) = after[..end].parse() else { break };
            segments.push(Segment::Index(index));
            rest = &after[end + 1..];
        }
    }
    segments
}

/// The node at `path`, with the object entry that holds it when the last step is a key.
fn resolve<'a>(root: &'a Node, path: &[Segment]) -> Option<(Option<&'a Entry>, &'a Node)> {
    let mut node = root;
    let mut entry = None;
    for segment in path {
        match segment {
            Segment::Key(key) => {
                let found = node.entry(key)?;
                entry = Some(found);
                node = &found.value;
            }
            Segment::Index(i) => {
                node = node.as_array()?.get(*i)?;
                entry = None;
            }
        }
    }
    Some((entry, node))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalized_paths_round_trip() {
        assert_eq!(
            parse_path("$['Resources']['Db'][2]['x']"),
            vec![
                Segment::Key("Resources".into()),
                Segment::Key("Db".into()),
                Segment::Index(2),
                Segment::Key("x".into())
            ]
        );
    }
}
