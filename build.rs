//! Embeds every rule file under `rules/` so the registry, `iamlint rules` and
//! `iamlint explain` always agree with the documentation in the repository.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs};

fn main() {
    println!("cargo:rerun-if-changed=rules");
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let mut files = Vec::new();
    collect(&root.join("rules"), &mut files);
    files.sort();
    let mut out = String::from("pub static RULE_FILES: &[(&str, &str)] = &[\n");
    for file in files {
        let relative = file.strip_prefix(&root).expect("under the manifest dir");
        let _ = writeln!(
            out,
            "    ({:?}, include_str!({:?})),",
            relative.to_string_lossy().replace('\\', "/"),
            file.to_string_lossy()
        );
    }
    out.push_str("];\n");
    let dest = PathBuf::from(env::var("OUT_DIR").expect("set by cargo")).join("rule_files.rs");
    fs::write(dest, out).expect("OUT_DIR is writable");
    catalog_version(&root);
}

/// `iamlint --version` names the catalog it embeds: read from the catalog's header line
/// (`{"source":...,"version":...,"updatedAt":...}`).
fn catalog_version(root: &Path) {
    let path = root.join("catalog/aws-iam-catalog.jsonl");
    println!("cargo:rerun-if-changed={}", path.display());
    let text = fs::read_to_string(&path).unwrap_or_default();
    let header = text.lines().next().unwrap_or_default();
    let field = |name: &str| {
        let marker = format!("\"{name}\":\"");
        header
            .split(&marker)
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or("unknown")
            .to_string()
    };
    let date = field("updatedAt").chars().take(10).collect::<String>();
    println!(
        "cargo:rustc-env=IAMLINT_CATALOG={} {}, {}",
        field("source"),
        field("version"),
        date
    );
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            collect(&path, files);
        } else if path.extension().is_some_and(|e| e == "md") {
            println!("cargo:rerun-if-changed={}", path.display());
            files.push(path);
        }
    }
}
