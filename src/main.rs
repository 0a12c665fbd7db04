//! The `iamlint` binary: parse arguments, call the library, turn the outcome into an exit
//! code (0 clean, 1 findings at or above `--fail-on`, 2 usage error).

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;

use iamlint::cli::{CheckArgs, Cli, ColorChoice, Command, ConfigArgs, ListFormat, SimulateArgs};
use iamlint::config::Config;
use iamlint::discover::{Filters, discover};
use iamlint::engine::{Selection, check_with_config};
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
        Command::Simulate(args) => run_simulate(args),
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
    let config = load_config(&args.config)?;
    let asserts: Vec<String> = config
        .iter()
        .flat_map(|c| &c.asserts)
        .map(|a| format!("assert/{}", a.name))
        .collect();
    for id in args.select.iter().chain(&args.ignore) {
        let id_or_group =
            |rule: &str| rule == id || rule.starts_with(&format!("{}/", id.trim_end_matches('/')));
        let known = registry.rules().iter().any(|r| id_or_group(&r.meta.id))
            || asserts.iter().any(|a| id_or_group(a));
        if !known {
            return Err(format!(
                "unknown rule or group `{id}`; `iamlint rules` lists them"
            ));
        }
    }
    let inputs = discover(&args.paths, &args.stdin_filename, &filters)?;
    // Read through the same byte budget as a file: one byte past the cap is enough to
    // report it as too large.
    let stdin = if args.paths.iter().any(|p| p == "-") {
        let bytes = iamlint::read::read_budget(io::stdin().lock(), 0)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        Some(bytes)
    } else {
        None
    };
    let selection = Selection {
        select: args.select,
        ignore: args.ignore,
    };
    let outcome = check_with_config(&inputs, stdin.as_deref(), registry, &selection, config.as_ref())?;

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
            "iamlint: note: no IAM policy document, CloudFormation template or Terraform configuration found in {}",
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

/// `--config FILE`, none with `--no-config`, else the nearest `.iamlint.toml`.
fn load_config(args: &ConfigArgs) -> Result<Option<Config>, String> {
    if args.no_config {
        return Ok(None);
    }
    match &args.config {
        Some(path) => Config::load(std::path::Path::new(path)).map(Some),
        None => {
            let cwd =
                std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
            Config::discover(&cwd)
        }
    }
}

fn run_simulate(args: SimulateArgs) -> Result<ExitCode, String> {
    use iamlint::simulate::{LoadedPolicies, PolicyFiles, RequestLine, caller_from_arn, context_from_pairs};
    let mut caller = caller_from_arn(&args.caller);
    let files = match &args.principal {
        Some(name) => {
            let config = load_config(&args.config)?.ok_or_else(|| {
                format!("--principal {name}: no .iamlint.toml found (give one with --config)")
            })?;
            let principal = config
                .principals
                .iter()
                .find(|p| p.name == *name)
                .ok_or_else(|| format!("{}: no principal named `{name}`", config.path.display()))?;
            let paths = |globs: &[String]| -> Result<Vec<String>, String> {
                let cwd = std::env::current_dir().unwrap_or_default();
                Ok(config
                    .expand(globs)?
                    .into_iter()
                    .map(|p| p.strip_prefix(&cwd).unwrap_or(&p).to_string_lossy().into_owned())
                    .collect())
            };
            caller = caller_from_arn(
                &principal
                    .arn
                    .clone()
                    .unwrap_or_else(|| format!("arn:aws:iam::{}:role/{name}", iamlint::model::ACCOUNT)),
            );
            PolicyFiles {
                identity: paths(&principal.policies)?,
                resource: args.resource_policy,
                boundary: match &principal.boundary {
                    Some(glob) => paths(std::slice::from_ref(glob))?,
                    None => Vec::new(),
                },
                scps: paths(&config.organization.scps)?,
            }
        }
        None => PolicyFiles {
            identity: args.policies,
            resource: args.resource_policy,
            boundary: args.boundary,
            scps: args.scp,
        },
    };
    let policies = LoadedPolicies::load(&files)?;
    let json = args.format == ListFormat::Json;
    let mut stdout = io::stdout().lock();
    let write =
        |evaluation: &iamlint::eval::Evaluation, request: &iamlint::eval::Request, out: &mut dyn Write| {
            if json {
                report::simulate::write_json_line(evaluation, request, &policies.sources, out)
            } else {
                report::simulate::write_human(evaluation, request, &policies.sources, out)
            }
        };
    let mut requests = Vec::new();
    if let Some(path) = &args.request {
        let text = iamlint::read::read_text(std::path::Path::new(path))?;
        for (number, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            let parsed: RequestLine =
                serde_json::from_str(line).map_err(|e| format!("{path}:{}: {e}", number + 1))?;
            requests.push(parsed.into_request(&caller));
        }
    }
    if let Some(action) = args.action {
        requests.push(iamlint::eval::Request {
            action,
            resource: args.resource,
            caller,
            context: context_from_pairs(&args.context)?,
        });
    }
    for request in &requests {
        let evaluation = policies.evaluate(request, args.cross_account);
        if let Err(err) = write(&evaluation, request, &mut stdout) {
            if err.kind() == io::ErrorKind::BrokenPipe {
                break;
            }
            return Err(format!("cannot write the result: {err}"));
        }
    }
    Ok(ExitCode::SUCCESS)
}
