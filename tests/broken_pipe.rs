//! A closed stdout or stderr ends every subcommand quietly (issue 9, item 6): exit 0, or
//! for `check` the exit code of its findings, and no "Broken pipe" message. Rust ignores
//! SIGPIPE, so a write to a pipe whose reader is gone fails with `BrokenPipe` (EPIPE)
//! instead of killing the process: the binary has to handle it.
//!
//! The pipes are closed before the child starts (`std::io::pipe`, reader dropped), so the
//! first write fails every time, whatever the scheduling; one test also closes the pipe
//! after the first line, as `| head -1` does.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod common;

use std::io::{BufRead, BufReader, PipeWriter};
use std::process::{Command, Output, Stdio};

use common::{code, iamlint, stderr, stdout};

const EXAMPLES: &str = "testdata/examples";
const POLICY: &str = "testdata/examples/rds-guard-policy.json";

/// The write end of a pipe nobody reads.
fn closed_pipe() -> PipeWriter {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    writer
}

fn command(args: &[&str]) -> Command {
    let mut command = common::command(args);
    command.stdin(Stdio::null());
    command
}

/// Runs with stdout closed; stderr is captured.
fn stdout_closed(args: &[&str]) -> Output {
    command(args)
        .stdout(closed_pipe())
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

/// Runs with stderr closed; stdout is captured.
fn stderr_closed(args: &[&str]) -> Output {
    command(args)
        .stdout(Stdio::piped())
        .stderr(closed_pipe())
        .output()
        .unwrap()
}

fn simulate(format: &str) -> Vec<&str> {
    vec![
        "simulate",
        POLICY,
        "--action",
        "rds:CreateDBInstance",
        "--context",
        "rds:ManageMasterUserPassword=false",
        "--format",
        format,
    ]
}

fn assert_quiet(output: &Output, expected: i32, what: &str) {
    assert_eq!(code(output), expected, "{what}: {}", stderr(output));
    assert_eq!(stderr(output), "", "{what} printed to stderr");
}

#[test]
fn a_closed_stdout_ends_rules_explain_and_simulate_with_success() {
    let commands: Vec<Vec<&str>> = vec![
        vec!["--help"],
        vec!["check", "--help"],
        vec!["rules"],
        vec!["rules", "--format", "json"],
        vec!["explain", "rds/hardcoded-master-password"],
        simulate("human"),
        simulate("json"),
    ];
    for args in commands {
        // The same command with a reader prints something: the write really happens.
        let normal = iamlint(&args);
        assert_eq!(code(&normal), 0, "{args:?}: {}", stderr(&normal));
        assert!(!stdout(&normal).is_empty(), "{args:?} prints nothing");
        assert_quiet(&stdout_closed(&args), 0, &format!("{args:?}"));
    }
}

#[test]
fn a_closed_stdout_keeps_the_exit_code_of_the_findings_in_every_format() {
    for format in common::format_names() {
        let format = format.as_str();
        let args = ["check", "--no-config", "--format", format, EXAMPLES];
        let normal = iamlint(&args);
        assert_eq!(
            code(&normal),
            1,
            "the examples have findings: {}",
            stderr(&normal)
        );
        assert_quiet(&stdout_closed(&args), 1, format);

        // Findings below `--fail-on` (warnings) give 0.
        let args = [
            "check",
            "--no-config",
            "--fail-on",
            "error",
            "--select",
            "rds/guard-incomplete",
        ];
        let args = [&args[..], &["--format", format, EXAMPLES]].concat();
        let normal = iamlint(&args);
        assert_eq!(code(&normal), 0, "{}", stderr(&normal));
        assert!(!stdout(&normal).is_empty());
        assert_quiet(&stdout_closed(&args), 0, format);
    }
}

#[test]
fn a_pipe_closed_after_the_first_line_ends_check_quietly() {
    // Far more output than a pipe buffers (64 KiB on Linux; over 150 KB here in each of
    // these formats): the writes that follow the reader's exit fail. Many small files,
    // each with a finding, are cheap to check.
    let dir = tempfile::tempdir().unwrap();
    for i in 0..300 {
        let policy = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "s3:NoSuchAction{i}", "Resource": "*"}}]}}"#
        );
        std::fs::write(dir.path().join(format!("p{i:04}.json")), policy).unwrap();
    }
    let policy = dir.path().to_str().unwrap();
    for format in ["human", "json", "sarif"] {
        let mut child = command(&["check", "--no-config", "--format", format, policy])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        assert!(!first.is_empty());
        // The reader is dropped here, as `head -1` exits.
        let output = child.wait_with_output().unwrap();
        assert_quiet(&output, 1, format);
    }
}

#[test]
fn a_closed_stderr_changes_nothing_but_what_stderr_would_show() {
    // A usage error: the message is lost, the exit code is not.
    let output = stderr_closed(&["check", "--select", "no-such-rule", "."]);
    assert_eq!(code(&output), 2);
    assert_eq!(stdout(&output), "");

    // A note on stderr (a file that is not a policy), then the report on stdout.
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("package.json");
    std::fs::write(&other, r#"{"name": "x"}"#).unwrap();
    let other = other.to_str().unwrap();
    let normal = iamlint(&["check", "--no-config", "--format", "gnu", other, POLICY]);
    assert!(stderr(&normal).contains("note:"), "{}", stderr(&normal));
    let output = stderr_closed(&["check", "--no-config", "--format", "gnu", other, POLICY]);
    assert_eq!(code(&output), code(&normal));
    assert_eq!(stdout(&output), stdout(&normal));

    // Both closed.
    let output = command(&["check", "--no-config", "--format", "gnu", other, POLICY])
        .stdout(closed_pipe())
        .stderr(closed_pipe())
        .output()
        .unwrap();
    assert_eq!(code(&output), code(&normal));
}

/// Only a closed pipe is quiet: a write that fails for another reason is still an error.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_still_an_error() {
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let output = command(&["rules", "--format", "json"])
        .stdout(full)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(code(&output), 2);
    assert!(stderr(&output).contains("cannot write"), "{}", stderr(&output));
}
