//! The repository being checked: the directory that no path taken from file content or
//! configuration may lead out of (a Terraform `file()` argument, the policies, boundaries
//! and SCPs a `.iamlint.toml` names, a symbolic link committed among them), so that a
//! repository cannot make iamlint read, and print, `/proc/self/environ` or `~/.aws`.
//!
//! Its root is the top level of the git work tree that holds the checked directory: the
//! nearest ancestor, the directory itself included, with a `.git` directory or file (a
//! worktree or submodule has a file), found without running git. Outside any work tree it
//! is the checked directory itself, which is:
//! - for a directory named on the command line: that directory (every file walked in it);
//! - for a file named on the command line: the directory that holds it;
//! - for the files a `.iamlint.toml` names: the directory of the config file;
//! - for standard input: the current directory.
//!
//! Paths are compared canonicalised (`..` and every symbolic link resolved), so a link
//! inside the repository that stays inside is fine, and one that leads out is refused.

use std::path::{Path, PathBuf};

/// The root of the repository that holds `checked` (a directory), canonicalised.
pub fn root_of(checked: &Path) -> PathBuf {
    let dir = std::fs::canonicalize(checked)
        .or_else(|_| std::path::absolute(checked))
        .unwrap_or_else(|_| checked.to_path_buf());
    dir.ancestors()
        .find(|ancestor| ancestor.join(".git").symlink_metadata().is_ok())
        .map_or(dir.clone(), Path::to_path_buf)
}

/// The root for standard input, whose relative paths resolve against the current directory.
pub fn root_of_current_dir() -> PathBuf {
    root_of(Path::new("."))
}

/// Where `path` really is, when that is inside `root`; `Err` says why it is refused (with
/// `path` as shown to the user) or why it cannot be resolved.
pub fn resolve_inside(root: &Path, path: &Path) -> Result<PathBuf, String> {
    let resolved =
        std::fs::canonicalize(path).map_err(|e| format!("`{}` cannot be read: {e}", path.display()))?;
    if resolved.starts_with(root) {
        Ok(resolved)
    } else {
        Err(format!(
            "`{}` resolves to `{}`, outside the repository being checked (`{}`); not read",
            path.display(),
            resolved.display(),
            root.display()
        ))
    }
}

/// Why a path written in file content or config is refused before it is resolved: an
/// absolute path names a file of this machine, not of the repository.
pub fn refuse_absolute(written: &str) -> Option<String> {
    let path = Path::new(written);
    (path.has_root() || path.is_absolute()).then(|| {
        format!(
            "`{written}` is an absolute path; iamlint reads only files inside the repository being checked, named by a relative path; not read"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_is_the_nearest_work_tree_or_the_directory_itself() {
        let dir = tempfile::tempdir().unwrap();
        let base = std::fs::canonicalize(dir.path()).unwrap();
        let nested = base.join("a/b");
        std::fs::create_dir_all(&nested).unwrap();
        assert_eq!(root_of(&nested), nested);
        // A worktree or submodule has a `.git` file, not a directory.
        std::fs::write(base.join("a/.git"), "gitdir: elsewhere\n").unwrap();
        assert_eq!(root_of(&nested), base.join("a"));
        std::fs::create_dir(nested.join(".git")).unwrap();
        assert_eq!(root_of(&nested), nested);
    }

    #[test]
    fn paths_leading_out_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        std::fs::create_dir(root.join("m")).unwrap();
        std::fs::write(root.join("p.json"), "{}").unwrap();
        assert!(resolve_inside(&root, &root.join("m/../p.json")).is_ok());
        let err = resolve_inside(&root, &root.join("m/../../")).unwrap_err();
        assert!(err.contains("outside the repository"), "{err}");
        assert!(refuse_absolute("/etc/passwd").is_some());
        assert!(refuse_absolute("policies/p.json").is_none());
    }
}
