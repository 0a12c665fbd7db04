//! `.iamlint.toml`: the principals that plain policy files form, the organization's
//! service control policies, and assertions about what must never (or always) be allowed.
//! Found upward from the current directory, or named with `--config`; paths and globs in
//! it are relative to the file's own directory.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use walkdir::WalkDir;

use crate::finding::Severity;
use crate::read::read_text;
use crate::repository;

pub const FILE_NAME: &str = ".iamlint.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default, rename = "principal")]
    pub principals: Vec<PrincipalConfig>,
    #[serde(default)]
    pub organization: OrganizationConfig,
    #[serde(default, rename = "assert")]
    pub asserts: Vec<Assertion>,
    /// The directory the file is in; globs are relative to it.
    #[serde(skip)]
    pub root: PathBuf,
    /// The root of the repository the config is in (see [`crate::repository`]): the files
    /// it names must be inside.
    #[serde(skip)]
    pub repository: PathBuf,
    /// The config file itself, for messages.
    #[serde(skip)]
    pub path: PathBuf,
}

/// One identity and every policy that applies to it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrincipalConfig {
    pub name: String,
    /// Globs of the identity policy files attached to it.
    #[serde(default)]
    pub policies: Vec<String>,
    /// Its permissions boundary: one file (or glob).
    pub boundary: Option<String>,
    /// `arn:aws:iam::111122223333:role/deployer`: the caller in its requests, for
    /// resource policies and policy variables. Default: a role of its name.
    pub arn: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganizationConfig {
    /// Globs of the SCP files that govern every principal.
    #[serde(default)]
    pub scps: Vec<String>,
}

/// `[[assert]]`: a request that must be denied (`deny`) or allowed (`allow`) for the
/// principals named (all of them when `principals` is absent).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assertion {
    pub name: String,
    #[serde(default)]
    pub principals: Option<Vec<String>>,
    pub deny: Option<RequestPattern>,
    pub allow: Option<RequestPattern>,
    #[serde(default = "default_severity")]
    pub severity: Severity,
    /// Why the assertion exists; shown as the finding's help.
    pub reason: Option<String>,
}

fn default_severity() -> Severity {
    Severity::Error
}

/// The requests an assertion is about: every action on every resource, with this context.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestPattern {
    pub actions: Vec<String>,
    #[serde(default = "any_resource")]
    pub resources: Vec<String>,
    /// Condition keys and their values (a string, or a list for multivalued keys).
    #[serde(default)]
    pub context: BTreeMap<String, ContextValue>,
}

fn any_resource() -> Vec<String> {
    vec!["*".to_string()]
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum ContextValue {
    One(String),
    Bool(bool),
    Many(Vec<String>),
}

impl ContextValue {
    pub fn values(&self) -> Vec<String> {
        match self {
            ContextValue::One(v) => vec![v.clone()],
            ContextValue::Bool(b) => vec![b.to_string()],
            ContextValue::Many(v) => v.clone(),
        }
    }
}

impl Config {
    /// Reads and validates a config file. Errors name the file and, for syntax and type
    /// errors, the line and column.
    pub fn load(path: &Path) -> Result<Config, String> {
        let text = read_text(path)?;
        let mut config: Config = toml::from_str(&text).map_err(|e| {
            let at = e.span().map(|span| {
                let at = crate::source::LineIndex::new(&text).line_col(&text, span.start);
                format!(":{}:{}", at.line, at.column)
            });
            format!("{}{}: {}", path.display(), at.unwrap_or_default(), e.message())
        })?;
        config.root = path.parent().map_or_else(PathBuf::new, Path::to_path_buf);
        config.repository = repository::root_of(if config.root.as_os_str().is_empty() {
            Path::new(".")
        } else {
            &config.root
        });
        config.path = path.to_path_buf();
        config.validate()?;
        Ok(config)
    }

    /// The config that applies in `dir`: the nearest `.iamlint.toml` in it or above it.
    pub fn discover(dir: &Path) -> Result<Option<Config>, String> {
        for ancestor in dir.ancestors() {
            let candidate = ancestor.join(FILE_NAME);
            if candidate.is_file() {
                return Config::load(&candidate).map(Some);
            }
        }
        Ok(None)
    }

    fn validate(&self) -> Result<(), String> {
        let fail = |message: String| Err(format!("{}: {message}", self.path.display()));
        let mut names: Vec<&str> = Vec::new();
        for principal in &self.principals {
            if names.contains(&principal.name.as_str()) {
                return fail(format!("principal `{}` is declared twice", principal.name));
            }
            names.push(&principal.name);
            if principal.policies.is_empty() {
                return fail(format!("principal `{}` has no `policies`", principal.name));
            }
        }
        let mut asserts: Vec<&str> = Vec::new();
        for assertion in &self.asserts {
            let name = &assertion.name;
            if name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_".contains(c))
            {
                return fail(format!(
                    "assertion name `{name}` must be letters, digits, `-` and `_` (it becomes the rule id `assert/{name}`)"
                ));
            }
            if asserts.contains(&name.as_str()) {
                return fail(format!("assertion `{name}` is declared twice"));
            }
            asserts.push(name);
            if assertion.deny.is_some() == assertion.allow.is_some() {
                return fail(format!(
                    "assertion `{name}` needs exactly one of `deny` or `allow`"
                ));
            }
            for principal in assertion.principals.iter().flatten() {
                if !names.contains(&principal.as_str()) {
                    return fail(format!(
                        "assertion `{name}` names principal `{principal}`, which is not declared"
                    ));
                }
            }
        }
        Ok(())
    }

    /// The files a list of globs names, sorted; a glob that matches nothing is an error,
    /// since a principal with a missing policy would be judged wrongly. So is a glob that
    /// leads out of the repository: an absolute path, `..` past its root, or a symbolic
    /// link to a file outside it.
    ///
    /// A glob is matched by walking from its literal directories (`iam/deployer` in
    /// `iam/deployer/*.json`) without following links to directories: two links to a
    /// parent directory would make `**` walk exponentially, and a link loop forever, so
    /// there is no cycle to meet. A link to a file is followed when it stays inside.
    pub fn expand(&self, globs: &[String]) -> Result<Vec<PathBuf>, String> {
        let fail = |message: String| format!("{}: {message}", self.path.display());
        let mut files = Vec::new();
        for pattern in globs {
            if let Some(why) = repository::refuse_absolute(pattern) {
                return Err(fail(why));
            }
            let before = files.len();
            let components: Vec<&str> = pattern.split('/').collect();
            let literal = components
                .iter()
                .position(|c| c.contains(['*', '?', '[']))
                .unwrap_or(components.len());
            let base = self.root.join(components[..literal].join("/"));
            if literal == components.len() {
                if base.is_file() {
                    repository::resolve_inside(&self.repository, &base).map_err(fail)?;
                    files.push(base);
                }
            } else if base.is_dir() {
                let rest = components[literal..].join("/");
                let rest =
                    glob::Pattern::new(&rest).map_err(|e| fail(format!("invalid glob `{pattern}`: {e}")))?;
                repository::resolve_inside(&self.repository, &base).map_err(fail)?;
                self.walk_glob(&base, &rest, &mut files)?;
            }
            if files.len() == before {
                return Err(fail(format!("`{pattern}` matches no file")));
            }
        }
        files.sort();
        files.dedup();
        Ok(files)
    }

    /// The files under `base` whose path relative to it matches `rest`.
    fn walk_glob(&self, base: &Path, rest: &glob::Pattern, files: &mut Vec<PathBuf>) -> Result<(), String> {
        let options = glob::MatchOptions {
            require_literal_separator: true,
            ..glob::MatchOptions::new()
        };
        let depth = if rest.as_str().contains("**") {
            usize::MAX
        } else {
            rest.as_str().split('/').count()
        };
        let walk = WalkDir::new(base)
            .follow_links(false)
            .max_depth(depth)
            .sort_by_file_name();
        for entry in walk {
            let entry = entry.map_err(|e| format!("{}: {e}", self.path.display()))?;
            let Ok(relative) = entry.path().strip_prefix(base) else {
                continue;
            };
            let relative: Vec<_> = relative.iter().map(|c| c.to_string_lossy()).collect();
            if relative.is_empty() || !rest.matches_with(&relative.join("/"), options) {
                continue;
            }
            let kind = entry.file_type();
            // `is_file` follows the link: false for a directory, a loop or a dangling link.
            if kind.is_file() || (kind.is_symlink() && entry.path().is_file()) {
                if kind.is_symlink() {
                    repository::resolve_inside(&self.repository, entry.path())
                        .map_err(|why| format!("{}: {why}", self.path.display()))?;
                }
                files.push(entry.into_path());
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, text).map_err(|e| e.to_string())?;
        Config::load(&path)
    }

    #[test]
    fn reads_the_documented_shape() {
        let config = parse(
            r#"
[[principal]]
name = "deployer"
policies = ["iam/deployer/*.json"]
boundary = "iam/boundary.json"

[organization]
scps = ["org/scp/*.json"]

[[assert]]
name = "no-hand-set-passwords"
deny = { actions = ["rds:CreateDBInstance"], context = { "rds:ManageMasterUserPassword" = "false" } }
"#,
        )
        .unwrap();
        assert_eq!(config.principals[0].name, "deployer");
        assert_eq!(config.organization.scps, ["org/scp/*.json"]);
        let deny = config.asserts[0].deny.as_ref().unwrap();
        assert_eq!(deny.resources, ["*"]);
        assert_eq!(deny.context["rds:ManageMasterUserPassword"].values(), ["false"]);
        assert_eq!(config.asserts[0].severity, Severity::Error);
    }

    #[test]
    fn rejects_what_would_be_judged_wrongly() {
        for (text, expected) in [
            ("[[principal]]\nname = \"a\"\n", "has no `policies`"),
            ("[[assert]]\nname = \"x\"\n", "exactly one of"),
            (
                "[[assert]]\nname = \"x\"\nprincipals = [\"nobody\"]\ndeny = { actions = [\"s3:*\"] }\n",
                "not declared",
            ),
            (
                "[[assert]]\nname = \"a b\"\ndeny = { actions = [\"s3:*\"] }\n",
                "must be letters",
            ),
            ("[principals]\n", ":1:2: unknown field `principals`"),
        ] {
            let err = parse(text).unwrap_err();
            assert!(err.contains(expected), "{text:?}: {err}");
        }
    }
}
