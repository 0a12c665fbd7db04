//! What the condition rules share: the table of documented condition operators and their
//! families, and what a written condition key names according to the catalog (a global
//! key, a key some service documents, a web identity or SAML federation key, or nothing).

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use crate::catalog::{Catalog, GlobalKey, KeyType, bare_tag_template, is_template, key_matches_template};
use crate::model::{Operator, SetQualifier};

use super::{nearest, nearest_within};
use crate::finding::Diagnostic;
use crate::model::FileModel;
use crate::rules::Budget;
use crate::source::Span;

/// The kind of comparison a condition operator makes, which decides the key types it fits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OperatorFamily {
    String,
    Numeric,
    Date,
    Bool,
    Binary,
    IpAddress,
    Arn,
    Null,
}

/// Every base condition operator of the IAM User Guide, as documented (names are
/// case-sensitive), with its family.
pub const CONDITION_OPERATORS: [(&str, OperatorFamily); 27] = [
    ("StringEquals", OperatorFamily::String),
    ("StringNotEquals", OperatorFamily::String),
    ("StringEqualsIgnoreCase", OperatorFamily::String),
    ("StringNotEqualsIgnoreCase", OperatorFamily::String),
    ("StringLike", OperatorFamily::String),
    ("StringNotLike", OperatorFamily::String),
    ("NumericEquals", OperatorFamily::Numeric),
    ("NumericNotEquals", OperatorFamily::Numeric),
    ("NumericLessThan", OperatorFamily::Numeric),
    ("NumericLessThanEquals", OperatorFamily::Numeric),
    ("NumericGreaterThan", OperatorFamily::Numeric),
    ("NumericGreaterThanEquals", OperatorFamily::Numeric),
    ("DateEquals", OperatorFamily::Date),
    ("DateNotEquals", OperatorFamily::Date),
    ("DateLessThan", OperatorFamily::Date),
    ("DateLessThanEquals", OperatorFamily::Date),
    ("DateGreaterThan", OperatorFamily::Date),
    ("DateGreaterThanEquals", OperatorFamily::Date),
    ("Bool", OperatorFamily::Bool),
    ("BinaryEquals", OperatorFamily::Binary),
    ("IpAddress", OperatorFamily::IpAddress),
    ("NotIpAddress", OperatorFamily::IpAddress),
    ("ArnEquals", OperatorFamily::Arn),
    ("ArnLike", OperatorFamily::Arn),
    ("ArnNotEquals", OperatorFamily::Arn),
    ("ArnNotLike", OperatorFamily::Arn),
    ("Null", OperatorFamily::Null),
];

const QUALIFIERS: [&str; 2] = ["ForAllValues", "ForAnyValue"];
const IF_EXISTS: &str = "IfExists";

/// The family of a base operator written exactly as documented.
pub fn operator_family(base: &str) -> Option<OperatorFamily> {
    CONDITION_OPERATORS
        .iter()
        .find(|(name, _)| *name == base)
        .map(|&(_, family)| family)
}

/// The operator as written in the policy (the model splits it into parts losslessly).
pub fn written_operator(operator: &Operator) -> String {
    let qualifier = match operator.qualifier {
        Some(SetQualifier::ForAllValues) => "ForAllValues:",
        Some(SetQualifier::ForAnyValue) => "ForAnyValue:",
        None => "",
    };
    let suffix = if operator.if_exists { IF_EXISTS } else { "" };
    format!("{qualifier}{}{suffix}", operator.base)
}

/// What is wrong with a written condition operator.
#[derive(Debug, PartialEq, Eq)]
pub enum OperatorProblem {
    /// Names a documented operator, but not in its documented case.
    Case { documented: String },
    /// `NullIfExists`: `Null` already tests whether the key exists.
    NullIfExists,
    /// A prefix before `:` other than `ForAllValues`/`ForAnyValue`.
    UnknownQualifier {
        qualifier: String,
        suggestion: Option<String>,
    },
    /// Not a documented operator.
    Unknown { suggestion: Option<String> },
}

/// Checks one written operator (`ForAnyValue:StringLikeIfExists`) against the table.
pub fn check_operator(written: &str) -> Option<OperatorProblem> {
    let (qualifier, rest) = match written.split_once(':') {
        Some((q, rest)) => (Some(q), rest),
        None => (None, written),
    };
    let documented_qualifier = match qualifier {
        None => Some(""),
        Some(q) => QUALIFIERS.iter().find(|d| d.eq_ignore_ascii_case(q)).copied(),
    };
    let Some(documented_qualifier) = documented_qualifier else {
        let qualifier = qualifier.unwrap_or_default().to_string();
        let suggestion = nearest(&qualifier, QUALIFIERS.into_iter()).map(|q| {
            let body = documented_body(rest).unwrap_or_else(|| rest.to_string());
            format!("{q}:{body}")
        });
        return Some(OperatorProblem::UnknownQualifier {
            qualifier,
            suggestion,
        });
    };
    let prefix = if documented_qualifier.is_empty() {
        String::new()
    } else {
        format!("{documented_qualifier}:")
    };
    match documented_body(rest) {
        Some(body) if body == "NullIfExists" => Some(OperatorProblem::NullIfExists),
        Some(body) => {
            let documented = format!("{prefix}{body}");
            (documented != written).then_some(OperatorProblem::Case { documented })
        }
        None => {
            let candidates = CONDITION_OPERATORS
                .iter()
                .filter(|(name, _)| *name != "Null")
                .flat_map(|(name, _)| [name.to_string(), format!("{name}{IF_EXISTS}")])
                .chain(std::iter::once("Null".to_string()))
                .collect::<Vec<_>>();
            let suggestion =
                nearest(rest, candidates.iter().map(String::as_str)).map(|s| format!("{prefix}{s}"));
            Some(OperatorProblem::Unknown { suggestion })
        }
    }
}

/// The documented spelling of `Base[IfExists]`, compared case-insensitively.
fn documented_body(body: &str) -> Option<String> {
    let lower = body.to_ascii_lowercase();
    let (base, if_exists) = match lower.strip_suffix("ifexists") {
        Some(base) if !base.is_empty() => (base, true),
        _ => (lower.as_str(), false),
    };
    let (name, _) = CONDITION_OPERATORS
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(base))?;
    Some(if if_exists {
        format!("{name}{IF_EXISTS}")
    } else {
        (*name).to_string()
    })
}

/// The ARN operator that does what a string operator was meant to do on an ARN key.
pub fn arn_equivalent(base: &str) -> Option<&'static str> {
    Some(match base {
        "StringEquals" | "StringEqualsIgnoreCase" => "ArnEquals",
        "StringNotEquals" | "StringNotEqualsIgnoreCase" => "ArnNotEquals",
        "StringLike" => "ArnLike",
        "StringNotLike" => "ArnNotLike",
        _ => return None,
    })
}

/// How an operator family fits a key type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TypeFit {
    /// The operator is meant for the type (or the type is unknown, or the operator is
    /// `Null`, which fits every key).
    Fits,
    /// A String operator on an ARN key: it works, comparing the ARN as plain text.
    StringOnArn,
    /// The operator cannot compare values of this type.
    Mismatch,
}

/// Whether an operator family can compare a key of `key_type`. `aws:EpochTime` is a date
/// that also works with numeric operators, as the IAM User Guide documents; ARN operators
/// also fit String keys, which often hold ARNs.
pub fn type_fit(family: OperatorFamily, key_type: KeyType, key: &str) -> TypeFit {
    use KeyType as T;
    let element = key_type.element();
    let fits = match family {
        OperatorFamily::Null => true,
        _ if element == T::Other => true,
        OperatorFamily::String => {
            if element == T::Arn {
                return TypeFit::StringOnArn;
            }
            element == T::String
        }
        OperatorFamily::Numeric => {
            element == T::Numeric || (element == T::Date && key.eq_ignore_ascii_case("aws:EpochTime"))
        }
        OperatorFamily::Date => element == T::Date,
        OperatorFamily::Bool => element == T::Bool,
        OperatorFamily::IpAddress => element == T::IpAddress,
        // String keys often hold ARNs (`kms:EncryptionContext:aws:s3:arn`, tag values), and
        // the ARN operators compare them as such: AWS's own policies rely on it.
        OperatorFamily::Arn => element == T::Arn || element == T::String,
        // No documented key is binary.
        OperatorFamily::Binary => false,
    };
    if fits { TypeFit::Fits } else { TypeFit::Mismatch }
}

/// The operators that compare values of a key type, for help texts.
pub fn operators_for(key_type: KeyType) -> &'static str {
    match key_type.element() {
        KeyType::String => "a String operator (`StringEquals`, `StringLike`, ...)",
        KeyType::Numeric => "a Numeric operator (`NumericEquals`, `NumericLessThan`, ...)",
        KeyType::Date => "a Date operator (`DateGreaterThan`, `DateLessThan`, ...)",
        KeyType::Bool => "`Bool`",
        KeyType::IpAddress => "`IpAddress` or `NotIpAddress`",
        KeyType::Arn => "an ARN operator (`ArnEquals`, `ArnLike`, ...)",
        _ => "an operator of the key's type",
    }
}

/// A condition key documented by some service, wherever it is listed: `saml:aud` and
/// `accounts.google.com:aud` are listed by `sts`, `ec2:SourceInstanceARN` by `ssm`.
#[derive(Debug)]
pub struct DocumentedKey {
    pub name: &'static str,
    pub key_type: KeyType,
}

/// Every key of every service, by lowercase prefix. Built once, on first use.
fn documented_keys() -> &'static HashMap<String, Vec<DocumentedKey>> {
    static INDEX: OnceLock<HashMap<String, Vec<DocumentedKey>>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index: HashMap<String, Vec<DocumentedKey>> = HashMap::new();
        for service in Catalog::global().services() {
            for key in service.keys {
                let Some((prefix, _)) = key.name.split_once(':') else {
                    continue;
                };
                let list = index.entry(prefix.to_ascii_lowercase()).or_default();
                if !list.iter().any(|k| k.name.eq_ignore_ascii_case(key.name)) {
                    list.push(DocumentedKey {
                        name: key.name,
                        key_type: key.key_type,
                    });
                }
            }
        }
        index
    })
}

/// Keys of `aws:` that only some actions carry: the action decides whether the request
/// has them, unlike `aws:SourceIp` or `aws:PrincipalArn`.
pub const ACTION_SCOPED_GLOBAL_KEYS: [&str; 3] = [
    "aws:RequestTag/${TagKey}",
    "aws:ResourceTag/${TagKey}",
    "aws:TagKeys",
];

/// Keys that AWS uses but that neither the global key table nor the Service Authorization
/// Reference documents: in its own managed policies (AWSSSOServiceRolePolicy,
/// AmazonDataZoneGlueManageAccessRolePolicy, the AWSDeepRacer* policies) and, for
/// `aws:SourceOwner`, in the Amazon SNS Developer Guide's topic policy examples. IAM accepts
/// them, so they are not reported; their type is unknown.
const UNDOCUMENTED_KEYS_AWS_USES: [&str; 5] = [
    "aws:PrincipalOrgMasterAccountId",
    "aws:SourceOwner",
    "deepracer:MultiUser",
    "deepracer:UserToken",
    "lakeformation:GlueARN",
];

/// What a written condition key names.
#[derive(Clone, Debug)]
pub enum KeyRef {
    /// A global condition key (the table of the IAM User Guide).
    Global(&'static GlobalKey),
    /// A key documented by a service (under its own prefix or another's).
    Service(&'static DocumentedKey),
    /// A key of a web identity provider (`<provider host>:sub`) not in the catalog: valid in
    /// trust policies, its type unknown.
    Federation,
    /// A key AWS uses in its own policies without documenting it.
    Undocumented,
    /// Not a literal key (a CloudFormation substitution): nothing can be said.
    Unresolved,
    /// `aws:ARN`, which AWS no longer supports.
    Deprecated,
    /// A tag key template with nothing after the slash (`aws:ResourceTag/`).
    MissingTagKey,
    /// Not of the form `prefix:name`.
    Malformed,
    /// An `aws:` key that is not a global key.
    UnknownGlobal { suggestion: Option<String> },
    /// A key the service (or the `saml:` federation) does not define.
    UnknownServiceKey {
        prefix: String,
        /// Whether the prefix is a service's (not `saml`, whose keys `sts` lists).
        is_service: bool,
        suggestion: Option<String>,
        /// Whether the service defines any condition key at all.
        service_has_keys: bool,
    },
    /// The prefix names no service.
    UnknownPrefix { suggestion: Option<String> },
    /// Not known, and not looked up: the file's budget for spelling suggestions was spent
    /// (see [`KeyTable`]).
    Unchecked,
}

impl KeyRef {
    /// The documented type of the key, when it has one.
    pub fn key_type(&self) -> Option<KeyType> {
        match self {
            KeyRef::Global(g) => Some(g.key_type),
            KeyRef::Service(k) => Some(k.key_type),
            _ => None,
        }
    }
}

/// Whether a written key comes from a CloudFormation substitution rather than the policy
/// author (`${Provider}:sub` in `Fn::Sub`) or is a leftover intrinsic function name.
fn is_unresolved(key: &str) -> bool {
    key.contains("${") || key == "Ref" || key.starts_with("Fn::") || key.starts_with('!')
}

/// Resolves a written condition key against the catalog (case-insensitively, as IAM does).
pub fn resolve_key(key: &str) -> KeyRef {
    resolve_key_within(key, &mut Budget::new(usize::MAX))
}

/// [`resolve_key`], spending from `budget` what the spelling suggestion for an unknown key
/// costs ([`nearest_within`]): [`KeyRef::Unchecked`] when it is not there.
fn resolve_key_within(key: &str, budget: &mut Budget) -> KeyRef {
    if is_unresolved(key) {
        return KeyRef::Unresolved;
    }
    let Some((prefix, name)) = key.split_once(':') else {
        return KeyRef::Malformed;
    };
    if prefix.is_empty() || name.is_empty() || prefix.trim() != prefix || name.trim() != name {
        return KeyRef::Malformed;
    }
    let catalog = Catalog::global();
    if let Some(global) = catalog.global_key(key) {
        return KeyRef::Global(global);
    }
    if UNDOCUMENTED_KEYS_AWS_USES
        .iter()
        .any(|k| k.eq_ignore_ascii_case(key))
    {
        return KeyRef::Undocumented;
    }
    let lower_prefix = prefix.to_ascii_lowercase();
    let listed = documented_keys().get(&lower_prefix);
    if lower_prefix == "aws" {
        if name.eq_ignore_ascii_case("ARN") {
            return KeyRef::Deprecated;
        }
        let names: Vec<&str> = catalog.global_keys().iter().map(|g| g.name.as_str()).collect();
        if is_missing_tag_key(key, &names) {
            return KeyRef::MissingTagKey;
        }
        let Some(suggestion) = suggest_key(key, &names, budget) else {
            return KeyRef::Unchecked;
        };
        return KeyRef::UnknownGlobal { suggestion };
    }
    if let Some(found) = listed.and_then(|keys| keys.iter().find(|k| key_matches_template(k.name, key))) {
        return KeyRef::Service(found);
    }
    // Web identity federation: the prefix is the provider's host (`accounts.google.com`,
    // `oidc.eks.<region>.amazonaws.com/id/<id>`), any claim of which can be tested.
    if prefix.contains(['.', '/']) {
        return KeyRef::Federation;
    }
    let names: Vec<&str> = listed.map_or_else(Vec::new, |keys| keys.iter().map(|k| k.name).collect());
    if is_missing_tag_key(key, &names) {
        return KeyRef::MissingTagKey;
    }
    if listed.is_some() || catalog.service(prefix).is_some() {
        let Some(suggestion) = suggest_key(key, &names, budget) else {
            return KeyRef::Unchecked;
        };
        return KeyRef::UnknownServiceKey {
            prefix: prefix.to_string(),
            is_service: catalog.service(prefix).is_some(),
            suggestion,
            service_has_keys: !names.is_empty(),
        };
    }
    let prefixes: Vec<&str> = catalog
        .prefixes()
        .chain(documented_keys().keys().map(String::as_str))
        .filter(|p| !p.contains('$'))
        .collect();
    match nearest_within(prefix, prefixes.into_iter(), budget) {
        Some(found) => KeyRef::UnknownPrefix {
            suggestion: found.map(|p| format!("{p}:{name}")),
        },
        None => KeyRef::Unchecked,
    }
}

/// `aws:ResourceTag/` for `aws:ResourceTag/${TagKey}`: the template with its placeholder
/// left empty.
fn is_missing_tag_key(key: &str, documented: &[&str]) -> bool {
    key.ends_with('/')
        && documented
            .iter()
            .filter(|d| is_template(d))
            .any(|d| template_head(d).eq_ignore_ascii_case(key))
}

/// The literal part of a template before its first placeholder.
fn template_head(template: &str) -> &str {
    if let Some(head) = bare_tag_template(template) {
        return head;
    }
    template.find(['$', '<']).map_or(template, |i| &template[..i])
}

/// The documented key nearest to a misspelt one. A key under a template
/// (`aws:ResourceTags/team`) is compared by the part before the slash and keeps its tail.
/// `None` when the budget runs out.
fn suggest_key(key: &str, documented: &[&str], budget: &mut Budget) -> Option<Option<String>> {
    if let Some((head, tail)) = key.split_once('/') {
        let heads: Vec<&str> = documented
            .iter()
            .filter(|d| is_template(d))
            .map(|d| template_head(d).trim_end_matches('/'))
            .filter(|h| !h.contains('/'))
            .collect();
        if let Some(found) = nearest_within(head, heads.into_iter(), budget)? {
            return Some(Some(format!("{found}/{tail}")));
        }
    }
    let plain = documented.iter().copied().filter(|d| !is_template(d));
    Some(nearest_within(key, plain, budget)?.map(str::to_string))
}

/// Cells of edit-distance tables the spelling suggestions for a file's unknown condition
/// keys may fill, in all (each distinct key is looked up once). A misspelt key costs a
/// few thousand; 100,000 distinct unknown keys would cost hundreds of millions.
const SPELLING_BUDGET: usize = 100_000_000;

/// What a file's condition keys name: each distinct key resolved once and shared by the
/// rules that ask (`rules::shared::keys`).
pub struct KeyTable {
    by_key: HashMap<String, KeyRef>,
    /// The first key that was not looked up when the budget ran out.
    unchecked: Option<Span>,
}

impl KeyTable {
    pub fn build(file: &FileModel<'_>) -> KeyTable {
        let mut budget = Budget::new(SPELLING_BUDGET);
        let mut table = KeyTable {
            by_key: HashMap::new(),
            unchecked: None,
        };
        for clause in file.clauses() {
            if table.by_key.contains_key(&clause.key) {
                continue;
            }
            let resolved = resolve_key_within(&clause.key, &mut budget);
            if matches!(resolved, KeyRef::Unchecked) {
                table.unchecked.get_or_insert(clause.key_span);
            }
            table.by_key.insert(clause.key.clone(), resolved);
        }
        table
    }

    /// What `key` names; a key of the file is read from the table.
    pub fn get(&self, key: &str) -> Cow<'_, KeyRef> {
        match self.by_key.get(key) {
            Some(resolved) => Cow::Borrowed(resolved),
            None => Cow::Owned(resolve_key(key)),
        }
    }

    /// Where its budget ran out, if it did.
    pub fn limits(&self) -> Vec<Diagnostic> {
        self.unchecked
            .map(|span| {
                Diagnostic::analysis_limit(
                    span,
                    format!(
                        "looking up spellings for the unknown condition keys of this file took more than {} steps; this key and the later new ones were not checked by `iam/unknown-condition-key`",
                        crate::rules::budget::thousands(SPELLING_BUDGET)
                    ),
                )
            })
            .into_iter()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators_are_checked_against_the_documented_names() {
        assert_eq!(check_operator("ForAnyValue:StringLikeIfExists"), None);
        assert_eq!(check_operator("Null"), None);
        assert_eq!(
            check_operator("NullIfExists"),
            Some(OperatorProblem::NullIfExists)
        );
        assert_eq!(
            check_operator("stringEquals"),
            Some(OperatorProblem::Case {
                documented: "StringEquals".into()
            })
        );
        assert_eq!(
            check_operator("forAllValues:StringEquals"),
            Some(OperatorProblem::Case {
                documented: "ForAllValues:StringEquals".into()
            })
        );
        assert_eq!(
            check_operator("StringEqual"),
            Some(OperatorProblem::Unknown {
                suggestion: Some("StringEquals".into())
            })
        );
        assert_eq!(
            check_operator("ForAnyValues:StringEquals"),
            Some(OperatorProblem::UnknownQualifier {
                qualifier: "ForAnyValues".into(),
                suggestion: Some("ForAnyValue:StringEquals".into())
            })
        );
        assert!(matches!(
            check_operator("DateAfter"),
            Some(OperatorProblem::Unknown { .. })
        ));
    }

    #[test]
    fn keys_resolve_to_what_they_name() {
        assert!(matches!(resolve_key("aws:SourceIp"), KeyRef::Global(_)));
        assert!(matches!(resolve_key("AWS:sourceip"), KeyRef::Global(_)));
        assert!(matches!(resolve_key("aws:ResourceTag/team"), KeyRef::Global(_)));
        assert!(matches!(resolve_key("aws:ResourceTag/"), KeyRef::MissingTagKey));
        assert!(matches!(resolve_key("aws:ARN"), KeyRef::Deprecated));
        assert!(matches!(resolve_key("s3:prefix"), KeyRef::Service(_)));
        assert!(matches!(resolve_key("ec2:ResourceTag/Env"), KeyRef::Service(_)));
        assert!(matches!(resolve_key("saml:aud"), KeyRef::Service(_)));
        assert!(matches!(
            resolve_key("accounts.google.com:aud"),
            KeyRef::Service(_)
        ));
        assert!(matches!(
            resolve_key("oidc.eks.us-east-1.amazonaws.com/id/ABC:sub"),
            KeyRef::Federation
        ));
        assert!(matches!(resolve_key("${Provider}:sub"), KeyRef::Unresolved));
        assert!(matches!(resolve_key("SourceIp"), KeyRef::Malformed));
        match resolve_key("aws:SourceIP4") {
            KeyRef::UnknownGlobal { suggestion } => assert_eq!(suggestion.as_deref(), Some("aws:SourceIp")),
            other => panic!("{other:?}"),
        }
        match resolve_key("aws:ResourceTags/team") {
            KeyRef::UnknownGlobal { suggestion } => {
                assert_eq!(suggestion.as_deref(), Some("aws:ResourceTag/team"))
            }
            other => panic!("{other:?}"),
        }
        match resolve_key("s3:prefx") {
            KeyRef::UnknownServiceKey { suggestion, .. } => {
                assert_eq!(suggestion.as_deref(), Some("s3:prefix"))
            }
            other => panic!("{other:?}"),
        }
        match resolve_key("s4:prefix") {
            KeyRef::UnknownPrefix { suggestion } => assert!(suggestion.is_some()),
            other => panic!("{other:?}"),
        }
    }
}
