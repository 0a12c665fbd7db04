//! What iamlint reads: nothing outside the repository being checked (Terraform `file()`,
//! the files a `.iamlint.toml` names, symbolic links), nothing but regular files and never
//! more than the size cap (devices, FIFOs, standard input), config globs that do not follow
//! directory links, `--force-exclude` with directory patterns, and UTF-16 text.
//!
//! Inputs that once hung or grew without bound are run under a memory limit and a deadline
//! so that a regression fails the test instead of the machine.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod common;

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{code, iamlint, json, stderr, stdout};

/// A policy with findings (`iam/full-access` at 6:17 and more).
const ADMIN_POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "*",
      "Resource": "*"
    }
  ]
}
"#;

const DEADLINE: Duration = Duration::from_secs(30);

/// Runs the binary under a 1 GiB address-space limit, killed after [`DEADLINE`]: `None`
/// when it had to be killed.
fn iamlint_limited(dir: &Path, args: &[&str], stdin: Stdio, env: &[(&str, &str)]) -> Option<Output> {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 1048576; exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_iamlint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Some(Output {
        status: status?,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    })
}

fn findings(output: &Output) -> Vec<serde_json::Value> {
    json(output)["findings"].as_array().unwrap().clone()
}

/// `rule file:line:col` of each finding of a JSON report (`./` dropped from walked paths).
fn located(output: &Output) -> Vec<String> {
    findings(output)
        .iter()
        .map(|f| {
            format!(
                "{} {}:{}:{}",
                f["rule"].as_str().unwrap(),
                f["file"].as_str().unwrap().trim_start_matches("./"),
                f["line"],
                f["column"]
            )
        })
        .collect()
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
}

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

#[cfg(unix)]
fn symlink(target: &str, link: &Path) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

/// A git work tree (a `.git` directory is all iamlint looks for) beside a policy outside it:
/// `<tmp>/outside/admin.json` and `<tmp>/repo/`.
fn repository_beside_an_outside_policy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    fs::create_dir_all(repo.join(".git")).unwrap();
    write(&dir.path().join("outside/admin.json"), ADMIN_POLICY);
    (dir, repo)
}

const CANARY: &str = "canary-7f3a9c-not-for-output";

#[test]
#[cfg(unix)]
fn terraform_file_reads_nothing_outside_the_repository() {
    let (dir, repo) = repository_beside_an_outside_policy();
    let outside = dir.path().join("outside/admin.json");
    write(&repo.join("policies/inside.json"), ADMIN_POLICY);
    // A committed link leading out, and one that stays inside.
    fs::create_dir_all(repo.join("infra")).unwrap();
    symlink(outside.to_str().unwrap(), &repo.join("infra/out-link.json"));
    symlink("../policies/inside.json", &repo.join("infra/in-link.json"));
    let main = format!(
        r#"resource "aws_iam_policy" "environ" {{
  policy = file("/proc/self/environ")
}}
resource "aws_iam_policy" "passwd" {{
  policy = file("/etc/passwd")
}}
resource "aws_iam_policy" "absolute_outside" {{
  policy = file("{}")
}}
resource "aws_iam_policy" "dotdot" {{
  policy = file("${{path.module}}/../../outside/admin.json")
}}
resource "aws_iam_policy" "deep_dotdot" {{
  policy = file("../../../../../../../../../../../../etc/passwd")
}}
resource "aws_iam_policy" "link_out" {{
  policy = file("out-link.json")
}}
resource "aws_iam_policy" "link_in" {{
  policy = file("in-link.json")
}}
resource "aws_iam_policy" "up_and_in" {{
  policy = file("../policies/inside.json")
}}
"#,
        outside.display()
    );
    write(&repo.join("infra/main.tf"), &main);

    for args in [&["infra"][..], &["infra/main.tf"], &["."]] {
        let mut all = vec!["check", "--format", "json"];
        all.extend(args);
        let output = iamlint_limited(&repo, &all, Stdio::null(), &[("IAMLINT_CANARY", CANARY)]).unwrap();
        assert_eq!(code(&output), 1, "{args:?}: {}", stderr(&output));
        let located = located(&output);
        // Each refused call is reported at its argument (line:col of the string), and
        // nothing outside the repository becomes a source.
        for (line, column) in [(2, 17), (5, 17), (8, 17), (11, 17), (14, 17), (17, 17)] {
            let at = format!("io-error infra/main.tf:{line}:{column}");
            assert!(located.contains(&at), "{args:?}: no `{at}` in {located:#?}");
        }
        for finding in findings(&output) {
            let file = finding["file"].as_str().unwrap();
            assert!(
                ["infra/", "policies/", "./infra/", "./policies/"]
                    .iter()
                    .any(|inside| file.starts_with(inside)),
                "{args:?}: a finding outside the repository: {finding}"
            );
            if finding["rule"] == "io-error" {
                let message = finding["message"].as_str().unwrap();
                assert!(
                    message.contains("absolute path") || message.contains("outside the repository"),
                    "{message}"
                );
            }
        }
        // The links and `..` that stay inside are read: the policy's findings are reported
        // (at the policy) for each use.
        assert!(
            located
                .iter()
                .any(|l| l.starts_with("iam/full-access") && l.contains("policies/inside.json:6:17")),
            "{args:?}: {located:#?}"
        );
        // No format shows the environment or the outside policy's text.
        for format in common::format_names() {
            let mut all = vec!["check", "--format", &format];
            all.extend(args);
            let output = iamlint_limited(&repo, &all, Stdio::null(), &[("IAMLINT_CANARY", CANARY)]).unwrap();
            let shown = format!("{}{}", stdout(&output), stderr(&output));
            assert!(
                !shown.contains(CANARY),
                "{format} {args:?} printed the environment:\n{shown}"
            );
            assert!(!shown.contains("IAMLINT_CANARY"), "{format} {args:?}:\n{shown}");
        }
    }
}

#[test]
#[cfg(unix)]
fn without_a_work_tree_the_checked_directory_is_the_boundary() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("project");
    write(&project.join("policies/shared.json"), ADMIN_POLICY);
    write(
        &project.join("app/main.tf"),
        "resource \"aws_iam_policy\" \"p\" {\n  policy = file(\"../policies/shared.json\")\n}\n",
    );
    let refused = |args: &[&str]| -> bool {
        let mut all = vec!["check", "--format", "json"];
        all.extend(args);
        let output = iamlint_limited(dir.path(), &all, Stdio::null(), &[]).unwrap();
        located(&output)
            .iter()
            .any(|l| l.starts_with("io-error project/app/main.tf:2:17"))
    };
    // A walked directory is the boundary: the module may read a sibling directory of it.
    assert!(!refused(&["project"]));
    // A named file's boundary is its own directory; so is a walked directory's.
    assert!(refused(&["project/app/main.tf"]));
    assert!(refused(&["project/app"]));
    // Inside a git work tree, its top level is the boundary whatever was named.
    fs::create_dir(project.join(".git")).unwrap();
    assert!(!refused(&["project/app/main.tf"]));
    assert!(!refused(&["project/app"]));
}

#[test]
fn a_file_target_that_is_not_json_is_reported_at_the_call_not_shown() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    fs::create_dir(repo.join(".git")).unwrap();
    write(&repo.join("infra/.env"), &format!("TOKEN={CANARY}\n"));
    fs::write(repo.join("infra/blob.bin"), [0x7b, 0xff, 0xfe, 0x00]).unwrap();
    write(
        &repo.join("infra/main.tf"),
        "resource \"aws_iam_policy\" \"env\" {\n  policy = file(\".env\")\n}\nresource \"aws_iam_policy\" \"bin\" {\n  policy = file(\"blob.bin\")\n}\nresource \"aws_iam_policy\" \"gone\" {\n  policy = file(\"missing.json\")\n}\n",
    );
    for format in common::format_names() {
        let output = iamlint_limited(
            repo,
            &["check", "--format", &format, "infra/main.tf"],
            Stdio::null(),
            &[],
        )
        .unwrap();
        let shown = format!("{}{}", stdout(&output), stderr(&output));
        assert!(!shown.contains(CANARY), "{format} showed the .env file:\n{shown}");
        assert!(
            !shown.contains("TOKEN"),
            "{format} showed the .env file:\n{shown}"
        );
    }
    let output = iamlint_limited(
        repo,
        &["check", "--format", "json", "infra/main.tf"],
        Stdio::null(),
        &[],
    )
    .unwrap();
    let mut located = located(&output);
    located.sort();
    assert_eq!(
        located,
        [
            "io-error infra/main.tf:8:17",
            "parse-error infra/main.tf:2:17",
            "parse-error infra/main.tf:5:17",
        ],
        "{}",
        stdout(&output)
    );
}

#[test]
#[cfg(unix)]
fn config_files_stay_inside_the_repository() {
    let (dir, repo) = repository_beside_an_outside_policy();
    let outside = dir.path().join("outside");
    write(&repo.join("iam/app.json"), ADMIN_POLICY);
    symlink(
        outside.join("admin.json").to_str().unwrap(),
        &repo.join("iam/link-out.json"),
    );
    let config = |policies: &str| {
        write(
            &repo.join(".iamlint.toml"),
            &format!("[[principal]]\nname = \"app\"\npolicies = [{policies}]\n"),
        );
        iamlint_limited(
            &repo,
            &["check", "--format", "json", "iam/app.json"],
            Stdio::null(),
            &[],
        )
        .unwrap()
    };
    let absolute = format!("\"{}/*.json\"", outside.display());
    for (policies, why) in [
        ("\"../outside/*.json\"", "outside the repository"),
        ("\"../outside/admin.json\"", "outside the repository"),
        (absolute.as_str(), "absolute path"),
        ("\"iam/*.json\"", "outside the repository"),
    ] {
        let output = config(policies);
        assert_eq!(code(&output), 2, "{policies}: {}", stdout(&output));
        let err = stderr(&output);
        assert!(
            err.contains(".iamlint.toml") && err.contains(why),
            "{policies}: {err}"
        );
    }
    // A link that stays inside is followed.
    fs::remove_file(repo.join("iam/link-out.json")).unwrap();
    symlink("app.json", &repo.join("iam/link-in.json"));
    let output = config("\"iam/*.json\"");
    assert_eq!(code(&output), 1, "{}", stderr(&output));
}

#[test]
#[cfg(unix)]
fn devices_are_refused_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let output = iamlint_limited(
        dir.path(),
        &["check", "--format", "json", "/dev/zero"],
        Stdio::null(),
        &[],
    )
    .expect("`check /dev/zero` finishes");
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let report = findings(&output);
    assert_eq!(report.len(), 1, "{report:?}");
    assert_eq!(report[0]["rule"], "io-error");
    assert_eq!(
        report[0]["message"],
        "not a regular file (a character device); not read"
    );
}

#[test]
#[cfg(unix)]
fn a_named_fifo_is_refused_without_waiting_for_a_writer() {
    let dir = tempfile::tempdir().unwrap();
    mkfifo(&dir.path().join("x.json"));
    let output = iamlint_limited(
        dir.path(),
        &["check", "--format", "json", "x.json"],
        Stdio::null(),
        &[],
    )
    .expect("`check x.json` on a FIFO finishes");
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert_eq!(located(&output), ["io-error x.json:1:1"]);
    assert_eq!(
        findings(&output)[0]["message"],
        "not a regular file (a FIFO); not read"
    );
    // A Terraform file too.
    mkfifo(&dir.path().join("main.tf"));
    let output = iamlint_limited(
        dir.path(),
        &["check", "--format", "json", "main.tf"],
        Stdio::null(),
        &[],
    )
    .expect("`check main.tf` on a FIFO finishes");
    assert_eq!(located(&output), ["io-error main.tf:1:1"]);
}

#[test]
#[cfg(unix)]
fn a_walked_file_swapped_for_a_fifo_is_refused() {
    use iamlint::discover::{Filters, discover};
    use iamlint::engine::{RuleSettings, check};

    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy.json");
    fs::write(&policy, ADMIN_POLICY).unwrap();
    fs::write(dir.path().join("main.tf"), "").unwrap();
    let inputs = discover(&[dir.path().to_path_buf()], "<stdin>", &Filters::default());
    assert_eq!(inputs.len(), 2);
    // Between the walk and the read, both files become FIFOs with no writer.
    fs::remove_file(&policy).unwrap();
    mkfifo(&policy);
    fs::remove_file(dir.path().join("main.tf")).unwrap();
    mkfifo(&dir.path().join("main.tf"));
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let outcome = check(&inputs, None, common::registry(), &RuleSettings::default());
        let found: Vec<(String, String)> = outcome
            .findings
            .iter()
            .map(|f| (f.rule.to_string(), f.message.clone()))
            .collect();
        let _ = sender.send(found);
    });
    let found = receiver
        .recv_timeout(DEADLINE)
        .expect("the check finishes instead of waiting on the FIFOs");
    let fifo = (
        "io-error".to_string(),
        "not a regular file (a FIFO); not read".to_string(),
    );
    assert_eq!(found, [fifo.clone(), fifo]);
}

#[test]
#[cfg(unix)]
fn standard_input_is_capped() {
    let dir = tempfile::tempdir().unwrap();
    let zero = fs::File::open("/dev/zero").unwrap();
    let output = iamlint_limited(
        dir.path(),
        &["check", "--format", "json", "-"],
        Stdio::from(zero),
        &[],
    )
    .expect("`check - < /dev/zero` finishes");
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert_eq!(located(&output), ["io-error <stdin>:1:1"]);
    let message = findings(&output)[0]["message"].as_str().unwrap().to_string();
    assert!(
        message.contains("larger than the 16777216-byte limit"),
        "{message}"
    );
}

#[test]
#[cfg(unix)]
fn config_globs_do_not_follow_directory_links() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    fs::create_dir(repo.join(".git")).unwrap();
    write(&repo.join("iam/a/app.json"), ADMIN_POLICY);
    // Two links to a parent directory: following them, `**` walks 2^depth paths.
    symlink("..", &repo.join("iam/a/up1"));
    symlink("..", &repo.join("iam/a/up2"));
    symlink("../..", &repo.join("iam/a/root"));
    // And a link loop where a file could be.
    symlink("loop2.json", &repo.join("iam/loop1.json"));
    symlink("loop1.json", &repo.join("iam/loop2.json"));
    write(
        &repo.join(".iamlint.toml"),
        "[[principal]]\nname = \"app\"\npolicies = [\"**/*.json\"]\n",
    );
    let output = iamlint_limited(
        repo,
        &["check", "--format", "json", "iam/a/app.json"],
        Stdio::null(),
        &[],
    )
    .expect("the config glob finishes");
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert!(
        located(&output).contains(&"iam/full-access iam/a/app.json:6:17".to_string()),
        "{}",
        stdout(&output)
    );
}

#[test]
fn force_exclude_matches_the_directories_of_a_named_file() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("iam/app-policy.json"), ADMIN_POLICY);
    write(
        &dir.path().join("deploy/iam/nested/app-policy.json"),
        ADMIN_POLICY,
    );
    let files = |args: &[&str]| -> u64 {
        let mut all = vec!["check", "--format", "json"];
        all.extend(args);
        let output = iamlint_limited(dir.path(), &all, Stdio::null(), &[]).unwrap();
        json(&output)["summary"]["files"].as_u64().unwrap()
    };
    // As pre-commit calls it: the changed files, relative to the repository.
    assert_eq!(
        files(&["--force-exclude", "--exclude", "iam", "iam/app-policy.json"]),
        0
    );
    assert_eq!(
        files(&[
            "--force-exclude",
            "--exclude",
            "iam",
            "deploy/iam/nested/app-policy.json"
        ]),
        0
    );
    assert_eq!(
        files(&[
            "--force-exclude",
            "--exclude",
            "deploy/iam",
            "deploy/iam/nested/app-policy.json"
        ]),
        0
    );
    assert_eq!(
        files(&["--force-exclude", "--exclude", "iam", "./iam/app-policy.json"]),
        0
    );
    let absolute = dir.path().join("iam/app-policy.json");
    assert_eq!(
        files(&["--force-exclude", "--exclude", "iam", absolute.to_str().unwrap()]),
        0
    );
    // A named directory that is excluded is not walked.
    assert_eq!(files(&["--force-exclude", "--exclude", "iam", "iam"]), 0);
    // Without --force-exclude a named file is checked; a pattern that matches no
    // directory of the path excludes nothing.
    assert_eq!(files(&["--exclude", "iam", "iam/app-policy.json"]), 1);
    assert_eq!(
        files(&["--force-exclude", "--exclude", "ia", "iam/app-policy.json"]),
        1
    );
    assert_eq!(
        files(&[
            "--force-exclude",
            "--exclude",
            "nested/iam",
            "deploy/iam/nested/app-policy.json"
        ]),
        1
    );
}

/// `rule line:col` of the gnu lines, without the file name.
fn positions(output: &Output) -> Vec<String> {
    stdout(output)
        .lines()
        .map(|line| {
            let (_, rest) = line.split_once(':').unwrap();
            rest.to_string()
        })
        .collect()
}

#[test]
fn utf16_files_with_a_byte_order_mark_are_decoded() {
    let utf8 = iamlint(&["check", "--format", "gnu", "testdata/hostile/utf8-bom.json"]);
    let plain = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}\n";
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("plain.json"), plain).unwrap();
    let expected = positions(&iamlint(&[
        "check",
        "--format",
        "gnu",
        dir.path().join("plain.json").to_str().unwrap(),
    ]));
    assert!(!expected.is_empty());
    assert!(expected[0].starts_with("1:65: "), "{expected:?}");
    // Columns count characters of the text, not the byte order mark.
    assert_eq!(positions(&utf8), expected, "UTF-8 with a byte order mark");
    for name in ["utf16le-bom.json", "utf16be-bom.json"] {
        let output = iamlint(&["check", "--format", "gnu", &format!("testdata/hostile/{name}")]);
        assert_eq!(positions(&output), expected, "{name}: {}", stderr(&output));
    }
    // A YAML template with CRLF line ends, whose flagged value holds a non-ASCII
    // character: the end column counts it once.
    let output = iamlint(&[
        "check",
        "--format",
        "json",
        "testdata/hostile/utf16le-bom-template.yaml",
    ]);
    assert_eq!(
        located(&output),
        ["rds/hardcoded-master-password testdata/hostile/utf16le-bom-template.yaml:8:27"],
        "{}",
        stdout(&output)
    );
    assert_eq!(findings(&output)[0]["end_column"], 54);
}

#[test]
fn a_broken_utf16_file_says_so_where_it_breaks() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend("{\"a\":\n\"".encode_utf16().flat_map(u16::to_le_bytes));
    bytes.extend([0x00, 0xD8]); // a lone high surrogate
    fs::write(dir.path().join("broken.json"), bytes).unwrap();
    let output = iamlint(&[
        "check",
        "--format",
        "json",
        dir.path().join("broken.json").to_str().unwrap(),
    ]);
    let report = findings(&output);
    assert_eq!(report.len(), 1, "{report:?}");
    assert_eq!(report[0]["rule"], "parse-error");
    assert_eq!(
        (report[0]["line"].as_u64(), report[0]["column"].as_u64()),
        (Some(2), Some(2))
    );
    assert!(
        report[0]["message"]
            .as_str()
            .unwrap()
            .contains("not valid UTF-16LE text")
    );
}
