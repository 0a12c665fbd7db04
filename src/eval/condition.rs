//! Condition operators as the IAM User Guide defines them ("IAM JSON policy elements:
//! Condition operators", "Set operators for multivalued context keys"). Values of one key
//! are ORed, keys and operators are ANDed by the caller.

use super::context::{self, Context, Variables, glob, literal, substitute, wildcard};
use super::ip::IpRange;
use crate::model::{ConditionClause, SetQualifier};

/// The outcome of one `operator: {key: values}` pair, with the reason for the trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClauseOutcome {
    pub matched: bool,
    pub reason: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Compare {
    Equals,
    LessThan,
    LessThanEquals,
    GreaterThan,
    GreaterThanEquals,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Family {
    String { ignore_case: bool, like: bool },
    Numeric(Compare),
    Date(Compare),
    Bool,
    Binary,
    Ip,
    Arn,
    Null,
}

/// The positive family of a base operator and whether the operator negates it. Read by
/// prefix, since it runs for every clause of every evaluation.
fn family(base: &str) -> Option<(Family, bool)> {
    let compare = |suffix: &str| match suffix {
        "Equals" | "NotEquals" => Some(Compare::Equals),
        "LessThan" => Some(Compare::LessThan),
        "LessThanEquals" => Some(Compare::LessThanEquals),
        "GreaterThan" => Some(Compare::GreaterThan),
        "GreaterThanEquals" => Some(Compare::GreaterThanEquals),
        _ => None,
    };
    if let Some(rest) = base.strip_prefix("String") {
        let (negated, rest) = match rest.strip_prefix("Not") {
            Some(rest) => (true, rest),
            None => (false, rest),
        };
        let (ignore_case, like) = match rest {
            "Equals" => (false, false),
            "EqualsIgnoreCase" => (true, false),
            "Like" => (false, true),
            _ => return None,
        };
        return Some((Family::String { ignore_case, like }, negated));
    }
    if let Some(rest) = base.strip_prefix("Arn") {
        return match rest {
            "Equals" | "Like" => Some((Family::Arn, false)),
            "NotEquals" | "NotLike" => Some((Family::Arn, true)),
            _ => None,
        };
    }
    if let Some(suffix) = base.strip_prefix("Numeric") {
        return Some((Family::Numeric(compare(suffix)?), suffix == "NotEquals"));
    }
    if let Some(suffix) = base.strip_prefix("Date") {
        return Some((Family::Date(compare(suffix)?), suffix == "NotEquals"));
    }
    match base {
        "Bool" => Some((Family::Bool, false)),
        "BinaryEquals" => Some((Family::Binary, false)),
        "IpAddress" => Some((Family::Ip, false)),
        "NotIpAddress" => Some((Family::Ip, true)),
        "Null" => Some((Family::Null, false)),
        _ => None,
    }
}

/// Whether one clause holds for the request context, in a policy whose `Version` gives
/// `variables`.
pub fn matches(clause: &ConditionClause, context: &Context, variables: Variables) -> bool {
    let op = &clause.operator;
    let Some((family, negated)) = family(&op.base) else {
        return false;
    };
    // A value the policy gives through a CloudFormation function is unknown: it matches nothing.
    let mut expected = clause.values.iter().filter_map(|v| v.text.as_deref());
    let present = context.lookup(&clause.key);
    if family == Family::Null {
        let absent = present.is_none();
        return expected.any(|t| t.eq_ignore_ascii_case("true") == absent);
    }
    let Some((values, multivalued)) = present else {
        return match op.qualifier {
            // "Set operators for multivalued context keys": ForAnyValue "returns true if any
            // one of the context key values in the request matches any one of the context key
            // values in the policy. For no matching context key or a null dataset, the
            // condition returns false." That sentence is about the set operator itself, so it
            // holds with `IfExists` too (see docs/difftest.md).
            Some(SetQualifier::ForAnyValue) => false,
            // ForAllValues "also returns true if there are no context keys in the request".
            Some(SetQualifier::ForAllValues) => true,
            // "Condition operators": "If the key that you specify in a policy condition is not
            // present in the request context, the values do not match and the condition is
            // false. If the policy condition requires that the key is not matched, such as
            // StringNotLike or ArnNotLike, and the right key is not present, the condition is
            // true." IfExists: "If the key is not present, evaluate the condition element as
            // true."
            None => op.if_exists || negated,
        };
    };
    // "Single-valued vs. multivalued context keys": "Multivalued context keys require a
    // condition set operator." and "To compare your condition context key against a request
    // context key with multiple key values, you must use the ForAllValues or ForAnyValue set
    // operators." A plain operator does not compare a set: the clause does not match, negated
    // or not (see docs/difftest.md).
    if op.qualifier.is_none() && multivalued() {
        return false;
    }
    // The IAM User Guide ("Policy variables"): "If AWS cannot resolve a variable this might
    // cause the entire statement to be invalid." A negated operator cannot hold against a
    // value that cannot be compared (an unresolved variable, or a value the operator cannot
    // read: see [`uncomparable`]): the clause does not match (as if every request value
    // matched the positive operator).
    let unresolved = negated
        && expected.clone().any(|e| {
            unresolved_variable(family, e, context, variables) || uncomparable(family, e, context, variables)
        });
    let positive = |actual: &str| {
        if unresolved {
            return true;
        }
        if family == Family::Ip {
            // One request address against every range of the policy: parse it once.
            let Ok(address) = IpRange::parse(actual.trim()) else {
                return false;
            };
            // A range of the other address family cannot hold it: skip parsing it.
            let v6 = address.addr.is_ipv6();
            return expected.clone().any(|range| {
                range.contains(':') == v6
                    && IpRange::parse(range.trim()).is_ok_and(|range| address.within(range))
            });
        }
        expected
            .clone()
            .any(|e| value_matches(family, e, actual, context, variables))
    };
    match op.qualifier {
        None => values.iter().any(|v| positive(v)) != negated,
        Some(SetQualifier::ForAnyValue) => values.iter().any(|v| positive(v) != negated),
        Some(SetQualifier::ForAllValues) => values.iter().all(|v| positive(v) != negated),
    }
}

/// Evaluates one clause against the request context, with the reason for the trace.
pub fn evaluate(clause: &ConditionClause, context: &Context, variables: Variables) -> ClauseOutcome {
    let matched = matches(clause, context, variables);
    let key = &clause.key;
    let reason = match (family(&clause.operator.base), context.get(key)) {
        (None, _) => format!("`{}` is not a condition operator", clause.operator.base),
        (Some((Family::Null, _)), None) => format!("`{key}` is absent"),
        (Some((Family::Null, _)), Some(_)) => format!("`{key}` is present"),
        (Some(_), None) => format!("`{key}` is not in the request"),
        (Some(_), Some([])) => format!("`{key}` is an empty set"),
        (Some(_), Some(values)) => {
            let shown = values
                .iter()
                .map(|v| format!("`{v}`"))
                .collect::<Vec<_>>()
                .join(", ");
            format!("`{key}` is {shown}")
        }
    };
    ClauseOutcome { matched, reason }
}

/// Whether a request value satisfies the positive form of the operator for one policy value.
/// Policy values without variables are compared as written, without allocating.
fn value_matches(
    family: Family,
    expected: &str,
    actual: &str,
    context: &Context,
    variables: Variables,
) -> bool {
    let substituted = |wildcards: bool| substitute(expected, context, wildcards);
    match family {
        Family::String { like: true, .. } => context::like(expected, actual, context, variables),
        Family::String { ignore_case, .. } => {
            let folded = |text: &str| text.chars().flat_map(char::to_lowercase).collect::<String>();
            match (variables.in_text(expected), ignore_case) {
                (false, false) => expected == actual,
                (false, true) => expected
                    .chars()
                    .flat_map(char::to_lowercase)
                    .eq(actual.chars().flat_map(char::to_lowercase)),
                (true, false) => substituted(false).is_some_and(|p| literal(&p) == actual),
                (true, true) => substituted(false).is_some_and(|p| folded(&literal(&p)) == folded(actual)),
            }
        }
        Family::Numeric(compare) => match (expected.trim().parse::<f64>(), actual.trim().parse::<f64>()) {
            (Ok(e), Ok(a)) => ordered(compare, a.partial_cmp(&e)),
            _ => false,
        },
        Family::Date(compare) => match (epoch_seconds(expected), epoch_seconds(actual)) {
            (Some(e), Some(a)) => ordered(compare, Some(a.cmp(&e))),
            _ => false,
        },
        Family::Bool => expected.eq_ignore_ascii_case(actual),
        Family::Binary => expected == actual,
        Family::Ip => in_cidr(actual, expected),
        Family::Arn if !variables.in_text(expected) => arn_text_matches(expected, actual),
        Family::Arn => substituted(true).is_some_and(|p| arn_matches(&literal_fields(&p), actual)),
        Family::Null => false,
    }
}

/// Whether a policy value names a variable that the request cannot fill (absent without a
/// default, or multivalued), for the families whose values take variables.
fn unresolved_variable(family: Family, expected: &str, context: &Context, variables: Variables) -> bool {
    matches!(family, Family::String { .. } | Family::Arn)
        && variables.in_text(expected)
        && substitute(expected, context, false).is_none()
}

/// Whether a policy value is not of the kind its operator compares, so that no comparison
/// with it can hold. "IAM JSON policy elements: Condition operators": numeric operators
/// compare "a key to an integer or decimal value"; date operators take "one of the W3C
/// implementations of the ISO 8601 date formats or [...] epoch (UNIX) time"; IP address
/// operators take "the standard CIDR format"; `ArnLike`: "Each of the six colon-delimited
/// components of the ARN is checked separately", which a value of fewer components (`*`)
/// does not have.
fn uncomparable(family: Family, expected: &str, context: &Context, variables: Variables) -> bool {
    match family {
        Family::Numeric(_) => expected.trim().parse::<f64>().is_err(),
        Family::Date(_) => epoch_seconds(expected).is_none(),
        Family::Ip => IpRange::parse(expected.trim()).is_err(),
        Family::Arn if variables.in_text(expected) => substitute(expected, context, true).is_some_and(|p| {
            p.iter()
                .filter(|c| **c == super::context::Piece::Char(':'))
                .count()
                < 5
        }),
        Family::Arn => expected.matches(':').count() < 5,
        _ => false,
    }
}

/// [`arn_matches`] for a pattern without variables: field by field, without building them.
fn arn_text_matches(pattern: &str, actual: &str) -> bool {
    let (mut pattern, mut actual) = (pattern.splitn(6, ':'), actual.splitn(6, ':'));
    (0..6).all(|_| match (pattern.next(), actual.next()) {
        (Some(p), Some(a)) => wildcard(p, a, false),
        _ => false,
    })
}

fn ordered(compare: Compare, order: Option<std::cmp::Ordering>) -> bool {
    use std::cmp::Ordering::{Equal, Greater, Less};
    match (compare, order) {
        (_, None) => false,
        (Compare::Equals, Some(o)) => o == Equal,
        (Compare::LessThan, Some(o)) => o == Less,
        (Compare::LessThanEquals, Some(o)) => o != Greater,
        (Compare::GreaterThan, Some(o)) => o == Greater,
        (Compare::GreaterThanEquals, Some(o)) => o != Less,
    }
}

/// ARN patterns are compared field by field (partition, service, region, account, then the
/// resource, which may itself contain colons), each with `*` and `?` wildcards.
fn literal_fields(pattern: &[super::context::Piece]) -> Vec<Vec<super::context::Piece>> {
    let mut fields = vec![Vec::new()];
    for piece in pattern {
        if *piece == super::context::Piece::Char(':') && fields.len() < 6 {
            fields.push(Vec::new());
        } else if let Some(last) = fields.last_mut() {
            last.push(*piece);
        }
    }
    fields
}

pub fn arn_matches(pattern_fields: &[Vec<super::context::Piece>], actual: &str) -> bool {
    let actual: Vec<&str> = actual.splitn(6, ':').collect();
    pattern_fields.len() == 6
        && actual.len() == 6
        && pattern_fields.iter().zip(&actual).all(|(p, a)| glob(p, a, false))
}

/// Whether `ip` is inside `cidr` (an address alone is a /32 or /128).
pub fn in_cidr(ip: &str, cidr: &str) -> bool {
    match (IpRange::parse(ip.trim()), IpRange::parse(cidr.trim())) {
        (Ok(ip), Ok(range)) => ip.within(range),
        _ => false,
    }
}

/// ISO 8601 (`2026-01-31`, `2026-01-31T12:00:00Z`, with an offset or fraction) or epoch
/// seconds, as seconds since 1970-01-01T00:00:00Z.
pub fn epoch_seconds(text: &str) -> Option<i64> {
    let text = text.trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse().ok();
    }
    if !text.is_ascii() || text.len() < 10 {
        return None;
    }
    let number = |s: &str| s.parse::<i64>().ok();
    let (year, month, day) = (number(&text[0..4])?, number(&text[5..7])?, number(&text[8..10])?);
    if &text[4..5] != "-" || &text[7..8] != "-" || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let mut seconds = days_from_civil(year, month, day) * 86_400;
    let rest = &text[10..];
    if let Some(time) = rest.strip_prefix('T').or_else(|| rest.strip_prefix('t')) {
        let zone_at = time.find(['Z', 'z', '+', '-']).unwrap_or(time.len());
        let (clock, zone) = time.split_at(zone_at);
        let clock = clock.split('.').next().unwrap_or(clock);
        let mut parts = clock.split(':');
        let hours = number(parts.next()?)?;
        let minutes = parts.next().map_or(Some(0), number)?;
        let secs = parts.next().map_or(Some(0), number)?;
        if hours > 23 || minutes > 59 || secs > 60 {
            return None;
        }
        seconds += hours * 3600 + minutes * 60 + secs;
        if let Some(sign) = zone.chars().next().filter(|c| *c == '+' || *c == '-') {
            let offset = zone[1..].replace(':', "");
            if offset.len() != 4 {
                return None;
            }
            let shift = number(&offset[..2])? * 3600 + number(&offset[2..])? * 60;
            seconds -= if sign == '+' { shift } else { -shift };
        }
    } else if !rest.is_empty() {
        return None;
    }
    Some(seconds)
}

/// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{PolicyDocument, PolicyKind};
    use crate::parse::{Syntax, parse};
    use crate::source::FileId;

    /// The first clause of a statement with this condition block.
    fn clause(condition: &str) -> ConditionClause {
        let text =
            format!(r#"{{"Statement": {{"Effect": "Allow", "Action": "*", "Condition": {condition}}}}}"#);
        let node = parse(FileId(0), &text, Syntax::Json).unwrap();
        let doc = PolicyDocument::from_node(std::borrow::Cow::Owned(node), PolicyKind::Identity, None);
        doc.statements[0].condition[0].clone()
    }

    fn matches(condition: &str, context: &Context) -> bool {
        evaluate(&clause(condition), context, Variables::Substituted).matched
    }

    #[test]
    fn string_operators_and_case() {
        let ctx = Context::new().with("aws:PrincipalTag/Team", "Data");
        assert!(matches(
            r#"{"StringEquals": {"aws:principaltag/team": ["Ops", "Data"]}}"#,
            &ctx
        ));
        assert!(!matches(
            r#"{"StringEquals": {"aws:PrincipalTag/Team": "data"}}"#,
            &ctx
        ));
        assert!(matches(
            r#"{"StringEqualsIgnoreCase": {"aws:PrincipalTag/Team": "data"}}"#,
            &ctx
        ));
        assert!(matches(
            r#"{"StringNotEquals": {"aws:PrincipalTag/Team": "Ops"}}"#,
            &ctx
        ));
        assert!(matches(
            r#"{"StringLike": {"aws:PrincipalTag/Team": "D*a"}}"#,
            &ctx
        ));
        assert!(!matches(
            r#"{"StringNotLike": {"aws:PrincipalTag/Team": "D?ta"}}"#,
            &ctx
        ));
    }

    #[test]
    fn missing_keys_if_exists_and_negation() {
        let empty = Context::new();
        assert!(!matches(
            r#"{"StringEquals": {"aws:SourceVpc": "vpc-1"}}"#,
            &empty
        ));
        assert!(matches(
            r#"{"StringEqualsIfExists": {"aws:SourceVpc": "vpc-1"}}"#,
            &empty
        ));
        assert!(matches(
            r#"{"StringNotEquals": {"aws:SourceVpc": "vpc-1"}}"#,
            &empty
        ));
        assert!(matches(r#"{"Null": {"aws:SourceVpc": "true"}}"#, &empty));
        assert!(!matches(r#"{"Null": {"aws:SourceVpc": "false"}}"#, &empty));
        assert!(matches(
            r#"{"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}}"#,
            &empty
        ));
    }

    #[test]
    fn set_qualifiers_with_empty_and_missing_sets() {
        let mut ctx = Context::new();
        ctx.set("aws:TagKeys", vec!["team".into(), "env".into()]);
        assert!(matches(
            r#"{"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env", "cost"]}}"#,
            &ctx
        ));
        assert!(!matches(
            r#"{"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}"#,
            &ctx
        ));
        assert!(matches(
            r#"{"ForAnyValue:StringEquals": {"aws:TagKeys": ["team"]}}"#,
            &ctx
        ));
        assert!(matches(
            r#"{"ForAnyValue:StringNotEquals": {"aws:TagKeys": ["team"]}}"#,
            &ctx
        ));
        assert!(!matches(
            r#"{"ForAllValues:StringNotEquals": {"aws:TagKeys": ["team"]}}"#,
            &ctx
        ));
        let missing = Context::new();
        assert!(matches(
            r#"{"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}"#,
            &missing
        ));
        assert!(!matches(
            r#"{"ForAnyValue:StringEquals": {"aws:TagKeys": ["team"]}}"#,
            &missing
        ));
        let mut empty_set = Context::new();
        empty_set.set("aws:TagKeys", Vec::new());
        assert!(matches(
            r#"{"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}"#,
            &empty_set
        ));
        assert!(!matches(
            r#"{"ForAnyValue:StringEquals": {"aws:TagKeys": ["team"]}}"#,
            &empty_set
        ));
    }

    /// "Single-valued vs. multivalued context keys": "Multivalued context keys require a
    /// condition set operator." A plain operator on `aws:CalledVia` (`ArrayOfString` in the
    /// catalog) matches nothing, even with the one value the policy names.
    #[test]
    fn a_plain_operator_on_a_multivalued_key_does_not_match() {
        let ctx = Context::new().with("aws:CalledVia", "athena.amazonaws.com");
        assert!(!matches(
            r#"{"StringEquals": {"aws:CalledVia": "athena.amazonaws.com"}}"#,
            &ctx
        ));
        assert!(!matches(
            r#"{"StringNotEquals": {"aws:CalledVia": "glue.amazonaws.com"}}"#,
            &ctx
        ));
        assert!(matches(
            r#"{"ForAnyValue:StringEquals": {"aws:CalledVia": "athena.amazonaws.com"}}"#,
            &ctx
        ));
        // A key the catalog does not type, given two values, is a set too; with one value
        // it is a string.
        let mut two = Context::new();
        two.set("x:custom", vec!["a".into(), "b".into()]);
        assert!(!matches(r#"{"StringEquals": {"x:custom": "a"}}"#, &two));
        let one = Context::new().with("x:custom", "a");
        assert!(matches(r#"{"StringEquals": {"x:custom": "a"}}"#, &one));
    }

    /// "Condition operators", ArnLike: "Each of the six colon-delimited components of the ARN
    /// is checked separately": `*` has one component and matches nothing; a value the
    /// operator cannot read does not make the negated operator hold either.
    #[test]
    fn values_the_operator_cannot_read_match_nothing() {
        let ctx = Context::new()
            .with("aws:PrincipalArn", "arn:aws:iam::111122223333:role/Deployer")
            .with("aws:MultiFactorAuthAge", "300");
        assert!(!matches(r#"{"ArnLike": {"aws:PrincipalArn": "*"}}"#, &ctx));
        assert!(!matches(r#"{"ArnNotLike": {"aws:PrincipalArn": "*"}}"#, &ctx));
        assert!(matches(
            r#"{"ArnLike": {"aws:PrincipalArn": "arn:*:*:*:*:*"}}"#,
            &ctx
        ));
        assert!(!matches(
            r#"{"NumericNotEquals": {"aws:MultiFactorAuthAge": "2026-05-31T23:59:59Z"}}"#,
            &ctx
        ));
        assert!(matches(
            r#"{"NumericNotEquals": {"aws:MultiFactorAuthAge": "3600"}}"#,
            &ctx
        ));
        assert!(!matches(
            r#"{"NotIpAddress": {"aws:SourceIp": "203.0.113.0/99"}}"#,
            &Context::new().with("aws:SourceIp", "198.51.100.1")
        ));
    }

    /// "Set operators for multivalued context keys": ForAnyValue "For no matching context
    /// key or a null dataset, the condition returns false", with `IfExists` too.
    #[test]
    fn for_any_value_if_exists_on_a_missing_key_is_false() {
        let missing = Context::new();
        assert!(!matches(
            r#"{"ForAnyValue:StringEqualsIfExists": {"aws:TagKeys": "team"}}"#,
            &missing
        ));
        assert!(!matches(
            r#"{"ForAnyValue:StringNotEqualsIfExists": {"aws:TagKeys": "team"}}"#,
            &missing
        ));
        assert!(matches(
            r#"{"ForAllValues:StringEqualsIfExists": {"aws:TagKeys": "team"}}"#,
            &missing
        ));
    }

    /// "Variables and tags": without `Version: 2012-10-17` "variables like
    /// `${aws:username}` are treated as literal strings in the policy."
    #[test]
    fn variables_are_literal_text_before_2012_10_17() {
        let ctx = Context::new()
            .with("aws:PrincipalTag/owner", "alice")
            .with("aws:username", "alice");
        let clause = clause(r#"{"StringEquals": {"aws:PrincipalTag/owner": "${aws:username}"}}"#);
        assert!(evaluate(&clause, &ctx, Variables::Substituted).matched);
        assert!(!evaluate(&clause, &ctx, Variables::Literal).matched);
        let literal = Context::new().with("aws:PrincipalTag/owner", "${aws:username}");
        assert!(evaluate(&clause, &literal, Variables::Literal).matched);
        // An absent variable does not make a negated operator fail in literal text.
        let negated =
            self::clause(r#"{"StringNotEquals": {"aws:PrincipalTag/owner": "${aws:PrincipalTag/x}"}}"#);
        assert!(evaluate(&negated, &ctx, Variables::Literal).matched);
        assert!(!evaluate(&negated, &ctx, Variables::Substituted).matched);
    }

    #[test]
    fn numbers_dates_bools_binary() {
        let ctx = Context::new()
            .with("s3:max-keys", "10")
            .with("aws:CurrentTime", "2026-06-01T12:00:00Z")
            .with("aws:SecureTransport", "false")
            .with("x:bin", "QmluYXJ5");
        assert!(matches(
            r#"{"NumericLessThanEquals": {"s3:max-keys": "10"}}"#,
            &ctx
        ));
        assert!(!matches(r#"{"NumericGreaterThan": {"s3:max-keys": "10"}}"#, &ctx));
        assert!(matches(r#"{"NumericNotEquals": {"s3:max-keys": "11"}}"#, &ctx));
        assert!(matches(
            r#"{"DateLessThan": {"aws:CurrentTime": "2026-06-02"}}"#,
            &ctx
        ));
        assert!(matches(
            r#"{"DateGreaterThan": {"aws:CurrentTime": "2026-06-01T13:00:00+02:00"}}"#,
            &ctx
        ));
        assert!(matches(
            r#"{"DateLessThan": {"aws:CurrentTime": "1780316401"}}"#,
            &ctx
        ));
        assert!(matches(r#"{"Bool": {"aws:SecureTransport": false}}"#, &ctx));
        assert!(matches(r#"{"BinaryEquals": {"x:bin": "QmluYXJ5"}}"#, &ctx));
        assert_eq!(epoch_seconds("1970-01-02"), Some(86_400));
        assert_eq!(epoch_seconds("2000-03-01T00:00:00Z"), Some(951_868_800));
    }

    #[test]
    fn ip_ranges_v4_and_v6() {
        let ctx = Context::new().with("aws:SourceIp", "203.0.113.77");
        assert!(matches(
            r#"{"IpAddress": {"aws:SourceIp": ["198.51.100.0/24", "203.0.113.0/24"]}}"#,
            &ctx
        ));
        assert!(matches(
            r#"{"NotIpAddress": {"aws:SourceIp": "198.51.100.0/24"}}"#,
            &ctx
        ));
        let v6 = Context::new().with("aws:SourceIp", "2001:db8::1");
        assert!(matches(
            r#"{"IpAddress": {"aws:SourceIp": "2001:db8::/32"}}"#,
            &v6
        ));
        assert!(!matches(
            r#"{"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}"#,
            &v6
        ));
    }

    #[test]
    fn arns_and_variables() {
        let ctx = Context::new()
            .with("aws:SourceArn", "arn:aws:sns:eu-west-1:111122223333:topic:part")
            .with("aws:PrincipalArn", "arn:aws:iam::111122223333:role/alice")
            .with("aws:username", "alice");
        assert!(matches(
            r#"{"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:111122223333:*"}}"#,
            &ctx
        ));
        assert!(matches(
            r#"{"ArnEquals": {"aws:SourceArn": "arn:aws:sns:eu-west-1:111122223333:topic:part"}}"#,
            &ctx
        ));
        assert!(!matches(
            r#"{"ArnLike": {"aws:SourceArn": "arn:aws:sqs:*:*:*"}}"#,
            &ctx
        ));
        assert!(matches(
            r#"{"ArnNotLike": {"aws:SourceArn": "arn:aws:sqs:*:*:*"}}"#,
            &ctx
        ));
        assert!(matches(
            r#"{"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/${aws:username}"}}"#,
            &ctx
        ));
        assert!(matches(
            r#"{"StringLike": {"aws:PrincipalArn": "*/${aws:username}"}}"#,
            &ctx
        ));
    }
}
