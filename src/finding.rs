//! What rules produce and reporters consume. Rules fill in a [`Diagnostic`]; the engine
//! stamps it with the rule id and severity to make a [`Finding`].

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::fix::Fix;
use crate::source::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A secondary location that explains a finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// What a rule reports: where, what is wrong, what to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub span: Span,
    /// What is wrong: lowercase, no trailing period.
    pub message: String,
    /// What to do instead, when the rule's documentation summary is not enough.
    pub help: Option<String>,
    pub labels: Vec<Label>,
    /// Made by [`Diagnostic::analysis_limit`]: the rule spent a budget and stopped early.
    pub limit: bool,
    /// The edits that repair it, when the rule knows them.
    pub fix: Option<Fix>,
}

impl Diagnostic {
    pub fn new(span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            span,
            message: message.into(),
            help: None,
            labels: Vec::new(),
            limit: false,
            fix: None,
        }
    }

    /// A rule that spent one of its budgets (work that grows faster than the document, such
    /// as comparing every pair of statements) says so, where it stopped, and stops. The
    /// engine reports it as `analysis-limit` whatever rule made it, with the rule's id in
    /// front of `message`, and always reports it: the rule's findings are incomplete.
    pub fn analysis_limit(span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            limit: true,
            ..Diagnostic::new(span, message)
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn fix(mut self, fix: Fix) -> Diagnostic {
        self.fix = Some(fix);
        self
    }

    pub fn label(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }
}

/// A diagnostic stamped by the engine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
    pub labels: Vec<Label>,
    /// Where the span lies in its document by structure (see
    /// [`crate::parse::logical_location`]); empty when the file did not parse. The engine
    /// fills it in while the tree is at hand.
    pub logical_location: String,
    /// The rule's fix, carried to the reporters, `--fix` and the language server.
    pub fix: Option<Fix>,
    /// A request that shows the finding (`diff/new-access`: one that BASE denies and HEAD
    /// allows), in the shape `iamlint simulate --request` reads.
    pub request: Option<Box<RequestExample>>,
}

/// One request as a line of `iamlint simulate --request`: `{"action", "resource",
/// "principal", "context": {key: value or [values]}}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestExample {
    pub action: String,
    pub resource: String,
    /// The caller's ARN.
    pub principal: String,
    /// Condition keys in order, each with one value or (a multivalued key) a list.
    pub context: Vec<(String, Vec<String>)>,
    /// Whether each key is multivalued (written as a list, even of one value).
    pub multivalued: Vec<bool>,
    /// What the request is made against, as `iamlint simulate --in PATH --subject KEY`
    /// selects it: a principal or resource-based policy, keyed as `diff` pairs them.
    pub subject: String,
}

impl RequestExample {
    /// The request as a JSON object, keys in order.
    pub fn to_json(&self) -> serde_json::Value {
        let mut context = serde_json::Map::new();
        for ((key, values), &many) in self.context.iter().zip(&self.multivalued) {
            let value = match values.as_slice() {
                [one] if !many => serde_json::Value::String(one.clone()),
                _ => {
                    serde_json::Value::Array(values.iter().cloned().map(serde_json::Value::String).collect())
                }
            };
            context.insert(key.clone(), value);
        }
        serde_json::json!({
            "action": self.action,
            "resource": self.resource,
            "principal": self.principal,
            "context": context,
        })
    }
}

/// A rule that comes from the project rather than the registry (an `[[assert]]` of
/// `.iamlint.toml`), described as the registry's rules are, for the reports that list
/// rules (SARIF).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProjectRule {
    pub id: String,
    pub severity: Severity,
    pub summary: String,
    /// Markdown, with the headings of a rule file.
    pub docs: String,
}
