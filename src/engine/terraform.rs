//! Terraform configuration is checked a module at a time: a directory's `.tf` and `.tf.json`
//! files are parsed together and lowered into one template, since a resource, the
//! variable its password comes from and the policy document it uses may sit in three
//! files. A file named alone is checked with its directory's other files, but findings are
//! reported only for the files named (pre-commit passes only the changed ones) and for the
//! files their `file()` calls read.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use super::{MAX_FILE_BYTES, Read, Selection, assignments_of, engine_finding, read, run_rules};
use crate::discover::Input;
use crate::finding::Finding;
use crate::model::terraform::{ModuleFile, lower_module};
use crate::model::{DocumentKind, FileModel, Language, Texts};
use crate::parse::hcl;
use crate::rules::{IO_ERROR, PARSE_ERROR, Registry, secret_spans};
use crate::source::{FileId, Span};

/// Whether a path names Terraform configuration.
pub fn is_configuration(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.ends_with(".tf") || lower.ends_with(".tf.json")
}

/// The inputs of one module.
pub struct ModuleInputs {
    /// `None` for standard input, which has no directory to read siblings from.
    dir: Option<PathBuf>,
    /// Indices into the inputs.
    members: Vec<usize>,
}

pub struct ModuleOutcome {
    /// Every file the module read: (id, path, text).
    pub files: Vec<(FileId, String, Arc<str>)>,
    pub findings: Vec<Finding>,
    pub redactions: Vec<Span>,
    /// Named files that were checked.
    pub checked: usize,
}

/// Splits the inputs into Terraform modules (by directory) and the other files.
pub fn modules(inputs: &[Input]) -> (Vec<ModuleInputs>, Vec<usize>) {
    let mut modules: Vec<ModuleInputs> = Vec::new();
    let mut singles = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        match input {
            Input::File { path, .. } if is_configuration(&path.to_string_lossy()) => {
                let dir = match path.parent() {
                    Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                    _ => PathBuf::from("."),
                };
                match modules.iter_mut().find(|m| m.dir.as_ref() == Some(&dir)) {
                    Some(module) => module.members.push(i),
                    None => modules.push(ModuleInputs {
                        dir: Some(dir),
                        members: vec![i],
                    }),
                }
            }
            Input::Stdin { name } if is_configuration(name) => modules.push(ModuleInputs {
                dir: None,
                members: vec![i],
            }),
            _ => singles.push(i),
        }
    }
    (modules, singles)
}

/// One file of the module as read.
struct Read1 {
    file: FileId,
    path: String,
    text: Arc<str>,
    /// Named by the user: findings in it are reported.
    reported: bool,
}

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

fn read_small(path: &Path) -> Option<Arc<str>> {
    let size = std::fs::metadata(path).ok()?.len();
    if size > MAX_FILE_BYTES {
        return None;
    }
    String::from_utf8(std::fs::read(path).ok()?).ok().map(Arc::from)
}

pub fn check_module(
    module: &ModuleInputs,
    inputs: &[Input],
    stdin: Option<&str>,
    next_id: &AtomicU32,
    registry: &'static Registry,
    selection: &Selection,
) -> ModuleOutcome {
    let mut outcome = ModuleOutcome {
        files: Vec::new(),
        findings: Vec::new(),
        redactions: Vec::new(),
        checked: 0,
    };
    let finding = |rule: &str, span: Span, message: String| engine_finding(registry, rule, span, message);
    let mut files: Vec<Read1> = Vec::new();
    for &i in &module.members {
        let file = FileId(i as u32);
        let path = inputs[i].display();
        let at_start = Span::new(file, 0, 0);
        outcome.checked += 1;
        match read(&inputs[i], stdin) {
            Err(message) => outcome.findings.push(finding(IO_ERROR, at_start, message)),
            Ok((Read::TooLarge(size), _)) => outcome.findings.push(finding(
                IO_ERROR,
                at_start,
                format!("file is {size} bytes, larger than the {MAX_FILE_BYTES}-byte limit; not checked"),
            )),
            Ok((Read::NotUtf8 { valid_up_to, prefix }, _)) => {
                outcome.findings.push(finding(
                    PARSE_ERROR,
                    Span::new(file, valid_up_to, valid_up_to),
                    "file is not valid UTF-8 text (a binary file?)".to_string(),
                ));
                outcome.files.push((file, path, Arc::from(prefix)));
            }
            Ok((Read::Text(text), _)) => files.push(Read1 {
                file,
                path,
                text: Arc::from(text),
                reported: true,
            }),
        }
    }
    // The rest of the directory: part of the module, not reported.
    let named: HashSet<PathBuf> = module
        .members
        .iter()
        .filter_map(|&i| match &inputs[i] {
            Input::File { path, .. } => Some(canonical(path)),
            _ => None,
        })
        .collect();
    if let Some(dir) = &module.dir {
        let mut siblings: Vec<PathBuf> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p.is_file() && is_configuration(&p.to_string_lossy()) && !named.contains(&canonical(p))
            })
            .collect();
        siblings.sort();
        for path in siblings {
            if let Some(text) = read_small(&path) {
                files.push(Read1 {
                    file: FileId(next_id.fetch_add(1, Ordering::Relaxed)),
                    path: path.to_string_lossy().into_owned(),
                    text,
                    reported: false,
                });
            }
        }
    }
    let mut bodies = Vec::new();
    for f in &files {
        let parsed = if f.path.to_ascii_lowercase().ends_with(".json") {
            hcl::parse_json_syntax(f.file, &f.text)
        } else {
            hcl::parse(f.file, &f.text)
        };
        match parsed {
            Ok(body) => bodies.push((f, body)),
            Err(err) => {
                if f.reported {
                    outcome.findings.push(finding(PARSE_ERROR, err.span, err.message));
                    for key in ["password", "password_wo"] {
                        outcome
                            .redactions
                            .extend(assignments_of(f.file, &f.text, key, '='));
                    }
                }
            }
        }
    }
    let sources: Vec<ModuleFile<'_>> = bodies
        .iter()
        .map(|(f, body)| ModuleFile {
            file: f.file,
            text: &f.text,
            body,
        })
        .collect();
    // `file()` targets: an input keeps its id, anything else gets a new one.
    let input_ids: HashMap<PathBuf, FileId> = inputs
        .iter()
        .enumerate()
        .filter_map(|(i, input)| match input {
            Input::File { path, .. } => Some((canonical(path), FileId(i as u32))),
            _ => None,
        })
        .collect();
    let loaded: Mutex<Vec<(FileId, String, Arc<str>)>> = Mutex::new(Vec::new());
    let mut loader = |path: &Path| {
        let text = read_small(path)?;
        let file = input_ids
            .get(&canonical(path))
            .copied()
            .unwrap_or_else(|| FileId(next_id.fetch_add(1, Ordering::Relaxed)));
        if let Ok(mut loaded) = loaded.lock() {
            loaded.push((file, path.to_string_lossy().into_owned(), text.clone()));
        }
        Some((file, text))
    };
    let dir = module.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let lowered = lower_module(&sources, &dir, &mut loader);
    let loaded = loaded.into_inner().unwrap_or_default();
    let mut texts: Vec<(FileId, Arc<str>)> = files.iter().map(|f| (f.file, f.text.clone())).collect();
    texts.extend(loaded.iter().map(|(id, _, text)| (*id, text.clone())));
    let model = FileModel::build_in(
        &lowered.root,
        Texts::Many(&texts),
        DocumentKind::Template,
        Language::Terraform,
    );
    let reported: HashSet<FileId> = files
        .iter()
        .filter(|f| f.reported)
        .map(|f| f.file)
        .chain(loaded.iter().map(|(id, ..)| *id))
        .collect();
    let mut findings: Vec<Finding> = lowered
        .errors
        .iter()
        .chain(&model.errors)
        .map(|err| finding(PARSE_ERROR, err.span, err.message.clone()))
        .collect();
    findings.extend(run_rules(&model, registry, selection));
    // A document used by two resources is checked twice: report it once.
    let mut seen = HashSet::new();
    findings.retain(|f| reported.contains(&f.span.file) && seen.insert((f.rule, f.span, f.message.clone())));
    outcome.findings.extend(findings);
    outcome.redactions.extend(secret_spans(&model));
    outcome.redactions.extend(lowered.secrets);
    outcome
        .files
        .extend(files.into_iter().map(|f| (f.file, f.path, f.text)));
    outcome.files.extend(loaded);
    outcome
}
