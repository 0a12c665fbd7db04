//! Generated documentation stays in step with the rule files.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::fs;

use iamlint::report::rules_index_markdown;
use iamlint::rules::Registry;

#[test]
fn rules_index_is_up_to_date() {
    let generated = rules_index_markdown(Registry::global().unwrap());
    if std::env::var_os("UPDATE_DOCS").is_some() {
        fs::write("docs/rules.md", &generated).unwrap();
    }
    let committed = fs::read_to_string("docs/rules.md").unwrap_or_default();
    assert!(
        committed == generated,
        "docs/rules.md is stale: run `UPDATE_DOCS=1 cargo test --test docs`"
    );
}

#[test]
fn readme_lists_every_rule() {
    let readme = fs::read_to_string("README.md").unwrap();
    for rule in Registry::global().unwrap().rules() {
        assert!(
            readme.contains(&format!("`{}`", rule.meta.id)),
            "README does not mention {}",
            rule.meta.id
        );
    }
}

#[test]
fn coverage_table_names_only_existing_rules() {
    let coverage = fs::read_to_string("docs/coverage.md").unwrap();
    let registry = Registry::global().unwrap();
    let mut named = 0;
    for cell in coverage.split('`').skip(1).step_by(2) {
        let looks_like_rule = cell.starts_with("iam/") || cell.starts_with("rds/") || cell == "parse-error";
        if looks_like_rule && !cell.contains(' ') {
            named += 1;
            assert!(
                registry.get(cell).is_some(),
                "docs/coverage.md names `{cell}`, which is not a rule"
            );
        }
    }
    assert!(named > 100, "docs/coverage.md names only {named} rules");
}

#[test]
fn readme_lint_example_is_a_valid_config() {
    let readme = fs::read_to_string("README.md").unwrap();
    let section = readme.split("### Rule settings: `[lint]`").nth(1).unwrap();
    let example = section
        .split("```toml\n")
        .nth(1)
        .unwrap()
        .split("```")
        .next()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".iamlint.toml");
    fs::write(&path, example).unwrap();
    let config = iamlint::config::Config::load(&path).unwrap();
    assert!(config.lint.per_file.is_some() && config.lint.exclude_globs.is_some());
}

/// The man pages under man/ are what clap_mangen makes of the command line.
#[test]
fn man_pages_are_up_to_date() {
    let pages = iamlint::report::man_pages().unwrap();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        fs::create_dir_all("man").unwrap();
        for (name, roff) in &pages {
            fs::write(format!("man/{name}"), roff).unwrap();
        }
    }
    let mut committed: Vec<String> = fs::read_dir("man")
        .map(|dir| {
            dir.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".1"))
                .collect()
        })
        .unwrap_or_default();
    committed.sort();
    let mut names: Vec<String> = pages.iter().map(|(n, _)| n.clone()).collect();
    names.sort();
    assert_eq!(
        committed, names,
        "man/ is stale: run `UPDATE_DOCS=1 cargo test --test docs`"
    );
    for (name, roff) in &pages {
        assert!(
            fs::read(format!("man/{name}")).unwrap() == *roff,
            "man/{name} is stale: run `UPDATE_DOCS=1 cargo test --test docs`"
        );
    }
}
