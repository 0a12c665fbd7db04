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
