//! The real-world corpus beside the repository (`../shared/corpus`, never copied here):
//! every file is processed without a panic, and every parse error is a file that really
//! does not parse (cfn-lint's deliberately broken fixtures) or that exceeds our
//! alias-expansion bound on purpose.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod common;

use std::path::Path;

use common::run;

const CORPUS: &str = "../shared/corpus";

#[test]
fn corpus_runs_clean_and_parse_errors_are_genuine() {
    if !Path::new(CORPUS).is_dir() {
        eprintln!("skipped: {CORPUS} is not there");
        return;
    }
    let outcome = run(&[CORPUS]);
    assert!(
        outcome.files_checked > 3000,
        "only {} files checked",
        outcome.files_checked
    );
    for finding in outcome
        .findings
        .iter()
        .filter(|f| f.rule == "parse-error" || f.rule == "io-error")
    {
        let path = &outcome.sources.get(finding.span.file).path;
        let expected =
            path.contains("/cfn-lint-fixtures/bad/") || path.ends_with("yaml-alias-amplification.yaml");
        assert!(
            expected,
            "unexpected {} in {path}: {}",
            finding.rule, finding.message
        );
    }
}

/// The Terraform part: five terraform-aws-modules repositories (279 `.tf` files). Every
/// file parses, and the findings stay the ones reviewed: no rds finding (the modules
/// choose passwords through conditionals, which are not guessed) and a handful of iam
/// ones (copies of AWS's own policies with `Resource: *`, `StringLike: "*"`, an example
/// with a duplicated statement).
#[test]
fn terraform_corpus_parses_and_stays_quiet() {
    let corpus = format!("{CORPUS}/terraform");
    if !Path::new(&corpus).is_dir() {
        eprintln!("skipped: {corpus} is not there");
        return;
    }
    let outcome = run(&[&corpus]);
    assert!(
        outcome.files_checked >= 279,
        "only {} files checked",
        outcome.files_checked
    );
    for finding in &outcome.findings {
        let path = &outcome.sources.get(finding.span.file).path;
        assert!(
            finding.rule != "parse-error" && finding.rule != "io-error",
            "{} in {path}: {}",
            finding.rule,
            finding.message
        );
        assert!(
            !finding.rule.starts_with("rds/"),
            "{} in {path}: {}",
            finding.rule,
            finding.message
        );
    }
    assert!(
        outcome.findings.len() <= 25,
        "{} findings: review them before raising the bound",
        outcome.findings.len()
    );
}

/// A baseline of the whole corpus, written, then read again after every file moved down
/// one line: nothing is new and nothing is fixed (baseline entries never key on lines).
#[test]
fn a_corpus_baseline_survives_every_file_moving_down_a_line() {
    if !Path::new(CORPUS).is_dir() {
        eprintln!("skipped: {CORPUS} is not there");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("corpus");
    let mut files = 0;
    for entry in walkdir::WalkDir::new(CORPUS) {
        let entry = entry.unwrap();
        let target = copy.join(entry.path().strip_prefix(CORPUS).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else if entry.file_type().is_file() {
            std::fs::copy(entry.path(), &target).unwrap();
            files += 1;
        }
    }
    let check = |extra: &[&str]| {
        let mut args = vec!["check", "--no-config", "--format", "json", "corpus"];
        args.extend(extra);
        let output = common::iamlint_in(dir.path(), &args);
        assert!(
            matches!(common::code(&output), 0 | 1),
            "{}",
            common::stderr(&output)
        );
        common::json(&output)
    };
    let written = check(&["--write-baseline", "baseline.json"]);
    let recorded = written["summary"]["baseline"]["matched"].as_u64().unwrap();
    assert!(recorded > 3000, "{recorded} findings recorded");

    for entry in walkdir::WalkDir::new(&copy) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let mut bytes = std::fs::read(entry.path()).unwrap();
            // After a byte order mark, which must stay first.
            let at = if bytes.starts_with(b"\xef\xbb\xbf") { 3 } else { 0 };
            bytes.insert(at, b'\n');
            std::fs::write(entry.path(), bytes).unwrap();
        }
    }
    let shifted = check(&["--baseline", "baseline.json"]);
    assert_eq!(
        shifted["summary"]["baseline"],
        serde_json::json!({"matched": recorded, "fixed": 0}),
        "{files} files"
    );
    let new: Vec<&serde_json::Value> = shifted["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] != "parse-error")
        .collect();
    assert!(new.is_empty(), "{new:?}");
}
