//! The `IAMLINT_TIMING` report ([`crate::timing`]): a table of phases and one of rules,
//! slowest first, written to stderr by the binary so that stdout stays the report proper.

use std::io::{self, Write};
use std::time::Duration;

use crate::timing::{Listed, Summary};

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percent(part: Duration, whole: Duration) -> f64 {
    if whole.is_zero() {
        0.0
    } else {
        100.0 * part.as_secs_f64() / whole.as_secs_f64()
    }
}

/// Writes the two tables. Times are summed over threads (CPU time of the work), so they may
/// add up to more than the wall time on several cores.
pub fn write(summary: &Summary, out: &mut dyn Write) -> io::Result<()> {
    let phases_total: Duration = summary.phases.iter().map(|(_, d)| *d).sum();
    writeln!(
        out,
        "iamlint timing: {:.1} ms wall; times below are summed over threads",
        millis(summary.wall)
    )?;
    writeln!(out, "{:<44} | {:>10} | {:>8}", "Phase", "Time (ms)", "Relative")?;
    writeln!(out, "{:-<44}-|-{:->10}-|-{:->8}", "", "", "")?;
    for (name, spent) in &summary.phases {
        writeln!(
            out,
            "{name:<44} | {:>10.3} | {:>7.1}%",
            millis(*spent),
            percent(*spent, phases_total)
        )?;
    }
    let rules_total: Duration = summary.rules.iter().map(|(_, d)| *d).sum();
    let shown = match summary.listed {
        Listed::All => summary.rules.len(),
        Listed::Slowest(n) => n.min(summary.rules.len()),
    };
    writeln!(out)?;
    writeln!(out, "{:<44} | {:>10} | {:>8}", "Rule", "Time (ms)", "Relative")?;
    writeln!(out, "{:-<44}-|-{:->10}-|-{:->8}", "", "", "")?;
    for (name, spent) in summary.rules.iter().take(shown) {
        writeln!(
            out,
            "{name:<44} | {:>10.3} | {:>7.1}%",
            millis(*spent),
            percent(*spent, rules_total)
        )?;
    }
    if shown < summary.rules_run {
        writeln!(
            out,
            "({} more; IAMLINT_TIMING=all lists every rule)",
            summary.rules_run - shown
        )?;
    }
    Ok(())
}
