//! The fixes of the rds/ rules, end to end through the engine: every fail fixture of a
//! fixable rule is copied, its findings' fixes are applied with `fix::apply` until nothing
//! changes, the fixed text is snapshotted, and the copy is checked again: the rule's
//! findings are gone and no finding of error severity appeared. Fixtures that must not get
//! a fix (a Terraform plan is generated; a guard whose actions iamlint cannot read) are
//! listed with the reason, and asserted to have none.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use common::{run, texts};
use iamlint::finding::{Finding, Severity};
use iamlint::fix::{Applicability, apply};

/// The rules with fixes, and the applicability of their fixes.
const FIXABLE: [(&str, Applicability); 9] = [
    ("rds/guard-inverted", Applicability::Safe),
    ("rds/guard-bypass-modify", Applicability::Safe),
    ("rds/guard-incomplete", Applicability::Safe),
    ("rds/managed-password-conflict", Applicability::Safe),
    ("rds/hardcoded-master-password", Applicability::Unsafe),
    ("rds/master-password-not-managed", Applicability::Unsafe),
    ("rds/missing-secret-permissions", Applicability::Unsafe),
    ("rds/missing-rotate-permission", Applicability::Unsafe),
    ("rds/missing-kms-key-permissions", Applicability::Unsafe),
];

/// Fail fixtures (besides Terraform plans) whose findings get no fix, and why.
const NO_FIX: &[(&str, &str)] = &[
    (
        "rds/guard-bypass-modify/fail-notaction.json",
        "a `NotAction` guard denies what it does not list: the repair is to take the Modify actions out of its list, which a person should decide",
    ),
    (
        "rds/guard-incomplete/fail-engine-condition.yaml",
        "the guard names the actions but its condition on `rds:DatabaseEngine` lets requests past: which engines to guard is the author's call",
    ),
    (
        "rds/guard-incomplete/fail-instances-only.json",
        "the guard names the actions but its `Resource` covers instances only: widening it is the author's call",
    ),
    (
        "rds/guard-incomplete/fail-no-version-variable.json",
        "the guard names every action but only for the principals its `aws:PrincipalArn` condition matches: whom to guard is the author's call",
    ),
    (
        "rds/hardcoded-master-password/fail-variable-default-tf",
        "the finding is at the variable's `default` in variables.tf and the edit would be in main.tf: a fix's edits stay in the finding's file",
    ),
    (
        "rds/missing-secret-permissions/fail-explicit-deny.yaml",
        "`secretsmanager:TagResource` is denied explicitly: no Allow can lift that, and whether the Deny should go is the author's call",
    ),
    (
        "rds/missing-kms-key-permissions/fail-key-policy-without-root.yaml",
        "the key policy neither names the principal nor delegates to IAM: only the key policy can grant it, and whom it trusts is the key owner's call",
    ),
    (
        "rds/missing-kms-key-permissions/fail-key-policy-without-root-tf",
        "the key policy neither names the principal nor delegates to IAM (as in the YAML fixture)",
    ),
];

fn copy_fixture(from: &Path, to: &Path) -> PathBuf {
    let target = to.join(from.file_name().unwrap());
    if from.is_dir() {
        fs::create_dir_all(&target).unwrap();
        for entry in fs::read_dir(from).unwrap().flatten() {
            fs::copy(entry.path(), target.join(entry.file_name())).unwrap();
        }
    } else {
        fs::copy(from, &target).unwrap();
    }
    target
}

fn findings_of(path: &Path, rule: &str) -> (Vec<Finding>, iamlint::engine::Outcome) {
    let outcome = run(&[path.to_str().unwrap()]);
    let found = outcome
        .findings
        .iter()
        .filter(|f| f.rule == rule)
        .cloned()
        .collect();
    (found, outcome)
}

/// Applies the rule's fixes (non-overlapping ones together, as an applier would) until
/// nothing changes; how many were applied.
fn fix_until_stable(path: &Path, rule: &str) -> usize {
    let mut applied = 0;
    for _ in 0..8 {
        let (found, outcome) = findings_of(path, rule);
        let mut by_file: BTreeMap<String, Vec<&iamlint::fix::Edit>> = BTreeMap::new();
        let mut taken: Vec<(u32, u32)> = Vec::new();
        for fix in found.iter().filter_map(|f| f.fix.as_ref()) {
            let overlaps = fix.edits.iter().any(|e| {
                taken
                    .iter()
                    .any(|&(s, t)| e.span.start < t && s < e.span.end.max(e.span.start + 1))
            });
            if overlaps {
                continue;
            }
            for edit in &fix.edits {
                taken.push((edit.span.start, edit.span.end.max(edit.span.start + 1)));
                let file = outcome.sources.get(edit.span.file).path.clone();
                by_file.entry(file).or_default().push(edit);
            }
            applied += 1;
        }
        if by_file.is_empty() {
            break;
        }
        for (file, edits) in by_file {
            let text = fs::read_to_string(&file).unwrap();
            let edits: Vec<_> = edits.into_iter().cloned().collect();
            let fixed = apply(&text, &edits).unwrap_or_else(|| panic!("{file}: the edits overlap"));
            fs::write(&file, fixed).unwrap();
        }
    }
    applied
}

fn errors(outcome: &iamlint::engine::Outcome) -> BTreeSet<(String, String)> {
    outcome
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| (f.rule.to_string(), f.message.clone()))
        .collect()
}

#[test]
fn fixes_repair_every_fail_fixture_of_their_rule() {
    let mut checked = 0;
    let mut unfixed = Vec::new();
    for (rule, applicability) in FIXABLE {
        if std::env::var("ONLY").is_ok_and(|o| !rule.contains(&o)) {
            continue;
        }
        let dir = Path::new("testdata").join(rule);
        let mut fixtures: Vec<PathBuf> = fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("fail-"))
            .collect();
        fixtures.sort();
        for fixture in fixtures {
            let name = fixture.file_name().unwrap().to_string_lossy().into_owned();
            let scratch = tempfile::tempdir().unwrap();
            let copy = copy_fixture(&fixture, scratch.path());
            let (before, outcome) = findings_of(&copy, rule);
            assert!(!before.is_empty(), "{rule}/{name}: no finding");
            let is_plan = name.contains("plan");
            let reason = NO_FIX.iter().find(|(n, _)| *n == format!("{rule}/{name}"));
            if is_plan || reason.is_some() {
                assert!(
                    before.iter().all(|f| f.fix.is_none()),
                    "{rule}/{name}: a fix where none is expected: {:#?}",
                    before.iter().map(|f| &f.fix).collect::<Vec<_>>()
                );
                continue;
            }
            if let Some(finding) = before.iter().find(|f| f.fix.is_none()) {
                unfixed.push(format!("{rule}/{name}: no fix for {}", finding.message));
                continue;
            }
            for finding in &before {
                assert_eq!(
                    finding.fix.as_ref().unwrap().applicability,
                    applicability,
                    "{rule}/{name}"
                );
            }
            let errors_before = errors(&outcome);
            let original = texts(&copy);
            let applied = fix_until_stable(&copy, rule);
            assert!(applied >= before.len(), "{rule}/{name}: {applied} fixes applied");
            let (after, outcome) = findings_of(&copy, rule);
            assert!(
                after.is_empty(),
                "{rule}/{name}: still reported after the fix: {after:#?}"
            );
            let new_errors: Vec<_> = errors(&outcome).difference(&errors_before).cloned().collect();
            assert!(
                new_errors.is_empty(),
                "{rule}/{name}: the fix brought errors: {new_errors:#?}\n{:#?}",
                texts(&copy)
            );
            let mut snapshot = String::new();
            for (file, text) in texts(&copy) {
                if original.get(&file) != Some(&text) {
                    snapshot.push_str(&format!("--- {file}\n{text}"));
                }
            }
            insta::assert_snapshot!(format!("{}__{name}", rule.replace('/', "__")), snapshot);
            checked += 1;
        }
    }
    assert!(unfixed.is_empty(), "{unfixed:#?}");
    assert!(checked >= 20, "only {checked} fixtures fixed");
}

/// A hard-coded password is never shown, not by a fix's message, the JSON or SARIF fix, the
/// diff of `--diff`, nor the summary of `--fix`: the fix deletes it.
#[test]
fn fixing_a_hardcoded_password_never_shows_it() {
    let passwords = [
        "LiteralPassw0rd!",
        "Hunter2-in-the-repo",
        "Write-only-but-still-here",
    ];
    for fixture in [
        "testdata/rds/hardcoded-master-password/fail-literal.yaml",
        "testdata/rds/hardcoded-master-password/fail-literal-tf",
    ] {
        let scratch = tempfile::tempdir().unwrap();
        let copy = copy_fixture(Path::new(fixture), scratch.path());
        let path = copy.to_str().unwrap();
        let mut runs: Vec<Vec<&str>> = ["human", "json", "sarif", "gnu", "github"]
            .iter()
            .map(|format| vec!["check", "--no-config", "--unsafe-fixes", "--format", format, path])
            .collect();
        runs.push(vec!["check", "--no-config", "--diff", "--unsafe-fixes", path]);
        runs.push(vec!["check", "--no-config", "--fix", "--unsafe-fixes", path]);
        for args in runs {
            let output = common::iamlint(&args);
            let shown = format!("{}{}", common::stdout(&output), common::stderr(&output));
            assert!(!shown.is_empty(), "{args:?}");
            for password in passwords {
                assert!(!shown.contains(password), "{args:?} shows {password}:\n{shown}");
            }
        }
        // And the fix did remove them from the file.
        for (_, text) in texts(&copy) {
            for password in passwords {
                assert!(!text.contains(password), "{fixture}: {password} left in\n{text}");
            }
        }
    }
}
