//! `file:line:col: severity: message [rule]`, the format of compilers' error lines that
//! editors' compilation modes and problem matchers understand. One finding is one line
//! whatever the path or the message holds: both are escaped, and a path that could make
//! the line a GitHub workflow command gets a `./` (see `escape`).

use std::io::{self, Write};

use super::escape::{display_path, escape};
use super::{Locator, Report};

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let locator = Locator::new(report.outcome);
    for finding in &report.outcome.findings {
        let at = locator.locate(finding.span);
        writeln!(
            out,
            "{}:{}:{}: {}: {} [{}]",
            display_path(at.path),
            at.start.line,
            at.start.column,
            finding.severity,
            escape(&finding.message),
            escape(finding.rule)
        )?;
    }
    Ok(())
}
