//! Inputs the fuzz targets (`fuzz/`) once crashed on, replayed in the normal test suite
//! through the targets' own code: `fuzz/src/checks.rs` is compiled into this test, so a
//! reproducer runs the same parse, model, end-to-end check and output assertions that
//! found it. Each is `testdata/hostile/fuzz-<target>-<what it holds>.<ext>` (a Terraform
//! one `fuzz-<target>-<what it holds>/main.tf`), minimised with `cargo fuzz tmin`; how to
//! add one: CONTRIBUTING.md, "Fuzzing". tests/formats.rs runs the same files through the
//! real binary in all five formats.

#[path = "../fuzz/src/checks.rs"]
mod checks;

use std::fs;
use std::path::Path;

use checks::Target;

const HOSTILE: &str = "testdata/hostile";

/// Runs `testdata/hostile/<name>` through the target its name starts with, then end to
/// end (a parser's input is also a file a user may check). A Terraform input is a folder
/// with its `.tf` file, as Terraform fixtures are: a `.tf` file is checked with its module.
fn replay(name: &str) {
    let target = name
        .strip_prefix("fuzz-")
        .and_then(|rest| rest.split('-').next())
        .and_then(Target::from_name)
        .unwrap_or_else(|| panic!("{name}: not named fuzz-<target>-..."));
    let path = Path::new(HOSTILE).join(name);
    let mut files = vec![path.clone()];
    if path.is_dir() {
        files = fs::read_dir(&path)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .map(|entry| entry.expect("a directory entry").path())
            .collect();
        files.sort();
    }
    for file in files {
        let bytes = fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        target.run(&bytes);
        Target::EndToEnd.run(&bytes);
    }
}

/// Every committed reproducer, including one whose own test was forgotten.
#[test]
fn every_fuzz_reproducer_replays() {
    let mut names: Vec<String> = fs::read_dir(HOSTILE)
        .expect("testdata/hostile exists")
        .map(|entry| {
            entry
                .expect("a directory entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name.starts_with("fuzz-"))
        .collect();
    names.sort();
    for name in &names {
        replay(name);
    }
}

/// The end-to-end target's naming follows what a user would call the file.
#[test]
fn standard_input_is_named_after_what_it_holds() {
    for (text, name) in [
        ("{\"Version\": \"2012-10-17\"}", "fuzz.json"),
        ("\u{feff} [1]", "fuzz.json"),
        ("{\"resource\": {}}", "fuzz.tf.json"),
        ("# comment\nresource \"aws_iam_policy\" \"p\" {}", "fuzz.tf"),
        ("locals {\n}", "fuzz.tf"),
        ("x = 1", "fuzz.tf"),
        ("Resources:\n  R: {}", "fuzz.yaml"),
        ("", "fuzz.yaml"),
    ] {
        assert_eq!(checks::input_name(text), name, "{text:?}");
    }
}

/// saphyr gives a YAML error's position as one character; the span was that byte and the
/// next, half of `É` here.
#[test]
fn yaml_error_at_a_non_ascii_character() {
    replay("fuzz-yaml-error-at-non-ascii.yaml");
}

/// A policy file with a byte order mark pasted into a block scalar: the error about the
/// mark pointed at its first byte of three.
#[test]
fn byte_order_mark_inside_a_block_scalar() {
    replay("fuzz-e2e-bom-in-block-scalar.yaml");
}

/// The other errors the YAML reader locates at one position, at a non-ASCII character:
/// nesting past the depth limit (the key that opens one level too many) and a document
/// past the node limit (the scalar that counts one too many).
#[test]
fn yaml_limits_point_at_whole_characters() {
    let deep: String = (0..=iamlint::parse::MAX_DEPTH)
        .map(|depth| format!("{}é:\n", " ".repeat(depth)))
        .collect();
    let many = "- é\n".repeat(iamlint::parse::MAX_NODES + 1);
    for text in [deep, many] {
        Target::Yaml.run(text.as_bytes());
    }
}

/// `!!Or` for `!Or`: saphyr resolves `!!` to `tag:yaml.org,2002:`, and the tag's written
/// length was taken from the resolved form, slicing past the end of the text.
#[test]
fn core_schema_prefix_on_a_short_form_tag() {
    replay("fuzz-yaml-core-schema-prefix-on-short-form-tag.yaml");
}

/// A byte order mark inside a heredoc: the budget pre-scan looked for the closing
/// delimiter at every byte, slicing the text inside the mark.
#[test]
fn byte_order_mark_inside_a_heredoc() {
    replay("fuzz-hcl-bom-in-heredoc");
}
