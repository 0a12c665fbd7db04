//! The files of a git revision, read without a checkout: `git ls-tree` lists them and
//! `git cat-file --batch` reads them all in one process, into [`Buffers`] that the engine
//! reads before the disk.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;

use crate::discover::Input;
use crate::engine::{Buffers, MAX_FILE_BYTES};

/// The inputs of `paths` (relative to the current directory) as they are in `revision`,
/// and their texts. `include` decides which walked files are inputs, as `check` does.
pub fn read(
    revision: &str,
    paths: &[PathBuf],
    include: impl Fn(&Path) -> bool,
) -> Result<(Vec<Input>, Buffers), String> {
    let top = git(&["rev-parse", "--show-toplevel"], None)?;
    let top = PathBuf::from(String::from_utf8_lossy(&top).trim_end());
    // Refuse anything that is not a revision before it reaches another git command.
    if revision.starts_with('-') {
        return Err(format!("--base {revision}: not a git revision"));
    }
    git(
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{revision}^{{commit}}"),
        ],
        None,
    )
    .map_err(|_| format!("--base {revision}: not a git revision of this repository"))?;
    let mut args: Vec<String> = ["ls-tree", "-r", "-z", "--name-only", revision, "--"]
        .iter()
        .map(ToString::to_string)
        .collect();
    args.extend(paths.iter().map(|p| p.to_string_lossy().into_owned()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let listed = git(&args, None)?;
    // Without `--full-name`, ls-tree names files relative to the current directory.
    let names: Vec<String> = listed
        .split(|&b| b == 0)
        .filter(|n| !n.is_empty())
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .filter(|n| include(Path::new(n)))
        .collect();
    let cwd = std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
    let mut batch = String::new();
    for name in &names {
        batch.push_str(&format!("{revision}:./{name}\n"));
    }
    let texts = cat_files(&batch, names.len())?;
    let root: Arc<Path> = top.into();
    let mut buffers = Buffers::default();
    let mut inputs = Vec::new();
    for (name, text) in names.into_iter().zip(texts) {
        let Some(text) = text else { continue };
        // Found by the path the engine reads it by: absolute when the working tree has the
        // file (canonicalized), as named when it does not (deleted since).
        let text: Arc<str> = Arc::from(text);
        buffers.insert(&cwd.join(&name), text.clone());
        buffers.insert(Path::new(&name), text);
        inputs.push(Input::File {
            path: PathBuf::from(name),
            explicit: false,
            root: root.clone(),
        });
    }
    // A Terraform module is read with the other `.tf` files of its directory: those that
    // the working tree has and the revision does not are empty in the revision.
    let listed: std::collections::HashSet<PathBuf> = inputs
        .iter()
        .filter_map(|i| match i {
            Input::File { path, .. } => Some(path.clone()),
            _ => None,
        })
        .collect();
    let module_dirs: std::collections::BTreeSet<PathBuf> = listed
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "tf"))
        .map(|p| p.parent().map(Path::to_path_buf).unwrap_or_default())
        .collect();
    for dir in module_dirs {
        let on_disk = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            &dir
        };
        for entry in std::fs::read_dir(on_disk).into_iter().flatten().flatten() {
            let name = dir.join(entry.file_name());
            if name.extension().is_some_and(|e| e == "tf") && !listed.contains(&name) {
                buffers.insert(&cwd.join(&name), Arc::from(""));
            }
        }
    }
    Ok((inputs, buffers))
}

fn git(args: &[&str], input: Option<&str>) -> Result<Vec<u8>, String> {
    let mut child = Command::new("git")
        .args(args)
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if let (Some(text), Some(mut stdin)) = (input, child.stdin.take()) {
        stdin
            .write_all(text.as_bytes())
            .map_err(|e| format!("cannot write to git: {e}"))?;
    }
    let output = child.wait_with_output().map_err(|e| format!("git failed: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "git {}: {}",
            args.first().copied().unwrap_or_default(),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(output.stdout)
}

/// The text of each object named in `batch` (one `rev:path` a line), `None` for one that
/// is missing, too large or not UTF-8 text.
fn cat_files(batch: &str, count: usize) -> Result<Vec<Option<String>>, String> {
    let mut child = Command::new("git")
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run git: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("cannot write to git")?;
    let batch = batch.to_string();
    // Written from another thread: git answers while it reads, and a full pipe each way
    // would stop both.
    let writer = std::thread::spawn(move || stdin.write_all(batch.as_bytes()));
    let stdout = child.stdout.take().ok_or("cannot read from git")?;
    let mut reader = BufReader::new(stdout);
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        let mut header = String::new();
        reader
            .read_line(&mut header)
            .map_err(|e| format!("cannot read from git: {e}"))?;
        // `<oid> <type> <size>` or `<name> missing`.
        let fields: Vec<&str> = header.split_whitespace().collect();
        let size = match fields.as_slice() {
            [_, "blob", size] => size.parse::<u64>().ok(),
            _ => None,
        };
        let Some(size) = size else {
            out.push(None);
            continue;
        };
        let mut bytes = Vec::new();
        (&mut reader)
            .take(size + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read from git: {e}"))?;
        bytes.pop();
        out.push(if size > MAX_FILE_BYTES {
            None
        } else {
            String::from_utf8(bytes).ok()
        });
    }
    let _ = writer.join();
    let _ = child.wait();
    Ok(out)
}
