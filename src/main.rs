//! The `iamlint` binary: parse arguments, call the library, turn the outcome into an exit
//! code (0 clean, 1 findings at or above `--fail-on`, 2 usage error).

use std::io::{self, IsTerminal, Read, Write};
use std::process::ExitCode;

use clap::Parser;

use iamlint::cli::{CheckArgs, Cli, ColorChoice, Command, ListFormat};
use iamlint::discover::{Filters, discover};
use iamlint::engine::{Selection, check};
use iamlint::report::{self, Report};
use iamlint::rules::Registry;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let registry = match Registry::global() {
        Ok(registry) => registry,
        Err(err) => return fail(&format!("internal error: the rule registry is invalid: {err}")),
    };
    let result = match cli.command {
        Command::Check(args) => run_check(args, registry),
        Command::Rules(args) => report::list_rules(
            registry,
            args.format == ListFormat::Json,
            &mut io::stdout().lock(),
        )
        .map(|()| ExitCode::SUCCESS)
        .map_err(|e| e.to_string()),
        Command::Explain { rule } => match registry.get(&rule) {
            Some(rule) => report::explain(rule, &mut io::stdout().lock())
                .map(|()| ExitCode::SUCCESS)
                .map_err(|e| e.to_string()),
            None => Err(format!("unknown rule `{rule}`; `iamlint rules` lists them")),
        },
    };
    result.unwrap_or_else(|err| fail(&err))
}

fn fail(message: &str) -> ExitCode {
    let _ = writeln!(io::stderr(), "iamlint: error: {message}");
    ExitCode::from(2)
}

fn run_check(args: CheckArgs, registry: &'static Registry) -> Result<ExitCode, String> {
    let glob = |patterns: &[String]| -> Result<Vec<glob::Pattern>, String> {
        patterns
            .iter()
            .map(|p| glob::Pattern::new(p).map_err(|e| format!("invalid glob `{p}`: {e}")))
            .collect()
    };
    let filters = Filters {
        include: glob(&args.include)?,
        exclude: glob(&args.exclude)?,
        force_exclude: args.force_exclude,
    };
    for id in args.select.iter().chain(&args.ignore) {
        let known = registry
            .rules()
            .iter()
            .any(|r| r.meta.id == *id || r.meta.id.starts_with(&format!("{}/", id.trim_end_matches('/'))));
        if !known {
            return Err(format!(
                "unknown rule or group `{id}`; `iamlint rules` lists them"
            ));
        }
    }
    let inputs = discover(&args.paths, &args.stdin_filename, &filters)?;
    let stdin = if args.paths.iter().any(|p| p == "-") {
        let mut text = String::new();
        io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        Some(text)
    } else {
        None
    };
    let selection = Selection {
        select: args.select,
        ignore: args.ignore,
    };
    let outcome = check(&inputs, stdin.as_deref(), registry, &selection);

    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let report = Report {
        outcome: &outcome,
        registry,
        color,
        width: None,
    };
    let mut stderr = io::stderr().lock();
    for note in &outcome.notes {
        let _ = writeln!(stderr, "iamlint: note: {note}");
    }
    if outcome.files_checked == 0 {
        let _ = writeln!(
            stderr,
            "iamlint: note: no IAM policy document or CloudFormation template found in {}",
            args.paths.join(", ")
        );
    }
    let mut stdout = io::stdout().lock();
    if let Err(err) = report::write(args.format, &report, &mut stdout).and_then(|()| stdout.flush()) {
        // A closed pipe (`iamlint check | head`) is not an error worth a message.
        if err.kind() != io::ErrorKind::BrokenPipe {
            return Err(format!("cannot write the report: {err}"));
        }
    }
    let threshold = args.fail_on.threshold();
    let failing = outcome.findings.iter().any(|f| f.severity >= threshold);
    Ok(if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
