//! `iam/policy-variable`: policy variables (`${aws:username}`) that are malformed, placed
//! where IAM does not replace them, or used in a document or with an operator that does not
//! support them. CloudFormation functions (`Fn::Sub` and the rest) are never looked into:
//! their `${...}` are CloudFormation's.

use std::collections::HashMap;

use crate::eval::context::NextClose;
use crate::finding::Diagnostic;
use crate::model::{FileModel, PolicyDocument};
use crate::parse::{Node, Value, WrittenOffsets};
use crate::rules::Rule;
use crate::rules::iam::condition_values::{OperatorFamily, family};
use crate::source::Span;

pub struct PolicyVariable;

/// Where a string sits in a statement, which decides whether IAM replaces variables in it.
#[derive(Clone, Copy)]
enum Place<'a> {
    Resource,
    ConditionKey,
    ConditionValue {
        operator: &'a str,
    },
    /// Any other element (`Action`, `Principal`, `Sid`...), by name.
    Other(&'a str),
}

/// A `${...}` found in a string: its byte range in the string, and what is wrong with it.
struct Found {
    start: usize,
    end: usize,
    problem: Option<(String, String)>,
    /// A well-formed IAM variable (not `${*}`, `${?}`, `${$}`).
    variable: bool,
}

/// The only policy language version in which IAM replaces variables.
const VERSION: &str = "2012-10-17";

impl Rule for PolicyVariable {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        for doc in &file.policies {
            check_document(file, doc, out);
        }
    }
}

fn check_document(file: &FileModel<'_>, doc: &PolicyDocument<'_>, out: &mut Vec<Diagnostic>) {
    // Terraform replaces `${...}` itself (a policy variable is written `$${...}` there), so
    // only CloudFormation templates get the "not in `Fn::Sub`" reading.
    let template = file
        .template
        .as_ref()
        .is_some_and(|t| t.language == crate::model::Language::CloudFormation);
    let version = doc.source.entry("Version");
    let supported = version.is_some_and(|v| v.value.as_str() == Some(VERSION));
    let statements: Vec<&Node> = match doc.source.get("Statement") {
        Some(node) if node.intrinsic().is_some() => Vec::new(),
        Some(Node {
            value: Value::Array(items),
            ..
        }) => items.iter().collect(),
        Some(node) => vec![node],
        None => Vec::new(),
    };
    // The first variable IAM would replace if the version allowed it.
    let mut first_variable: Option<(Span, String)> = None;
    let mut visit = |text: &str, span: Span, place: Place<'_>, out: &mut Vec<Diagnostic>| {
        let found = scan(text, template);
        if found.is_empty() {
            return;
        }
        let mut locator = Locator::new(file.text(span.file), span, text);
        // One finding per problem and value: a value with 300,000 unclosed `${` is one
        // mistake to fix, not 300,000 (the first is reported, with the count of the rest).
        let mut problems: Vec<(Diagnostic, usize)> = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        for found in found {
            let var_span = locator.locate(found.start, found.end);
            let written = &text[found.start..found.end];
            if let Some((message, help)) = found.problem {
                match seen.get(&message) {
                    Some(&at) => problems[at].1 += 1,
                    None => {
                        seen.insert(message.clone(), problems.len());
                        problems.push((Diagnostic::new(var_span, message).help(help), 0));
                    }
                }
                continue;
            }
            if !found.variable {
                continue;
            }
            match place {
                Place::Other(element) => out.push(
                    Diagnostic::new(
                        var_span,
                        format!("IAM does not replace policy variables in `{element}`: `{written}` stays literal text"),
                    )
                    .help("policy variables work in `Resource`, `NotResource` and in condition keys and values"),
                ),
                Place::ConditionValue { operator } => {
                    let family = family(operator);
                    if family.is_some_and(|f| !matches!(f, OperatorFamily::String | OperatorFamily::Arn)) {
                        out.push(
                            Diagnostic::new(
                                var_span,
                                format!("policy variable `{written}` cannot be used with `{operator}`"),
                            )
                            .help("IAM replaces policy variables only in values of string (`String*`) and ARN (`Arn*`) operators"),
                        );
                    } else if first_variable.is_none() {
                        first_variable = Some((var_span, written.to_string()));
                    }
                }
                Place::Resource | Place::ConditionKey => {
                    if first_variable.is_none() {
                        first_variable = Some((var_span, written.to_string()));
                    }
                }
            }
        }
        out.extend(problems.into_iter().map(|(mut diagnostic, more)| {
            if more > 0 {
                diagnostic.message.push_str(&format!(
                    " (and {} more like it in this value)",
                    crate::rules::budget::thousands(more)
                ));
            }
            diagnostic
        }));
    };
    for statement in statements {
        let Some(entries) = statement.as_object() else {
            continue;
        };
        for entry in entries {
            match entry.key.as_str() {
                "Resource" | "NotResource" => {
                    strings(&entry.value, &mut |text, span| {
                        visit(text, span, Place::Resource, out)
                    });
                }
                "Condition" => {
                    if entry.value.intrinsic().is_some() {
                        continue;
                    }
                    for op in entry.value.as_object().unwrap_or_default() {
                        if op.value.intrinsic().is_some() {
                            continue;
                        }
                        for key in op.value.as_object().unwrap_or_default() {
                            visit(&key.key, key.key_span, Place::ConditionKey, out);
                            let place = Place::ConditionValue {
                                operator: base_operator(&op.key),
                            };
                            strings(&key.value, &mut |text, span| visit(text, span, place, out));
                        }
                    }
                }
                other => {
                    strings(&entry.value, &mut |text, span| {
                        visit(text, span, Place::Other(other), out)
                    });
                }
            }
        }
    }
    if let (false, Some((span, written))) = (supported, first_variable) {
        let why = match version.and_then(|v| v.value.as_str()) {
            Some(v) => format!("`\"Version\": \"{v}\"`"),
            None if version.is_some() => "this `Version`".to_string(),
            None => "a document without `Version`".to_string(),
        };
        let mut diagnostic = Diagnostic::new(
            span,
            format!("policy variable `{written}` is not replaced in {why}: IAM reads it as literal text"),
        )
        .help(format!(
            "set `\"Version\": \"{VERSION}\"`; policy variables need that version of the policy language"
        ));
        if let Some(v) = version {
            diagnostic = diagnostic.label(v.key_span, "policy language version");
        }
        out.push(diagnostic);
    }
}

/// The operator without `ForAllValues:`/`ForAnyValue:` and `IfExists`.
fn base_operator(written: &str) -> &str {
    let rest = written
        .strip_prefix("ForAnyValue:")
        .or_else(|| written.strip_prefix("ForAllValues:"))
        .unwrap_or(written);
    rest.strip_suffix("IfExists").unwrap_or(rest)
}

/// Calls `f` on every literal string at or below `node`, never looking inside a
/// CloudFormation function.
fn strings(node: &Node, f: &mut impl FnMut(&str, Span)) {
    if node.intrinsic().is_some() {
        return;
    }
    match &node.value {
        Value::String(s) => f(s, node.span),
        Value::Array(items) => items.iter().for_each(|n| strings(n, f)),
        Value::Object(entries) => entries.iter().for_each(|e| strings(&e.value, f)),
        _ => {}
    }
}

/// The `${...}` of a string and what is wrong with each, in one pass over the string (so
/// `${${${...` 100,000 deep, or 300,000 unclosed `${`, cost linear time).
fn scan(text: &str, template: bool) -> Vec<Found> {
    let mut found = Vec::new();
    let mut at = 0;
    let mut closing = NextClose::new(text);
    while let Some(offset) = text[at..].find("${") {
        let start = at + offset;
        let inner_start = start + 2;
        let close = closing.at(inner_start);
        let next_open = text[inner_start..].find("${").map(|i| inner_start + i);
        let end = match (close, next_open) {
            (Some(close), Some(open)) if open < close => None,
            (close, _) => close,
        };
        let Some(end) = end else {
            // Unterminated: report up to the next variable or the end of the string.
            let stop = next_open.unwrap_or(text.len());
            found.push(Found {
                start,
                end: stop,
                problem: Some((
                    format!("policy variable `{}` has no closing brace", &text[start..stop]),
                    "write the variable as `${name}`, such as `${aws:username}`".to_string(),
                )),
                variable: false,
            });
            at = stop;
            continue;
        };
        let inner = &text[inner_start..end];
        let (problem, variable) = judge(inner, template);
        found.push(Found {
            start,
            end: end + 1,
            problem,
            variable,
        });
        at = end + 1;
    }
    missing_dollar(text, &mut found);
    found.sort_by_key(|f| f.start);
    found
}

/// `{aws:username}` without the `$`, or `$aws:username}` without the opening brace.
fn missing_dollar(text: &str, found: &mut Vec<Found>) {
    let mut closing = NextClose::new(text);
    for (index, _) in text.match_indices("aws:") {
        let before = &text[..index];
        let braced = before.ends_with('{') && !before.ends_with("${");
        if !braced && !before.ends_with('$') {
            continue;
        }
        let start = index - 1;
        let Some(close) = closing.at(index) else {
            continue;
        };
        let name = &text[index..close];
        if name.is_empty() || name.contains(|c: char| c.is_whitespace() || c == '{' || c == '$') {
            continue;
        }
        found.push(Found {
            start,
            end: close + 1,
            problem: Some((
                format!(
                    "policy variable `{}` is missing `$` or `{{`",
                    &text[start..close + 1]
                ),
                format!("write `${{{name}}}`"),
            )),
            variable: false,
        });
    }
}

/// What is wrong with the inside of `${...}`, and whether it is an IAM variable.
fn judge(inner: &str, template: bool) -> (Option<(String, String)>, bool) {
    let written = format!("${{{inner}}}");
    if matches!(inner, "*" | "?" | "$") {
        return (None, false);
    }
    if inner.trim().is_empty() {
        return (
            Some((
                format!("policy variable `{written}` is empty"),
                "name a request context key, such as `${aws:username}`".to_string(),
            )),
            false,
        );
    }
    let (name, default) = match inner.split_once(',') {
        Some((name, default)) => (name, Some(default)),
        None => (inner, None),
    };
    if is_preprocessor_variable(name) {
        return (None, false);
    }
    if let Some(escaped) = name.strip_prefix('!') {
        let help = if template {
            format!("the `${{!...}}` escape only works inside `Fn::Sub`; outside it, write `${{{escaped}}}`")
        } else {
            format!(
                "`${{!...}}` is CloudFormation's escape inside `Fn::Sub`; in a policy, write `${{{escaped}}}`"
            )
        };
        return (
            Some((
                format!("`{written}` is not a policy variable: the `!` stays in the text"),
                help,
            )),
            false,
        );
    }
    if !name.contains(':') || name.contains("::") {
        // `${AWS::Region}`, `${BucketName}`: CloudFormation substitutions written outside
        // `Fn::Sub`, which IAM then receives as they are.
        let help = if template {
            "wrap the string in `Fn::Sub` (`!Sub`) so that CloudFormation replaces it".to_string()
        } else {
            "IAM policy variables name a request context key with its prefix, such as `${aws:username}`"
                .to_string()
        };
        let message = if template {
            format!(
                "`{written}` looks like a CloudFormation substitution, but the string is not in `Fn::Sub`"
            )
        } else {
            format!("`{written}` is not an IAM policy variable")
        };
        return (Some((message, help)), false);
    }
    if name.chars().any(char::is_whitespace) {
        return (
            Some((
                format!("policy variable `{written}` contains a space"),
                format!("remove the spaces: `${{{}}}`", squeeze(inner)),
            )),
            false,
        );
    }
    if let Some(default) = default {
        let value = default.trim_start();
        let quoted = value.len() >= 2 && value.starts_with('\'') && value.ends_with('\'');
        if !quoted {
            let bare = value.trim().trim_matches(['\'', '"']);
            return (
                Some((
                    format!("the default value of policy variable `{written}` is not in single quotes"),
                    format!("write `${{{name}, '{bare}'}}`"),
                )),
                false,
            );
        }
    }
    (None, true)
}

/// Variables of the Serverless Framework (`${self:custom.bucket}`, `${opt:stage}`,
/// `${file(./config.yml)}`), which a preprocessor replaces before CloudFormation or IAM
/// sees the template. No AWS service or identity provider uses these prefixes.
fn is_preprocessor_variable(name: &str) -> bool {
    const SOURCES: [&str; 6] = ["self:", "opt:", "env:", "sls:", "cf:", "param:"];
    SOURCES.iter().any(|s| name.starts_with(s)) || name.starts_with("file(")
}

/// The variable with the spaces of its name removed (the default keeps its own).
fn squeeze(inner: &str) -> String {
    match inner.split_once(',') {
        Some((name, default)) => {
            let name: String = name.chars().filter(|c| !c.is_whitespace()).collect();
            format!("{name}, {}", default.trim())
        }
        None => inner.chars().filter(|c| !c.is_whitespace()).collect(),
    }
}

/// Spans of parts of one string in the file.
struct Locator<'t> {
    file_text: &'t str,
    span: Span,
    value: &'t str,
    /// Where each byte of the value is written, when the written form can be aligned with
    /// it (nearly always: quotes, escapes, indentation).
    offsets: Option<WrittenOffsets>,
    /// Searches left for strings that cannot be aligned: each costs the length of the
    /// string, so a string with thousands of variables falls back to its whole span.
    searches: usize,
}

/// How many parts of one unaligned string are looked for by searching its written form.
const SEARCHES: usize = 64;

impl<'t> Locator<'t> {
    fn new(file_text: &'t str, span: Span, value: &'t str) -> Locator<'t> {
        let offsets = file_text
            .get(span.range())
            .and_then(|written| WrittenOffsets::new(value, written, span.start as usize));
        Locator {
            file_text,
            span,
            value,
            offsets,
            searches: SEARCHES,
        }
    }

    /// The span of `value[start..end]` in the file.
    fn locate(&mut self, start: usize, end: usize) -> Span {
        if let Some(offsets) = &self.offsets {
            return offsets.span(self.span.file, start, end);
        }
        if self.searches == 0 {
            return self.span;
        }
        self.searches -= 1;
        locate(self.file_text, self.span, self.value, start, end)
    }
}

/// The span of `value[start..end]` in the file: found in the written form of the string
/// (the same occurrence, counting earlier ones), or the whole string when escapes make the
/// written form differ.
fn locate(file_text: &str, span: Span, value: &str, start: usize, end: usize) -> Span {
    let needle = &value[start..end];
    let occurrence = value[..start].matches(needle).count();
    let Some(raw) = file_text.get(span.range()) else {
        return span;
    };
    match raw.match_indices(needle).nth(occurrence) {
        Some((offset, _)) => {
            let from = span.start as usize + offset;
            Span::new(span.file, from, from + needle.len())
        }
        None => span,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str) -> Vec<String> {
        scan(text, true)
            .into_iter()
            .filter_map(|f| f.problem.map(|(m, _)| m))
            .collect()
    }

    #[test]
    fn well_formed_variables() {
        for ok in [
            "arn:aws:s3:::bucket/${aws:username}/*",
            "${aws:username, 'anonymous'}",
            "${aws:PrincipalTag/team,'none'}",
            "home/${*}/${?}/${$}",
            "${saml:sub}",
        ] {
            assert!(problems(ok).is_empty(), "{ok}: {:?}", problems(ok));
        }
    }

    #[test]
    fn malformed_variables() {
        assert_eq!(problems("${aws:username").len(), 1);
        assert_eq!(problems("${aws:username/${aws:userid}").len(), 1);
        assert_eq!(problems("${}").len(), 1);
        assert_eq!(problems("${ aws:username }").len(), 1);
        assert_eq!(problems("${aws:username, anonymous}").len(), 1);
        assert_eq!(problems("{aws:username}").len(), 1);
        assert_eq!(problems("home/$aws:username}/").len(), 1);
        assert_eq!(problems("${AWS::AccountId}").len(), 1);
        assert_eq!(problems("${!aws:username}").len(), 1);
        assert!(problems("arn:aws:iam::${self:custom.account}:root").is_empty());
    }
}
