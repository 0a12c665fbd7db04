//! What ships beside the binary stays in step with it: the pre-commit hook's file pattern
//! with what a directory walk reads, the README's snippets with the version and the action's
//! inputs. The integrations themselves are tested with the real tools by scripts/build-wheel,
//! scripts/pre-commit-check and scripts/action-check (they need the network; cargo test does not).

use std::fs;

use iamlint::discover::EXTENSIONS;
use regex::Regex;

/// The value of the first `KEY: value` line of a hook file (one level of indentation).
fn hook_field(hooks: &str, key: &str) -> String {
    let prefix = format!("  {key}: ");
    hooks
        .lines()
        .find_map(|line| line.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no `{key}` in .pre-commit-hooks.yaml"))
        .to_string()
}

#[test]
fn the_pre_commit_hook_is_given_what_a_directory_walk_reads() {
    let hooks = fs::read_to_string(".pre-commit-hooks.yaml").unwrap();
    // pre-commit matches `files` with Python's re.search; this pattern means the same in Rust.
    let files = Regex::new(&hook_field(&hooks, "files")).unwrap();
    let names = [
        "policy.json",
        "infra/main.tf.json",
        "cfn/db.yaml",
        "cfn/db.yml",
        "cfn/db.template",
        "CFN/DB.TEMPLATE",
        "infra/main.tf",
        "infra/MAIN.TF",
        "infra/prod.tfvars",
        "infra/terraform.tfstate",
        "module.hcl",
        "events.jsonl",
        "template",
        "notes.txt",
        "json",
    ];
    for name in names {
        let walked = name
            .rsplit_once('.')
            .is_some_and(|(_, extension)| EXTENSIONS.contains(&extension.to_ascii_lowercase().as_str()));
        assert_eq!(
            files.is_match(name),
            walked,
            "{name}: the hook and a walk disagree"
        );
    }
    // scripts/pre-commit-mirror turns this line into `language: python`.
    assert_eq!(hook_field(&hooks, "language"), "rust");
    assert!(hook_field(&hooks, "entry").starts_with("iamlint check "));
}

#[test]
fn the_readme_snippets_name_this_version() {
    let readme = fs::read_to_string("README.md").unwrap();
    let tag = format!("v{}", env!("CARGO_PKG_VERSION"));
    for snippet in [
        format!("repo: https://github.com/iamlint/iamlint-pre-commit\n    rev: {tag}\n"),
        format!("repo: https://github.com/iamlint/iamlint\n    rev: {tag}\n"),
        format!("uses: iamlint/iamlint@{tag}\n"),
    ] {
        assert!(
            readme.contains(&snippet),
            "README lacks `{snippet}` (CONTRIBUTING.md, Releasing)"
        );
    }
    let rust = format!("Rust {} or newer", env!("CARGO_PKG_RUST_VERSION"));
    assert!(readme.contains(&rust), "README does not say `{rust}`");
}

#[test]
fn the_readme_documents_every_input_of_the_action() {
    let action = fs::read_to_string("action.yml").unwrap();
    let readme = fs::read_to_string("README.md").unwrap();
    let section = action
        .split("\ninputs:\n")
        .nth(1)
        .unwrap()
        .split("\nruns:\n")
        .next()
        .unwrap();
    let input = Regex::new(r"(?m)^  ([a-z-]+):$").unwrap();
    let inputs: Vec<&str> = input
        .captures_iter(section)
        .map(|c| c.get(1).unwrap().as_str())
        .collect();
    assert_eq!(
        inputs,
        ["paths", "format", "sarif-file", "fail-on", "config", "version"]
    );
    for name in inputs {
        assert!(
            readme.contains(&format!("| `{name}` |")),
            "README's table lacks the input `{name}`"
        );
        assert!(
            action.contains(&format!("${{{{ inputs.{name} }}}}")),
            "action.yml never reads `{name}`"
        );
    }
}
