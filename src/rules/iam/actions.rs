//! What the action rules share: the literal items of `Action`/`NotAction` resolved against
//! the catalog, coverage between two action patterns (by the catalog's expansion or by glob
//! subsumption), and the shape tests of the `Resource` element that the "star in resource"
//! rules need.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use serde_json::Value as Json;

use super::{ActionRef, edit_distance, nearest_capped, resolve_action, resolve_within};
use crate::catalog::{Action, Catalog, Service};
use crate::finding::Diagnostic;
use crate::model::{Effect, ElementItem, ElementList, FileModel, Statement, action_matches};
use crate::parse::{Node, Value};
use crate::source::Span;

/// One literal item of an `Action`/`NotAction` list and what the catalog says it names.
pub struct ActionPattern<'s, 'c> {
    pub text: &'s str,
    pub span: Span,
    pub resolved: Cow<'s, ActionRef<'c>>,
    /// The text lowercased, for glob comparisons.
    folded: Vec<char>,
}

impl<'s, 'c> ActionPattern<'s, 'c> {
    /// The literal items of `list`, read from the file's action table; intrinsic
    /// functions are unknown and left out.
    pub fn all(table: &'s ActionTable, list: &'s ElementList) -> Vec<ActionPattern<'s, 'static>> {
        literal_items(list)
            .map(|(item, text)| ActionPattern {
                text,
                span: item.span,
                resolved: table.get(text),
                folded: fold(text),
            })
            .collect()
    }

    #[cfg(test)]
    pub fn new(catalog: &'c Catalog, text: &'s str, span: Span) -> ActionPattern<'s, 'c> {
        ActionPattern {
            text,
            span,
            resolved: Cow::Owned(resolve_action(catalog, text)),
            folded: fold(text),
        }
    }

    /// The service prefix (lowercased) when it is written without wildcards: two such
    /// patterns can only cover each other when their prefixes are equal.
    pub fn literal_prefix(&self) -> Option<String> {
        let (prefix, _) = self.text.split_once(':')?;
        (!prefix.contains(['*', '?'])).then(|| prefix.to_lowercase())
    }

    /// Whether this pattern's text subsumes the other's as a glob.
    pub fn glob_covers(&self, other: &ActionPattern) -> bool {
        glob_covers_folded(&self.folded, &other.folded)
    }

    /// Whether every action this pattern may match is also matched by `other`: `other` is
    /// `*`, its text subsumes this one as a glob, or both are known and the catalog's
    /// expansion of this one is part of the other's.
    pub fn covered_by(&self, other: &ActionPattern) -> bool {
        if matches!(*other.resolved, ActionRef::Everything) || other.glob_covers(self) {
            return true;
        }
        match (&*self.resolved, &*other.resolved) {
            (
                ActionRef::Matched { service, actions },
                ActionRef::Matched {
                    service: other_service,
                    actions: other_actions,
                },
            ) if std::ptr::eq(*service, *other_service) => is_subset(actions, other_actions),
            _ => false,
        }
    }

    /// The catalog's actions this pattern matches, when it is known.
    pub fn expansion(&self) -> Option<(&'c Service, &[&'c Action])> {
        match &*self.resolved {
            ActionRef::Matched { service, actions } => Some((*service, actions.as_slice())),
            _ => None,
        }
    }
}

/// Catalog names a file's wildcard actions may be compared with, in all. Each distinct
/// item is resolved once, and a wildcard is compared only with the names that start with
/// its literal start (`Describe` of `ec2:Describe*`), so AWS's largest managed policies
/// spend under 100,000; 100,000 distinct `ec2:*x*` would need 75,000,000. The expansions
/// are kept for the whole file, so this bounds their memory too.
const EXPANSION_BUDGET: usize = 5_000_000;

/// Cells of edit-distance tables the spelling suggestions for a file's unknown services and
/// actions may fill, in all (each distinct name is looked up once, against the service's
/// actions or the catalog's prefixes). A typo costs about 4,000 (searched up to two edits,
/// the most a suggestion may be off); 100,000 distinct
/// unknown names of large services would cost billions.
const SPELLING_BUDGET: usize = 100_000_000;

/// What the catalog suggests for an unknown service prefix or action name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Spelling {
    /// A name within two edits (or the service whose name the prefix spells).
    Near(&'static str),
    /// No name is near: the catalog may lag AWS.
    Unknown,
    /// Not looked up: the file's budget for suggestions was spent.
    Unchecked,
}

/// The catalog's reading of a file's action items: each distinct text resolved once (with
/// the spelling suggestion for an unknown service or action) and shared by the rules that
/// ask (`rules::shared::actions`).
pub struct ActionTable {
    by_text: HashMap<String, (ActionRef<'static>, Spelling)>,
    /// The first item that was left unexpanded when the expansion budget ran out.
    unexpanded: Option<Span>,
    /// The first unknown name that was not looked up when the spelling budget ran out.
    unchecked: Option<Span>,
}

impl ActionTable {
    pub fn build(file: &FileModel<'_>) -> ActionTable {
        let catalog = Catalog::global();
        let mut expansions = crate::rules::Budget::new(EXPANSION_BUDGET);
        let mut spellings = crate::rules::Budget::new(SPELLING_BUDGET);
        let mut table = ActionTable {
            by_text: HashMap::new(),
            unexpanded: None,
            unchecked: None,
        };
        for (_, list) in action_lists(file) {
            for (item, text) in literal_items(list) {
                if table.by_text.contains_key(text) {
                    continue;
                }
                let resolved = resolve_within(catalog, text, &mut expansions);
                if matches!(resolved, ActionRef::Unexpanded) {
                    table.unexpanded.get_or_insert(item.span);
                }
                let spelling = spelling(&resolved, &mut spellings);
                if spelling == Spelling::Unchecked {
                    table.unchecked.get_or_insert(item.span);
                }
                table.by_text.insert(text.to_string(), (resolved, spelling));
            }
        }
        table
    }

    /// What `text` names; an item of the file is read from the table.
    pub fn get(&self, text: &str) -> Cow<'_, ActionRef<'static>> {
        match self.by_text.get(text) {
            Some((resolved, _)) => Cow::Borrowed(resolved),
            None => Cow::Owned(resolve_action(Catalog::global(), text)),
        }
    }

    /// The spelling suggestion for an item that names an unknown service or action
    /// ([`Spelling::Unknown`] for any other item).
    pub fn spelling(&self, text: &str) -> Spelling {
        match self.by_text.get(text) {
            Some((_, spelling)) => *spelling,
            None => spelling(
                &resolve_action(Catalog::global(), text),
                &mut crate::rules::Budget::new(usize::MAX),
            ),
        }
    }

    /// Where its budgets ran out, if they did.
    pub fn limits(&self) -> Vec<Diagnostic> {
        let mut limits = Vec::new();
        if let Some(span) = self.unexpanded {
            limits.push(Diagnostic::analysis_limit(
                span,
                format!(
                    "wildcard actions of this file were compared with more than {} action names of the catalog; this wildcard and the later new ones were not expanded, and the rules that need their actions (`iam/action-matches-nothing`, `iam/redundant-action`, `iam/redundant-statement`, `iam/resource-star`, `iam/condition-key-not-supported`) skipped them",
                    crate::rules::budget::thousands(EXPANSION_BUDGET)
                ),
            ));
        }
        if let Some(span) = self.unchecked {
            limits.push(Diagnostic::analysis_limit(
                span,
                format!(
                    "looking up spellings for the unknown services and actions of this file took more than {} steps; this name and the later new ones were not checked by `iam/unknown-service`, `iam/unknown-action` and `iam/undocumented-action`",
                    crate::rules::budget::thousands(SPELLING_BUDGET)
                ),
            ));
        }
        limits
    }
}

/// The spelling suggestion for an unknown service prefix (a near prefix, or the service
/// whose name it spells) or action name (a near action of its service).
fn spelling(resolved: &ActionRef<'static>, budget: &mut crate::rules::Budget) -> Spelling {
    let near = match resolved {
        ActionRef::UnknownService { prefix } => typo_of(prefix, Catalog::global().prefixes(), budget)
            .map(|found| found.or_else(|| service_named(prefix).map(|s| s.prefix))),
        ActionRef::UnknownAction { service, name } => {
            typo_of(name, service.actions.iter().map(|a| a.name), budget)
        }
        _ => return Spelling::Unknown,
    };
    match near {
        Some(Some(name)) => Spelling::Near(name),
        Some(None) => Spelling::Unknown,
        None => Spelling::Unchecked,
    }
}

/// The name `word` was most likely meant to be, when the catalog has one within two
/// edits (case-insensitive). Unknown names with no such neighbour are not reported as
/// errors: the catalog lags AWS (AWS's own managed policies use undocumented actions and
/// prefixes of retired services), and only a near miss shows the name really is wrong.
/// `None` when the budget runs out (see [`nearest_capped`]).
fn typo_of<'a>(
    word: &str,
    candidates: impl Iterator<Item = &'a str>,
    budget: &mut crate::rules::Budget,
) -> Option<Option<&'a str>> {
    // Only a name within two edits is kept, so the search looks no further.
    let found = nearest_capped(word, candidates, 2, budget)?;
    Some(found.filter(|found| edit_distance(&word.to_lowercase(), &found.to_lowercase()) <= 2))
}

/// The service whose name, written without spaces and without its "Amazon"/"AWS" brand, is
/// `word`: people write `cloudwatchlogs:` for the `logs:` prefix of Amazon CloudWatch Logs.
pub fn service_named(word: &str) -> Option<&'static Service> {
    fn squash(name: &str) -> String {
        name.chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase()
    }
    // Each service's squashed name and bare name, the first service's where two agree.
    static NAMED: OnceLock<HashMap<String, &'static str>> = OnceLock::new();
    let named = NAMED.get_or_init(|| {
        let mut named = HashMap::new();
        for service in Catalog::global().services() {
            let name = squash(service.name);
            let bare = name
                .strip_prefix("amazon")
                .or_else(|| name.strip_prefix("aws"))
                .unwrap_or(&name)
                .to_string();
            named.entry(name).or_insert(service.prefix);
            named.entry(bare).or_insert(service.prefix);
        }
        named
    });
    let word = squash(word);
    if word.len() < 4 {
        return None;
    }
    named
        .get(&word)
        .and_then(|prefix| Catalog::global().service(prefix))
}

/// Every `Action`/`NotAction` list of the file's policies, with its statement.
pub fn action_lists<'f>(file: &'f FileModel<'_>) -> impl Iterator<Item = (&'f Statement, &'f ElementList)> {
    file.policies
        .iter()
        .flat_map(|doc| doc.statements.iter())
        .filter_map(|statement| statement.action.as_ref().map(|list| (statement, list)))
}

/// The items of a list that are literal strings, with their text.
pub fn literal_items(list: &ElementList) -> impl Iterator<Item = (&ElementItem, &str)> {
    list.items
        .iter()
        .filter_map(|item| item.text.as_deref().map(|text| (item, text)))
}

/// Whether `sub` (sorted as in [`Service::matching`], which keeps the catalog's order) is
/// part of `sup` (sorted the same way): one merge over both.
fn is_subset(sub: &[&Action], sup: &[&Action]) -> bool {
    let address = |a: &&Action| *a as *const Action as usize;
    let mut rest = sup.iter().map(address).peekable();
    sub.iter().map(address).all(|wanted| {
        while rest.next_if(|&have| have < wanted).is_some() {}
        rest.next_if_eq(&wanted).is_some()
    })
}

fn fold(text: &str) -> Vec<char> {
    // Action names are ASCII: one exact allocation, where the general case grows its vector
    // character by character (with `arn::fields` unallocated, ReadOnlyAccess.json's 5,354
    // patterns went from 82.0 M instructions to 66.0 M).
    if text.is_ascii() {
        return text.bytes().map(|b| char::from(b.to_ascii_lowercase())).collect();
    }
    text.chars().flat_map(char::to_lowercase).collect()
}

/// Glob subsumption over lowercased text: whether every text that `specific` matches is
/// also matched by `general`. A wildcard of `specific` can only be absorbed by a `*` of
/// `general` (and a `?` by a `?` or a `*`), which makes the test sound; it is complete
/// for the patterns people write.
fn glob_covers_folded(general: &[char], specific: &[char]) -> bool {
    let (mut g, mut s) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while s < specific.len() {
        let single = |c: char| match (general.get(g), c) {
            (Some('?'), '*') => false,
            (Some('?'), _) => true,
            (Some(&lit), c) => lit != '*' && lit != '?' && c != '*' && c != '?' && lit == c,
            (None, _) => false,
        };
        if single(specific[s]) {
            g += 1;
            s += 1;
        } else if general.get(g) == Some(&'*') {
            star = Some((g, s));
            g += 1;
        } else if let Some((star_g, star_s)) = star {
            g = star_g + 1;
            s = star_s + 1;
            star = Some((star_g, star_s + 1));
        } else {
            return false;
        }
    }
    general[g..].iter().all(|&c| c == '*')
}

/// Whether a `Resource` element names every resource: one of its items is `*`.
pub fn is_resource_star(list: &ElementList) -> bool {
    !list.negated && literal_items(list).any(|(_, text)| text == "*")
}

/// Whether a `NotResource` element leaves resources granted: it is `NotResource` and none
/// of its items is `*` (which would exclude everything).
pub fn is_open_not_resource(list: &ElementList) -> bool {
    list.negated && !literal_items(list).any(|(_, text)| text == "*")
}

/// A policy element written as canonical JSON text, equal when IAM reads both the same way:
/// object keys in any order (the last of a repeated key kept), list items in any order and
/// without duplicates, and a single value the same as a list of one. Written from the
/// tree directly: a `Resource` of 100,000 items costs its text and a sort, not a JSON value
/// per item.
pub fn canonical(node: &Node) -> String {
    canonical_with(node, false)
}

/// [`canonical`] for a `Condition` block, whose condition keys compare case-insensitively
/// (IAM reads them so).
pub fn canonical_condition(node: &Node) -> String {
    canonical_with(node, true)
}

fn canonical_with(node: &Node, condition: bool) -> String {
    match &node.value {
        Value::Array(items) => {
            let mut items: Vec<String> = items.iter().map(canonical).collect();
            items.sort_unstable();
            items.dedup();
            match items.len() {
                1 => items.pop().unwrap_or_default(),
                _ => format!("[{}]", items.join(",")),
            }
        }
        Value::Object(entries) => {
            // The last of repeated keys, in key order.
            let mut last: BTreeMap<&str, &Node> = BTreeMap::new();
            for entry in entries {
                last.insert(&entry.key, &entry.value);
            }
            let written: Vec<String> = last
                .into_iter()
                .map(|(key, value)| {
                    let value = if condition {
                        canonical_keys_folded(value)
                    } else {
                        canonical(value)
                    };
                    format!("{}:{value}", Json::String(key.to_string()))
                })
                .collect();
            format!("{{{}}}", written.join(","))
        }
        _ => node.to_json().to_string(),
    }
}

/// The object of one condition operator, its keys lowercased (of keys that differ only in
/// case, the last in key order is kept).
fn canonical_keys_folded(node: &Node) -> String {
    let Some(entries) = node.as_object() else {
        return canonical(node);
    };
    let mut last: BTreeMap<&str, &Node> = BTreeMap::new();
    for entry in entries {
        last.insert(&entry.key, &entry.value);
    }
    let mut folded: BTreeMap<String, &Node> = BTreeMap::new();
    for (key, value) in last {
        folded.insert(key.to_ascii_lowercase(), value);
    }
    let written: Vec<String> = folded
        .into_iter()
        .map(|(key, value)| format!("{}:{}", Json::String(key), canonical(value)))
        .collect();
    format!("{{{}}}", written.join(","))
}

/// A sensitive action whose scope the "star in resource" checks of Access Analyzer watch:
/// `iam:PassRole`, `iam:CreateServiceLinkedRole`.
pub struct SensitiveAction {
    /// `iam:PassRole`
    pub action: &'static str,
    /// How Access Analyzer's check titles name it: `pass role`, `create SLR`.
    pub title: &'static str,
    /// What an unscoped grant lets the principal do, for the message.
    pub consequence: &'static str,
    /// Condition keys that scope the grant the way Access Analyzer recommends.
    pub scoping_keys: &'static [&'static str],
    pub help: &'static str,
}

/// Whether a condition on a scoping key narrows the grant: it names specific values with a
/// positive operator. `StringLike: "*"`, a negated operator or a `Null` check leave it open.
fn narrows(clause: &crate::model::ConditionClause) -> bool {
    let positive = matches!(
        clause.operator.base.as_str(),
        "StringEquals" | "StringEqualsIgnoreCase" | "StringLike" | "ArnEquals" | "ArnLike"
    );
    positive
        && clause.values.iter().any(|v| {
            v.text
                .as_deref()
                .is_some_and(|t| t.chars().any(|c| c != '*' && c != '?') && !t.starts_with("${"))
        })
}

/// Allow statements of policies held by principals that grant `sensitive.action` on `*`
/// or through `NotResource`, without a scoping condition. The finding points at the `*`
/// resource (or the `NotResource` key) and names the Access Analyzer variant.
pub fn unscoped_grants(file: &FileModel<'_>, sensitive: &SensitiveAction, out: &mut Vec<Diagnostic>) {
    // A key policy's `*` is the key itself; SCPs and trust policies grant no permission.
    for doc in file.policies.iter().filter(|d| d.kind.grants_to_holder()) {
        for statement in doc.statements.iter().filter(|s| s.is(Effect::Allow)) {
            let (Some(actions), Some(resources)) = (&statement.action, &statement.resource) else {
                continue;
            };
            if sensitive
                .scoping_keys
                .iter()
                .any(|key| statement.clauses_on(key).any(narrows))
            {
                continue;
            }
            let (resource_span, not_resource) = if is_resource_star(resources) {
                let star = literal_items(resources).find(|(_, text)| *text == "*");
                (star.map_or(resources.span, |(item, _)| item.span), false)
            } else if is_open_not_resource(resources) {
                (resources.key_span, true)
            } else {
                continue;
            };
            let (action_span, how) = if actions.negated {
                if actions.covers_action(sensitive.action) != Some(true) {
                    continue;
                }
                (actions.key_span, ActionShape::NotAction)
            } else {
                let mut matching =
                    literal_items(actions).filter(|(_, text)| action_matches(text, sensitive.action));
                let Some(first) = matching.next() else { continue };
                let literal = std::iter::once(first)
                    .chain(matching)
                    .find(|(_, text)| !text.contains(['*', '?']));
                match literal {
                    Some((item, _)) => (item.span, ActionShape::Literal),
                    None => (first.0.span, ActionShape::Wildcard),
                }
            };
            let variant = match (how, not_resource) {
                (ActionShape::Literal, false) => "with star in resource",
                (ActionShape::Wildcard, false) => "with star in action and resource",
                (ActionShape::NotAction, false) => "with star in resource and NotAction",
                (ActionShape::Literal, true) => "with NotResource",
                (ActionShape::Wildcard, true) => "with star in action and NotResource",
                (ActionShape::NotAction, true) => "with NotAction and NotResource",
            };
            let scope = if not_resource {
                "on every resource that `NotResource` does not list"
            } else {
                "on `*`"
            };
            let label = match how {
                ActionShape::Literal => format!("grants `{}`", sensitive.action),
                ActionShape::Wildcard => format!("matches `{}`", sensitive.action),
                ActionShape::NotAction => format!("does not exclude `{}`", sensitive.action),
            };
            out.push(
                Diagnostic::new(
                    resource_span,
                    format!(
                        "{} {variant}: `{}` is allowed {scope}, {}",
                        sensitive.title, sensitive.action, sensitive.consequence
                    ),
                )
                .help(sensitive.help)
                .label(action_span, label),
            );
        }
    }
}

#[derive(Clone, Copy)]
enum ActionShape {
    /// The action named as it is.
    Literal,
    /// A pattern with `*` or `?` that matches it.
    Wildcard,
    /// A `NotAction` that does not exclude it.
    NotAction,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Budget;

    /// The fewest cells `search` can do its work with (it fails on a smaller budget).
    fn cells(search: impl Fn(&mut Budget) -> Option<Option<&'static str>>) -> usize {
        let (mut low, mut high) = (0, 1 << 40);
        while low < high {
            let middle = (low + high) / 2;
            if search(&mut Budget::new(middle)).is_some() {
                high = middle;
            } else {
                low = middle + 1;
            }
        }
        high
    }

    /// The spelling search stops at two edits, the most `typo_of` keeps: it finds what the
    /// uncapped search finds within two edits, with a fraction of the work.
    #[test]
    fn spelling_search_capped_at_two_edits() {
        let ec2 = Catalog::global().service("ec2").unwrap();
        let names = || ec2.actions.iter().map(|a| a.name);
        for word in [
            "DescribeInstancess",
            "DescribeInstanceTypeOfferingz",
            "describesecuritygroup",
            "CreateTagz",
            "RunInstance",
            "GetEbsDefaultKmsKeyIdd",
            "DescribeNothingAtAllHere",
            "Frobnicate",
            "DescribeInstancesXYZ",
            "Ab",
        ] {
            let uncapped = crate::rules::iam::nearest(word, names())
                .filter(|found| edit_distance(&word.to_lowercase(), &found.to_lowercase()) <= 2);
            let capped = typo_of(word, names(), &mut Budget::new(usize::MAX)).unwrap();
            assert_eq!(capped, uncapped, "{word}");
        }
        assert_eq!(
            typo_of("DescribeInstancess", names(), &mut Budget::new(usize::MAX)),
            Some(Some("DescribeInstances"))
        );
        let word = "DescribeInstanceTypeOfferingz";
        let old = cells(|budget| crate::rules::iam::nearest_within(word, names(), budget));
        let new = cells(|budget| typo_of(word, names(), budget));
        assert!(new * 2 < old, "{new} cells capped, {old} uncapped");
    }

    /// The ASCII shortcut folds as the general case does.
    #[test]
    fn folding_ascii_is_folding() {
        for text in ["s3:GetObject", "EC2:Describe*", "iam:?ass*Role", "", "RDS:X"] {
            let general: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
            assert_eq!(fold(text), general, "{text}");
        }
        assert_eq!(fold("S3:GetÖbject").iter().collect::<String>(), "s3:getöbject");
    }

    fn glob_covers(general: &str, specific: &str) -> bool {
        glob_covers_folded(&fold(general), &fold(specific))
    }

    #[test]
    fn glob_subsumption() {
        assert!(glob_covers("s3:Get*", "s3:GetObject"));
        assert!(glob_covers("s3:Get*", "s3:GetObject*"));
        assert!(glob_covers("S3:GET*", "s3:getobject"));
        assert!(glob_covers("*", "s3:Get*"));
        assert!(glob_covers("s3:*", "s3:*Object"));
        assert!(glob_covers("s3:Get?bject", "s3:GetObject"));
        assert!(glob_covers("s3:Get*Acl", "s3:GetObject*Acl"));
        assert!(!glob_covers("s3:GetObject", "s3:Get*"));
        assert!(!glob_covers("s3:Get?bject", "s3:Get*bject"));
        assert!(!glob_covers("s3:Get*Acl", "s3:Get*"));
        assert!(!glob_covers("s3:GetObject", "s3:GetObjectAcl"));
    }

    #[test]
    fn catalog_coverage() {
        let catalog = Catalog::global();
        let pattern =
            |text: &'static str| ActionPattern::new(catalog, text, Span::new(crate::source::FileId(0), 0, 0));
        assert!(pattern("s3:GetObject").covered_by(&pattern("s3:Get*")));
        assert!(pattern("s3:GetObjectAcl").covered_by(&pattern("s3:*Acl")));
        assert!(pattern("s3:GetObject").covered_by(&pattern("S3:getobject")));
        assert!(pattern("s3:GetObjectAcl").covered_by(&pattern("*")));
        assert!(!pattern("s3:Get*").covered_by(&pattern("s3:GetObject")));
        assert!(!pattern("s3:GetObject").covered_by(&pattern("s3:Put*")));
        assert!(!pattern("ec2:DescribeInstances").covered_by(&pattern("s3:*")));
    }
}
