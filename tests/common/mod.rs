//! Helpers shared by the integration tests: run the engine on paths and render reports
//! the way the binary does, with a fixed width and no color.

#![allow(dead_code)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

use iamlint::discover::{Filters, discover};
use iamlint::engine::{Outcome, RuleSettings, check};
use iamlint::report::{self, Format, Report};
use iamlint::rules::Registry;

pub fn registry() -> &'static Registry {
    Registry::global().expect("the embedded rule files load")
}

/// The engine alone, before the suppression layer.
pub fn check_only(paths: &[&str]) -> Outcome {
    let paths: Vec<std::path::PathBuf> = paths.iter().map(std::path::PathBuf::from).collect();
    let inputs = discover(&paths, "<stdin>", &Filters::default());
    check(&inputs, None, registry(), &RuleSettings::default())
}

pub fn run(paths: &[&str]) -> Outcome {
    let mut outcome = check_only(paths);
    // What the binary does after the engine: suppressions apply (dates are far from today).
    iamlint::suppress::apply(
        &mut outcome,
        registry(),
        &RuleSettings::default(),
        iamlint::suppress::Options::today(true),
    );
    outcome
}

pub fn render(outcome: &Outcome, format: Format) -> String {
    let report = Report {
        outcome,
        registry: registry(),
        settings: None,
        color: false,
        width: Some(100),
    };
    let mut out = Vec::new();
    report::write(format, &report, &mut out).expect("writing to memory");
    String::from_utf8(out).expect("reports are UTF-8")
}

/// Every output format's name, as `--format` takes it.
pub fn format_names() -> Vec<String> {
    use clap::ValueEnum;
    Format::value_variants()
        .iter()
        .filter_map(|f| f.to_possible_value().map(|v| v.get_name().to_string()))
        .collect()
}

/// The binary with `args` and no colour, to run.
pub fn command(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_iamlint"));
    command.args(args).env("NO_COLOR", "1");
    command
}

/// The binary, run with `args` and no colour.
pub fn iamlint(args: &[&str]) -> Output {
    command(args).output().expect("the binary runs")
}

/// The binary, run in `dir`.
pub fn iamlint_in(dir: &std::path::Path, args: &[&str]) -> Output {
    command(args).current_dir(dir).output().expect("the binary runs")
}

pub fn iamlint_stdin(args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_iamlint"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut stdin = child.stdin.take().expect("stdin is piped");
    stdin.write_all(input.as_bytes()).expect("the binary reads stdin");
    drop(stdin);
    child.wait_with_output().expect("the binary exits")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub fn code(output: &Output) -> i32 {
    output.status.code().expect("exited, not killed")
}

pub fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).expect("JSON report")
}

pub fn rules_in(output: &Output) -> Vec<String> {
    json(output)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

/// The files of a fixture (a directory, or one file) with their text, by name.
pub fn texts(path: &std::path::Path) -> std::collections::BTreeMap<String, String> {
    let files: Vec<std::path::PathBuf> = if path.is_dir() {
        std::fs::read_dir(path)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect()
    } else {
        vec![path.to_path_buf()]
    };
    files
        .into_iter()
        .map(|f| {
            (
                f.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&f).unwrap(),
            )
        })
        .collect()
}
