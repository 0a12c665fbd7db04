//! `iam/invalid-condition-value`: condition values that cannot be right for their operator
//! or key: a Bool value other than true/false, a number or date that is not one, a
//! BinaryEquals value that is not base64, several values for a single-valued Bool key, a
//! malformed VPC or VPC endpoint id.

use crate::catalog::KeyType;
use crate::finding::Diagnostic;
use crate::model::{ConditionClause, FileModel};
use crate::rules::Rule;
use crate::rules::iam::condition_values::{
    DateForm, OperatorFamily, date_form, family, has_variable, is_base64, is_bool, is_number, literal_values,
};
use crate::rules::iam::conditions::KeyTable;

pub struct InvalidConditionValue;

impl Rule for InvalidConditionValue {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        let keys = crate::rules::shared::keys(file);
        for clause in file.clauses() {
            check_clause(clause, keys, out);
        }
    }
}

fn check_clause(clause: &ConditionClause, keys: &KeyTable, out: &mut Vec<Diagnostic>) {
    let Some(family) = family(&clause.operator.base) else {
        return;
    };
    let operator = &clause.operator.base;
    for (value, text) in literal_values(clause) {
        if has_variable(text) {
            continue;
        }
        let problem = match family {
            OperatorFamily::Bool if !is_bool(text) => Some((
                format!("`{text}` is not a Boolean value for `{operator}`"),
                "`Bool` compares with `true` or `false`".to_string(),
            )),
            OperatorFamily::Numeric if !is_number(text) => Some((
                format!("`{text}` is not a number for `{operator}`"),
                "write the value as an integer or decimal number, such as `10` or `0.5`".to_string(),
            )),
            OperatorFamily::Date => date_problem(text, operator, &clause.key),
            OperatorFamily::Binary if !is_base64(text) => Some((
                format!("`{text}` is not a base64-encoded value for `{operator}`"),
                "`BinaryEquals` compares base64-encoded bytes; encode the value in base64".to_string(),
            )),
            OperatorFamily::String => vpc_problem(clause, text),
            _ => None,
        };
        if let Some((message, help)) = problem {
            out.push(Diagnostic::new(value.span, message).help(help));
        }
    }
    multiple_booleans(clause, keys, out);
}

/// IAM accepts epoch seconds in date conditions (Condition operators page: "You must specify
/// date/time values with one of the W3C implementations of the ISO 8601 date formats or in
/// epoch (UNIX) time"), but Access Analyzer's "Invalid date value" warns that "Epoch time might
/// not resolve to the precise time that you expect" and recommends the W3C formats. The
/// warning is kept, except on `aws:EpochTime`, a key documented as seconds since 1970.
fn date_problem(text: &str, operator: &str, key: &str) -> Option<(String, String)> {
    let iso = "write an ISO 8601 date or date-time such as `2026-01-31T00:00:00Z`";
    match date_form(text) {
        DateForm::Iso => None,
        DateForm::EpochSeconds if key.eq_ignore_ascii_case("aws:EpochTime") => None,
        DateForm::EpochSeconds => Some((
            format!("`{text}` is epoch time: `{operator}` on `{key}` may not resolve to the time you expect"),
            format!("AWS recommends the W3C date formats: {iso}"),
        )),
        DateForm::EpochMilliseconds => Some((
            format!("`{text}` is too large for seconds since 1970: it looks like milliseconds"),
            format!("date operators take epoch time in seconds; better, {iso}"),
        )),
        DateForm::OutOfRange => Some((
            format!("`{text}` is not a valid date: a month, day or time field is out of range"),
            iso.to_string(),
        )),
        DateForm::NotADate => Some((
            format!("`{text}` is not a date for `{operator}`"),
            format!("{iso}, or epoch time in seconds"),
        )),
    }
}

/// `aws:SourceVpc` is `vpc-` and 8 or 17 characters; `aws:SourceVpce` is `vpce-` and the
/// same. Values with wildcards are left to `iam/wildcard-without-like` when the operator
/// does not take them, and cannot be judged when it does.
fn vpc_problem(clause: &ConditionClause, text: &str) -> Option<(String, String)> {
    let prefix = if clause.key.eq_ignore_ascii_case("aws:SourceVpc") {
        "vpc-"
    } else if clause.key.eq_ignore_ascii_case("aws:SourceVpce") {
        "vpce-"
    } else {
        return None;
    };
    if text.contains(['*', '?']) {
        return None;
    }
    let valid = text
        .strip_prefix(prefix)
        .is_some_and(|id| matches!(id.len(), 8 | 17) && id.bytes().all(|b| b.is_ascii_alphanumeric()));
    if valid {
        return None;
    }
    let what = if prefix == "vpc-" { "VPC" } else { "VPC endpoint" };
    Some((
        format!("`{text}` is not a {what} id for `{}`", clause.key),
        format!(
            "{what} ids are `{prefix}` followed by 8 or 17 letters and digits, such as `{prefix}1a2b3c4d`"
        ),
    ))
}

/// Several values for a single-valued Boolean key: the request carries one value, so the
/// condition matches either way and tests nothing.
fn multiple_booleans(clause: &ConditionClause, keys: &KeyTable, out: &mut Vec<Diagnostic>) {
    if family(&clause.operator.base) != Some(OperatorFamily::Bool)
        || clause.operator.qualifier.is_some()
        || clause.values.len() < 2
        || keys.get(&clause.key).key_type() != Some(KeyType::Bool)
    {
        return;
    }
    let literal: Vec<&str> = literal_values(clause).map(|(_, t)| t).collect();
    let has = |b: &str| literal.iter().any(|t| t.eq_ignore_ascii_case(b));
    if has("true") && has("false") {
        out.push(
            Diagnostic::new(
                clause.values_span,
                format!(
                    "`{}` holds one Boolean value, but the condition lists both `true` and `false`",
                    clause.key
                ),
            )
            .help("the condition matches whatever the value is; keep the one value you mean"),
        );
    }
}
