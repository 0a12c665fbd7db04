//! Rule settings: which rules run, the severity their findings carry, and the files where
//! a rule does not apply. The command line's flags are laid over the `[lint]` table of
//! `.iamlint.toml`, as ruff lays its flags over its config. The engine asks these settings
//! and stamps findings with them; rules never see them.

use std::path::Path;

use crate::config::{IgnoreEntries, Level, LintConfig, PerFileIgnores};
use crate::finding::Severity;
use crate::rules::selects;

/// One layer of rule selectors (rule ids or groups): the config's, or the command line's.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// Only these rules; `None` keeps what the layer below selected (all rules at the
    /// bottom).
    pub select: Option<Vec<String>>,
    /// Rules added to what `select` (or the layer below) selected.
    pub extend_select: Vec<String>,
    /// Rules that do not run; within a layer `ignore` wins over `select`.
    pub ignore: Vec<String>,
}

impl Selection {
    /// Whether rule `id` runs after this layer, given whether it ran before it.
    fn apply(&self, id: &str, before: bool) -> bool {
        let hit = |selector: &String| selects(selector, id);
        let selected = match &self.select {
            Some(select) => select.iter().any(hit),
            None => before,
        };
        (selected || self.extend_select.iter().any(hit)) && !self.ignore.iter().any(hit)
    }

    /// Whether rule `id` runs with this layer alone.
    pub fn enabled(&self, id: &str) -> bool {
        self.apply(id, true)
    }
}

/// Everything that decides which rules run and how their findings are stamped.
#[derive(Clone, Debug, Default)]
pub struct RuleSettings {
    /// `[lint] select`, `extend-select`, `ignore`.
    config: Selection,
    /// `--select`, `--extend-select`, `--ignore`: over the config's.
    command_line: Selection,
    /// `[lint] severity`: rule id or group -> level, the most specific key applying.
    severity: Vec<(String, Level)>,
    per_file_ignores: Option<PerFileIgnores>,
    /// `[[lint.ignore]]`: suppressions of findings in the files each names.
    ignore_entries: IgnoreEntries,
}

impl RuleSettings {
    /// The command line's selectors alone.
    pub fn from_command_line(command_line: Selection) -> RuleSettings {
        RuleSettings {
            command_line,
            ..RuleSettings::default()
        }
    }

    /// The command line's selectors over a config's `[lint]` table.
    pub fn new(command_line: Selection, lint: &LintConfig) -> RuleSettings {
        let strings = |list: &[toml::Spanned<String>]| list.iter().map(|s| s.get_ref().clone()).collect();
        RuleSettings {
            config: Selection {
                select: lint.select.as_deref().map(strings),
                extend_select: strings(&lint.extend_select),
                ignore: strings(&lint.ignore_rules),
            },
            command_line,
            severity: lint
                .severity
                .iter()
                .map(|(key, level)| (key.get_ref().clone(), *level.get_ref()))
                .collect(),
            per_file_ignores: lint.per_file.clone(),
            ignore_entries: lint.ignore_entries.clone(),
        }
    }

    /// Whether rule `id` runs. The config's layer (with its `off` severities) first, then
    /// the command line's: `--select` replaces what the config selected, turned off or
    /// ignored; `--extend-select` and `--ignore` add to it.
    pub fn enabled(&self, id: &str) -> bool {
        let by_config = self.config.apply(id, true) && self.level(id) != Some(Level::Off);
        self.command_line.apply(id, by_config)
    }

    /// Whether rule `id` runs and reports on the file at `path` (as given or found): it is
    /// enabled, and `per-file-ignores` does not name it for the file.
    pub fn applies(&self, id: &str, path: &Path) -> bool {
        self.enabled(id) && !self.ignored_in(path).covers(id)
    }

    /// The severity of rule `id`'s findings: the configured one, else `default`.
    pub fn severity(&self, id: &str, default: Severity) -> Severity {
        self.level(id).and_then(Level::severity).unwrap_or(default)
    }

    /// The level of the most specific `severity` key naming `id`.
    fn level(&self, id: &str) -> Option<Level> {
        self.severity
            .iter()
            .filter(|(key, _)| selects(key, id))
            .max_by_key(|(key, _)| key.trim_end_matches('/').len())
            .map(|&(_, level)| level)
    }

    /// The rules that do not apply to the file at `path` (as given or found).
    pub fn ignored_in(&self, path: &Path) -> FileIgnores<'_> {
        FileIgnores {
            selectors: self
                .per_file_ignores
                .as_ref()
                .map_or_else(Vec::new, |p| p.for_path(path)),
        }
    }

    /// The config's `[[lint.ignore]]` entries, in the order written.
    pub fn ignore_entries(&self) -> &IgnoreEntries {
        &self.ignore_entries
    }

    /// Whether any file may have rules that do not apply to it.
    pub fn has_per_file_ignores(&self) -> bool {
        self.per_file_ignores.is_some()
    }
}

/// The `per-file-ignores` selectors that match one file.
#[derive(Clone, Debug, Default)]
pub struct FileIgnores<'s> {
    selectors: Vec<&'s str>,
}

impl FileIgnores<'_> {
    pub fn covers(&self, id: &str) -> bool {
        self.selectors.iter().any(|s| selects(s, id))
    }

    pub fn is_empty(&self) -> bool {
        self.selectors.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(select: Option<&[&str]>, extend: &[&str], ignore: &[&str]) -> Selection {
        let own = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        Selection {
            select: select.map(own),
            extend_select: own(extend),
            ignore: own(ignore),
        }
    }

    #[test]
    fn the_command_line_lies_over_the_config() {
        let settings =
            |config: Selection, command_line: Selection, severity: &[(&str, Level)]| RuleSettings {
                config,
                command_line,
                severity: severity.iter().map(|(k, l)| (k.to_string(), *l)).collect(),
                per_file_ignores: None,
                ignore_entries: IgnoreEntries::default(),
            };
        let file = layer(Some(&["iam"]), &["rds/guard-inverted"], &["iam/resource-star"]);
        let s = settings(file.clone(), Selection::default(), &[]);
        assert!(s.enabled("iam/full-access"));
        assert!(s.enabled("rds/guard-inverted"));
        assert!(!s.enabled("rds/guard-incomplete"));
        assert!(!s.enabled("iam/resource-star"));
        // --select replaces the config's select and ignore.
        let s = settings(file.clone(), layer(Some(&["iam/resource-star"]), &[], &[]), &[]);
        assert!(s.enabled("iam/resource-star"));
        assert!(!s.enabled("iam/full-access"));
        // --extend-select and --ignore add to them.
        let s = settings(file, layer(None, &["rds"], &["iam/full-access"]), &[]);
        assert!(s.enabled("rds/guard-incomplete"));
        assert!(!s.enabled("iam/full-access"));
        assert!(s.enabled("iam/invalid-arn"));
        // `off` is the config's: the most specific key wins, --select overrides.
        let levels = [("iam", Level::Off), ("iam/resource-star", Level::Error)];
        let s = settings(Selection::default(), Selection::default(), &levels);
        assert!(!s.enabled("iam/full-access"));
        assert!(s.enabled("iam/resource-star"));
        assert_eq!(
            s.severity("iam/resource-star", Severity::Warning),
            Severity::Error
        );
        assert_eq!(
            s.severity("rds/guard-inverted", Severity::Warning),
            Severity::Warning
        );
        let s = settings(
            Selection::default(),
            layer(Some(&["iam/full-access"]), &[], &[]),
            &levels,
        );
        assert!(s.enabled("iam/full-access"));
        assert_eq!(
            s.severity("iam/full-access", Severity::Warning),
            Severity::Warning
        );
    }
}
