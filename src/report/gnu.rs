//! `file:line:col: severity: message [rule]`, the format of compilers' error lines that
//! editors' compilation modes and problem matchers understand.

use std::io::{self, Write};

use super::{Locator, Report, one_line};

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let locator = Locator::new(report.outcome);
    for finding in &report.outcome.findings {
        let at = locator.locate(finding.span);
        writeln!(
            out,
            "{}:{}:{}: {}: {} [{}]",
            at.path,
            at.start.line,
            at.start.column,
            finding.severity,
            one_line(&finding.message),
            finding.rule
        )?;
    }
    Ok(())
}
