//! The `iamlint` binary: parse arguments, call the library, turn the outcome into an exit
//! code (0 clean, 1 findings at or above `--fail-on`, 2 usage error).

use std::fs::File;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{CommandFactory, Parser};

use iamlint::baseline::Baseline;
use iamlint::cli::{
    CheckArgs, Cli, ColorChoice, Command, ConfigArgs, DiffArgs, FailOn, ListFormat, NewAccessLevel,
    OutputSpec, SimulateArgs,
};
use iamlint::config::Config;
use iamlint::discover::Input;
use iamlint::discover::{Filters, discover};
use iamlint::engine::{
    Buffers, Outcome, Retain, RuleSettings, Selection, check_buffers, check_with_config,
    check_with_config_retaining,
};
use iamlint::finding::Finding;
use iamlint::fix;
use iamlint::report::escape::{escape, escape_diff, escape_lines};
use iamlint::report::{self, Report};
use iamlint::rules::Registry;
use iamlint::suppress;
use iamlint::timing::{self, Phase};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return clap_error(&err),
    };
    let registry = match Registry::global() {
        Ok(registry) => registry,
        Err(err) => return fail(&format!("internal error: the rule registry is invalid: {err}")),
    };
    let result = match cli.command {
        Command::Check(args) => run_check(args, registry),
        Command::Rules(args) => {
            let mut stdout = io::stdout().lock();
            let written = report::list_rules(registry, args.format == ListFormat::Json, &mut stdout);
            finish_output(written, &mut stdout).map(|()| ExitCode::SUCCESS)
        }
        Command::Simulate(args) => run_simulate(args),
        Command::Diff(args) => run_diff(args, registry),
        Command::Server => iamlint::server::run(registry).map(|()| ExitCode::SUCCESS),
        Command::Explain { rule } => match registry.get(&rule) {
            Some(rule) => {
                let mut stdout = io::stdout().lock();
                let written = report::explain(rule, &mut stdout);
                finish_output(written, &mut stdout).map(|()| ExitCode::SUCCESS)
            }
            None => Err(format!("unknown rule `{rule}`; `iamlint rules` lists them")),
        },
        Command::Completions { shell } => {
            let mut stdout = io::stdout().lock();
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "iamlint", &mut script);
            finish_output(stdout.write_all(&script), &mut stdout).map(|()| ExitCode::SUCCESS)
        }
    };
    result.unwrap_or_else(|err| fail(&err))
}

/// Messages are one line and quote paths, rule ids and config values as the user or the
/// repository wrote them: escaped.
fn fail(message: &str) -> ExitCode {
    // Nothing to do when stderr is closed too: the exit code still says it.
    let _ = writeln!(io::stderr(), "iamlint: error: {}", escape(message));
    ExitCode::from(2)
}

/// clap quotes an argument it rejects as given, and pre-commit passes file names from the
/// repository as arguments. When an argument holds a character to escape, the error is the
/// one clap gives for the arguments escaped (the same error, quoting them escaped), printed
/// without colour; help, version and every other error as clap prints them.
fn clap_error(err: &clap::Error) -> ExitCode {
    let args: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    if !err.use_stderr() || args.iter().all(|a| escape(a) == a.as_str()) {
        let _ = err.print();
    } else {
        let escaped = args.iter().map(|a| escape(a).into_owned());
        let text = match Cli::try_parse_from(escaped) {
            Err(escaped_err) => escaped_err.render().to_string(),
            Ok(_) => err.render().to_string(),
        };
        let _ = write!(io::stderr(), "{}", escape_lines(&text));
    }
    ExitCode::from(u8::try_from(err.exit_code()).unwrap_or(2))
}

/// Ends a command's output. A reader that closed the pipe early (`iamlint rules | head -1`)
/// has read all it wanted: that is not an error, and nothing is printed about it (Rust
/// ignores SIGPIPE, so the write fails with `BrokenPipe` instead of killing the process).
/// Any other failure (a full disk) is.
fn finish_output(written: io::Result<()>, out: &mut dyn Write) -> Result<(), String> {
    match written.and_then(|()| out.flush()) {
        Err(err) if err.kind() != io::ErrorKind::BrokenPipe => Err(format!("cannot write the output: {err}")),
        _ => Ok(()),
    }
}

fn run_check(args: CheckArgs, registry: &'static Registry) -> Result<ExitCode, String> {
    timing::start();
    let glob = |patterns: &[String]| -> Result<Vec<glob::Pattern>, String> {
        patterns
            .iter()
            .map(|p| glob::Pattern::new(p).map_err(|e| format!("invalid glob `{p}`: {e}")))
            .collect()
    };
    let config = load_config(&args.config)?;
    let filters = Filters {
        include: glob(&args.include)?,
        exclude: glob(&args.exclude)?,
        config_exclude: config.as_ref().and_then(|c| c.lint.exclude_globs.clone()),
        force_exclude: args.force_exclude,
    };
    let asserts: Vec<String> = config.iter().flat_map(Config::assert_ids).collect();
    for id in args.select.iter().chain(&args.extend_select).chain(&args.ignore) {
        registry.check_selector(id, &asserts)?;
    }
    // A report file that cannot be written stops the run before the work.
    let outputs = open_outputs(&args)?;
    let inputs = timing::phase(Phase::Discover, || {
        discover(&args.paths, &args.stdin_filename, &filters)
    });
    // Read through the same byte budget as a file: one byte past the cap is enough to
    // report it as too large.
    let stdin = if args.paths.iter().any(|p| p.as_os_str() == "-") {
        let bytes = iamlint::read::read_budget(io::stdin().lock(), 0)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        Some(bytes)
    } else {
        None
    };
    let command_line = Selection {
        select: (!args.select.is_empty()).then_some(args.select),
        extend_select: args.extend_select,
        ignore: args.ignore,
    };
    // A baseline that cannot be read stops the run before the work.
    let baseline = match &args.baseline {
        Some(path) if args.write_baseline.is_none() => Some(Baseline::load(path)?),
        _ => None,
    };
    let settings = match &config {
        Some(config) => RuleSettings::new(command_line, &config.lint),
        None => RuleSettings::from_command_line(command_line),
    };
    // The JSON, GNU, GitHub and JUnit reports print positions, never text: a run that
    // writes only those, reads or writes no baseline (which hashes the text of findings)
    // and fixes nothing keeps the positions its findings point at instead of the files'
    // texts.
    let positions_only = !args.fix
        && !args.diff
        && args.baseline.is_none()
        && args.write_baseline.is_none()
        && outputs.iter().all(|o| {
            use iamlint::report::Format;
            matches!(
                o.format,
                Format::Json | Format::Gnu | Format::Github | Format::Junit
            )
        });
    let retain = if positions_only {
        Retain::Positions
    } else {
        Retain::Texts
    };
    // Suppressions before the baseline: a suppressed finding is neither recorded nor matched.
    let inline = !args.no_inline_suppressions && config.as_ref().is_none_or(|c| c.lint.inline_suppressions);
    let options = suppress::Options::today(inline);
    let analyze = |stdin: Option<&[u8]>| -> Result<(Outcome, Vec<String>), String> {
        let mut outcome =
            check_with_config_retaining(&inputs, stdin, registry, &settings, config.as_ref(), retain)?;
        let reporting = timing::Stopwatch::start(Phase::Report);
        let applied = suppress::apply(&mut outcome, registry, &settings, options);
        if let Some(config) = &config {
            let run = (args.paths.as_slice(), &filters);
            suppress::report_entries(
                &mut outcome,
                registry,
                &settings,
                config,
                run,
                &applied,
                options.today,
            );
        }
        let notes = apply_baseline(baseline.as_ref(), args.write_baseline.as_deref(), &mut outcome)?;
        reporting.stop();
        Ok((outcome, notes))
    };
    let (mut outcome, mut baseline_notes) = analyze(stdin.as_deref())?;
    let mode = fix::run::Mode {
        unsafe_fixes: args.unsafe_fixes,
    };
    outcome.fix_mode = mode;
    let mut fixed_stdin: Option<Vec<u8>> = None;
    if args.fix || args.diff {
        // Each file re-checked alone, as `check FILE` would, its open text read from memory.
        let recheck = |input: &Input, text: &str| -> Option<Vec<Finding>> {
            let checked = match input {
                Input::Stdin { .. } => check_with_config(
                    std::slice::from_ref(input),
                    Some(text.as_bytes()),
                    registry,
                    &settings,
                    config.as_ref(),
                ),
                Input::File { path, .. } => {
                    let mut buffers = Buffers::default();
                    buffers.insert(path, Arc::from(text));
                    check_buffers(
                        std::slice::from_ref(input),
                        &buffers,
                        registry,
                        &settings,
                        config.as_ref(),
                    )
                }
                Input::Unreadable { .. } => return None,
            };
            let mut outcome = checked.ok()?;
            suppress::apply(&mut outcome, registry, &settings, options);
            if let Some(baseline) = &baseline {
                let _ = baseline.apply(&mut outcome);
            }
            let own = own_file(&outcome, input)?;
            Some(fix::run::own_fixes(std::mem::take(&mut outcome.findings), own))
        };
        let files = fix::run::fix_inputs(&outcome, &inputs, mode, recheck);
        let mut stderr = io::stderr().lock();
        for file in &files {
            for rejected in &file.fixed.rejected {
                let _ = writeln!(
                    stderr,
                    "iamlint: note: {}:{}:{}: the fix of `{}` ({}) was not applied: {}",
                    escape(&file.path),
                    rejected.line,
                    rejected.column,
                    rejected.rule,
                    escape(&rejected.message),
                    rejected.reason
                );
            }
        }
        // A file is written back only as it was read: UTF-8, its byte order mark kept, and
        // unchanged since it was checked.
        let mut changed: Vec<(&fix::run::FixedFile, &'static [u8])> = Vec::new();
        for file in files.iter().filter(|f| *f.original != *f.fixed.text) {
            let prefix = match &file.input {
                Input::File { path, .. } => fix::run::prefix_of(path, &file.original),
                _ => Ok(&[][..]),
            };
            match prefix {
                Ok(prefix) => changed.push((file, prefix)),
                Err(reason) => {
                    let _ = writeln!(
                        stderr,
                        "iamlint: note: {}: not fixed: {reason}",
                        escape(&file.path)
                    );
                }
            }
        }
        let summary = fix::run::Summary {
            fixed: by_rule(changed.iter().map(|(f, _)| *f)),
            written: args.fix,
        };
        if args.diff {
            drop(stderr);
            let mut stdout = io::BufWriter::new(io::stdout().lock());
            // A fix may delete a hard-coded password: its line in the diff is masked as
            // every report masks it.
            let secrets = redacted_values(&outcome);
            let written = changed.iter().try_for_each(|(file, _)| {
                let diff = fix::run::unified_diff(
                    &file.path,
                    &mask_values(&file.original, &secrets),
                    &mask_values(&file.fixed.text, &secrets),
                );
                stdout.write_all(escape_diff(&diff).as_bytes())
            });
            finish_output(written, &mut stdout)?;
            let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
            let _ = writeln!(
                io::stderr(),
                "iamlint: note: --fix{} would fix {} in {}",
                if args.unsafe_fixes { " --unsafe-fixes" } else { "" },
                plural(summary.total(), "finding"),
                plural(changed.len(), "file")
            );
            return Ok(if changed.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            });
        }
        for (file, prefix) in &changed {
            match &file.input {
                Input::Stdin { .. } => fixed_stdin = Some(file.fixed.text.clone().into_bytes()),
                Input::File { path, .. } => fix::run::write_atomically(path, prefix, &file.fixed.text)
                    .map_err(|e| format!("cannot write the fixed {}: {e}", path.display()))?,
                Input::Unreadable { .. } => {}
            }
        }
        drop(stderr);
        // What remains, checked again as a whole (principals tie files together).
        if !changed.is_empty() {
            let again = fixed_stdin.as_deref().or(stdin.as_deref());
            (outcome, baseline_notes) = analyze(again)?;
            outcome.fix_mode = mode;
        }
        outcome.fixed = Some(summary);
        // `--fix` of standard input writes the fixed text, or the text unchanged.
        if fixed_stdin.is_none() {
            fixed_stdin.clone_from(&stdin);
        }
    }

    let mut stderr = io::stderr().lock();
    for note in outcome.notes.iter().chain(&baseline_notes) {
        let _ = writeln!(stderr, "iamlint: note: {}", escape(note));
    }
    if outcome.files_checked == 0 {
        let _ = writeln!(
            stderr,
            "iamlint: note: no IAM policy document, CloudFormation template or Terraform configuration found in {}",
            escape(
                &args
                    .paths
                    .iter()
                    .map(|p| p.to_string_lossy())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        );
    }
    drop(stderr);
    // With `--fix -`, standard output carries the fixed text and the report goes to stderr.
    let report_to_stderr = match &fixed_stdin {
        Some(text) => {
            let mut stdout = io::stdout().lock();
            finish_output(stdout.write_all(text), &mut stdout)?;
            true
        }
        None => false,
    };
    let reporting = timing::Stopwatch::start(Phase::Report);
    write_outputs(
        outputs,
        args.statistics,
        args.report.color,
        report_to_stderr,
        |color| Report {
            outcome: &outcome,
            registry,
            settings: Some(&settings),
            color,
            width: None,
        },
    )?;
    reporting.stop();
    if let Some(summary) = timing::summary() {
        let _ = report::timing::write(&summary, &mut io::stderr().lock());
    }
    let threshold = match args.fail_on {
        Some(fail_on) => fail_on.threshold(),
        None => config
            .as_ref()
            .and_then(|c| c.lint.fail_on)
            .unwrap_or(FailOn::Warning.threshold()),
    };
    let failing = outcome.findings.iter().any(|f| f.severity >= threshold);
    Ok(if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The file of `outcome` that holds `input` itself (not a module's other files).
fn own_file(outcome: &Outcome, input: &Input) -> Option<iamlint::source::FileId> {
    let id = outcome
        .sources
        .files()
        .position(|source| match (input, &source.raw_path) {
            (Input::File { path, .. }, Some(raw)) => path == raw,
            (Input::Stdin { name }, None) => *name == source.path,
            _ => false,
        })?;
    Some(iamlint::source::FileId(u32::try_from(id).ok()?))
}

/// Fixes applied, by rule, in rule order.
fn by_rule<'f>(files: impl Iterator<Item = &'f fix::run::FixedFile>) -> Vec<(&'static str, usize)> {
    let mut counts: std::collections::BTreeMap<&'static str, usize> = std::collections::BTreeMap::new();
    for file in files {
        for applied in &file.fixed.applied {
            *counts.entry(applied.rule).or_default() += 1;
        }
    }
    counts.into_iter().collect()
}

/// One report of the run and where it goes: standard output, or a file opened before the
/// work (without truncating it: a run that stops early leaves an earlier report whole).
struct Output {
    format: iamlint::report::Format,
    file: Option<(PathBuf, File)>,
}

/// The reports of `--format` and `--output`: human on standard output when neither is
/// given. At most one goes to standard output, and no two to the same file.
fn open_outputs(args: &CheckArgs) -> Result<Vec<Output>, String> {
    open_specs(args.report.format, &args.report.output)
}

fn open_specs(format: Option<iamlint::report::Format>, output: &[OutputSpec]) -> Result<Vec<Output>, String> {
    let mut specs: Vec<OutputSpec> = format
        .map(|format| OutputSpec { format, file: None })
        .into_iter()
        .chain(output.iter().cloned())
        .collect();
    if specs.is_empty() {
        specs.push(OutputSpec {
            format: iamlint::report::Format::Human,
            file: None,
        });
    }
    if specs.iter().filter(|s| s.file.is_none()).count() > 1 {
        return Err(
            "only one report can go to standard output (--format, or --output without \
             :FILE); give the others a file with --output FORMAT:FILE"
                .to_string(),
        );
    }
    let mut outputs: Vec<Output> = Vec::with_capacity(specs.len());
    for spec in specs {
        let file = match spec.file {
            None => None,
            Some(path) => {
                if outputs
                    .iter()
                    .any(|o| o.file.as_ref().is_some_and(|(p, _)| *p == path))
                {
                    return Err(format!("two reports would be written to {}", path.display()));
                }
                let file = File::options()
                    .write(true)
                    .create(true)
                    .truncate(false)
                    .open(&path)
                    .map_err(|e| format!("cannot write the report to {}: {e}", path.display()))?;
                Some((path, file))
            }
        };
        outputs.push(Output {
            format: spec.format,
            file,
        });
    }
    Ok(outputs)
}

/// Writes every report of the run, each from the same outcome (`report` makes it, given
/// whether to colour it). A report that cannot be written does not stop the others; the
/// last such error is returned once all are written, the others printed.
fn write_outputs<'a>(
    outputs: Vec<Output>,
    statistics: bool,
    color: ColorChoice,
    to_stderr: bool,
    report: impl Fn(bool) -> Report<'a>,
) -> Result<(), String> {
    let write = |format, report: &Report<'_>, out: &mut dyn Write| {
        if statistics {
            report::write_statistics(format, report, out)
        } else {
            report::write(format, report, out)
        }
    };
    let mut failed: Vec<String> = Vec::new();
    for output in outputs {
        match output.file {
            None if to_stderr => {
                let color = color == ColorChoice::Always;
                let mut stderr = io::BufWriter::new(io::stderr().lock());
                let written = write(output.format, &report(color), &mut stderr);
                if let Err(err) = finish_output(written, &mut stderr) {
                    failed.push(err);
                }
            }
            None => {
                let color = match color {
                    ColorChoice::Always => true,
                    ColorChoice::Never => false,
                    ColorChoice::Auto => io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
                };
                // Buffered: the standard output flushes at every line otherwise, a system
                // call per line of a report that may hold hundreds of thousands of findings.
                let mut stdout = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
                // After a closed pipe (`iamlint check | head`) the exit code still tells the
                // findings.
                let written = write(output.format, &report(color), &mut stdout);
                if let Err(err) = finish_output(written, &mut stdout) {
                    failed.push(err);
                }
            }
            Some((path, file)) => {
                let color = color == ColorChoice::Always;
                // Emptied only now, and only a regular file (not /dev/stdout or a FIFO).
                let truncated = match file.metadata() {
                    Ok(meta) if meta.is_file() => file.set_len(0),
                    Ok(_) => Ok(()),
                    Err(err) => Err(err),
                };
                let written = truncated.and_then(|()| {
                    let mut out = io::BufWriter::with_capacity(1 << 16, file);
                    write(output.format, &report(color), &mut out)?;
                    out.flush()
                });
                if let Err(err) = written {
                    failed.push(format!("cannot write the report to {}: {err}", path.display()));
                }
            }
        }
    }
    match failed.pop() {
        Some(last) => {
            for err in failed {
                let _ = writeln!(io::stderr(), "iamlint: error: {}", escape(&err));
            }
            Err(last)
        }
        None => Ok(()),
    }
}

/// Writes the baseline of `--write-baseline`, or applies the one of `--baseline`, and says
/// what it did in notes for stderr. A baseline just written is applied like one read: what
/// it cannot hold (parse and I/O errors) is reported.
fn apply_baseline(
    read: Option<&Baseline>,
    write: Option<&Path>,
    outcome: &mut iamlint::engine::Outcome,
) -> Result<Vec<String>, String> {
    let mut notes = Vec::new();
    let entries = |n: usize| if n == 1 { "entry" } else { "entries" };
    let written;
    let baseline = match write {
        Some(path) => {
            written = iamlint::baseline::write(path, outcome)?;
            notes.push(format!(
                "wrote {} baseline {} to {}",
                written.len(),
                entries(written.len()),
                path.display()
            ));
            Some(&written)
        }
        None => read,
    };
    if let Some(baseline) = baseline {
        let summary = baseline.apply(outcome)?;
        if summary.fixed > 0 && write.is_none() {
            notes.push(format!(
                "{} {} of the baseline no longer {}: run with --write-baseline to trim them",
                summary.fixed,
                entries(summary.fixed),
                if summary.fixed == 1 { "occurs" } else { "occur" }
            ));
        }
        outcome.baseline = Some(summary);
    }
    Ok(notes)
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
    use iamlint::simulate::{LoadedPolicies, PolicyFiles, caller_from_arn};
    let mut caller = caller_from_arn(&args.caller);
    let json = args.format == ListFormat::Json;
    if let (Some(path), Some(key)) = (&args.in_path, &args.subject) {
        let requests = read_requests(&args, &caller)?;
        let config = if args.config.no_config {
            None
        } else {
            load_config_near(path, &args.config)?
        };
        let replay = iamlint::diff::replay(path, config.as_ref(), key, &requests, Registry::global()?)?;
        let mut stdout = io::stdout().lock();
        let written = requests
            .iter()
            .zip(&replay.evaluations)
            .try_for_each(|(request, evaluation)| {
                if json {
                    report::simulate::write_json_line(evaluation, request, &replay.sources, &mut stdout)
                } else {
                    report::simulate::write_human(evaluation, request, &replay.sources, &mut stdout)
                }
            });
        return finish_output(written, &mut stdout).map(|()| ExitCode::SUCCESS);
    }
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
                resource: args.resource_policy.clone(),
                boundary: match &principal.boundary {
                    Some(glob) => paths(std::slice::from_ref(glob))?,
                    None => Vec::new(),
                },
                scps: paths(&config.organization.scps)?,
            }
        }
        None => PolicyFiles {
            identity: args.policies.clone(),
            resource: args.resource_policy.clone(),
            boundary: args.boundary.clone(),
            scps: args.scp.clone(),
        },
    };
    let policies = LoadedPolicies::load(&files)?;
    let mut stdout = io::stdout().lock();
    let write =
        |evaluation: &iamlint::eval::Evaluation, request: &iamlint::eval::Request, out: &mut dyn Write| {
            if json {
                report::simulate::write_json_line(evaluation, request, &policies.sources, out)
            } else {
                report::simulate::write_human(evaluation, request, &policies.sources, out)
            }
        };
    let requests = read_requests(&args, &caller)?;
    let written = requests.iter().try_for_each(|request| {
        let evaluation = policies.evaluate(request, args.cross_account);
        write(&evaluation, request, &mut stdout)
    });
    finish_output(written, &mut stdout).map(|()| ExitCode::SUCCESS)
}

/// The text of every span no report may show (hard-coded passwords), longest first.
fn redacted_values(outcome: &iamlint::engine::Outcome) -> Vec<String> {
    let mut values: Vec<String> = outcome
        .redactions
        .iter()
        .filter_map(|span| outcome.sources.get(span.file).text.get(span.range()))
        .filter(|value| !value.trim().is_empty())
        .map(str::to_string)
        .collect();
    values.sort_by_key(|v| std::cmp::Reverse(v.len()));
    values.dedup();
    values
}

/// `text` with each occurrence of `values` replaced by as many `*`.
fn mask_values(text: &str, values: &[String]) -> String {
    let mut text = text.to_string();
    for value in values {
        if text.contains(value.as_str()) {
            text = text.replace(value.as_str(), &"*".repeat(value.chars().count()));
        }
    }
    text
}

fn run_diff(args: DiffArgs, registry: &'static Registry) -> Result<ExitCode, String> {
    use iamlint::diff::{Side, diff, revision};
    timing::start();
    let outputs = open_specs(args.report.format, &args.report.output)?;
    let filters = Filters::default();
    let config_of = |path: &Path| -> Result<Option<Config>, String> {
        if args.no_config {
            return Ok(None);
        }
        load_config_near(
            path,
            &ConfigArgs {
                config: None,
                no_config: false,
            },
        )
    };
    let side = |path: &Path| -> Result<Side, String> {
        if !path.exists() {
            return Err(format!("{}: no such file or directory", path.display()));
        }
        Ok(Side {
            inputs: discover(&[path.to_path_buf()], "<stdin>", &filters),
            buffers: None,
            config: config_of(path)?,
            root: path.to_path_buf(),
            shown_prefix: None,
        })
    };
    let (base, head) = match &args.base {
        Some(rev) => {
            let paths = if args.paths.is_empty() {
                vec![PathBuf::from(".")]
            } else {
                args.paths.clone()
            };
            if paths.len() != 1 {
                return Err(
                    "with --base, give one path of the working tree to compare (default: .)".to_string(),
                );
            }
            let head = side(&paths[0])?;
            let (inputs, buffers) = revision::read(rev, &paths, |p| {
                filters.included(p)
                    && !p.components().any(|c| {
                        iamlint::discover::SKIPPED_DIRS
                            .iter()
                            .any(|d| c.as_os_str() == *d)
                    })
            })?;
            let base = Side {
                inputs,
                buffers: Some(buffers),
                // The working tree's config names the files of both sides.
                config: head.config.as_ref().map(|c| Config::load(&c.path)).transpose()?,
                root: paths[0].clone(),
                shown_prefix: Some(format!("{rev}:")),
            };
            (base, head)
        }
        None => match args.paths.as_slice() {
            [base, head] => (side(base)?, side(head)?),
            _ => return Err("give BASE and HEAD (two directories or two files), or --base REV".to_string()),
        },
    };
    let found = diff(&base, &head, registry)?;
    let outcome = found.outcome;
    let base_files = found.base_files;
    let mut stderr = io::stderr().lock();
    for note in &outcome.notes {
        let _ = writeln!(stderr, "iamlint: note: {}", escape(note));
    }
    let _ = writeln!(
        stderr,
        "iamlint: note: diff compared {} changed {} with {} requests ({} unchanged {} left out)",
        found.searched,
        if found.searched == 1 {
            "principal or resource policy"
        } else {
            "principals and resource policies"
        },
        found.requests,
        found.unchanged,
        if found.unchanged == 1 { "file" } else { "files" },
    );
    drop(stderr);
    // Only the `diff` rules ran: a JUnit report lists no other rule as passed.
    let settings = iamlint::engine::RuleSettings::from_command_line(iamlint::engine::Selection {
        select: Some(vec!["diff".to_string()]),
        extend_select: Vec::new(),
        ignore: Vec::new(),
    });
    write_outputs(outputs, false, args.report.color, false, |color| Report {
        outcome: &outcome,
        registry,
        settings: Some(&settings),
        color,
        width: None,
    })?;
    if let Some(summary) = timing::summary() {
        let _ = report::timing::write(&summary, &mut io::stderr().lock());
    }
    let failing = outcome.findings.iter().any(|f| match f.rule {
        iamlint::diff::NEW_ACCESS => match args.fail_on_new_access {
            NewAccessLevel::All => true,
            NewAccessLevel::High => f.severity == iamlint::finding::Severity::Error,
            NewAccessLevel::None => false,
        },
        // An escalation path is as high as new access gets.
        iamlint::diff::NEW_ESCALATION => args.fail_on_new_access != NewAccessLevel::None,
        iamlint::diff::ACCESS_REMOVED => false,
        // A file of HEAD that cannot be read or parsed was not compared; BASE's are
        // reported, but a change cannot fix them.
        _ => f.severity == iamlint::finding::Severity::Error && f.span.file.0 < base_files,
    });
    Ok(if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The requests of `--request` and of `--action`.
fn read_requests(
    args: &SimulateArgs,
    caller: &iamlint::eval::Caller,
) -> Result<Vec<iamlint::eval::Request>, String> {
    use iamlint::simulate::{RequestLine, context_from_pairs};
    let mut requests = Vec::new();
    if let Some(path) = &args.request {
        let text = iamlint::read::read_text(std::path::Path::new(path))?;
        for (number, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            let parsed: RequestLine =
                serde_json::from_str(line).map_err(|e| format!("{path}:{}: {e}", number + 1))?;
            requests.push(parsed.into_request(caller));
        }
    }
    if let Some(action) = &args.action {
        requests.push(iamlint::eval::Request {
            action: action.clone(),
            resource: args.resource.clone(),
            caller: caller.clone(),
            context: context_from_pairs(&args.context)?,
        });
    }
    Ok(requests)
}

/// `--config FILE`, else the nearest `.iamlint.toml` of a path (its directory, or above).
fn load_config_near(path: &Path, args: &ConfigArgs) -> Result<Option<Config>, String> {
    if let Some(file) = &args.config {
        return Config::load(Path::new(file)).map(Some);
    }
    let dir = if path.is_dir() {
        path
    } else {
        path.parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
    };
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    Config::discover(&dir)
}
