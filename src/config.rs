//! `.iamlint.toml`: the principals that plain policy files form, the organization's
//! service control policies, assertions about what must never (or always) be allowed, and
//! the rule settings of `[lint]` ([`lint`]). Found upward from the current directory, or named with `--config`; paths and globs in
//! it are relative to the file's own directory.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;
use walkdir::WalkDir;

use crate::finding::Severity;
use crate::read::read_text;
use crate::repository;

mod lint;
mod vocabulary;

pub use lint::{IgnoreEntries, IgnoreEntry, Level, LintConfig, PerFileIgnores};

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
    #[serde(default)]
    pub lint: LintConfig,
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
    /// Its text: findings about its `[[lint.ignore]]` entries point into it.
    #[serde(skip)]
    pub text: std::sync::Arc<str>,
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
#[serde(from = "WrittenRequestPattern")]
pub struct RequestPattern {
    pub actions: Vec<String>,
    pub resources: Vec<String>,
    /// Condition keys and their values (a string, or a list for multivalued keys).
    pub context: BTreeMap<String, ContextValue>,
    /// The actions and condition keys where they are written, for errors.
    pub written: WrittenRequestPattern,
}

/// A [`RequestPattern`] as written, with the place of each action and condition key.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WrittenRequestPattern {
    pub actions: Vec<Spanned<String>>,
    #[serde(default = "any_resource")]
    resources: Vec<String>,
    #[serde(default)]
    context: BTreeMap<Spanned<String>, ContextValue>,
}

impl WrittenRequestPattern {
    pub fn keys(&self) -> impl Iterator<Item = &Spanned<String>> {
        self.context.keys()
    }
}

impl From<WrittenRequestPattern> for RequestPattern {
    fn from(written: WrittenRequestPattern) -> RequestPattern {
        RequestPattern {
            actions: written.actions.iter().map(|a| a.get_ref().clone()).collect(),
            resources: written.resources.clone(),
            context: written
                .context
                .iter()
                .map(|(k, v)| (k.get_ref().clone(), v.clone()))
                .collect(),
            written,
        }
    }
}

fn any_resource() -> Vec<String> {
    vec!["*".to_string()]
}

#[derive(Clone, Debug, Deserialize)]
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
        let mut config: Config = toml::from_str(&text)
            .map_err(|e| located(path, &text, e.span(), &with_hint(&text, e.span(), e.message())))?;
        config.root = path.parent().map_or_else(PathBuf::new, Path::to_path_buf);
        config.repository = repository::root_of(&config.root_or_dot());
        config.path = path.to_path_buf();
        config.text = text.as_str().into();
        config.validate()?;
        let asserts: Vec<String> = config.assert_ids().collect();
        config
            .lint
            .check(&config.root, &asserts)
            .map_err(|(span, message)| located(path, &text, Some(span), &message))?;
        for assertion in &config.asserts {
            for pattern in assertion.deny.iter().chain(&assertion.allow) {
                vocabulary::check_request(&pattern.written)
                    .map_err(|(span, message)| located(path, &text, Some(span), &message))?;
            }
        }
        Ok(config)
    }

    /// The directory the config is in, `.` for one in the current directory.
    pub fn root_or_dot(&self) -> PathBuf {
        if self.root.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            self.root.clone()
        }
    }

    /// The config's path as findings show it: relative to the current directory when it is
    /// under it (a found config's path is absolute), else as it is.
    pub fn display_path(&self) -> String {
        let cwd = std::env::current_dir().unwrap_or_default();
        self.path
            .strip_prefix(&cwd)
            .unwrap_or(&self.path)
            .to_string_lossy()
            .into_owned()
    }

    /// The rule ids of the assertions: `assert/<name>`.
    pub fn assert_ids(&self) -> impl Iterator<Item = String> + '_ {
        self.asserts.iter().map(|a| format!("assert/{}", a.name))
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

/// A TOML error, with what to do where TOML's own message does not say it: `ignore = [...]`
/// and `[[lint.ignore]]` are one key, and TOML allows only one of the two forms.
fn with_hint(text: &str, at: Option<std::ops::Range<usize>>, message: &str) -> String {
    let line_start = at.as_ref().map_or(0, |at| {
        text[..at.start.min(text.len())].rfind('\n').map_or(0, |i| i + 1)
    });
    let line = text[line_start..].lines().next().unwrap_or_default();
    let tables = |line: &str| line.replace(' ', "").starts_with("[[lint.ignore]]");
    let clash = tables(line) || (line.trim_start().starts_with("ignore") && text.lines().any(tables));
    if message.starts_with("duplicate key") && clash {
        return format!(
            "{message}: `ignore = [...]` and `[[lint.ignore]]` are the same key; write the whole list in one array, rule ids as strings and entries as inline tables: `ignore = [\"iam/missing-version\", {{ files = \"legacy/*.json\", rule = \"iam/resource-star\", reason = \"...\" }}]`"
        );
    }
    message.to_string()
}

/// A message about the config at `path`, at the line and column of byte `at` of its text.
fn located(path: &Path, text: &str, at: Option<std::ops::Range<usize>>, message: &str) -> String {
    let at = at.map(|span| {
        let at = crate::source::LineIndex::new(text).line_col(text, span.start);
        format!(":{}:{}", at.line, at.column)
    });
    format!("{}{}: {message}", path.display(), at.unwrap_or_default())
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

    #[test]
    fn reads_the_lint_table() {
        let config = parse(
            r#"
[lint]
select = ["iam", "rds/guard-inverted"]
extend-select = ["rds"]
ignore = ["iam/resource-star"]
severity = { "iam/missing-version" = "error", "rds" = "off" }
per-file-ignores = { "legacy/**" = ["iam/"], "examples/*.json" = ["iam/resource-star"] }
exclude = ["vendor", "./generated/"]
fail-on = "error"
"#,
        )
        .unwrap();
        let lint = &config.lint;
        assert_eq!(lint.select.as_ref().unwrap()[1].get_ref(), "rds/guard-inverted");
        // Rule ids and `[[lint.ignore]]` entries in one array, as TOML requires of one key.
        let mixed_config = parse(
            r#"[lint]
ignore = [
  "iam/missing-version",
  { files = "legacy/*.json", rule = "iam/resource-star", sid = "Read", reason = "SEC-1", until = 2027-03-31 },
  { files = ["a.json", "b"], rules = ["iam", "rds"], reason = "sandbox", until = "2027-04-01" },
]
"#,
        )
        .unwrap();
        let mixed = &mixed_config.lint;
        assert_eq!(mixed.ignore_rules.len(), 1);
        assert_eq!(
            mixed.ignore_rules[0].span(),
            20..41,
            "the string, quotes included"
        );
        let [first, second] = &mixed.ignore_entries.entries[..] else {
            panic!("two entries: {:?}", mixed.ignore_entries)
        };
        assert_eq!(first.ignore.sid.as_deref(), Some("Read"));
        assert_eq!(
            first.ignore.until,
            Some(crate::suppress::Date::parse("2027-03-31").unwrap())
        );
        assert_eq!(second.ignore.rules, ["iam", "rds"]);
        assert_eq!(second.rule_spans.len(), 2);
        let naming = |path: &str| mixed.ignore_entries.naming(&mixed_config.root.join(path));
        assert_eq!(naming("legacy/x.json"), [0]);
        assert_eq!(
            naming("legacy/a.json"),
            [0, 1],
            "a glob without `/` matches at any depth"
        );
        assert_eq!(naming("b/deep/c.json"), [1], "a directory's files");
        assert_eq!(naming("a.json"), [1]);
        assert!(naming("c.json").is_empty());
        assert_eq!(lint.ignore_rules[0].get_ref(), "iam/resource-star");
        assert_eq!(lint.fail_on, Some(Severity::Error));
        assert!(lint.inline_suppressions, "on unless turned off");
        assert_eq!(lint.exclude_globs.as_ref().unwrap().globs.len(), 2);
        let per_file = lint.per_file.as_ref().unwrap();
        let legacy = config.root.join("legacy/old/app.json");
        assert_eq!(per_file.for_path(&legacy), ["iam/"]);
        assert!(
            per_file
                .for_path(&config.root.join("examples/deep/a.json"))
                .is_empty()
        );
        assert!(
            !parse("[lint]\ninline-suppressions = false\n")
                .unwrap()
                .lint
                .inline_suppressions
        );
        assert!(parse("").unwrap().lint.inline_suppressions);
    }

    #[test]
    fn lint_errors_point_at_the_line_and_column() {
        for (text, expected) in [
            ("[lint]\nselct = []\n", ":2:1: unknown field `selct`"),
            (
                "[lint]\nselect = [\"iam\", \"iam/resource-stars\"]\n",
                ":2:18: unknown rule or group `iam/resource-stars`; did you mean `iam/resource-star`?",
            ),
            (
                "[lint]\nignore = [\"rdss\"]\n",
                ":2:11: unknown rule or group `rdss`; did you mean `rds`?",
            ),
            (
                "[lint]\nextend-select = [\"nothing-like-it\"]\n",
                "`iamlint rules` lists them",
            ),
            (
                "[lint]\nseverity = { \"iam\" = \"warn\" }\n",
                ":2:22: unknown variant `warn`, expected one of `off`, `info`, `warning`, `error`",
            ),
            (
                "[lint]\nseverity = { \"iam/resorce-star\" = \"off\" }\n",
                ":2:14: unknown rule or group",
            ),
            (
                "[lint]\nseverity = { \"parse-error\" = \"off\" }\n",
                ":2:14: `parse-error` is reported by the engine",
            ),
            (
                "[lint]\nignore = [\"io-error\"]\n",
                ":2:11: `io-error` is reported by the engine and cannot be ignored",
            ),
            (
                "[lint]\nper-file-ignores = { \"a\" = [\"analysis-limit\"] }\n",
                ":2:29: `analysis-limit` is reported by the engine and cannot be ignored",
            ),
            (
                "[lint]\nseverity = { \"analysis-limit\" = \"info\" }\n",
                ":2:14: `analysis-limit` is reported by the engine and keeps its severity",
            ),
            (
                "[lint]\nper-file-ignores = { \"a/**\" = [\"iam/resource-star\", \"assert/x\"] }\n",
                ":2:53: unknown rule or group `assert/x`",
            ),
            (
                "[lint]\nexclude = [\"/etc/**\"]\n",
                ":2:12: `/etc/**` is an absolute path",
            ),
            (
                "[lint]\nexclude = [\"a\", \"../up/*.json\"]\n",
                ":2:17: `../up/*.json` leads out of the config's directory",
            ),
            ("[lint]\nexclude = [\"a/./b\"]\n", ":2:12: `a/./b` never matches"),
            ("[lint]\nexclude = [\"\"]\n", ":2:12: `` is empty"),
            (
                "[lint]\nper-file-ignores = { \"a/[b\" = [\"iam\"] }\n",
                ":2:22: `a/[b` is not a valid glob",
            ),
            ("[lint]\nfail-on = \"warn\"\n", ":2:11: unknown variant `warn`"),
            // `[[lint.ignore]]` entries.
            (
                "[[lint.ignore]]\nfiles = \"a.json\"\nrule = \"iam\"\n",
                ":1:1: this `[[lint.ignore]]` entry has no `reason`: say why",
            ),
            (
                "[[lint.ignore]]\nrule = \"iam\"\nreason = \"x\"\n",
                ":1:1: this `[[lint.ignore]]` entry has no `files`",
            ),
            (
                "[[lint.ignore]]\nfiles = \"a.json\"\nrule = []\nreason = \"x\"\n",
                ":1:1: this `[[lint.ignore]]` entry has no `rule`: the rule ids or groups it suppresses (a blanket ignore is not allowed)",
            ),
            (
                "[[lint.ignore]]\nfiles = \"a.json\"\nrules = [\"iam\", \"iam/resorce-star\"]\nreason = \"x\"\n",
                ":3:17: unknown rule or group `iam/resorce-star`; did you mean `iam/resource-star`?",
            ),
            (
                "[[lint.ignore]]\nfiles = \"a.json\"\nrule = \"parse-error\"\nreason = \"x\"\n",
                ":3:8: `parse-error` cannot be suppressed: a file that was not fully checked must not pass silently",
            ),
            (
                "[[lint.ignore]]\nfiles = \"a.json\"\nrule = \"iamlint/unused-suppression\"\nreason = \"x\"\n",
                ":3:8: `iamlint/unused-suppression` cannot be suppressed",
            ),
            (
                "[[lint.ignore]]\nfiles = [\"a.json\", \"../b.json\"]\nrule = \"iam\"\nreason = \"x\"\n",
                ":2:20: `../b.json` leads out of the config's directory",
            ),
            (
                "[[lint.ignore]]\nfiles = \"a.json\"\nrule = \"iam\"\nreason = \"x\"\nuntil = \"2027-02-30\"\n",
                ":5:9: `2027-02-30` is not a day of its month",
            ),
            (
                "[[lint.ignore]]\nfiles = \"a.json\"\nrule = \"iam\"\nreason = \"x\"\nuntil = 2027-01-01T10:00:00Z\n",
                ":5:9: `until` is the last day the entry applies, written YYYY-MM-DD",
            ),
            (
                "[[lint.ignore]]\nfiles = \"a.json\"\nrule = \"iam\"\nreason = \"x\"\nsid = \"\"\n",
                ":5:7: `sid` is empty",
            ),
            (
                "[[lint.ignore]]\nfiles = \"a.json\"\nrule = \"iam\"\nreasn = \"x\"\n",
                ":4:1: unknown field `reasn`",
            ),
            (
                "[lint]\nignore = [3]\n",
                ":2:11: invalid type: integer `3`, expected a rule id or group",
            ),
            (
                "[lint]\nignore = [\"iam\"]\n[[lint.ignore]]\nfiles = \"a\"\n",
                ":3:8: duplicate key: `ignore = [...]` and `[[lint.ignore]]` are the same key",
            ),
            ("[lint]\ninline-suppressions = \"no\"\n", ":2:23: invalid type"),
        ] {
            let err = parse(text).unwrap_err();
            assert!(err.contains(expected), "{text:?}: {err}");
        }
        // A rule id of an assertion of the same file is known.
        parse("[lint]\nselect = [\"assert/x\"]\n[[assert]]\nname = \"x\"\ndeny = { actions = [\"s3:GetObject\"] }\n")
            .unwrap();
    }

    #[test]
    fn assertions_name_actions_and_keys_the_catalog_knows() {
        let assert = |deny: &str| parse(&format!("[[assert]]\nname = \"x\"\ndeny = {deny}\n"));
        for deny in [
            r#"{ actions = ["rds:CreateDBInstance", "rds:Restore*", "*"] }"#,
            r#"{ actions = ["rds:CreateDBInstance"], context = { "rds:ManageMasterUserPassword" = "false", "aws:SourceIp" = "10.0.0.1" } }"#,
            r#"{ actions = ["s3:GetObject"], context = { "aws:ResourceTag/team" = "a", "s3:ExistingObjectTag/x" = "b" } }"#,
        ] {
            assert(deny).unwrap();
        }
        for (deny, expected) in [
            (
                r#"{ actions = ["rds:CreateDBInstanse"] }"#,
                ":3:21: `rds` has no action `CreateDBInstanse` in iamlint's catalog; did you mean `rds:CreateDBInstance`?",
            ),
            (
                r#"{ actions = ["s3:GetObject", "rds:Frob*"] }"#,
                ":3:37: `rds:Frob*` matches no action of `rds`",
            ),
            (
                r#"{ actions = ["rdss:CreateDBInstance"] }"#,
                "did you mean `rds:CreateDBInstance`?",
            ),
            (r#"{ actions = ["*:Get*"] }"#, "names the service of its actions"),
            (r#"{ actions = ["CreateDBInstance"] }"#, "is not an action"),
            (
                r#"{ actions = ["rds:CreateDBInstance"], context = { "rds:ManageMasterUserPasword" = "false" } }"#,
                ":3:58: `rds:ManageMasterUserPasword` is not a condition key of `rds` (the services of `actions`); did you mean `rds:ManageMasterUserPassword`?",
            ),
            (
                r#"{ actions = ["rds:CreateDBInstance"], context = { "s3:prefix" = "a" } }"#,
                "`s3:prefix` is not a condition key of `rds`",
            ),
            (
                r#"{ actions = ["rds:CreateDBInstance"], context = { "aws:SourceIq" = "a" } }"#,
                "`aws:SourceIq` is not a global condition key; did you mean `aws:SourceIp`?",
            ),
        ] {
            let err = assert(deny).unwrap_err();
            assert!(err.contains(expected), "{deny}: {err}");
        }
    }
}
