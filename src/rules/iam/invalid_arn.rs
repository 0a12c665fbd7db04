//! `iam/invalid-arn`: a `Resource`/`NotResource` value that is not a well-formed ARN, or whose
//! Region and account fields fit none of the service's ARN formats.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use crate::finding::Diagnostic;
use crate::model::FileModel;
use crate::rules::Rule;
use crate::rules::iam::arn::{self, Arn, ArnFormat, PARTITIONS};
use crate::rules::iam::raw;

pub struct InvalidArn;

impl Rule for InvalidArn {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        for doc in &file.policies {
            // An intrinsic function is unknown until deployment: only literals are read.
            for statement in doc.statement_nodes() {
                for (item, text) in raw::resource_strings(statement) {
                    if let Some(problem) = problem_once(text) {
                        let mut diagnostic = Diagnostic::new(item.span, problem.message);
                        if let Some(help) = problem.help {
                            diagnostic = diagnostic.help(help);
                        }
                        out.push(diagnostic);
                    }
                }
            }
        }
    }
}

#[derive(Clone)]
struct Problem {
    message: String,
    help: Option<String>,
}

/// [`problem`] of each distinct resource text once per run: a text depends on nothing else,
/// and the same ARNs recur in statement after statement and file after file (1,521 AWS
/// managed policies write 6,517 resources other than `*`, 2,271 distinct).
#[derive(Default)]
struct Seen {
    by_text: HashMap<Box<str>, Option<Problem>>,
    bytes: usize,
}

/// What [`Seen`] may hold: a run over many distinct made-up ARNs stays flat in memory,
/// and is only not faster.
const SEEN_BYTES: usize = 4 << 20;

fn problem_once(text: &str) -> Option<Problem> {
    static SEEN: OnceLock<Mutex<Seen>> = OnceLock::new();
    let seen = SEEN.get_or_init(Mutex::default);
    if let Some(known) = seen.lock().ok().and_then(|seen| seen.by_text.get(text).cloned()) {
        return known;
    }
    let found = problem(text);
    let bytes = text.len()
        + found
            .as_ref()
            .map_or(0, |p| p.message.len() + p.help.as_ref().map_or(0, String::len));
    if let Ok(mut seen) = seen.lock()
        && seen.bytes + bytes <= SEEN_BYTES
    {
        seen.bytes += bytes;
        seen.by_text.insert(text.into(), found.clone());
    }
    found
}

impl Problem {
    fn new(message: String, help: impl Into<String>) -> Option<Problem> {
        Some(Problem {
            message,
            help: Some(help.into()),
        })
    }
}

fn problem(text: &str) -> Option<Problem> {
    if text == "*" {
        return None;
    }
    let fields = arn::fields(text);
    if fields[0] != "arn" {
        // A leading wildcard or variable may stand for the prefix.
        if arn::has_wildcard(fields[0]) && arn::overlap(text, "arn:*") {
            return None;
        }
        return Problem::new(
            format!("`{text}` is not an ARN: it does not start with `arn:`"),
            "write the full ARN (`arn:partition:service:region:account:resource`), or `*` for every resource",
        );
    }
    let Some(parsed) = Arn::parse(text) else {
        return Problem::new(
            format!(
                "the ARN has {} of the six colon-separated fields `arn:partition:service:region:account:resource`",
                fields.len()
            ),
            "keep the fields a service leaves empty: a bucket is `arn:aws:s3:::bucket-name`",
        );
    };
    if parsed.service.is_empty() {
        return Problem::new(
            "the service field of the ARN is empty".to_string(),
            "name the service that owns the resource, e.g. `arn:aws:iam::123456789012:role/name`",
        );
    }
    if !partition_is_valid(parsed.partition) {
        return Problem::new(
            format!(
                "the partition field `{}` is not an AWS partition",
                parsed.partition
            ),
            format!("use one of {}, or `*`", list(&PARTITIONS)),
        );
    }
    if arn::literal_chars(parsed.service).any(|c| c.is_ascii_uppercase()) {
        return Problem::new(
            format!("the service field `{}` is not lowercase", parsed.service),
            format!(
                "write `{}`: service names in ARNs are lowercase",
                parsed.service.to_ascii_lowercase()
            ),
        );
    }
    let formats = arn::formats_for(parsed.service);
    if !account_is_valid(parsed.account, formats) {
        return Problem::new(
            format!(
                "the account field `{}` is not a 12-digit account ID",
                parsed.account
            ),
            "write the account ID as 12 digits without hyphens, `*` for any account, or leave the field empty where the service has none",
        );
    }
    if formats.is_empty() || arn::has_wildcard(parsed.service) {
        return None;
    }
    fields_fit(&parsed, formats)
}

fn list(items: &[&str]) -> String {
    items
        .iter()
        .map(|p| format!("`{p}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn partition_is_valid(partition: &str) -> bool {
    if arn::has_wildcard(partition) {
        PARTITIONS.iter().any(|p| arn::overlap(partition, p))
    } else {
        PARTITIONS.contains(&partition)
    }
}

fn account_is_valid(account: &str, formats: &[ArnFormat]) -> bool {
    account.is_empty()
        || (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()))
        || account == "aws"
        || arn::has_wildcard(account)
        // A few formats have a fixed word there (`arn:${Partition}:iam::aws:...`).
        || formats.iter().any(|f| f.arn.account == account)
}

/// Whether a field of the resource may have the presence a format's field asks for: empty
/// where the format has nothing, something where it has a placeholder or a word.
fn presence_fits(format: &str, resource: &str) -> bool {
    if arn::is_open(resource) || format == "*" {
        return true;
    }
    format.is_empty() == resource.is_empty()
}

/// Region and account against the formats the resource part can be: some format must fit
/// both.
fn fields_fit(resource: &Arn<'_>, formats: &'static [ArnFormat]) -> Option<Problem> {
    let region_fits = |f: &ArnFormat| presence_fits(f.arn.region, resource.region);
    let account_fits = |f: &ArnFormat| {
        presence_fits(f.arn.account, resource.account)
            || resource.account.is_empty() && may_be_owned_by_aws(resource.resource)
    };
    // Most resources are well formed, and one format that the resource part may name and
    // whose Region and account fit settles it (that format is one of `named` below, and
    // fits there too): the cheap field checks first, then the resource parts, one format
    // at a time, instead of comparing the resource part with every format of the service.
    if formats
        .iter()
        .any(|f| region_fits(f) && account_fits(f) && arn::overlap(f.arn.resource, resource.resource))
    {
        return None;
    }
    let named: Vec<&ArnFormat> = formats
        .iter()
        .filter(|f| arn::overlap(f.arn.resource, resource.resource))
        .collect();
    let pool: Vec<&ArnFormat> = if named.is_empty() {
        formats.iter().collect()
    } else {
        named
    };
    if pool.iter().any(|f| region_fits(f) && account_fits(f)) {
        return None;
    }
    let service = resource.service;
    let region_pool: Vec<&ArnFormat> = pool.iter().copied().filter(|f| region_fits(f)).collect();
    let (message, example) = if region_pool.is_empty() {
        let message = if resource.region.is_empty() {
            if resource.account.is_empty() && !pool.iter().any(|f| account_fits(f)) {
                format!(
                    "the Region and account fields are empty, but `{service}` ARNs of this form need both"
                )
            } else {
                format!("the Region field is empty, but `{service}` ARNs of this form need a Region")
            }
        } else {
            format!(
                "the Region field `{}` is not allowed: `{service}` ARNs of this form have no Region",
                resource.region
            )
        };
        (message, best(&pool, resource))
    } else {
        let message = if resource.account.is_empty() {
            format!("the account field is empty, but `{service}` ARNs of this form need an account ID")
        } else {
            format!(
                "the account field `{}` is not allowed: `{service}` ARNs of this form have no account",
                resource.account
            )
        };
        (message, best(&region_pool, resource))
    };
    Problem::new(
        message,
        example.map_or_else(
            || {
                "follow the ARN format of the resource type in the Service Authorization Reference"
                    .to_string()
            },
            |f| {
                format!(
                    "the Service Authorization Reference gives the `{}` {} ARN as `{}`",
                    f.service,
                    f.resource_type.name,
                    f.text()
                )
            },
        ),
    )
}

/// Whether the resource part names, or may name, a resource that AWS owns and shares with
/// every account: such ARNs have an empty account field although the documented format has
/// one (`arn:aws:ssm:*::document/AWS-RunShellScript`,
/// `arn:aws:ssm:*::parameter/aws/service/*`). The name after the type word must not start
/// with a wildcard, a variable, `aws` or `amazon` for an empty account to be reported.
fn may_be_owned_by_aws(resource: &str) -> bool {
    let name = resource.trim_start_matches(|c: char| c.is_ascii_alphanumeric() || c == '-');
    let name = name.strip_prefix(['/', ':']).unwrap_or(name);
    let name = name.trim_start_matches('/');
    let lower = name.to_ascii_lowercase();
    name.is_empty()
        || name.starts_with(['*', '?'])
        || name.starts_with("${")
        || lower.starts_with("aws")
        || lower.starts_with("amazon")
}

/// The format to show as an example: one of the service's own, whose fixed beginning
/// (`db:`, `role/`) is longest, then the shortest.
fn best<'f>(formats: &[&'f ArnFormat], resource: &Arn<'_>) -> Option<&'f ArnFormat> {
    formats
        .iter()
        .filter(|f| arn::overlap(f.arn.resource, resource.resource))
        .max_by_key(|f| {
            let fixed = f.arn.resource.find("${").unwrap_or(f.arn.resource.len());
            (
                f.service.eq_ignore_ascii_case(resource.service),
                fixed,
                std::cmp::Reverse(f.arn.resource.len()),
            )
        })
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(text: &str) -> Option<String> {
        problem(text).map(|p| p.message)
    }

    /// The second time a text is checked it comes from the run's memo, with the same answer.
    #[test]
    fn a_text_seen_before_gets_the_same_answer() {
        for text in [
            "arn:aws:s3:us-east-1::bucket",
            "arn:aws:rds:us-east-1::db:main",
            "arn:aws:s3:::bucket/*",
            "not-an-arn",
        ] {
            let first = problem_once(text).map(|p| (p.message, p.help));
            let again = problem_once(text).map(|p| (p.message, p.help));
            let fresh = problem(text).map(|p| (p.message, p.help));
            assert_eq!(first, fresh, "{text}");
            assert_eq!(again, fresh, "{text}");
        }
    }

    #[test]
    fn well_formed_arns_pass() {
        for ok in [
            "*",
            "arn:aws:s3:::bucket/*",
            "arn:aws:s3:us-east-1:123456789012:accesspoint/ap",
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
            "arn:aws:iam::*:role/${aws:username}",
            "arn:*:kms:*:${aws:PrincipalAccount}:key/*",
            "arn:aws-cn:rds:*:*:db:*",
            "arn:aws:logs:*:*:*",
            "arn:aws:execute-api:*:*:*/prod/*",
            "arn:aws:sso::aws:applicationProvider/x",
            "arn:aws:unknownservice:moon:123456789012:whatever",
            "${BucketArn}",
            "arn:aws:ssm:*::document/AWS-RunShellScript",
            "arn:aws:ssm:*::parameter/aws/service/ami-amazon-linux-latest*",
            "arn:aws:ssm:*::automation-definition/AmazonECS-*:*",
            "arn:aws:ec2:*::image/ami-*",
        ] {
            assert_eq!(message(ok), None, "{ok}");
        }
    }

    #[test]
    fn each_field_is_named() {
        let cases = [
            ("bucket/*", "does not start with `arn:`"),
            ("arn:aws:s3::bucket", "has 5 of the six"),
            ("arn:amazon:s3:::bucket", "partition field `amazon`"),
            ("arn:aws:S3:::bucket", "service field `S3`"),
            (
                "arn:aws:rds:us-east-1:1234-5678-9012:db:x",
                "account field `1234-5678-9012`",
            ),
            (
                "arn:aws:iam:us-east-1:123456789012:role/x",
                "Region field `us-east-1` is not allowed",
            ),
            (
                "arn:aws:s3::123456789012:bucket/x",
                "account field `123456789012` is not allowed",
            ),
            ("arn:aws:rds::123456789012:db:x", "Region field is empty"),
            ("arn:aws:rds:us-east-1::db:x", "account field is empty"),
            ("arn:aws:ssm:*::document/MyDocument", "account field is empty"),
        ];
        for (text, expected) in cases {
            let found = message(text).unwrap_or_default();
            assert!(found.contains(expected), "{text}: {found}");
        }
    }
}
