//! The rule registry. Each rule's metadata and documentation live in `rules/<id>.md`
//! (TOML front matter between `+++` lines, then Markdown); the implementation is either a
//! Rust type under this module or, for declarative rules, the JSONPath query in that file.

mod declarative;
mod iam;
mod rds;

use std::sync::OnceLock;

use serde::Deserialize;

use crate::finding::{Diagnostic, Severity};
use crate::model::FileModel;

include!(concat!(env!("OUT_DIR"), "/rule_files.rs"));

/// Where rule documentation is published; a rule's `helpUri` is this plus its file.
pub const DOCS_BASE: &str = "https://github.com/iamlint/iamlint/blob/main/";

/// Rules the engine reports itself, without a check of their own.
pub const PARSE_ERROR: &str = "parse-error";
pub const IO_ERROR: &str = "io-error";

/// Headings every rule's documentation has, in this order.
pub const DOC_HEADINGS: [&str; 4] = [
    "## What it finds",
    "## Why it matters",
    "## Example that fails",
    "## What to write instead",
];

/// A check over one file's model. Rules never print and never know the output format.
pub trait Rule: Send + Sync {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>);
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    id: String,
    severity: Severity,
    summary: String,
    query: Option<declarative::QuerySpec>,
}

/// A rule's identity and documentation.
#[derive(Debug)]
pub struct RuleMeta {
    pub id: String,
    pub severity: Severity,
    pub summary: String,
    /// The Markdown body of the rule file.
    pub docs: String,
    /// The rule file, relative to the repository root.
    pub file: &'static str,
    /// Whether the rule is a JSONPath query rather than Rust code.
    pub declarative: bool,
}

impl RuleMeta {
    /// How the rule is implemented: `engine` (reported by the engine itself), `query`
    /// (a JSONPath query in its rule file) or `rust`.
    pub fn kind(&self) -> &'static str {
        if self.id == PARSE_ERROR || self.id == IO_ERROR {
            "engine"
        } else if self.declarative {
            "query"
        } else {
            "rust"
        }
    }

    pub fn help_uri(&self) -> String {
        format!("{DOCS_BASE}{}", self.file)
    }
}

pub struct RegisteredRule {
    pub meta: RuleMeta,
    check: Option<Box<dyn Rule>>,
}

impl RegisteredRule {
    pub fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        if let Some(rule) = &self.check {
            rule.check(file, out);
        }
    }
}

pub struct Registry {
    rules: Vec<RegisteredRule>,
}

impl Registry {
    /// The registry built from the embedded rule files, loaded once per process.
    pub fn global() -> Result<&'static Registry, String> {
        static REGISTRY: OnceLock<Result<Registry, String>> = OnceLock::new();
        REGISTRY
            .get_or_init(Registry::load)
            .as_ref()
            .map_err(Clone::clone)
    }

    fn load() -> Result<Registry, String> {
        let mut rules = Vec::with_capacity(RULE_FILES.len());
        for &(file, contents) in RULE_FILES {
            let (front, docs) =
                split_front_matter(contents).ok_or_else(|| format!("{file}: no +++ front matter"))?;
            let front: FrontMatter = toml::from_str(front).map_err(|e| format!("{file}: {e}"))?;
            let check: Option<Box<dyn Rule>> = match &front.query {
                Some(spec) => Some(Box::new(
                    declarative::QueryRule::new(spec.clone()).map_err(|e| format!("{file}: {e}"))?,
                )),
                None => implementation(&front.id),
            };
            if check.is_none() && front.id != PARSE_ERROR && front.id != IO_ERROR {
                return Err(format!("{file}: rule {} has no implementation", front.id));
            }
            rules.push(RegisteredRule {
                meta: RuleMeta {
                    declarative: front.query.is_some(),
                    id: front.id,
                    severity: front.severity,
                    summary: front.summary,
                    docs: docs.trim().to_string(),
                    file,
                },
                check,
            });
        }
        rules.sort_by(|a, b| a.meta.id.cmp(&b.meta.id));
        Ok(Registry { rules })
    }

    pub fn rules(&self) -> &[RegisteredRule] {
        &self.rules
    }

    pub fn get(&self, id: &str) -> Option<&RegisteredRule> {
        self.rules.iter().find(|r| r.meta.id == id)
    }

    /// The id as a `'static` string, for findings of engine rules.
    pub fn id(&'static self, id: &str) -> &'static str {
        self.get(id).map_or("unknown-rule", |r| r.meta.id.as_str())
    }
}

fn split_front_matter(contents: &str) -> Option<(&str, &str)> {
    let rest = contents.strip_prefix("+++\n")?;
    let end = rest.find("\n+++\n")?;
    Some((&rest[..end], &rest[end + 5..]))
}

/// Rust implementations by rule id. Adding a rule: a file under `rules/`, a type under
/// `src/rules/`, a line here, and pass/fail fixtures under `testdata/`.
fn implementation(id: &str) -> Option<Box<dyn Rule>> {
    Some(match id {
        "rds/guard-bypass-modify" => Box::new(rds::guard_bypass_modify::GuardBypassModify),
        "rds/guard-incomplete" => Box::new(rds::guard_incomplete::GuardIncomplete),
        "rds/guard-inverted" => Box::new(rds::guard_inverted::GuardInverted),
        "rds/missing-secret-permissions" => {
            Box::new(rds::missing_secret_permissions::MissingSecretPermissions)
        }
        "rds/hardcoded-master-password" => Box::new(rds::hardcoded_master_password::HardcodedMasterPassword),
        "rds/master-password-not-managed" => {
            Box::new(rds::master_password_not_managed::MasterPasswordNotManaged)
        }
        "rds/managed-password-unsupported" => {
            Box::new(rds::managed_password_unsupported::ManagedPasswordUnsupported)
        }
        "iam/action-matches-nothing" => Box::new(iam::action_matches_nothing::ActionMatchesNothing),
        "iam/allow-with-not-action" => Box::new(iam::allow_with_not_action::AllowWithNotAction),
        "iam/allow-with-not-resource" => Box::new(iam::allow_with_not_resource::AllowWithNotResource),
        "iam/create-slr-star" => Box::new(iam::create_slr_star::CreateSlrStar),
        "iam/deny-guard-incomplete" => Box::new(iam::deny_guard_incomplete::DenyGuardIncomplete),
        "iam/full-access" => Box::new(iam::full_access::FullAccess),
        "iam/pass-role-star" => Box::new(iam::pass_role_star::PassRoleStar),
        "iam/redundant-action" => Box::new(iam::redundant_action::RedundantAction),
        "iam/redundant-statement" => Box::new(iam::redundant_statement::RedundantStatement),
        "iam/unknown-action" => Box::new(iam::unknown_action::UnknownAction),
        "iam/unknown-service" => Box::new(iam::unknown_service::UnknownService),
        "iam/wildcard-in-service" => Box::new(iam::wildcard_in_service::WildcardInService),
        _ => return None,
    })
}

/// Spans the human report must never show as text: hard-coded passwords and the
/// parameter defaults they come from.
pub fn secret_spans(file: &FileModel<'_>) -> Vec<crate::source::Span> {
    rds::secret_spans(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_file_loads_and_has_the_fixed_headings() {
        let registry = Registry::global().unwrap();
        assert!(registry.rules().len() >= 11);
        for rule in registry.rules() {
            let expected = format!("rules/{}.md", rule.meta.id);
            assert_eq!(rule.meta.file, expected, "rule file named after its id");
            let mut at = 0;
            for heading in DOC_HEADINGS {
                let found = rule.meta.docs[at..].find(heading);
                assert!(
                    found.is_some(),
                    "{}: missing or misplaced {heading:?}",
                    rule.meta.id
                );
                at += found.unwrap_or(0);
            }
            assert!(
                !rule.meta.summary.ends_with('.'),
                "{}: summary ends with a period",
                rule.meta.id
            );
        }
    }
}
