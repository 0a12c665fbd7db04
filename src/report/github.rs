//! GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` annotation per
//! finding, escaped as the workflow command documentation requires. Path, rule and message
//! are first escaped like every text output (no control character reaches the log or the
//! annotation), then percent-encoded as the runner unescapes them; the only `%0A` left is
//! the one before `help:`.

use std::io::{self, Write};

use super::escape::escape;
use super::{Locator, Report};
use crate::finding::Severity;

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let locator = Locator::new(report.outcome);
    for finding in &report.outcome.findings {
        let at = locator.locate(finding.span);
        let command = match finding.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut message = escape(&finding.message).into_owned();
        if let Some(help) = &finding.help {
            message.push_str("\nhelp: ");
            message.push_str(&escape(help));
        }
        writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(&escape(at.path)),
            at.start.line,
            at.start.column,
            at.end.line,
            at.end.column,
            escape_property(&escape(finding.rule)),
            escape_data(&message)
        )?;
    }
    Ok(())
}

fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_documented() {
        assert_eq!(escape_data("50%\nx"), "50%25%0Ax");
        assert_eq!(escape_property("rds/a:b,c"), "rds/a%3Ab%2Cc");
    }
}
