//! The fixture harness: `testdata/<rule id>/fail-*` must give at least one finding of that
//! rule and `pass-*` none; the findings of each fail fixture are snapshotted as the user
//! sees them (gnu lines for positions, then the human report). A Terraform fixture is a
//! directory (`fail-literal-tf/main.tf`): a directory is a module, and fixtures must not
//! share one.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use common::{registry, render, run};
use iamlint::report::Format;

/// Rules whose fixtures cannot live in the repository (an unreadable file); they are
/// tested in tests/cli.rs.
const NO_FIXTURES: [&str; 1] = ["io-error"];

fn fixtures(prefix: &str) -> Vec<(String, PathBuf)> {
    let mut found = Vec::new();
    for rule in registry().rules() {
        let dir = Path::new("testdata").join(&rule.meta.id);
        let Ok(entries) = fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with(prefix) {
                found.push((rule.meta.id.clone(), entry.path()));
            }
        }
    }
    found.sort();
    found
}

/// The rule id a fixture belongs to: its folder below testdata/.
fn rule_of(path: &Path) -> String {
    let dir = path.parent().expect("fixtures live in a folder");
    let relative = dir
        .strip_prefix(Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata"))
        .unwrap_or(dir);
    relative.to_string_lossy().replace('\\', "/")
}

#[test]
fn every_rule_has_pass_and_fail_fixtures_in_json_and_yaml() {
    let rules: BTreeSet<String> = registry().rules().iter().map(|r| r.meta.id.clone()).collect();
    for rule in &rules {
        if NO_FIXTURES.contains(&rule.as_str()) {
            continue;
        }
        let dir = Path::new("testdata").join(rule);
        let names: Vec<String> = fs::read_dir(&dir)
            .unwrap_or_else(|_| panic!("{rule}: no fixture folder {}", dir.display()))
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        for prefix in ["pass-", "fail-"] {
            assert!(
                names.iter().any(|n| n.starts_with(prefix)),
                "{rule}: no {prefix}* fixture"
            );
        }
        let fails: Vec<&String> = names.iter().filter(|n| n.starts_with("fail-")).collect();
        assert!(
            fails.iter().any(|n| n.ends_with(".json")),
            "{rule}: no JSON fail fixture"
        );
        assert!(
            fails.iter().any(|n| n.ends_with(".yaml")),
            "{rule}: no YAML fail fixture"
        );
    }
    // And no fixture folder for a rule that does not exist.
    for group in fs::read_dir("testdata").unwrap().flatten() {
        let name = group.file_name().to_string_lossy().into_owned();
        // The README's examples, whole projects with a config (tests/config.rs), and
        // inputs that once broke the tool (tests of their own; every format runs on them).
        if name == "examples" || name == "projects" || name == "hostile" {
            continue;
        }
        let is_rule = rules.contains(&name);
        let is_group = rules.iter().any(|r| r.starts_with(&format!("{name}/")));
        assert!(is_rule || is_group, "testdata/{name} matches no rule");
        if is_group {
            for rule in fs::read_dir(group.path()).unwrap().flatten() {
                let id = format!("{name}/{}", rule.file_name().to_string_lossy());
                assert!(rules.contains(&id), "testdata/{id} matches no rule");
            }
        }
    }
}

/// Whether a fixture is a Terraform module: a directory holding `.tf` files.
fn is_module_fixture(path: &Path) -> bool {
    fs::read_dir(path)
        .map(|entries| {
            entries
                .flatten()
                .any(|e| e.file_name().to_string_lossy().ends_with(".tf"))
        })
        .unwrap_or(false)
}

#[test]
fn every_rds_rule_fails_in_terraform_and_in_a_plan() {
    for rule in registry()
        .rules()
        .iter()
        .filter(|r| r.meta.id.starts_with("rds/"))
    {
        let dir = Path::new("testdata").join(&rule.meta.id);
        let fails: Vec<PathBuf> = fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("fail-"))
            .collect();
        assert!(
            fails.iter().any(|p| is_module_fixture(p)),
            "{}: no Terraform fail fixture (a fail-*-tf/ directory)",
            rule.meta.id
        );
        assert!(
            fails.iter().any(|p| {
                fs::read_to_string(p)
                    .is_ok_and(|t| t.contains("\"format_version\"") && t.contains("\"planned_values\""))
            }),
            "{}: no Terraform plan fail fixture",
            rule.meta.id
        );
    }
    // No loose .tf fixture: it would share its folder's module with every other one.
    for entry in walk("testdata") {
        if entry.extension().is_some_and(|e| e == "tf") {
            let parent = entry
                .parent()
                .unwrap()
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            assert!(
                parent.starts_with("pass-")
                    || parent.starts_with("fail-")
                    || entry.starts_with("testdata/examples"),
                "{}: a .tf fixture lives in its own pass-*/fail-* directory",
                entry.display()
            );
        }
    }
}

fn walk(dir: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![PathBuf::from(dir)];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found
}

#[test]
fn pass_fixtures_have_no_finding_of_their_rule() {
    let pass = fixtures("pass-");
    assert!(pass.len() >= 20, "only {} pass fixtures found", pass.len());
    for (rule, path) in pass {
        let outcome = run(&[path.to_str().unwrap()]);
        let hits: Vec<_> = outcome.findings.iter().filter(|f| f.rule == rule).collect();
        assert!(
            hits.is_empty(),
            "{}: unexpected {rule}: {hits:#?}",
            path.display()
        );
    }
}

#[test]
fn fail_fixtures_report_their_rule() {
    insta::glob!("../testdata", "**/fail-*", |path| {
        let rule = rule_of(path);
        let relative = path.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap();
        let mut outcome = run(&[relative.to_str().unwrap()]);
        outcome.findings.retain(|f| f.rule == rule);
        assert!(
            !outcome.findings.is_empty(),
            "{}: no {rule} finding",
            relative.display()
        );
        let output = format!(
            "{}\n{}",
            render(&outcome, Format::Gnu),
            render(&outcome, Format::Human)
        );
        insta::assert_snapshot!(output);
    });
}
