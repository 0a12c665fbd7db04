//! The rule registry. Each rule's metadata and documentation live in `rules/<id>.md`
//! (TOML front matter between `+++` lines, then Markdown); the implementation is either a
//! Rust type under this module or, for declarative rules, the JSONPath query in that file.

mod assertion;
mod budget;
mod declarative;
pub mod escalation;
mod iam;
mod probe;
mod rds;
mod shared;

use std::sync::OnceLock;

use serde::Deserialize;

use crate::finding::{Diagnostic, Severity};
use crate::model::{FileModel, Project};
pub use budget::Budget;

pub use assertion::{check_assertion, describe_assertion};
/// The catalog's vocabulary, for the config's assertions.
pub use iam::conditions::{CONDITION_OPERATORS, KeyRef, OperatorFamily, resolve_key};
pub use iam::{ActionRef, nearest, resolve_action};

include!(concat!(env!("OUT_DIR"), "/rule_files.rs"));

/// Where rule documentation is published; a rule's `helpUri` is this plus its file.
pub const DOCS_BASE: &str = "https://github.com/iamlint/iamlint/blob/main/";

/// Rules the engine reports itself, without a check of their own.
pub const PARSE_ERROR: &str = "parse-error";
pub const IO_ERROR: &str = "io-error";
/// A rule that stopped early because it spent a budget (see [`Diagnostic::analysis_limit`]).
pub const ANALYSIS_LIMIT: &str = "analysis-limit";

/// Rules the suppression layer reports ([`crate::suppress`]): about suppressions, not
/// about what the files say. They follow `--select`/`--ignore`, and cannot be suppressed.
pub const INVALID_SUPPRESSION: &str = "iamlint/invalid-suppression";
pub const UNUSED_SUPPRESSION: &str = "iamlint/unused-suppression";
pub const EXPIRED_SUPPRESSION: &str = "iamlint/expired-suppression";

/// Whether a rule is one of the suppression layer's (the `iamlint` group).
pub fn is_suppression_rule(id: &str) -> bool {
    id.starts_with("iamlint/")
}

/// Whether a rule is one of `iamlint diff`'s (the `diff` group): it compares two versions
/// and has no check of its own.
pub fn is_diff_rule(id: &str) -> bool {
    id.starts_with("diff/")
}

/// Whether the engine reports a rule itself: such rules have no check, run whatever
/// `--select`/`--ignore` say, and are always reported.
pub fn is_engine_rule(id: &str) -> bool {
    matches!(id, PARSE_ERROR | IO_ERROR | ANALYSIS_LIMIT)
}

/// Whether a selector (a rule id, or a group such as `rds`, `rds/` or `iam/resource`)
/// names the rule `id`: a group names the ids below it, component by component.
pub fn selects(selector: &str, id: &str) -> bool {
    id == selector
        || id
            .strip_prefix(selector.trim_end_matches('/'))
            .is_some_and(|rest| rest.starts_with('/'))
}

/// How a finding of the rule is suppressed where it is deliberate, for `iamlint explain`
/// (the same for every rule, so written once rather than in each rule file).
pub fn how_to_suppress(id: &str) -> String {
    if is_engine_rule(id) || is_suppression_rule(id) {
        return format!(
            "Findings of `{id}` cannot be suppressed: they are about files that were not fully checked or about suppressions themselves."
        );
    }
    format!(
        "Where a finding is deliberate, say so next to it, with the reason: in YAML and Terraform a comment on \
         the line before the element or at the end of its line, `# iamlint: ignore[{id}] reason: ...` (optionally \
         `until=YYYY-MM-DD` before `reason:`); in a CloudFormation template (JSON or YAML), the resource's or the \
         template's `Metadata`: `{{\"iamlint\": {{\"ignore\": [{{\"rule\": \"{id}\", \"reason\": \"...\"}}]}}}}`; \
         for a JSON policy file, an entry in `.iamlint.toml`: `[[lint.ignore]]` with `files = \"GLOB\"`, \
         `rule = \"{id}\"`, optionally `sid = \"SID\"`, and `reason = \"...\"`. \
         The README's \"Suppressing findings\" has the details."
    )
}

/// Headings every rule's documentation has, in this order.
pub const DOC_HEADINGS: [&str; 4] = [
    "## What it finds",
    "## Why it matters",
    "## Example that fails",
    "## What to write instead",
];

/// A check over one file's model. Rules never print and never know the output format.
/// Most rules look at one file; rules about principals look at the whole run, whose
/// principals may be formed by several files.
pub trait Rule: Send + Sync {
    fn check(&self, _file: &FileModel<'_>, _out: &mut Vec<Diagnostic>) {}

    fn check_project(&self, _project: &Project<'_, '_>, _out: &mut Vec<Diagnostic>) {}
}

/// The values of a rule file's `fix` key.
pub const FIX_KINDS: [&str; 4] = ["safe", "unsafe", "safe, unsafe", "none"];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    id: String,
    severity: Severity,
    summary: String,
    /// Which fixes the rule offers: `safe`, `unsafe`, `safe, unsafe` or `none`.
    fix: String,
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
    /// The fixes it offers, as its front matter's `fix` says: `safe`, `unsafe`, `safe,
    /// unsafe` or `none`.
    pub fix: &'static str,
}

impl RuleMeta {
    /// Whether the rule may attach a fix of this applicability, as its `fix` key says.
    pub fn offers(&self, applicability: crate::fix::Applicability) -> bool {
        self.fix.split(", ").any(|k| k == applicability.as_str())
    }

    /// The "Fix:" line of its documentation.
    pub fn fix_line(&self) -> String {
        let text = match self.fix {
            "safe" => "safe (`iamlint check --fix` applies it)",
            "unsafe" => "unsafe (applied only with `--fix --unsafe-fixes`)",
            "safe, unsafe" => {
                "safe, or unsafe where it would change what the policy matches (`--fix`, `--unsafe-fixes`)"
            }
            _ => "none",
        };
        format!("Fix: {text}")
    }

    /// How the rule is implemented: `engine` (reported by the engine or the suppression
    /// layer itself), `query`
    /// (a JSONPath query in its rule file) or `rust`.
    pub fn kind(&self) -> &'static str {
        if is_engine_rule(&self.id) || is_suppression_rule(&self.id) {
            "engine"
        } else if is_diff_rule(&self.id) {
            "diff"
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

    pub fn check_project(&self, project: &Project<'_, '_>, out: &mut Vec<Diagnostic>) {
        if let Some(rule) = &self.check {
            rule.check_project(project, out);
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
            let fix = FIX_KINDS.into_iter().find(|k| *k == front.fix).ok_or_else(|| {
                format!(
                    "{file}: `fix` is `{}`; write one of {}",
                    front.fix,
                    FIX_KINDS.join(", ")
                )
            })?;
            let check: Option<Box<dyn Rule>> = match &front.query {
                Some(spec) => Some(Box::new(
                    declarative::QueryRule::new(spec.clone()).map_err(|e| format!("{file}: {e}"))?,
                )),
                None => implementation(&front.id),
            };
            if check.is_none()
                && !is_engine_rule(&front.id)
                && !is_suppression_rule(&front.id)
                && !is_diff_rule(&front.id)
            {
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
                    fix,
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

    /// Checks a rule selector (`--select`, `[lint] select`...): a rule id or a group (`iam`,
    /// `iam/`, `assert`) of the registry or of `project_ids` (the config's `assert/<name>`).
    /// `Err` is the message, with the nearest id or group when one is a plausible typo.
    pub fn check_selector(&self, selector: &str, project_ids: &[String]) -> Result<(), String> {
        let ids = || {
            self.rules
                .iter()
                .map(|r| r.meta.id.as_str())
                .chain(project_ids.iter().map(String::as_str))
        };
        if ids().any(|id| selects(selector, id)) {
            return Ok(());
        }
        let groups: Vec<&str> = ids()
            .filter_map(|id| id.rsplit_once('/').map(|(g, _)| g))
            .collect();
        let wanted = selector.trim_end_matches('/');
        let hint = match iam::nearest(wanted, ids().chain(groups.iter().copied())) {
            Some(near) => format!("did you mean `{near}`?"),
            None => "`iamlint rules` lists them".to_string(),
        };
        Err(format!("unknown rule or group `{selector}`; {hint}"))
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
        "escalation/assume-more-powerful" => Box::new(escalation::AssumeMorePowerful),
        "escalation/credentials-for-others" => Box::new(escalation::CredentialsForOthers),
        "escalation/pass-role" => Box::new(escalation::PassRole),
        "escalation/policy-version" => Box::new(escalation::PolicyVersion),
        "escalation/self-policy-edit" => Box::new(escalation::SelfPolicyEdit),
        "iam/action-matches-nothing" => Box::new(iam::action_matches_nothing::ActionMatchesNothing),
        "iam/allow-with-not-action" => Box::new(iam::allow_with_not_action::AllowWithNotAction),
        "iam/allow-with-not-principal" => Box::new(iam::allow_with_not_principal::AllowWithNotPrincipal),
        "iam/allow-with-not-resource" => Box::new(iam::allow_with_not_resource::AllowWithNotResource),
        "iam/condition-bypass" => Box::new(iam::condition_bypass::ConditionBypass),
        "iam/condition-key-not-supported" => {
            Box::new(iam::condition_key_not_supported::ConditionKeyNotSupported)
        }
        "iam/condition-type-mismatch" => Box::new(iam::condition_type_mismatch::ConditionTypeMismatch),
        "iam/conflicting-elements" => Box::new(iam::conflicting_elements::ConflictingElements),
        "iam/create-slr-star" => Box::new(iam::create_slr_star::CreateSlrStar),
        "iam/deny-guard-incomplete" => Box::new(iam::deny_guard_incomplete::DenyGuardIncomplete),
        "iam/duplicate-key" => Box::new(iam::duplicate_key::DuplicateKey),
        "iam/duplicate-sid" => Box::new(iam::duplicate_sid::DuplicateSid),
        "iam/element-not-allowed" => Box::new(iam::element_not_allowed::ElementNotAllowed),
        "iam/empty-element" => Box::new(iam::empty_element::EmptyElement),
        "iam/for-all-values-single-valued" => {
            Box::new(iam::for_all_values_single_valued::ForAllValuesSingleValued)
        }
        "iam/full-access" => Box::new(iam::full_access::FullAccess),
        "iam/invalid-arn" => Box::new(iam::invalid_arn::InvalidArn),
        "iam/invalid-condition-value" => Box::new(iam::invalid_condition_value::InvalidConditionValue),
        "iam/invalid-effect" => Box::new(iam::invalid_effect::InvalidEffect),
        "iam/invalid-element-type" => Box::new(iam::invalid_element_type::InvalidElementType),
        "iam/invalid-ip-range" => Box::new(iam::invalid_ip_range::InvalidIpRange),
        "iam/invalid-principal" => Box::new(iam::invalid_principal::InvalidPrincipal),
        "iam/invalid-sid" => Box::new(iam::invalid_sid::InvalidSid),
        "iam/invalid-version" => Box::new(iam::invalid_version::InvalidVersion),
        "iam/mfa-bad-pattern" => Box::new(iam::mfa_bad_pattern::MfaBadPattern),
        "iam/missing-element" => Box::new(iam::missing_element::MissingElement),
        "iam/missing-set-qualifier" => Box::new(iam::missing_set_qualifier::MissingSetQualifier),
        "iam/missing-version" => Box::new(iam::missing_version::MissingVersion),
        "iam/null-condition" => Box::new(iam::null_condition::NullCondition),
        "iam/oidc-trust-unrestricted" => Box::new(iam::oidc_trust_unrestricted::OidcTrustUnrestricted),
        "iam/old-version" => Box::new(iam::old_version::OldVersion),
        "iam/organization-policy-syntax" => {
            Box::new(iam::organization_policy_syntax::OrganizationPolicySyntax)
        }
        "iam/pass-role-star" => Box::new(iam::pass_role_star::PassRoleStar),
        "iam/policy-size" => Box::new(iam::policy_size::PolicySize),
        "iam/policy-variable" => Box::new(iam::policy_variable::PolicyVariable),
        "iam/principal-unique-id" => Box::new(iam::principal_unique_id::PrincipalUniqueId),
        "iam/private-ip" => Box::new(iam::private_ip::PrivateIp),
        "iam/rcp-guard-condition" => Box::new(iam::rcp_guard_condition::RcpGuardCondition),
        "iam/redundant-action" => Box::new(iam::redundant_action::RedundantAction),
        "iam/redundant-condition-value" => Box::new(iam::redundant_condition_value::RedundantConditionValue),
        "iam/redundant-principal" => Box::new(iam::redundant_principal::RedundantPrincipal),
        "iam/redundant-resource" => Box::new(iam::redundant_resource::RedundantResource),
        "iam/redundant-statement" => Box::new(iam::redundant_statement::RedundantStatement),
        "iam/resource-mismatch" => Box::new(iam::resource_mismatch::ResourceMismatch),
        "iam/resource-star" => Box::new(iam::resource_star::ResourceStar),
        "iam/service-principal-without-source" => {
            Box::new(iam::service_principal_without_source::ServicePrincipalWithoutSource)
        }
        "iam/string-operator-on-arn-key" => Box::new(iam::string_operator_on_arn_key::StringOperatorOnArnKey),
        "iam/trust-action-mismatch" => Box::new(iam::trust_action_mismatch::TrustActionMismatch),
        "iam/undocumented-action" => Box::new(iam::undocumented_action::UndocumentedAction),
        "iam/unknown-action" => Box::new(iam::unknown_action::UnknownAction),
        "iam/unknown-condition-key" => Box::new(iam::unknown_condition_key::UnknownConditionKey),
        "iam/unknown-condition-operator" => {
            Box::new(iam::unknown_condition_operator::UnknownConditionOperator)
        }
        "iam/unknown-element" => Box::new(iam::unknown_element::UnknownElement),
        "iam/unknown-service" => Box::new(iam::unknown_service::UnknownService),
        "iam/wildcard-condition" => Box::new(iam::wildcard_condition::WildcardCondition),
        "iam/wildcard-in-service" => Box::new(iam::wildcard_in_service::WildcardInService),
        "iam/wildcard-without-like" => Box::new(iam::wildcard_without_like::WildcardWithoutLike),
        "rds/guard-bypass-modify" => Box::new(rds::guard_bypass_modify::GuardBypassModify),
        "rds/guard-incomplete" => Box::new(rds::guard_incomplete::GuardIncomplete),
        "rds/guard-inverted" => Box::new(rds::guard_inverted::GuardInverted),
        "rds/hardcoded-master-password" => Box::new(rds::hardcoded_master_password::HardcodedMasterPassword),
        "rds/managed-password-unsupported" => {
            Box::new(rds::managed_password_unsupported::ManagedPasswordUnsupported)
        }
        "rds/master-password-not-managed" => {
            Box::new(rds::master_password_not_managed::MasterPasswordNotManaged)
        }
        "rds/missing-kms-key-permissions" => {
            Box::new(rds::missing_kms_key_permissions::MissingKmsKeyPermissions)
        }
        "rds/missing-rotate-permission" => Box::new(rds::missing_rotate_permission::MissingRotatePermission),
        "rds/missing-secret-permissions" => {
            Box::new(rds::missing_secret_permissions::MissingSecretPermissions)
        }
        _ => return None,
    })
}

/// Where work that rules share for a file stopped at a budget (see [`shared`]).
pub fn shared_limits(file: &FileModel<'_>) -> Vec<Diagnostic> {
    shared::limits(file)
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
