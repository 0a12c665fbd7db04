//! Which files to read: paths from the command line, directories walked recursively
//! (skipping `.git`, `node_modules`, `target`, `.terraform`), filtered by `--include` and
//! `--exclude` globs.

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use glob::{MatchOptions, Pattern};
use walkdir::WalkDir;

use crate::repository;

/// Directories never walked into.
pub const SKIPPED_DIRS: [&str; 4] = [".git", "node_modules", "target", ".terraform"];

/// Extensions considered when walking a directory. A file named explicitly is read
/// whatever its extension.
pub const EXTENSIONS: [&str; 5] = ["json", "yaml", "yml", "template", "tf"];

#[derive(Default)]
pub struct Filters {
    pub include: Vec<Pattern>,
    pub exclude: Vec<Pattern>,
    /// The `exclude` globs of `.iamlint.toml`, relative to its directory.
    pub config_exclude: Option<AnchoredGlobs>,
    /// Apply `--exclude` to files named on the command line too (as ruff's
    /// `--force-exclude`; useful for pre-commit, which passes every changed file).
    pub force_exclude: bool,
}

impl Filters {
    fn excluded(&self, path: &Path) -> bool {
        matches_any(&self.exclude, path)
    }

    /// Whether a walked entry is excluded: `relative` to the directory walked for
    /// `--exclude`, `path` itself for the config's globs.
    fn excluded_walked(&self, relative: &Path, path: &Path) -> bool {
        self.excluded(relative)
            || self
                .config_exclude
                .as_ref()
                .is_some_and(|globs| globs.matches(path, false))
    }

    /// Whether a path named on the command line is excluded: the path or one of its
    /// directories matches (as ruff's `is_file_excluded`, crates/ruff_workspace/src/resolver.rs,
    /// walks a named file's ancestors), so `--exclude iam` skips `iam/app.json` when
    /// pre-commit names it. A path under the current directory is matched relative to it,
    /// as the walk matches relative to the directory walked.
    fn excluded_named(&self, path: &Path) -> bool {
        if self.exclude.is_empty() && self.config_exclude.is_none() {
            return false;
        }
        let cwd = std::env::current_dir().ok();
        let absolute = cwd.as_deref().map(|cwd| cwd.join(path));
        let relative = match (&absolute, &cwd) {
            (Some(absolute), Some(cwd)) => absolute.strip_prefix(cwd).unwrap_or(path),
            _ => path,
        };
        relative
            .ancestors()
            .filter(|ancestor| ancestor.file_name().is_some())
            .any(|ancestor| self.excluded(ancestor))
            || self
                .config_exclude
                .as_ref()
                .is_some_and(|globs| globs.matches(path, true))
    }

    pub fn included(&self, path: &Path) -> bool {
        if self.include.is_empty() {
            path.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        } else {
            matches_any(&self.include, path)
        }
    }
}

/// Globs match as in `.gitignore`: against the path or any trailing run of its components,
/// so `dev`, `dev/*` and `*.json` work wherever the file is; `*` stays within one
/// component and `**` crosses them. Walked paths are relative to the directory walked.
fn matches_any(patterns: &[Pattern], path: &Path) -> bool {
    if patterns.is_empty() {
        return false;
    }
    let options = MatchOptions {
        require_literal_separator: true,
        ..MatchOptions::new()
    };
    let components: Vec<String> = path
        .components()
        .filter(|c| !matches!(c, Component::CurDir | Component::RootDir | Component::Prefix(_)))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    (0..components.len()).any(|i| {
        let suffix = components[i..].join("/");
        patterns.iter().any(|p| p.matches_with(&suffix, options))
    })
}

/// A glob of `.iamlint.toml` (`exclude`, `per-file-ignores`), relative to the config's
/// directory; it matches only files under that directory. A glob without `/` (`vendor`,
/// `*.template`) matches a file or directory of that name at any depth, as in `.gitignore`;
/// a glob with `/` (`legacy/**`, `examples/*.json`) is anchored at the config's directory.
/// `*` stays within one component and `**` crosses them.
#[derive(Clone, Debug)]
pub struct AnchoredGlob {
    pattern: Pattern,
    /// Written without `/`: matched against each component.
    anywhere: bool,
}

impl AnchoredGlob {
    /// `Err` says why the glob could never match a file: invalid syntax, an absolute path,
    /// or a `..`, `.` or empty component (paths are compared relative to the config's
    /// directory and in normal form, so such a component never appears in them; `..` would
    /// lead out of it). A leading `./` and a trailing `/` are allowed.
    pub fn new(written: &str) -> Result<AnchoredGlob, String> {
        if repository::refuse_absolute(written).is_some() {
            return Err(format!(
                "`{written}` is an absolute path: globs are relative to the config's directory"
            ));
        }
        let trimmed = written.strip_prefix("./").unwrap_or(written);
        let trimmed = trimmed.strip_suffix('/').unwrap_or(trimmed);
        if trimmed.is_empty() {
            return Err(format!("`{written}` is empty: it matches no file"));
        }
        for component in trimmed.split('/') {
            match component {
                ".." => {
                    return Err(format!(
                        "`{written}` leads out of the config's directory with `..`: its globs match only the files under it"
                    ));
                }
                "." | "" => {
                    return Err(format!(
                        "`{written}` never matches: paths are compared in normal form, without `.` or empty components"
                    ));
                }
                _ => {}
            }
        }
        let pattern = Pattern::new(trimmed).map_err(|e| format!("`{written}` is not a valid glob: {e}"))?;
        Ok(AnchoredGlob {
            pattern,
            anywhere: !trimmed.contains('/'),
        })
    }

    /// Whether the glob matches a path given as its components relative to the config's
    /// directory; with `or_ancestors`, also when it matches a directory the path is in.
    pub fn matches(&self, relative: &[String], or_ancestors: bool) -> bool {
        let options = MatchOptions {
            require_literal_separator: true,
            ..MatchOptions::new()
        };
        let Some(last) = relative.len().checked_sub(1) else {
            return false;
        };
        let first = if or_ancestors { 0 } else { last };
        if self.anywhere {
            relative[first..]
                .iter()
                .any(|component| self.pattern.matches_with(component, options))
        } else {
            // The path joined once; each ancestor is a prefix of it.
            let joined = relative.join("/");
            let mut end = 0;
            relative.iter().enumerate().any(|(i, component)| {
                end += component.len() + usize::from(i > 0);
                i >= first && self.pattern.matches_with(&joined[..end], options)
            })
        }
    }
}

/// The globs of one setting of a config, and the directory they are relative to.
#[derive(Clone, Debug)]
pub struct AnchoredGlobs {
    root: PathBuf,
    cwd: PathBuf,
    pub globs: Vec<AnchoredGlob>,
}

impl AnchoredGlobs {
    pub fn new(root: &Path, globs: Vec<AnchoredGlob>) -> AnchoredGlobs {
        let cwd = std::env::current_dir().unwrap_or_default();
        AnchoredGlobs {
            root: normal(&cwd.join(root)),
            cwd,
            globs,
        }
    }

    /// `path` (as given: relative to the current directory, or absolute) as components
    /// relative to the config's directory, compared lexically (links are not resolved);
    /// `None` when it is not under that directory.
    pub fn relative(&self, path: &Path) -> Option<Vec<String>> {
        let path = normal(&self.cwd.join(path));
        let relative = path.strip_prefix(&self.root).ok()?;
        Some(
            relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect(),
        )
    }

    /// Whether any glob matches `path` (or, with `or_ancestors`, a directory it is in).
    pub fn matches(&self, path: &Path, or_ancestors: bool) -> bool {
        self.relative(path)
            .is_some_and(|relative| self.globs.iter().any(|g| g.matches(&relative, or_ancestors)))
    }
}

/// `path` without `.` components, and with each `..` removing the component before it
/// (lexically: links are not followed).
pub(crate) fn normal(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// One input to check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    File {
        path: PathBuf,
        /// Named on the command line (not found by walking): problems with it are always
        /// reported.
        explicit: bool,
        /// The root of the repository it belongs to (see [`crate::repository`]): what it
        /// reads beyond itself must stay inside.
        root: Arc<Path>,
    },
    /// A directory entry that could not be read while walking, or a path named on the
    /// command line that does not exist.
    Unreadable {
        path: PathBuf,
        error: String,
    },
    Stdin {
        name: String,
    },
}

impl Input {
    pub fn display(&self) -> String {
        match self {
            Input::File { path, .. } | Input::Unreadable { path, .. } => path.to_string_lossy().into_owned(),
            Input::Stdin { name } => name.clone(),
        }
    }
}

/// Expands the paths given into inputs. A path that does not exist, or cannot be looked
/// at, is an [`Input::Unreadable`]. Paths are taken as the operating system gives them: a
/// file name need not be UTF-8.
pub fn discover(paths: &[PathBuf], stdin_name: &str, filters: &Filters) -> Vec<Input> {
    let mut inputs = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(Input::Stdin {
                name: stdin_name.to_string(),
            });
            continue;
        }
        let path = path.clone();
        if filters.force_exclude && filters.excluded_named(&path) {
            continue;
        }
        let metadata = match std::fs::metadata(&path) {
            Ok(metadata) => metadata,
            // Reported as an `io-error` of the path, and the rest is checked: one missing
            // file in a list (a pre-commit run after a rename) does not hide the others.
            Err(e) => {
                let error = match e.kind() {
                    std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
                    _ => e.to_string(),
                };
                inputs.push(Input::Unreadable { path, error });
                continue;
            }
        };
        if !metadata.is_dir() {
            let dir = match path.parent() {
                Some(dir) if !dir.as_os_str().is_empty() => dir,
                _ => Path::new("."),
            };
            inputs.push(Input::File {
                root: repository::root_of(dir).into(),
                path,
                explicit: true,
            });
            continue;
        }
        walk(&path, filters, &mut inputs);
    }
    inputs
}

fn walk(root: &Path, filters: &Filters, inputs: &mut Vec<Input>) {
    let repository: Arc<Path> = repository::root_of(root).into();
    let entries = WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            if entry.depth() == 0 {
                return true;
            }
            let relative = entry.path().strip_prefix(root).unwrap_or(entry.path());
            if entry.file_type().is_dir() {
                let name = entry.file_name().to_string_lossy();
                return !SKIPPED_DIRS.contains(&name.as_ref())
                    && !filters.excluded_walked(relative, entry.path());
            }
            !filters.excluded_walked(relative, entry.path())
        });
    for entry in entries {
        match entry {
            Ok(entry) if entry.file_type().is_file() => {
                let relative = entry.path().strip_prefix(root).unwrap_or(entry.path());
                if filters.included(relative) {
                    inputs.push(Input::File {
                        path: entry.into_path(),
                        explicit: false,
                        root: repository.clone(),
                    });
                }
            }
            Ok(_) => {}
            Err(err) => {
                let path = err.path().map_or_else(|| root.to_path_buf(), Path::to_path_buf);
                let error = err
                    .io_error()
                    .map_or_else(|| err.to_string(), ToString::to_string);
                inputs.push(Input::Unreadable { path, error });
            }
        }
    }
}
