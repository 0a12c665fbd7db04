//! What a large run holds and repeats (issue 13): files are checked in batches, the text
//! of a file nothing points into is let go of after its batch, and a finding reached
//! through two names of one file is reported once however far apart the names are.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod common;

use common::{check_only, code, iamlint_in, render, stdout};
use iamlint::report::Format;

const CLEAN: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"}]}"#;
const UNKNOWN_ACTION: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObjec","Resource":"*"}]}"#;

#[test]
fn only_the_texts_that_findings_point_into_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("clean.json"), CLEAN).unwrap();
    std::fs::write(dir.path().join("typo.json"), UNKNOWN_ACTION).unwrap();
    let root = dir.path().to_string_lossy().into_owned();
    let outcome = check_only(&[&root]);
    let text_of = |name: &str| {
        let file = outcome
            .sources
            .files()
            .find(|f| f.path.ends_with(name))
            .unwrap_or_else(|| panic!("{name} was read"));
        file.text.to_string()
    };
    assert_eq!(text_of("clean.json"), "", "a file without findings keeps no text");
    assert_eq!(text_of("typo.json"), UNKNOWN_ACTION);
    // Both are still counted and listed.
    assert_eq!(outcome.files_checked, 2);
    let gnu = render(&outcome, Format::Gnu);
    assert!(
        gnu.ends_with("typo.json:1:65: error: `s3` has no action `GetObjec` [iam/unknown-action]\n"),
        "{gnu}"
    );
    let junit = render(&outcome, Format::Junit);
    assert!(junit.contains("clean.json"), "{junit}");
}

#[test]
fn one_file_named_twice_in_different_batches_is_reported_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.json"), UNKNOWN_ACTION).unwrap();
    // More clean files than a batch holds between the two names of `a.json`.
    let mut args = vec!["check".to_string(), "a.json".to_string()];
    for i in 0..300 {
        let name = format!("clean-{i:03}.json");
        std::fs::write(dir.path().join(&name), CLEAN).unwrap();
        args.push(name);
    }
    args.extend(["./a.json", "--format", "gnu", "--no-config"].map(String::from));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = iamlint_in(dir.path(), &args);
    assert_eq!(code(&output), 1);
    // The first name's batch is checked first, and its finding kept.
    assert_eq!(
        stdout(&output),
        "a.json:1:65: error: `s3` has no action `GetObjec` [iam/unknown-action]\n"
    );
}

/// Every report that prints positions and no text is the same whether the engine kept the
/// texts or only the positions its spans point at, over every fixture (labels into other
/// files, suppressions, unused and malformed ones, non-ASCII columns among them).
#[test]
fn reports_of_positions_read_the_same_from_kept_positions() {
    use iamlint::discover::{Filters, discover};
    use iamlint::engine::{Retain, RuleSettings, check_with_config_retaining};
    let inputs = discover(&["testdata".into()], "<stdin>", &Filters::default());
    let run = |retain| {
        let settings = RuleSettings::default();
        let mut outcome =
            check_with_config_retaining(&inputs, None, common::registry(), &settings, None, retain).unwrap();
        iamlint::suppress::apply(
            &mut outcome,
            common::registry(),
            &settings,
            iamlint::suppress::Options::today(true),
        );
        outcome
    };
    let (texts, positions) = (run(Retain::Texts), run(Retain::Positions));
    assert!(
        positions.sources.files().all(|f| f.text.is_empty()),
        "no text is kept"
    );
    assert!(texts.findings.len() > 1000, "{} findings", texts.findings.len());
    for format in [Format::Json, Format::Gnu, Format::Github, Format::Junit] {
        assert!(
            render(&texts, format) == render(&positions, format),
            "{format:?} differs"
        );
    }
}
