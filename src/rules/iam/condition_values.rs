//! What the condition-value rules share: the family of each condition operator, and
//! parsers for the value forms IAM compares (booleans, numbers, dates, base64, IP
//! addresses and CIDR ranges, policy variables).

use crate::model::{ConditionClause, ConditionValue};

use super::conditions::CONDITION_OPERATORS;
pub use super::conditions::OperatorFamily;

/// The family of an operator written without qualifier and `IfExists` (`StringEquals`),
/// in any case: how an operator is spelled is `iam/unknown-condition-operator`'s concern.
pub fn family(base: &str) -> Option<OperatorFamily> {
    CONDITION_OPERATORS
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(base))
        .map(|&(_, family)| family)
}

/// The operators that treat `*` and `?` in a value as wildcards.
pub fn accepts_wildcards(base: &str) -> bool {
    [
        "StringLike",
        "StringNotLike",
        "ArnEquals",
        "ArnLike",
        "ArnNotEquals",
        "ArnNotLike",
    ]
    .iter()
    .any(|name| name.eq_ignore_ascii_case(base))
}

/// The literal values of a clause with their text; intrinsic functions are unknown and
/// left out.
pub fn literal_values(clause: &ConditionClause) -> impl Iterator<Item = (&ConditionValue, &str)> {
    clause
        .values
        .iter()
        .filter_map(|v| v.text.as_deref().map(|text| (v, text)))
}

/// Whether a value holds a policy variable (`${aws:username}`), which IAM replaces before
/// comparing: its final form is unknown here.
pub fn has_variable(text: &str) -> bool {
    text.contains("${")
}

pub fn is_bool(text: &str) -> bool {
    text.eq_ignore_ascii_case("true") || text.eq_ignore_ascii_case("false")
}

/// An integer or decimal number, optionally signed (`10`, `-1.5`).
pub fn is_number(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    !whole.is_empty()
        && all_digits(whole)
        && all_digits(fraction)
        && (!digits.contains('.') || !fraction.is_empty())
}

/// How a value of a date operator reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateForm {
    /// An ISO 8601 date or date-time (`2026-01-31`, `2026-01-31T12:00:00Z`).
    Iso,
    /// Seconds since 1970 (`1767225600`).
    EpochSeconds,
    /// Digits that are too large for seconds: almost certainly milliseconds.
    EpochMilliseconds,
    /// The shape of an ISO date with a month, day or time out of range.
    OutOfRange,
    NotADate,
}

/// Seconds beyond this (year 5138) mean the value was written in milliseconds.
const EPOCH_SECONDS_LIMIT: u64 = 100_000_000_000;

pub fn date_form(text: &str) -> DateForm {
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        // Four digits alone read as a year in ISO 8601; IAM takes them as seconds, which
        // is still a date.
        return match text.parse::<u64>() {
            Ok(n) if n < EPOCH_SECONDS_LIMIT => DateForm::EpochSeconds,
            _ => DateForm::EpochMilliseconds,
        };
    }
    iso_date(text)
}

/// `YYYY-MM-DD` optionally followed by `Thh:mm[:ss[.fff]]` and `Z` or `±hh:mm`; `YYYY-MM`
/// is also ISO 8601 (a month).
fn iso_date(text: &str) -> DateForm {
    let bytes = text.as_bytes();
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = text.get(range)?;
        if part.bytes().all(|b| b.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    let (Some(_year), Some(month)) = (number(0..4), number(5..7)) else {
        return DateForm::NotADate;
    };
    if bytes.get(4) != Some(&b'-') {
        return DateForm::NotADate;
    }
    let mut in_range = (1..=12).contains(&month);
    if bytes.len() == 7 {
        return if in_range {
            DateForm::Iso
        } else {
            DateForm::OutOfRange
        };
    }
    let Some(day) = number(8..10).filter(|_| bytes.get(7) == Some(&b'-')) else {
        return DateForm::NotADate;
    };
    in_range &= (1..=31).contains(&day);
    let rest = &text[10..];
    if !rest.is_empty() {
        let Some(time) = rest.strip_prefix(['T', 't']) else {
            return DateForm::NotADate;
        };
        match iso_time(time) {
            Some(ok) => in_range &= ok,
            None => return DateForm::NotADate,
        }
    }
    if in_range {
        DateForm::Iso
    } else {
        DateForm::OutOfRange
    }
}

/// `hh:mm[:ss[.fff]][Z|±hh:mm|±hhmm]`: `Some(in range)`, or `None` when the shape is wrong.
fn iso_time(time: &str) -> Option<bool> {
    let zone_at = time.find(['Z', 'z', '+', '-']).unwrap_or(time.len());
    let (clock, zone) = time.split_at(zone_at);
    let mut parts = clock.split(':');
    let two_digits = |s: &str| -> Option<u32> {
        (s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok())?
    };
    let hour = two_digits(parts.next()?)?;
    let minute = two_digits(parts.next()?)?;
    let mut in_range = hour <= 24 && minute <= 59;
    if let Some(seconds) = parts.next() {
        let (whole, fraction) = seconds.split_once('.').unwrap_or((seconds, "0"));
        let second = two_digits(whole)?;
        if fraction.is_empty() || !fraction.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        in_range &= second <= 60;
    }
    if parts.next().is_some() {
        return None;
    }
    match zone {
        "" | "Z" | "z" => {}
        _ if !zone.is_ascii() => return None,
        _ => {
            let offset = &zone[1..];
            let (h, m) = match offset.split_once(':') {
                Some(split) => split,
                None if offset.len() == 4 => offset.split_at(2),
                None if offset.len() == 2 => (offset, "00"),
                None => return None,
            };
            in_range &= two_digits(h)? <= 23 && two_digits(m)? <= 59;
        }
    }
    Some(in_range)
}

/// Standard base64 with padding, as `BinaryEquals` expects.
pub fn is_base64(text: &str) -> bool {
    let body = text.trim_end_matches('=');
    !text.is_empty()
        && text.len().is_multiple_of(4)
        && text.len() - body.len() <= 2
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
}

pub use crate::eval::ip::{IpRange, IpRangeError};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        for ok in ["0", "10", "-1", "1.5", "+3"] {
            assert!(is_number(ok), "{ok}");
        }
        for bad in ["", "1.", ".5", "ten", "1e3", "1,000", "-"] {
            assert!(!is_number(bad), "{bad}");
        }
    }

    #[test]
    fn dates() {
        for ok in [
            "2026-01-31",
            "2026-01",
            "2026-01-31T12:00:00Z",
            "2026-01-31T12:00Z",
            "2026-01-31T12:00:00.123Z",
            "2026-01-31T12:00:00+01:00",
            "2026-01-31T12:00:00-0500",
        ] {
            assert_eq!(date_form(ok), DateForm::Iso, "{ok}");
        }
        assert_eq!(date_form("1767225600"), DateForm::EpochSeconds);
        assert_eq!(date_form("1767225600000"), DateForm::EpochMilliseconds);
        assert_eq!(date_form("2026-13-01"), DateForm::OutOfRange);
        assert_eq!(date_form("2026-01-31T25:00:00Z"), DateForm::OutOfRange);
        for bad in ["tomorrow", "31/01/2026", "2026-1-31", "2026-01-31 12:00:00", ""] {
            assert_eq!(date_form(bad), DateForm::NotADate, "{bad}");
        }
    }

    #[test]
    fn base64() {
        assert!(is_base64("QmluYXJ5VmFsdWU="));
        assert!(is_base64("YWJj"));
        assert!(!is_base64("not base64!"));
        assert!(!is_base64("YWJ"));
        assert!(!is_base64(""));
    }

    #[test]
    fn ip_ranges() {
        let r = IpRange::parse("203.0.113.5/24").unwrap();
        assert!(r.has_host_bits());
        assert_eq!(r.network().to_string(), "203.0.113.0/24");
        assert!(!IpRange::parse("203.0.113.0/24").unwrap().has_host_bits());
        assert!(!IpRange::parse("0.0.0.0/0").unwrap().has_host_bits());
        assert!(IpRange::parse("2001:db8::1/32").unwrap().has_host_bits());
        assert!(!IpRange::parse("::/0").unwrap().has_host_bits());
        assert_eq!(
            IpRange::parse("10.0.0.0/33"),
            Err(IpRangeError::Prefix { max: 32 })
        );
        assert_eq!(IpRange::parse("10.0.0.0/"), Err(IpRangeError::Prefix { max: 32 }));
        assert_eq!(IpRange::parse("10.0.0/8"), Err(IpRangeError::Address));
        assert!(IpRange::parse("2001:db8::/129").is_err());
        assert!(IpRange::parse("10.1.2.3").unwrap().is_private());
        assert!(IpRange::parse("172.31.0.0/16").unwrap().is_private());
        assert!(!IpRange::parse("172.32.0.0/16").unwrap().is_private());
        assert!(!IpRange::parse("10.0.0.0/7").unwrap().is_private());
        assert!(IpRange::parse("fd00::/8").unwrap().is_private());
        assert!(!IpRange::parse("2001:db8::/32").unwrap().is_private());
    }
}
