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
    catalog_tables(&root);
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

/// The catalog as static Rust tables (`$OUT_DIR/catalog_tables.rs`, included by
/// `src/catalog/mod.rs`): nothing is decoded at run time, so a run on one policy pays for
/// no service it does not look at, and a run over every service allocates nothing for the
/// catalog. `catalog/aws-iam-catalog.jsonl` stays the one source (scripts/update-catalog).
fn catalog_tables(root: &Path) {
    use serde_json::Value;
    let path = root.join("catalog/aws-iam-catalog.jsonl");
    let text = fs::read_to_string(&path).expect("catalog/aws-iam-catalog.jsonl is readable");
    // An array, not a slice: a service's match cache is interior mutable.
    let mut out = String::new();
    let mut count = 0;
    // Each service's resource types in a static of their own, so that the ARN-format index
    // (`$OUT_DIR/arn_formats.rs`) can point at them: `RESOURCES_n` for the n-th service.
    let mut resource_tables = String::new();
    // The index's rows by the lowercased service field of the format, in catalog order.
    let mut formats: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for (number, line) in text.lines().enumerate().skip(1) {
        let fail = |what: &str| -> ! { panic!("catalog line {}: {what}", number + 1) };
        let service: Value = serde_json::from_str(line).unwrap_or_else(|e| fail(&e.to_string()));
        let field = |name: &str| service.get(name).unwrap_or_else(|| fail(name));
        let string = |value: &Value| value.as_str().unwrap_or_else(|| fail("a string")).to_string();
        let list = |value: &Value| value.as_array().unwrap_or_else(|| fail("a list")).clone();
        let indexes = |value: &Value| {
            let numbers: Vec<String> = list(value)
                .iter()
                .map(|n| {
                    let n = n.as_u64().filter(|&n| n <= u64::from(u16::MAX));
                    n.unwrap_or_else(|| fail("an index")).to_string()
                })
                .collect();
            format!("&[{}]", numbers.join(","))
        };
        let _ = write!(
            out,
            "Service{{prefix:{:?},name:{:?},keys:&[",
            string(field("p")),
            string(field("n"))
        );
        for key in list(field("k")) {
            let key = list(&key);
            let (Some(name), Some(kind)) = (key.first(), key.get(1)) else {
                fail("a key")
            };
            let kind = match string(kind).as_str() {
                // The names of the Service Authorization Reference, as `KeyType::parse`
                // reads them (a test compares the two for every key).
                "String" => "String",
                "ArrayOfString" => "ArrayOfString",
                "ARN" | "Arn" => "Arn",
                "ArrayOfARN" | "ArrayOfArn" => "ArrayOfArn",
                "Bool" | "Boolean" => "Bool",
                "ArrayOfBool" => "ArrayOfBool",
                "Numeric" | "Long" | "Integer" => "Numeric",
                "ArrayOfNumeric" => "ArrayOfNumeric",
                "Date" => "Date",
                "IPAddress" | "IpAddress" => "IpAddress",
                _ => "Other",
            };
            let _ = write!(
                out,
                "ConditionKey{{name:{:?},key_type:KeyType::{kind}}},",
                string(name)
            );
        }
        let _ = write!(out, "],resources:&RESOURCES_{count},actions:&[");
        let resources = list(field("r"));
        let _ = write!(
            resource_tables,
            "pub(crate) static RESOURCES_{count}: [ResourceType; {}] = [",
            resources.len()
        );
        for (index, resource) in resources.iter().enumerate() {
            let resource = list(resource);
            let (Some(name), Some(arn), Some(keys)) = (resource.first(), resource.get(1), resource.get(2))
            else {
                fail("a resource type")
            };
            let arn = string(arn);
            let _ = write!(
                resource_tables,
                "ResourceType{{name:{:?},arn:{arn:?},keys:{}}},",
                string(name),
                indexes(keys)
            );
            for variant in arn.split(", ").map(str::trim) {
                let fields = arn_fields(variant);
                let ["arn", partition, arn_service, region, account, resource] = fields[..] else {
                    continue;
                };
                if arn_service.contains(['*', '?']) || arn_service.contains("${") {
                    continue;
                }
                formats.entry(arn_service.to_ascii_lowercase()).or_default().push(format!(
                    "ArnFormat{{service:{:?},resource_type:&crate::catalog::RESOURCES_{count}[{index}],arn:Arn{{partition:{partition:?},service:{arn_service:?},region:{region:?},account:{account:?},resource:{resource:?}}}}},",
                    string(field("p"))
                ));
            }
        }
        resource_tables.push_str("];\n");
        let mut names = Vec::new();
        for (index, action) in list(field("a")).iter().enumerate() {
            let action = list(action);
            let (Some(name), Some(access), Some(resources), Some(keys)) =
                (action.first(), action.get(1), action.get(2), action.get(3))
            else {
                fail("an action")
            };
            let access = match string(access).as_str() {
                "L" => "List",
                "R" => "Read",
                "W" => "Write",
                "P" => "PermissionsManagement",
                "T" => "Tagging",
                _ => "Unknown",
            };
            let name = string(name);
            let _ = write!(
                out,
                "Action{{name:{name:?},access:AccessLevel::{access},resources:&["
            );
            for row in list(resources) {
                let row = list(&row);
                let (Some(resource), Some(required), Some(keys)) = (row.first(), row.get(1), row.get(2))
                else {
                    fail("an action's resource row")
                };
                let resource = resource.as_u64().filter(|&n| n <= u64::from(u16::MAX));
                let _ = write!(
                    out,
                    "ActionResource{{resource:{},required:{},keys:{}}},",
                    resource.unwrap_or_else(|| fail("a resource index")),
                    required.as_u64() == Some(1),
                    indexes(keys)
                );
            }
            let _ = write!(out, "],keys:{}}},", indexes(keys));
            names.push((name.to_ascii_lowercase(), index));
        }
        // The lowercased names in order, ties by catalog order: `Service::action` and the
        // literal-start ranges of `Service::matching` search them.
        names.sort_unstable();
        out.push_str("],sorted:&[");
        for (name, index) in names {
            let _ = write!(out, "({name:?},{index}),");
        }
        out.push_str("],matched:OnceLock::new()},\n");
        count += 1;
    }
    let header = text.lines().next().unwrap_or_default();
    let out = format!(
        "const HEADER: &str = {header:?};\n{resource_tables}static SERVICES: [Service; {count}] = [\n{out}];\n"
    );
    let dir = PathBuf::from(env::var("OUT_DIR").expect("set by cargo"));
    fs::write(dir.join("catalog_tables.rs"), out).expect("OUT_DIR is writable");
    let mut index = String::from("static ARN_FORMATS: &[(&str, &[ArnFormat])] = &[\n");
    for (service, rows) in formats {
        let _ = writeln!(index, "({service:?},&[{}]),", rows.concat());
    }
    index.push_str("];\n");
    fs::write(dir.join("arn_formats.rs"), index).expect("OUT_DIR is writable");
}

/// The fields of an ARN (format) as `rules::iam::arn::Arn::parse` splits them: at colons,
/// into at most six, a colon inside `${...}` not splitting.
fn arn_fields(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_variable = false;
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if out.len() == 5 {
            break;
        }
        match b {
            b'{' if i > 0 && bytes[i - 1] == b'$' => in_variable = true,
            b'}' => in_variable = false,
            b':' if !in_variable => {
                out.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&text[start..]);
    out
}
