//! ARNs in `Resource`/`NotResource` and the catalog's ARN formats: splitting an ARN into its
//! six fields (policy variables such as `${aws:PrincipalAccount}` may hold colons), reading
//! both resources and formats as patterns, and comparing two patterns.
//!
//! In a resource, `*` and `?` are wildcards and a policy variable (`${aws:username}`,
//! `${*}`) stands for text known only at request time. In a format
//! (`arn:${Partition}:s3:::${BucketName}/${ObjectName}`) every `${...}` placeholder stands
//! for any text.

use crate::catalog::ResourceType;
use crate::eval::context::{NextClose, Piece, glob_elements};

/// The partitions an ARN can name.
pub const PARTITIONS: [&str; 8] = [
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-eusc",
];

/// One element of a pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Token {
    Char(char),
    /// `?`: exactly one character.
    One,
    /// `*`, or a variable or placeholder: any run of characters, perhaps empty.
    Any,
}

/// How a variable is read when comparing patterns.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Variables {
    /// As any text (overlap: could the two name a common resource?).
    Wildcard,
    /// As opaque text that only a wildcard covers (containment).
    Opaque,
}

/// ARN fields longer than this are not compared character by character: the tables below
/// grow with the product of two lengths, and no real ARN field comes close.
const MAX_FIELD: usize = 1024;

fn tokens(text: &str, variables: Variables, lowercase: bool) -> Vec<Token> {
    let mut out = Vec::with_capacity(text.len());
    tokenize(text, variables, lowercase, |token| out.push(token));
    out
}

/// Fields up to this many bytes are compared in buffers on the stack: [`overlap`] runs for
/// every pair of ARN fields the rules compare, and allocating three buffers per pair showed
/// in profiles.
const INLINE: usize = 128;

/// [`tokens`] handed to `f` as a slice, on the stack when the text is short: a token takes
/// at least one byte of the text, so `INLINE` bytes never make more than `INLINE` tokens.
fn with_tokens<R>(text: &str, variables: Variables, lowercase: bool, f: impl FnOnce(&[Token]) -> R) -> R {
    if text.len() > INLINE {
        return f(&tokens(text, variables, lowercase));
    }
    let mut buffer = [Token::Any; INLINE];
    let mut len = 0;
    tokenize(text, variables, lowercase, |token| {
        buffer[len] = token;
        len += 1;
    });
    f(&buffer[..len])
}

fn tokenize(text: &str, variables: Variables, lowercase: bool, mut out: impl FnMut(Token)) {
    let mut rest = text;
    let mut closing = NextClose::new(text);
    while let Some(c) = rest.chars().next() {
        // `${*}`, `${?}` and `${$}` are escapes for the literal characters.
        if let Some(escaped) = ["${*}", "${?}", "${$}"].iter().find(|e| rest.starts_with(**e)) {
            out(Token::Char(escaped.as_bytes()[2] as char));
            rest = &rest[4..];
            continue;
        }
        if rest.starts_with("${")
            && variables == Variables::Wildcard
            && let Some(close) = closing
                .at(text.len() - rest.len())
                .map(|at| at - (text.len() - rest.len()))
        {
            out(Token::Any);
            rest = &rest[close + 1..];
            continue;
        }
        out(match c {
            '*' => Token::Any,
            '?' => Token::One,
            c if lowercase => Token::Char(c.to_ascii_lowercase()),
            c => Token::Char(c),
        });
        rest = &rest[c.len_utf8()..];
    }
}

/// Whether some text matches both patterns (`${...}` counts as a wildcard on either side),
/// compared case-insensitively.
pub fn overlap(a: &str, b: &str) -> bool {
    if a.len() > MAX_FIELD || b.len() > MAX_FIELD {
        // Too long to compare: assume they may overlap, which reports nothing.
        return true;
    }
    // Fast paths for what ARN fields mostly are: a whole-field placeholder or wildcard
    // (`${Region}`, `*`), or two plain literals.
    if is_whole_placeholder(a) || is_whole_placeholder(b) {
        return true;
    }
    let plain = |t: &str| literal_prefix(t).len() == t.len();
    if plain(a) && plain(b) {
        return a.eq_ignore_ascii_case(b);
    }
    // The literal text before the first wildcard or variable must agree on both sides
    // (`db:` never overlaps `cluster:`), which settles most pairs without the table below.
    let (la, lb) = (literal_prefix(a), literal_prefix(b));
    let n = la.len().min(lb.len());
    if let (Some(x), Some(y)) = (la.get(..n), lb.get(..n))
        && !x.eq_ignore_ascii_case(y)
    {
        return false;
    }
    with_tokens(a, Variables::Wildcard, true, |a| {
        with_tokens(b, Variables::Wildcard, true, |b| {
            // Two rows of the table: one for `a[..i]`, one for `a[..i + 1]`.
            let width = b.len() + 1;
            let mut inline = [false; 2 * (INLINE + 1)];
            let mut heap = Vec::new();
            let rows: &mut [bool] = if width <= INLINE + 1 {
                &mut inline[..2 * width]
            } else {
                heap.resize(2 * width, false);
                &mut heap
            };
            let (row, next) = rows.split_at_mut(width);
            overlap_table(a, b, row, next)
        })
    })
}

/// Whether the token strings `a` and `b` can match a common text: which prefixes of `b` can
/// pair with each prefix of `a`, one row per prefix of `a`. `row` and `next` are `b.len() + 1`
/// long, `next` all false.
fn overlap_table<'r>(a: &[Token], b: &[Token], mut row: &'r mut [bool], mut next: &'r mut [bool]) -> bool {
    let m = b.len();
    row[0] = true;
    for i in 0..=a.len() {
        let ta = a.get(i).copied();
        for j in 0..=m {
            if !row[j] {
                continue;
            }
            let tb = b.get(j).copied();
            if ta == Some(Token::Any) {
                next[j] = true;
                if tb.is_some() {
                    row[j + 1] = true;
                }
            }
            if tb == Some(Token::Any) {
                row[j + 1] = true;
                if ta.is_some() {
                    next[j] = true;
                }
            }
            if let (Some(x), Some(y)) = (ta, tb)
                && x != Token::Any
                && y != Token::Any
                && (x == Token::One || y == Token::One || x == y)
            {
                next[j + 1] = true;
            }
        }
        if i == a.len() {
            break;
        }
        std::mem::swap(&mut row, &mut next);
        next.fill(false);
    }
    row[m]
}

/// The text before the first wildcard or variable.
pub fn literal_prefix(text: &str) -> &str {
    // By bytes: the three are ASCII, so the position is a character boundary (a `find`
    // with a set of characters decodes every character, and this runs for every pair of
    // ARN fields compared).
    text.bytes()
        .position(|b| matches!(b, b'*' | b'?' | b'$'))
        .map_or(text, |at| &text[..at])
}

/// `*` or a single `${...}` spanning the whole field: it matches any text.
fn is_whole_placeholder(text: &str) -> bool {
    // Another `${` can only start after the first one's two bytes.
    text == "*" || (text.starts_with("${") && text.ends_with('}') && !text[2..].contains("${"))
}

/// Whether every resource that `inner` names is also named by `outer`, case-sensitively.
/// Variables are opaque text here: only a wildcard of `outer` covers them. The answer may
/// be a false "no" for contrived patterns, never a false "yes".
pub fn covers(outer: &str, inner: &str) -> bool {
    if outer.len() > MAX_FIELD || inner.len() > MAX_FIELD || !inner.starts_with(literal_prefix(outer)) {
        return false;
    }
    let p = tokens(outer, Variables::Opaque, false);
    if !inner.contains(['*', '?', '$']) {
        // A literal inner: plain glob matching, in linear time for the patterns people
        // write, instead of the table below.
        let t: Vec<char> = inner.chars().collect();
        return glob_matches(&p, &t);
    }
    let t = tokens(inner, Variables::Opaque, false);
    let (n, m) = (p.len(), t.len());
    let mut reach = vec![false; (n + 1) * (m + 1)];
    let at = |i: usize, j: usize| i * (m + 1) + j;
    reach[0] = true;
    for i in 0..=n {
        for j in 0..=m {
            if !reach[at(i, j)] {
                continue;
            }
            match (p.get(i).copied(), t.get(j).copied()) {
                (Some(Token::Any), next) => {
                    reach[at(i + 1, j)] = true;
                    if next.is_some() {
                        reach[at(i, j + 1)] = true;
                    }
                }
                (Some(Token::One), Some(Token::Char(_) | Token::One)) => reach[at(i + 1, j + 1)] = true,
                (Some(Token::Char(x)), Some(Token::Char(y))) if x == y => reach[at(i + 1, j + 1)] = true,
                _ => {}
            }
        }
    }
    reach[at(n, m)]
}

/// Whether a pattern matches a literal text, with the evaluator's glob matcher.
fn glob_matches(pattern: &[Token], text: &[char]) -> bool {
    let piece = |token: Token| match token {
        Token::Char(c) => Piece::Char(c),
        Token::One => Piece::One,
        Token::Any => Piece::Any,
    };
    glob_elements(pattern, text, piece, |p, t| p == t)
}

/// Whether the text has a wildcard or a variable, so that its value is not known as written.
pub fn has_wildcard(text: &str) -> bool {
    text.contains(['*', '?']) || text.contains("${")
}

/// Whether the text is made only of `*` and variables: it may stand for anything, even
/// nothing.
pub fn is_open(text: &str) -> bool {
    !text.is_empty()
        && tokens(text, Variables::Wildcard, false)
            .iter()
            .all(|t| *t == Token::Any)
}

/// The text without its variables, for checks on the literal characters.
pub fn literal_chars(text: &str) -> impl Iterator<Item = char> + '_ {
    let mut depth = false;
    let mut previous = ' ';
    text.chars().filter(move |&c| {
        let keep = if depth {
            if c == '}' {
                depth = false;
            }
            false
        } else if c == '{' && previous == '$' {
            depth = true;
            false
        } else {
            c != '$'
        };
        previous = c;
        keep
    })
}

/// Splits at colons outside `${...}`, into at most six fields: the sixth (the resource) keeps
/// its own colons.
pub fn fields(text: &str) -> Vec<&str> {
    let (fields, count) = split_fields(text);
    fields[..count].to_vec()
}

/// [`fields`] in an array, with how many there are: [`Arn::parse`] runs for every format
/// the rules compare a resource with, and needs no allocation.
fn split_fields(text: &str) -> ([&str; 6], usize) {
    let mut out = [""; 6];
    let mut count = 0;
    let mut start = 0;
    let mut in_variable = false;
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if count == 5 {
            break;
        }
        match b {
            b'{' if i > 0 && bytes[i - 1] == b'$' => in_variable = true,
            b'}' => in_variable = false,
            b':' if !in_variable => {
                out[count] = &text[start..i];
                count += 1;
                start = i + 1;
            }
            _ => {}
        }
    }
    out[count] = &text[start..];
    (out, count + 1)
}

/// An ARN split into its fields, as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arn<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub resource: &'a str,
}

impl<'a> Arn<'a> {
    /// The six fields of `arn:partition:service:region:account:resource`, or `None` when the
    /// text does not start with `arn:` or has fewer fields.
    pub fn parse(text: &'a str) -> Option<Arn<'a>> {
        let (fields, count) = split_fields(text);
        match fields[..count] {
            ["arn", partition, service, region, account, resource] => Some(Arn {
                partition,
                service,
                region,
                account,
                resource,
            }),
            _ => None,
        }
    }
}

/// The ARN formats of a resource type: a few types document several, separated by commas
/// (API Gateway's `/apis/...` and `/restapis/...`).
pub fn variants(format: &str) -> impl Iterator<Item = &str> {
    format.split(", ").map(str::trim)
}

/// Whether a resource (pattern) may name a resource of an ARN format: field by field, with
/// placeholders, wildcards and variables matching anything. A resource that is not a
/// six-field ARN may name anything, as far as this check knows.
pub fn format_admits(format: &str, resource: &str) -> bool {
    if resource == "*" {
        return true;
    }
    let Some(r) = Arn::parse(resource) else {
        return true;
    };
    variants(format).any(|variant| {
        let Some(f) = Arn::parse(variant) else {
            return true;
        };
        overlap(f.partition, r.partition)
            && overlap(f.service, r.service)
            && overlap(f.region, r.region)
            && overlap(f.account, r.account)
            && overlap(f.resource, r.resource)
    })
}

/// One ARN format of a resource type of the catalog, and the service that documents it.
pub struct ArnFormat {
    pub service: &'static str,
    pub resource_type: &'static ResourceType,
    /// The format split into fields (one of the type's formats when it has several).
    pub arn: Arn<'static>,
}

impl ArnFormat {
    /// The format as text, for messages.
    pub fn text(&self) -> String {
        let a = &self.arn;
        format!(
            "arn:{}:{}:{}:{}:{}",
            a.partition, a.service, a.region, a.account, a.resource
        )
    }
}

// `static ARN_FORMATS: &[(&str, &[ArnFormat])]`: every ARN format of the catalog whose
// service field is literal, by that field lowercased (sorted), each list in catalog order;
// generated by `build.rs` from the catalog, like the catalog's own tables, so that no run
// builds it.
include!(concat!(env!("OUT_DIR"), "/arn_formats.rs"));

/// The catalog's ARN formats by the service field of the ARN (`iam` formats are documented
/// by `iam`, `sts`, `ec2` and others), case-insensitively.
pub fn formats_for(arn_service: &str) -> &'static [ArnFormat] {
    let folded = || arn_service.bytes().map(|b| b.to_ascii_lowercase());
    ARN_FORMATS
        .binary_search_by(|(service, _)| service.bytes().cmp(folded()))
        .map_or(&[], |found| ARN_FORMATS[found].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_keep_variables_whole() {
        assert_eq!(
            fields("arn:*:kms:*:${aws:PrincipalAccount}:key/*"),
            ["arn", "*", "kms", "*", "${aws:PrincipalAccount}", "key/*"]
        );
        assert_eq!(
            fields("arn:aws:rds:us-east-1:123456789012:db:main"),
            ["arn", "aws", "rds", "us-east-1", "123456789012", "db:main"]
        );
        assert_eq!(fields("arn:aws:s3"), ["arn", "aws", "s3"]);
        assert!(Arn::parse("arn:aws:s3:::bucket").is_some());
        assert!(Arn::parse("arn:aws:s3::bucket").is_none());
    }

    #[test]
    fn overlap_reads_both_sides_as_patterns() {
        assert!(overlap("db:${DbInstanceName}", "db:*"));
        assert!(overlap("db:${DbInstanceName}", "DB:main"));
        assert!(!overlap("db:${DbInstanceName}", "cluster:main"));
        assert!(overlap("${BucketName}/${ObjectName}", "bucket/*"));
        assert!(overlap("${BucketName}/${ObjectName}", "bucket*"));
        assert!(!overlap("${BucketName}/${ObjectName}", "bucket"));
        assert!(overlap("user/${aws:username}", "user/${UserNameWithPath}"));
        assert!(overlap("", "*"));
        assert!(!overlap("", "us-east-1"));
        assert!(overlap("a?c", "*b*"));
        assert!(!overlap("a?c", "abbc"));
    }

    /// [`overlap`] keeps two rows of its table on the stack; the whole table, as it was
    /// built before, must agree on every pair, long fields (on the heap) included.
    #[test]
    fn overlap_agrees_with_the_whole_table() {
        fn whole_table(a: &str, b: &str) -> bool {
            let a = tokens(a, Variables::Wildcard, true);
            let b = tokens(b, Variables::Wildcard, true);
            let (n, m) = (a.len(), b.len());
            let mut reach = vec![false; (n + 1) * (m + 1)];
            let at = |i: usize, j: usize| i * (m + 1) + j;
            reach[0] = true;
            for i in 0..=n {
                for j in 0..=m {
                    if !reach[at(i, j)] {
                        continue;
                    }
                    let (ta, tb) = (a.get(i).copied(), b.get(j).copied());
                    if ta == Some(Token::Any) {
                        reach[at(i + 1, j)] = true;
                        if tb.is_some() {
                            reach[at(i, j + 1)] = true;
                        }
                    }
                    if tb == Some(Token::Any) {
                        reach[at(i, j + 1)] = true;
                        if ta.is_some() {
                            reach[at(i + 1, j)] = true;
                        }
                    }
                    if let (Some(x), Some(y)) = (ta, tb)
                        && x != Token::Any
                        && y != Token::Any
                        && (x == Token::One || y == Token::One || x == y)
                    {
                        reach[at(i + 1, j + 1)] = true;
                    }
                }
            }
            reach[at(n, m)]
        }
        let long = format!("{}/${{ObjectName}}", "b".repeat(150));
        let longer = format!("{}*", "b".repeat(140));
        let fields = [
            "db:${DbInstanceName}",
            "db:*",
            "DB:main",
            "${BucketName}/${ObjectName}",
            "bucket/*",
            "bucket*",
            "bucket",
            "a?c",
            "*b*",
            "abbc",
            "?",
            "role/${aws:username}",
            "role/*/admin?",
            "${*}x",
            long.as_str(),
            longer.as_str(),
            "b*/x",
        ];
        for a in fields {
            for b in fields {
                // The fast paths before the table settle some pairs; they must agree too.
                assert_eq!(overlap(a, b), whole_table(a, b), "{a} against {b}");
            }
        }
        assert!(overlap(&long, &longer));
        assert!(!overlap(&long, &format!("{}*", "b".repeat(151))));
    }

    #[test]
    fn formats_match_field_by_field() {
        let db = "arn:${Partition}:rds:${Region}:${Account}:db:${DbInstanceName}";
        assert!(format_admits(db, "arn:aws:rds:*:*:db:*"));
        assert!(format_admits(db, "arn:aws:rds:us-east-1:123456789012:db:main"));
        assert!(!format_admits(
            db,
            "arn:aws:rds:us-east-1:123456789012:cluster:main"
        ));
        assert!(!format_admits(db, "arn:aws:s3:::bucket"));
        assert!(format_admits(db, "*"));
        let stage = "arn:${Partition}:apigateway:${Region}::/apis/${ApiId}/stages/${StageName}, arn:${Partition}:apigateway:${Region}::/restapis/${RestApiId}/stages/${StageName}";
        assert!(format_admits(stage, "arn:aws:apigateway:*::/restapis/*/stages/*"));
        assert!(!format_admits(stage, "arn:aws:apigateway:*::/domainnames/*"));
    }

    #[test]
    fn coverage_is_one_way() {
        assert!(covers("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/logs/*"));
        assert!(!covers("arn:aws:s3:::bucket/logs/*", "arn:aws:s3:::bucket/*"));
        assert!(!covers("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket"));
        assert!(covers("arn:aws:s3:::bucket*", "arn:aws:s3:::bucket"));
        assert!(covers("*", "arn:aws:iam::*:role/${aws:username}"));
        assert!(!covers("arn:aws:iam::*:role/a?", "arn:aws:iam::*:role/a*"));
        assert!(!covers(
            "arn:aws:iam::*:role/${aws:username}",
            "arn:aws:iam::*:role/bob"
        ));
        assert!(!covers("arn:aws:iam::*:role/Admin", "arn:aws:iam::*:role/admin"));
        // Literal inners take the glob path: the same answers as the table.
        assert!(covers("a*b?d*", "aXXbcdYY"));
        assert!(!covers("a*b?d", "aXXbcdYY"));
        assert!(covers("a?c*", "abcdef"));
        assert!(!covers("a?c*", "abd"));
        assert!(covers("a${*}*", "a${*}b"));
    }

    #[test]
    fn openness_and_literals() {
        assert!(is_open("*"));
        assert!(is_open("${aws:PrincipalAccount}"));
        assert!(!is_open(""));
        assert!(!is_open("us-*"));
        assert_eq!(literal_chars("S3${aws:x}").collect::<String>(), "S3");
    }

    #[test]
    fn iam_formats_come_from_several_services() {
        let iam = formats_for("iam");
        assert!(iam.iter().any(|f| f.service == "iam"));
        assert!(iam.iter().any(|f| f.resource_type.name == "role"));
        assert!(!formats_for("s3").is_empty());
        assert!(formats_for("nosuchservice").is_empty());
        assert_eq!(formats_for("IAM").len(), iam.len());
    }

    /// The generated index holds what reading the catalog's resource types gives: every
    /// variant of a format whose service field is literal, by that field lowercased, in
    /// catalog order, pointing at the catalog's own resource types.
    #[test]
    fn generated_index_follows_the_catalog() {
        let mut expected: std::collections::BTreeMap<String, Vec<(&str, *const ResourceType, Arn)>> =
            Default::default();
        for service in crate::catalog::Catalog::global().services() {
            for resource_type in service.resources {
                for variant in variants(resource_type.arn) {
                    let Some(arn) = Arn::parse(variant) else { continue };
                    if has_wildcard(arn.service) {
                        continue;
                    }
                    let row = (service.prefix, std::ptr::from_ref(resource_type), arn);
                    expected
                        .entry(arn.service.to_ascii_lowercase())
                        .or_default()
                        .push(row);
                }
            }
        }
        assert!(expected.len() > 100);
        assert_eq!(ARN_FORMATS.len(), expected.len());
        for (key, rows) in &expected {
            let found: Vec<_> = formats_for(key)
                .iter()
                .map(|f| (f.service, std::ptr::from_ref(f.resource_type), f.arn))
                .collect();
            assert_eq!(&found, rows, "{key}");
        }
    }
}
