//! The fixture harness: `testdata/<rule id>/fail-*` must give at least one finding of that
//! rule and `pass-*` none; the findings of each fail fixture are snapshotted as the user
//! sees them (gnu lines for positions, then the human report).

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
        // The README's examples, and whole projects with a config (tests/config.rs).
        if name == "examples" || name == "projects" {
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
