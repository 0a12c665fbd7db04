//! `iam/invalid-ip-range`: `IpAddress`/`NotIpAddress` values that are not an IPv4 or IPv6
//! address or CIDR range, and ranges with host bits set after the mask.

use crate::finding::Diagnostic;
use crate::model::FileModel;
use crate::rules::Rule;
use crate::rules::iam::condition_values::{
    IpRange, IpRangeError, OperatorFamily, family, has_variable, literal_values,
};

pub struct InvalidIpRange;

impl Rule for InvalidIpRange {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        let clauses = file
            .clauses()
            .filter(|c| family(&c.operator.base) == Some(OperatorFamily::IpAddress));
        for clause in clauses {
            for (value, text) in literal_values(clause) {
                if has_variable(text) {
                    continue;
                }
                let operator = &clause.operator.base;
                let diagnostic = match IpRange::parse(text.trim()) {
                    Ok(range) if range.has_host_bits() => {
                        let network = range.network();
                        Diagnostic::new(
                            value.span,
                            format!(
                                "`{text}` has bits set after the /{} mask: the range is `{network}`",
                                range.prefix
                            ),
                        )
                        .help(format!(
                            "write `{network}`, or `{}` with a longer prefix if only that address was meant",
                            range.addr
                        ))
                    }
                    Ok(_) => continue,
                    Err(IpRangeError::Prefix { max }) => Diagnostic::new(
                        value.span,
                        format!("`{text}` has an invalid prefix length for `{operator}`"),
                    )
                    .help(format!(
                        "the prefix after `/` is a whole number from 0 to {max} for this address family"
                    )),
                    Err(IpRangeError::Address) => Diagnostic::new(
                        value.span,
                        format!("`{text}` is not an IP address or CIDR range for `{operator}`"),
                    )
                    .help("write an IPv4 or IPv6 address or CIDR range, such as `203.0.113.0/24` or `2001:db8::/32`"),
                };
                out.push(diagnostic);
            }
        }
    }
}
