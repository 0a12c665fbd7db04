//! The finite request space `iamlint diff` searches: every request that can tell two
//! versions of a policy set apart, up to the abstraction that `docs/diff.md` explains.
//!
//! - Actions: every catalog action that an `Action`/`NotAction` item of either side
//!   matches (all of them when a side writes `NotAction` or a `*` service), and every
//!   literal action the catalog does not know. Actions that every item of both sides
//!   matches alike, and that have the same resource types, are decided alike: one
//!   representative of each such class is evaluated.
//! - Resources: for each resource type of an action, the ARNs that the `Resource` and
//!   `NotResource` items of either side name, their wildcards filled in, when they fit the
//!   type's ARN format; and a fresh ARN of the format that no item names. `*` for an action
//!   without resource types.
//! - Context: for each condition key of either side, the values written for it (wildcards
//!   filled in, numbers and dates one step to each side, the address of each CIDR block),
//!   one value that none of them matches, and the key absent. All combinations, up to
//!   [`MAX_CONTEXTS`].

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::catalog::{Catalog, KeyType};
use crate::model::{ACCOUNT, ElementList, Statement, action_matches};

/// What a fresh value is made of: no policy names it.
pub const FRESH: &str = "iamlint-fresh";
/// The Region of fresh ARNs.
const REGION: &str = "us-east-1";
/// The combinations of condition values tried per action class at most; beyond it every
/// key is varied alone (the rest absent) and the search says it was cut.
pub const MAX_CONTEXTS: usize = 512;

/// The condition keys that follow from the caller rather than from the request: set from
/// the caller, never enumerated.
pub const CALLER_KEYS: [&str; 2] = ["aws:principalarn", "aws:principalaccount"];

/// A class of actions decided alike: the representative is the first.
pub struct ActionClass {
    pub actions: Vec<String>,
    pub resources: Vec<String>,
    /// Index into [`Space::contexts`]: the combinations of the condition keys of the
    /// statements whose actions cover this class (no other statement can decide it).
    pub contexts: usize,
}

/// The combinations of condition values tried for some classes.
pub struct Contexts {
    pub combinations: Vec<ContextValues>,
    /// Every condition key they vary, as first written.
    pub keys: Vec<String>,
    /// The combinations were cut at [`MAX_CONTEXTS`].
    pub cut: bool,
}

/// One combination of condition values: each key with its values, absent keys left out.
pub type ContextValues = Vec<(String, Vec<String>)>;

/// The request space of two sides' statements.
pub struct Space {
    pub classes: Vec<ActionClass>,
    pub contexts: Vec<Contexts>,
    /// Which keys are multivalued (written as lists in a request).
    pub multivalued: BTreeSet<String>,
}

impl Space {
    /// The space of every statement of both sides. `extra_resources` are ARNs that belong
    /// in every class (the ARN of the resource that holds a resource-based policy).
    pub fn of<'s>(
        statements: impl Iterator<Item = &'s Statement> + Clone,
        extra_resources: &[String],
    ) -> Space {
        let catalog = Catalog::global();
        let all: Vec<&Statement> = statements.clone().collect();
        let lists = |pick: fn(&'s Statement) -> Option<&'s ElementList>| {
            statements.clone().filter_map(pick).collect::<Vec<&ElementList>>()
        };
        let action_lists = lists(|s| s.action.as_ref());
        let resource_lists = lists(|s| s.resource.as_ref());
        // Distinct action patterns, lowercased: an action's signature is which of them
        // match it.
        let mut patterns: Vec<String> = action_lists
            .iter()
            .flat_map(|l| l.items.iter().filter_map(|i| i.text.as_deref()))
            .map(str::to_ascii_lowercase)
            .collect();
        patterns.sort();
        patterns.dedup();
        let every = action_lists.iter().any(|l| l.negated)
            || patterns.iter().any(|p| {
                p.split_once(':')
                    .is_none_or(|(service, _)| service.contains(['*', '?']))
            });
        let mut actions: Vec<(String, Vec<String>)> = Vec::new();
        let mut known: BTreeSet<String> = BTreeSet::new();
        let mut add = |prefix: &str, action: &crate::catalog::Action, service: &crate::catalog::Service| {
            let name = format!("{prefix}:{}", action.name);
            if known.insert(name.to_ascii_lowercase()) {
                let mut formats: Vec<String> = action
                    .resources
                    .iter()
                    .filter_map(|r| service.resource_type(r.resource))
                    .map(|t| t.arn.to_string())
                    .collect();
                formats.sort();
                formats.dedup();
                actions.push((name, formats));
            }
        };
        if every {
            for service in catalog.services() {
                for action in service.actions {
                    add(service.prefix, action, service);
                }
            }
        } else {
            for pattern in &patterns {
                let Some((prefix, name)) = pattern.split_once(':') else {
                    continue;
                };
                let Some(service) = catalog.service(prefix) else {
                    continue;
                };
                for action in service.matching(name) {
                    add(service.prefix, action, service);
                }
            }
        }
        // Literal actions the catalog does not know are requests too.
        for pattern in &patterns {
            if !pattern.contains(['*', '?']) && !known.contains(pattern) {
                known.insert(pattern.clone());
                actions.push((pattern.clone(), Vec::new()));
            }
        }
        let resource_patterns: Vec<String> = resource_lists
            .iter()
            .flat_map(|l| l.items.iter().filter_map(|i| i.pattern()))
            .map(str::to_string)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let mut by_signature: HashMap<(Vec<bool>, Vec<String>), usize> = HashMap::new();
        let mut classes: Vec<ActionClass> = Vec::new();
        let mut contexts_by_statements: HashMap<Vec<usize>, usize> = HashMap::new();
        let mut context_sets: Vec<Contexts> = Vec::new();
        let mut multivalued = BTreeSet::new();
        for (action, formats) in actions {
            let signature: Vec<bool> = patterns.iter().map(|p| action_matches(p, &action)).collect();
            match by_signature.get(&(signature.clone(), formats.clone())) {
                // Of a class no statement covers.
                Some(&usize::MAX) => continue,
                Some(&at) => {
                    classes[at].actions.push(action);
                    continue;
                }
                None => {}
            }
            // The statements that can decide a request for the action; a class no
            // statement covers is denied on both sides.
            let deciding: Vec<usize> = all
                .iter()
                .enumerate()
                .filter(|(_, s)| {
                    s.action
                        .as_ref()
                        .is_some_and(|a| a.covers_action(&action) != Some(false))
                })
                .map(|(i, _)| i)
                .collect();
            if deciding.is_empty() {
                by_signature.insert((signature, formats), usize::MAX);
                continue;
            }
            let set = match contexts_by_statements.get(&deciding) {
                Some(&set) => set,
                None => {
                    let (combinations, keys, many, cut) = contexts(deciding.iter().map(|&i| all[i]));
                    multivalued.extend(many);
                    context_sets.push(Contexts {
                        combinations,
                        keys,
                        cut,
                    });
                    contexts_by_statements.insert(deciding, context_sets.len() - 1);
                    context_sets.len() - 1
                }
            };
            by_signature.insert((signature, formats.clone()), classes.len());
            classes.push(ActionClass {
                actions: vec![action],
                resources: resources_for(&formats, &resource_patterns, extra_resources),
                contexts: set,
            });
        }
        Space {
            classes,
            contexts: context_sets,
            multivalued,
        }
    }

    /// Requests the space holds: for each class, resources x combinations.
    pub fn size(&self) -> usize {
        self.classes
            .iter()
            .map(|c| c.resources.len() * self.contexts[c.contexts].combinations.len())
            .sum()
    }
}

/// The resource ARNs tried for an action with these ARN formats.
fn resources_for(formats: &[String], patterns: &[String], extra: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if formats.is_empty() {
        out.push("*".to_string());
    }
    // The ARNs the policies name first: the example a finding shows is the first request
    // that tells the sides apart.
    for format in formats {
        let shape = format_as_wildcard(format);
        for pattern in extra.iter().chain(patterns) {
            // A Region or account written `*` as this Region and account first (the
            // example a reviewer reads), then as a fresh name (another account).
            for filled in [fill_wildcards(&in_this_account(pattern)), fill_wildcards(pattern)] {
                if action_matches(&shape, &filled) {
                    out.push(filled);
                }
            }
        }
        out.push(fresh_arn(format));
        // Each `*` also as nothing at all: `*h` holds every ARN filled with [`FRESH`].
        for pattern in extra.iter().chain(patterns) {
            let emptied = pattern.replace('*', "").replace('?', "x");
            if pattern.contains('*') && action_matches(&shape, &emptied) {
                out.push(emptied);
            }
        }
    }
    let mut seen = BTreeSet::new();
    out.retain(|r| seen.insert(r.clone()));
    out
}

/// An ARN pattern with a Region or account field of `*` in the probe Region and this
/// account.
fn in_this_account(pattern: &str) -> String {
    let mut fields: Vec<&str> = pattern.splitn(6, ':').collect();
    if fields.len() == 6 && fields[0] == "arn" {
        if fields[3] == "*" {
            fields[3] = REGION;
        }
        if fields[4] == "*" {
            fields[4] = ACCOUNT;
        }
    }
    fields.join(":")
}

/// An ARN format of the Service Authorization Reference (`arn:${Partition}:s3:::${BucketName}`)
/// as a wildcard pattern: each `${...}` any text.
fn format_as_wildcard(format: &str) -> String {
    crate::eval::context::variables_as_wildcards(format)
}

/// A resource of the format that no policy names: this account, the probe Region, and
/// [`FRESH`] for every name.
fn fresh_arn(format: &str) -> String {
    crate::eval::context::replace_variables(format, |name| match name {
        "Partition" => "aws".to_string(),
        "Region" => REGION.to_string(),
        "Account" => ACCOUNT.to_string(),
        _ => FRESH.to_string(),
    })
}

/// A value a wildcard pattern matches: each `*` [`FRESH`], each `?` one letter, and
/// `${aws:PrincipalAccount}` the account of the principals (`aws:ResourceAccount` =
/// `${aws:PrincipalAccount}` is how a policy keeps to its own account).
pub fn fill_wildcards(pattern: &str) -> String {
    let mut pattern = replace_case_insensitive(pattern, "${aws:PrincipalAccount}", ACCOUNT);
    for key in variables(&pattern.clone()) {
        pattern = pattern.replace(&format!("${{{key}}}"), FRESH);
    }
    let mut out = String::with_capacity(pattern.len() + FRESH.len());
    for c in pattern.chars() {
        match c {
            '*' => out.push_str(FRESH),
            '?' => out.push('x'),
            c => out.push(c),
        }
    }
    out
}

/// The condition keys a text names as policy variables (`${aws:username}`); not `${*}`,
/// `${?}`, `${$}`, nor a variable with a default value.
fn variables(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        let name = &after[..end];
        if name.contains(':')
            && !name.contains([',', '$', '{'])
            && !CALLER_KEYS.contains(&name.to_ascii_lowercase().as_str())
        {
            out.push(name);
        }
        rest = &after[end..];
    }
    out
}

fn replace_case_insensitive(text: &str, from: &str, to: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let needle = from.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    while let Some(found) = lower[at..].find(&needle) {
        out.push_str(&text[at..at + found]);
        out.push_str(to);
        at += found + needle.len();
    }
    out.push_str(&text[at..]);
    out
}

/// The condition keys of every statement, each with its candidate values, and their
/// combinations.
fn contexts<'s>(
    statements: impl Iterator<Item = &'s Statement>,
) -> (Vec<ContextValues>, Vec<String>, BTreeSet<String>, bool) {
    let catalog = Catalog::global();
    // Lowercased key -> (the key as first written, candidate values).
    let mut keys: BTreeMap<String, (String, BTreeSet<String>)> = BTreeMap::new();
    let mut multivalued: BTreeSet<String> = BTreeSet::new();
    for statement in statements {
        // A policy variable of a resource (`key/${aws:PrincipalTag/KmsKeyId}`) is a key of
        // the request too: without it the item matches nothing. It is tried as [`FRESH`],
        // which is what the item's filled ARN holds (`fill_wildcards`).
        for pattern in statement
            .resource
            .iter()
            .flat_map(|r| r.items.iter().filter_map(|i| i.pattern()))
        {
            for key in variables(pattern) {
                keys.entry(key.to_ascii_lowercase())
                    .or_insert_with(|| (key.to_string(), BTreeSet::new()))
                    .1
                    .insert(FRESH.to_string());
            }
        }
        for clause in &statement.condition {
            let lower = clause.key.to_ascii_lowercase();
            if CALLER_KEYS.contains(&lower.as_str()) {
                continue;
            }
            let entry = keys
                .entry(lower.clone())
                .or_insert_with(|| (clause.key.clone(), BTreeSet::new()));
            if clause.operator.qualifier.is_some()
                || catalog.key_type(&clause.key).is_some_and(KeyType::is_multivalued)
            {
                multivalued.insert(entry.0.clone());
            }
            let base = clause.operator.base.as_str();
            for value in clause.values.iter().filter_map(|v| v.text.as_deref()) {
                candidates(base, value, &mut entry.1);
            }
            if base == "Bool" {
                entry.1.insert("true".to_string());
                entry.1.insert("false".to_string());
            }
        }
    }
    // Each key: absent (`None`), each candidate alone, a fresh value; a multivalued key
    // also every candidate and the fresh value together, and the empty set.
    let choices: Vec<(String, Vec<Option<Vec<String>>>)> = keys
        .into_values()
        .map(|(key, values)| {
            let many = multivalued.contains(&key);
            let mut options: Vec<Option<Vec<String>>> = vec![None];
            options.extend(values.iter().map(|v| Some(vec![v.clone()])));
            if !values.contains(FRESH) {
                options.push(Some(vec![FRESH.to_string()]));
            }
            if many {
                let mut all: Vec<String> = values.iter().cloned().collect();
                all.push(FRESH.to_string());
                options.push(Some(all));
                options.push(Some(Vec::new()));
            }
            (key, options)
        })
        .collect();
    let names: Vec<String> = choices.iter().map(|(key, _)| key.clone()).collect();
    let total = choices
        .iter()
        .try_fold(1usize, |n, (_, options)| n.checked_mul(options.len()))
        .unwrap_or(usize::MAX);
    let mut out: Vec<ContextValues> = Vec::new();
    let cut = total > MAX_CONTEXTS;
    if cut {
        // One key at a time, the others absent.
        out.push(Vec::new());
        for (key, options) in &choices {
            for values in options.iter().flatten() {
                out.push(vec![(key.clone(), values.clone())]);
            }
        }
    } else {
        out.push(Vec::new());
        for (key, options) in &choices {
            let mut next = Vec::with_capacity(out.len() * options.len());
            for partial in &out {
                for option in options {
                    let mut context = partial.clone();
                    if let Some(values) = option {
                        context.push((key.clone(), values.clone()));
                    }
                    next.push(context);
                }
            }
            out = next;
        }
    }
    (out, names, multivalued, cut)
}

/// The values of a condition value worth trying under an operator: the value (wildcards
/// filled in), a number or date one step to each side, a CIDR block's first address.
fn candidates(operator: &str, value: &str, out: &mut BTreeSet<String>) {
    if operator.starts_with("Numeric") {
        if let Ok(n) = value.trim().parse::<i64>() {
            for v in [n.saturating_sub(1), n, n.saturating_add(1)] {
                out.insert(v.to_string());
            }
            return;
        }
        if let Ok(n) = value.trim().parse::<f64>() {
            for v in [n - 1.0, n, n + 1.0] {
                out.insert(v.to_string());
            }
            return;
        }
    }
    if operator.starts_with("Date") {
        out.insert(value.to_string());
        out.insert("1970-01-01T00:00:00Z".to_string());
        out.insert("2999-12-31T00:00:00Z".to_string());
        return;
    }
    if operator.ends_with("IpAddress") {
        // The first and the last address of the block (of an IPv4 block), and one of
        // TEST-NET-1 (RFC 5737) that no policy is expected to name.
        let (address, bits) = value.split_once('/').unwrap_or((value, "32"));
        out.insert(address.to_string());
        if let (Ok(ip), Ok(bits)) = (address.parse::<std::net::Ipv4Addr>(), bits.parse::<u32>())
            && bits <= 32
        {
            let host = u32::MAX.checked_shr(bits).unwrap_or(0);
            out.insert(std::net::Ipv4Addr::from(u32::from(ip) | host).to_string());
        }
        out.insert("192.0.2.1".to_string());
        return;
    }
    out.insert(fill_wildcards(value));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_fresh_names_in_this_account() {
        assert_eq!(
            fresh_arn("arn:${Partition}:rds:${Region}:${Account}:db:${DbInstanceName}"),
            format!("arn:aws:rds:us-east-1:{ACCOUNT}:db:{FRESH}")
        );
        assert_eq!(
            format_as_wildcard("arn:${Partition}:s3:::${BucketName}"),
            "arn:*:s3:::*"
        );
    }

    #[test]
    fn a_wildcard_region_and_account_are_this_one_first() {
        assert_eq!(
            in_this_account("arn:aws:kms:*:*:key/*"),
            format!("arn:aws:kms:us-east-1:{ACCOUNT}:key/*")
        );
        assert_eq!(in_this_account("arn:aws:s3:::b/*"), "arn:aws:s3:::b/*");
    }

    #[test]
    fn wildcards_are_filled_with_a_fresh_name() {
        assert_eq!(
            fill_wildcards("arn:aws:s3:::b/*"),
            format!("arn:aws:s3:::b/{FRESH}")
        );
        assert_eq!(fill_wildcards("a?c"), "axc");
    }

    #[test]
    fn an_ipv4_block_is_tried_at_both_ends() {
        let mut out = BTreeSet::new();
        candidates("IpAddress", "10.0.0.0/8", &mut out);
        assert_eq!(
            out.into_iter().collect::<Vec<_>>(),
            ["10.0.0.0", "10.255.255.255", "192.0.2.1"]
        );
    }

    #[test]
    fn numbers_are_tried_one_step_to_each_side() {
        let mut out = BTreeSet::new();
        candidates("NumericLessThan", "3600", &mut out);
        assert_eq!(out.into_iter().collect::<Vec<_>>(), ["3599", "3600", "3601"]);
    }
}
