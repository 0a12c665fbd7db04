//! Output you can trust on any input (issue 9, items 1-3, 13, 14): whatever a file, a file
//! name or an argument holds, every text format prints one finding as one line (gnu,
//! github) or one block (human), never a raw control character, never a line the GitHub
//! runner would read as a workflow command, and snippets of long lines as bounded windows
//! with exact columns.
//!
//! The runner's rules, from actions/runner@258d6c85: it reads stdout and stderr with
//! `StreamReader.ReadLine` (a line ends at LF, CR or CRLF); `ActionCommand.TryParseV2`
//! takes a line as a command when it starts with `::` after `TrimStart()`
//! (src/Runner.Common/ActionCommand.cs lines 61-66), `ActionCommand.TryParse` when it holds
//! `##[` anywhere (lines 131-137); ActionCommandManager.cs lines 70-71 try both on every
//! line.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use common::{code, stderr, stdout};

const TEXT_FORMATS: [&str; 3] = ["human", "gnu", "github"];

/// The binary run in `dir` (relative paths as a user or pre-commit passes them).
fn iamlint_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iamlint"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .expect("the binary runs")
}

fn finding_count(dir: &Path, paths: &[&str]) -> usize {
    let mut args = vec!["check", "--format", "json"];
    args.extend(paths);
    let output = iamlint_in(dir, &args);
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    value["findings"].as_array().unwrap().len()
}

/// `text` without the SGR sequences (`ESC [ digits;... m`) that colour adds; any other
/// escape sequence is left in place, for [`assert_no_raw_controls`] to find.
fn strip_sgr(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('\u{1b}') {
        out.push_str(&rest[..at]);
        let tail = &rest[at + 1..];
        let params = tail.strip_prefix('[').map(|t| {
            t.len()
                - t.trim_start_matches(|c: char| c.is_ascii_digit() || c == ';')
                    .len()
        });
        match params {
            Some(n) if tail[1 + n..].starts_with('m') => rest = &tail[n + 2..],
            _ => {
                out.push('\u{1b}');
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    out
}

/// No byte 0x00-0x1F but LF, no DEL, C1, bidi control or line separator, no `##[`, and no
/// line that starts with `::` after the runner trims it, except github's own commands.
fn assert_no_raw_controls(text: &str, what: &str) {
    for c in text.chars() {
        let raw = (c < ' ' && c != '\n')
            || ('\u{7f}'..='\u{9f}').contains(&c)
            || matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}')
            || ('\u{202a}'..='\u{202e}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c);
        assert!(!raw, "{what}: raw U+{:04X} in\n{text}", c as u32);
    }
    assert!(
        !text.contains("##["),
        "{what}: a legacy workflow command in\n{text}"
    );
    for line in text.lines() {
        let ours = ["::error file=", "::warning file=", "::notice file="]
            .iter()
            .any(|p| line.starts_with(p));
        assert!(
            ours || !line.trim_start().starts_with("::"),
            "{what}: a line the runner reads as a command: {line:?}"
        );
    }
}

/// The contract of one text format's stdout for `findings` findings.
fn assert_text_output(format: &str, out: &str, findings: usize, what: &str) {
    let plain = strip_sgr(out);
    assert_no_raw_controls(&plain, what);
    let lines: Vec<&str> = plain.lines().collect();
    match format {
        "gnu" => {
            assert_eq!(lines.len(), findings, "{what}: one line per finding:\n{out}");
            for line in &lines {
                let parts: Vec<&str> = line.splitn(3, ": ").collect();
                let location: Vec<&str> = parts[0].rsplitn(3, ':').collect();
                assert!(
                    location.len() == 3
                        && location[0].parse::<usize>().is_ok()
                        && location[1].parse::<usize>().is_ok()
                        && matches!(parts.get(1), Some(&("error" | "warning" | "info")))
                        && line.ends_with(']'),
                    "{what}: not file:line:col: severity: message [rule]: {line:?}"
                );
            }
        }
        "github" => {
            assert_eq!(lines.len(), findings, "{what}: one line per finding:\n{out}");
        }
        "human" => {
            // Every line of a diagnostic is indented but its `rule (url)` header; then one
            // summary line, and the count of fixable findings when there are some.
            let summary = |l: &&&str| l.starts_with("Checked ") || l.starts_with("[*] ");
            let headers = lines
                .iter()
                .filter(|l| !l.is_empty() && !l.starts_with(' ') && !summary(l))
                .count();
            assert_eq!(headers, findings, "{what}: one header per finding:\n{out}");
            let summaries = lines.iter().filter(|l| l.starts_with("Checked ")).count();
            assert_eq!(summaries, 1, "{what}: one summary line:\n{out}");
            let tail: Vec<&&str> = lines.iter().rev().take_while(|l| l.starts_with("[*] ")).collect();
            assert!(tail.len() <= 1, "{what}: one fixable count:\n{out}");
            assert!(
                lines[lines.len() - 1 - tail.len()].starts_with("Checked "),
                "{what}"
            );
        }
        _ => unreachable!(),
    }
}

/// Every text format, with and without colour, on `paths` in `dir`; stderr too.
fn assert_every_text_format(dir: &Path, paths: &[&str]) -> usize {
    let findings = finding_count(dir, paths);
    assert!(findings > 0, "{paths:?}: the input must give findings");
    for format in TEXT_FORMATS {
        let mut outputs = Vec::new();
        for color in ["never", "always"] {
            let mut args = vec!["check", "--format", format, "--color", color];
            args.extend(paths);
            let output = iamlint_in(dir, &args);
            let what = format!("{paths:?} --format {format} --color {color}");
            assert!(matches!(code(&output), 0 | 1), "{what}: exit {}", code(&output));
            assert_text_output(format, &stdout(&output), findings, &what);
            assert_no_raw_controls(&stderr(&output), &format!("{what} (stderr)"));
            outputs.push(stdout(&output));
        }
        // Colour adds SGR sequences and nothing else.
        assert_eq!(strip_sgr(&outputs[1]), outputs[0], "{paths:?} --format {format}");
    }
    findings
}

const CONTROL_CLASSES: [(&str, &str); 10] = [
    ("colour", "\u{1b}[31mred\u{1b}[0m"),
    (
        "osc8-hyperlink",
        "\u{1b}]8;;https://evil.example\u{7}click\u{1b}]8;;\u{7}",
    ),
    (
        "osc52-clipboard",
        "\u{1b}]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\u{7}",
    ),
    ("bel", "\u{7}"),
    ("clear-screen", "\u{1b}[2J\u{1b}[3J\u{1b}[H"),
    ("lone-cr", "\r::error::X"),
    ("other-c0", "\u{0}\u{8}\u{b}\u{c}\u{1f}\t\n::warning::Y"),
    ("del-and-c1", "\u{7f}\u{85}\u{9b}31m\u{9d}0;title\u{9c}"),
    (
        "bidi",
        "\u{202e}evil\u{202c}\u{2066}\u{2069}\u{200e}\u{200f}\u{61c}",
    ),
    ("line-separators", "\u{2028}::error::Z\u{2029}"),
];

#[test]
fn each_control_character_class_is_escaped_in_every_text_format() {
    let dir = tempfile::tempdir().unwrap();
    for (class, payload) in CONTROL_CLASSES {
        // Decoded from JSON escapes into the messages (serde_json escapes C0 only, so C1,
        // bidi and separators are raw in the file and in the snippet too) ...
        let policy = serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Sid": format!("A{payload}"),
                "Effect": "Allow",
                "Action": format!("s3:Get{payload}"),
                "Resource": "*"
            }]
        });
        let decoded = format!("{class}.json");
        fs::write(
            dir.path().join(&decoded),
            serde_json::to_string_pretty(&policy).unwrap(),
        )
        .unwrap();
        // ... and as raw bytes of the file: a parse error for C0 (its snippet shows the
        // line), findings with the raw characters in the snippet for the others.
        let raw = format!("{class}-raw.json");
        fs::write(
            dir.path().join(&raw),
            format!(
                "{{\"Version\": \"2012-10-17\", \"Statement\": [{{\"Sid\": \"A{payload}\", \
                 \"Effect\": \"Allow\", \"Action\": \"s3:Get{payload}\", \"Resource\": \"*\"}}]}}\n"
            ),
        )
        .unwrap();
        // ... and in YAML, where a double-quoted scalar takes the same escapes.
        let yaml = format!("{class}.yaml");
        let quoted = serde_json::to_string(&format!("s3:Get{payload}")).unwrap();
        fs::write(
            dir.path().join(&yaml),
            format!("Version: \"2012-10-17\"\nStatement:\n  - Effect: Allow\n    Action: {quoted}\n    Resource: \"*\"\n"),
        )
        .unwrap();
        for file in [&decoded, &raw, &yaml] {
            assert_every_text_format(dir.path(), &[file]);
        }
        let human = stdout(&iamlint_in(dir.path(), &["check", "--color", "never", &decoded]));
        assert!(
            human.contains("\\u{"),
            "{class}: shown escaped, not dropped:\n{human}"
        );
    }
}

#[test]
fn committed_hostile_fixtures_are_safe_in_every_text_format() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (file, expected) in [
        (
            "testdata/hostile/control-characters-in-names.json",
            "Colour\\u{1b}[31mred",
        ),
        ("testdata/hostile/lone-cr-in-names.json", "A\\u{d}::error::sid"),
        (
            "testdata/hostile/lone-cr-in-logical-id.yaml",
            "Db\\u{d}::error::logical-id",
        ),
        (
            "testdata/hostile/legacy-workflow-commands.yaml",
            "##\\u{5b}error]sid",
        ),
    ] {
        assert_every_text_format(root, &[file]);
        for format in TEXT_FORMATS {
            let out = stdout(&iamlint_in(root, &["check", "--format", format, file]));
            assert!(out.contains(expected), "{file} --format {format}:\n{out}");
        }
    }
}

#[test]
fn lone_cr_in_a_terraform_label_is_escaped() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("module")).unwrap();
    fs::write(
        dir.path().join("module/main.tf"),
        "resource \"aws_db_instance\" \"m\r::error::label\" {\n  engine   = \"postgres\"\n  \
         username = \"admin\"\n  password = \"lone-cr-label-password\"\n}\n",
    )
    .unwrap();
    assert_every_text_format(dir.path(), &["module"]);
    let gnu = stdout(&iamlint_in(dir.path(), &["check", "--format", "gnu", "module"]));
    assert!(gnu.contains("aws_db_instance.m\\u{d}::error::label"), "{gnu}");
}

const POLICY_WITH_A_FINDING: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObjec", "Resource": "*"}]}"#;

#[test]
fn hostile_file_names_stay_on_one_line_and_resolve() {
    let dir = tempfile::tempdir().unwrap();
    let names = [
        "x\n::error::X\n.json",
        "::error::starts-with-colons.json",
        " \u{3000}::warning::starts-with-blanks.json",
        "a##[error]b.json",
        "x\r::error::cr.json",
        "e\u{1b}]52;c;eA==\u{7}.json",
    ];
    for name in names {
        fs::write(dir.path().join(name), POLICY_WITH_A_FINDING).unwrap();
        assert_eq!(assert_every_text_format(dir.path(), &[name]), 1, "{name:?}");
    }
    // A gnu line still names a file an editor or a problem matcher can open.
    for name in [names[1], names[2]] {
        let gnu = stdout(&iamlint_in(dir.path(), &["check", "--format", "gnu", name]));
        let path = gnu.split(":1:").next().unwrap();
        assert_eq!(path, format!("./{name}"), "{gnu}");
        assert!(dir.path().join(path).is_file(), "{path:?} resolves");
    }
    // All at once, walked from the directory.
    assert_every_text_format(dir.path(), &["."]);
}

#[test]
fn stderr_notes_and_errors_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let name = "x\n::error::note\u{1b}[2J.json";
    fs::write(dir.path().join(name), r#"{"not": "a policy"}"#).unwrap();
    let output = iamlint_in(dir.path(), &["check", name]);
    assert_eq!(code(&output), 0);
    let err = stderr(&output);
    assert!(err.contains("x\\u{a}::error::note\\u{1b}[2J.json"), "{err}");
    // A path that does not exist is a finding of its own, in every format.
    assert_every_text_format(dir.path(), &["no\n::error::such\u{1b}]8;;x\u{7}.json"]);
    for args in [
        vec!["check", name],
        vec!["check", "--select", "rds/\r::error::rule", name],
        vec!["check", "--include", "[\u{1b}[31m", name],
        vec!["explain", "::error::\u{9b}31m"],
        vec!["check", "--\u{1b}[31mflag\n::error::clap"],
        vec!["check", "--format", "\u{1b}]52;c;eA==\u{7}", name],
    ] {
        let output = iamlint_in(dir.path(), &args);
        let err = stderr(&output);
        assert!(!err.is_empty(), "{args:?}: a message");
        assert_no_raw_controls(&err, &format!("{args:?}"));
        for line in err.lines() {
            assert!(
                line.starts_with("iamlint: ")
                    || line.starts_with("error: ")
                    || line.starts_with(' ')
                    || line.starts_with("Usage: ")
                    || line.starts_with("For more information")
                    || line.is_empty()
                    || line.starts_with("tip: "),
                "{args:?}: a line that is not ours: {line:?}"
            );
        }
    }
}

#[test]
fn simulate_shows_statements_and_requests_escaped() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("policy.json"),
        "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Sid\": \"S\u{202e}\u{9b}31m\", \"Effect\": \"Allow\", \
         \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::b\u{85}/*\"}]}",
    )
    .unwrap();
    fs::write(
        dir.path().join("requests.jsonl"),
        "{\"action\": \"s3:GetObject\", \"resource\": \"arn:aws:s3:::b\u{85}/x\"}\n\
         {\"action\": \"::error::s3:GetObject\\u001b[31m\", \"resource\": \"*\"}\n",
    )
    .unwrap();
    let output = iamlint_in(
        dir.path(),
        &["simulate", "policy.json", "--request", "requests.jsonl"],
    );
    let out = stdout(&output);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(
        out.contains("arn:aws:s3:::b\\u{85}/*"),
        "the statement as written:\n{out}"
    );
    assert!(out.contains("\\u{3a}:error::s3:GetObject\\u{1b}[31m"), "{out}");
    assert_no_raw_controls(&out, "simulate");
}

/// A `terraform show -json` plan minified to one line of about 200 KB, the finding beyond
/// column 65,535 (miette formatted the underline's indent with `{:width$}`, which panics
/// over u16::MAX).
fn minified_plan(dir: &Path) -> String {
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/rds/hardcoded-master-password/fail-plan.json");
    let mut plan: serde_json::Value = serde_json::from_str(&fs::read_to_string(fixture).unwrap()).unwrap();
    let resources = plan["planned_values"]["root_module"]["resources"]
        .as_array_mut()
        .unwrap();
    let filler: Vec<serde_json::Value> = (0..900)
        .map(|i| {
            serde_json::json!({
                "address": format!("aws_s3_bucket.b{i}"), "mode": "managed", "type": "aws_s3_bucket",
                "name": format!("b{i}"), "provider_name": "registry.terraform.io/hashicorp/aws",
                "schema_version": 0, "values": {"bucket": format!("bucket-{i}"), "tags": {"k": "v"}},
                "sensitive_values": {}
            })
        })
        .collect();
    resources.splice(0..0, filler);
    let text = serde_json::to_string(&plan).unwrap();
    assert!(text.len() > 200_000 && !text.contains('\n'));
    fs::write(dir.join("plan.json"), text).unwrap();
    "plan.json".to_string()
}

#[test]
fn a_minified_plan_gives_small_output_with_exact_columns() {
    let dir = tempfile::tempdir().unwrap();
    let plan = minified_plan(dir.path());
    let gnu = stdout(&iamlint_in(dir.path(), &["check", "--format", "gnu", &plan]));
    let columns: Vec<usize> = gnu
        .lines()
        .map(|l| l.split(':').nth(2).unwrap().parse().unwrap())
        .collect();
    assert!(columns.iter().any(|&c| c > 65_535), "{gnu}");
    let output = iamlint_in(dir.path(), &["check", "--color", "never", &plan]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let human = stdout(&output);
    assert!(
        human.len() < 4_000 * columns.len(),
        "{} bytes:\n{human}",
        human.len()
    );
    let headers: Vec<usize> = human
        .lines()
        .filter_map(|l| l.split_once("╭─[plan.json:1:"))
        .map(|(_, rest)| rest.trim_end_matches(']').parse().unwrap())
        .collect();
    assert_eq!(headers, columns, "human and gnu agree on every column");
    assert_every_text_format(dir.path(), &[&plan]);
}

#[test]
fn output_is_bounded_by_findings_not_by_line_length() {
    // One line of about 50 KB with a finding on each of 1,000 actions.
    let dir = tempfile::tempdir().unwrap();
    let actions: Vec<String> = (0..1000)
        .map(|i| format!("s3:GetObjectWithANameLongEnoughToFillTheLine{i:04}"))
        .collect();
    let policy = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]
    });
    let text = serde_json::to_string(&policy).unwrap();
    assert!(text.len() > 40_000 && !text.contains('\n'));
    fs::write(dir.path().join("wide.json"), text).unwrap();
    let findings = finding_count(dir.path(), &["wide.json"]);
    assert!(findings >= 1000);
    // Each run takes seconds in a debug build: human and gnu only, without colour.
    for format in ["human", "gnu"] {
        let output = iamlint_in(
            dir.path(),
            &["check", "--format", format, "--color", "never", "wide.json"],
        );
        let out = stdout(&output);
        assert_text_output(format, &out, findings, &format!("wide.json --format {format}"));
        let size = out.len();
        assert!(
            size < 2_000 * findings,
            "{format}: {size} bytes for {findings} findings"
        );
    }
}

#[test]
fn the_header_column_counts_characters_like_gnu() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("accents.json"),
        "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Sid\": \"Déjà vu 東京\", \"Effect\": \"Allow\", \
         \"Action\": \"s3:GetObjec\", \"Resource\": \"*\"}]}\n",
    )
    .unwrap();
    let gnu = stdout(&iamlint_in(
        dir.path(),
        &["check", "--format", "gnu", "accents.json"],
    ));
    let human = stdout(&iamlint_in(
        dir.path(),
        &["check", "--color", "never", "accents.json"],
    ));
    for line in gnu.lines() {
        let location = line.split(": ").next().unwrap();
        assert!(
            human.contains(&format!("╭─[{location}]")),
            "{location} in\n{human}"
        );
    }
}

#[test]
fn long_spans_and_far_apart_labels_stay_bounded() {
    // The README's guard example with 400 blank lines inside the first statement (a span
    // of 406 lines) and 400 more between the two statements (labels far apart).
    let dir = tempfile::tempdir().unwrap();
    let example = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/examples/rds-guard-policy.json"),
    )
    .unwrap();
    let blank = "\n".repeat(400);
    let policy = example
        .replacen(
            "\"Sid\": \"CreateDatabases\",",
            &format!("\"Sid\": \"CreateDatabases\",{blank}"),
            1,
        )
        .replacen("    },\n", &format!("    }},{blank}\n"), 1);
    fs::write(dir.path().join("tall.json"), policy).unwrap();
    let findings = finding_count(dir.path(), &["tall.json"]);
    let human = stdout(&iamlint_in(
        dir.path(),
        &["check", "--color", "never", "tall.json"],
    ));
    assert_text_output("human", &human, findings, "tall.json");
    // No block is longer than two boxes (one a cut span of 32 lines) with their context,
    // labels and help; before, it showed every line of the file.
    let mut block = 0;
    for line in human.lines() {
        block = if line.starts_with(' ') || line.is_empty() {
            block + 1
        } else {
            0
        };
        assert!(block < 100, "a block of more than 100 lines:\n{human}");
    }
    assert!(human.contains("continues to line"), "{human}");
}
