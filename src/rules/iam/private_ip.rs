//! `iam/private-ip`: `aws:SourceIp` compared with private address ranges, which never
//! appear as the source of a request that reaches AWS over the internet.

use crate::finding::Diagnostic;
use crate::model::{ConditionValue, FileModel};
use crate::rules::Rule;
use crate::rules::iam::condition_values::{IpRange, OperatorFamily, family};

pub struct PrivateIp;

impl Rule for PrivateIp {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        let clauses = file.clauses().filter(|c| {
            family(&c.operator.base) == Some(OperatorFamily::IpAddress)
                && c.key.eq_ignore_ascii_case("aws:SourceIp")
        });
        for clause in clauses {
            let negated = clause.operator.base.eq_ignore_ascii_case("NotIpAddress");
            let mut private: Vec<&ConditionValue> = Vec::new();
            // Public ranges, and values that cannot be judged (a CloudFormation function,
            // a policy variable, a malformed range).
            let mut others = 0;
            for value in &clause.values {
                match value.text.as_deref().map(|t| IpRange::parse(t.trim())) {
                    Some(Ok(range)) if range.is_private() => private.push(value),
                    _ => others += 1,
                }
            }
            let Some(first) = private.first() else {
                continue;
            };
            let operator = &clause.operator.base;
            if others == 0 {
                let span = if private.len() == 1 {
                    first.span
                } else {
                    clause.values_span
                };
                let message = if negated {
                    format!(
                        "`{operator}` with only private ranges for `aws:SourceIp` matches every request that reaches AWS publicly"
                    )
                } else {
                    format!(
                        "`aws:SourceIp` lists only private ranges: `{operator}` never matches a request that reaches AWS publicly"
                    )
                };
                out.push(Diagnostic::new(span, message).help(
                    "`aws:SourceIp` holds the public address a request comes from; to test addresses inside a VPC (through a VPC endpoint), use `aws:VpcSourceIp`, usually with `aws:SourceVpc` or `aws:SourceVpce`",
                ));
            } else {
                for value in private {
                    let text = value.text.as_deref().unwrap_or_default();
                    out.push(
                        Diagnostic::new(
                            value.span,
                            format!(
                                "`{text}` is a private range: as an `aws:SourceIp` value it never matches a request that reaches AWS publicly"
                            ),
                        )
                        .help(
                            "remove it, or test it with `aws:VpcSourceIp` in a separate condition for requests that come through a VPC endpoint",
                        ),
                    );
                }
            }
        }
    }
}
