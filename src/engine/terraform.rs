//! Terraform configuration is loaded a module at a time: a directory's `.tf` and `.tf.json`
//! files are parsed together and lowered into one template, since a resource, the variable
//! its password comes from and the policy document it uses may sit in three files. The
//! template rides on the first file of the module that parsed; the others are there for
//! their text. A file named alone is loaded with its directory's other files, which are
//! context only: findings are reported for the files named (pre-commit passes only the
//! changed ones) and for the files their `file()` calls read.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use super::{Loaded, Memory, Read, engine_finding, path_key, raw_path, read};
use crate::discover::Input;
use crate::model::terraform::{FileProblem, ModuleFile, lower_module};
use crate::model::{DocumentKind, Language};
use crate::parse::hcl;
use crate::read::{Decoded, ReadError, Symlinks, decode, read_file};
use crate::repository;
use crate::rules::{IO_ERROR, PARSE_ERROR, Registry};
use crate::secrets::{Unparsed, module_secrets, unparsed_values};
use crate::source::{FileId, Span};
use crate::timing::{self, Phase};

/// Whether a path names Terraform configuration.
pub fn is_configuration(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.ends_with(".tf") || lower.ends_with(".tf.json")
}

/// Whether a path names Terraform variable values (`terraform.tfvars`, `prod.tfvars.json`).
pub fn is_variable_values(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.ends_with(".tfvars") || lower.ends_with(".tfvars.json")
}

/// How a module's file is scanned when it does not parse.
fn unparsed_syntax(path: &str) -> Unparsed {
    if path.to_ascii_lowercase().ends_with(".json") {
        Unparsed::Json
    } else {
        Unparsed::Hcl
    }
}

/// The inputs of one module.
struct ModuleInputs {
    /// `None` for standard input, which has no directory to read siblings from.
    dir: Option<PathBuf>,
    /// The repository its `file()` calls and sibling files must stay inside (that of its
    /// first input when a directory was reached in two ways).
    root: Arc<Path>,
    /// Indices into the inputs.
    members: Vec<usize>,
}

/// The Terraform inputs in batches of about `size` files, for the engine to check one at
/// a time: a module's files always go together (a module larger than `size` is a batch of
/// its own), modules in the order of their first file.
pub(super) fn batches(inputs: &[Input], size: usize) -> Vec<Vec<Input>> {
    let mut batches: Vec<Vec<Input>> = Vec::new();
    let mut current: Vec<Input> = Vec::new();
    for module in modules(inputs) {
        if !current.is_empty() && current.len() + module.members.len() > size {
            batches.push(std::mem::take(&mut current));
        }
        current.extend(module.members.iter().map(|&i| inputs[i].clone()));
    }
    if !current.is_empty() {
        batches.push(current);
    }
    batches
}

/// The Terraform inputs, grouped by directory.
fn modules(inputs: &[Input]) -> Vec<ModuleInputs> {
    let mut modules: Vec<ModuleInputs> = Vec::new();
    let mut by_dir: HashMap<PathBuf, usize> = HashMap::new();
    for (i, input) in inputs.iter().enumerate() {
        match input {
            Input::File { path, .. } | Input::Unreadable { path, .. }
                if is_configuration(&path.to_string_lossy()) =>
            {
                let dir = match path.parent() {
                    Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                    _ => PathBuf::from("."),
                };
                match by_dir.get(&dir) {
                    Some(&module) => modules[module].members.push(i),
                    None => {
                        by_dir.insert(dir.clone(), modules.len());
                        let root = match input {
                            Input::File { root, .. } => root.clone(),
                            // A directory entry that could not be read: only its directory.
                            _ => repository::root_of(&dir).into(),
                        };
                        modules.push(ModuleInputs {
                            dir: Some(dir),
                            root,
                            members: vec![i],
                        });
                    }
                }
            }
            Input::Stdin { name } if is_configuration(name) => modules.push(ModuleInputs {
                dir: None,
                root: repository::root_of_current_dir().into(),
                members: vec![i],
            }),
            _ => {}
        }
    }
    modules
}

/// Fills in the placeholders `load` left for Terraform inputs, and appends the files the
/// modules read beyond the inputs (with ids from `loaded.len()` on).
pub(super) fn load_modules(
    loaded: &mut Vec<Loaded>,
    inputs: &[Input],
    stdin: Memory<'_>,
    registry: &'static Registry,
) {
    let modules = modules(inputs);
    if modules.is_empty() {
        return;
    }
    let input_ids: HashMap<PathBuf, FileId> = inputs
        .iter()
        .enumerate()
        .filter_map(|(i, input)| match input {
            Input::File { path, .. } => Some((path_key(path), FileId(i as u32))),
            _ => None,
        })
        .collect();
    let next_id = AtomicU32::new(u32::try_from(loaded.len()).unwrap_or(u32::MAX));
    let context = Context {
        inputs,
        input_ids: &input_ids,
        stdin,
        next_id: &next_id,
        registry,
    };
    let results: Vec<ModuleLoad> = modules.par_iter().map(|m| context.load(m)).collect();
    let mut extras = Vec::new();
    for result in results {
        for (i, member) in result.members {
            loaded[i] = member;
        }
        extras.extend(result.extras);
    }
    // Every id handed out belongs to exactly one extra file.
    extras.sort_by_key(|(id, _)| id.0);
    loaded.extend(extras.into_iter().map(|(_, file)| file));
}

struct Context<'c> {
    inputs: &'c [Input],
    input_ids: &'c HashMap<PathBuf, FileId>,
    stdin: Memory<'c>,
    next_id: &'c AtomicU32,
    registry: &'static Registry,
}

struct ModuleLoad {
    /// The named files, by input index.
    members: Vec<(usize, Loaded)>,
    /// Siblings and `file()` targets, by the id they were given.
    extras: Vec<(FileId, Loaded)>,
}

fn loaded(path: String, text: Arc<str>) -> Loaded {
    Loaded::new(path, text, Language::Terraform)
}

/// The text of a file a module reads beyond its inputs (a sibling, a `file()` target): a
/// regular file inside the repository, under the size cap, that decodes as text: where it
/// really is, and its text. `Err` says why not, starting with the path.
fn read_contained(memory: Memory<'_>, root: &Path, path: &Path) -> Result<(PathBuf, Arc<str>), FileProblem> {
    let resolved = repository::resolve_inside(root, path).map_err(FileProblem::Unread)?;
    if let Some(text) = memory.buffer(&resolved) {
        return Ok((resolved, text.clone()));
    }
    let bytes = timing::phase(Phase::Read, || read_file(&resolved, Symlinks::Refuse)).map_err(|err| {
        FileProblem::Unread(match err {
            ReadError::Io(err) => format!("`{}` cannot be read: {err}", path.display()),
            other => format!("`{}`: {other}", path.display()),
        })
    })?;
    match decode(bytes) {
        Decoded::Text(text) => Ok((resolved, Arc::from(text))),
        Decoded::Invalid { message, .. } => Err(FileProblem::NotJson(format!(
            "`{}` is not a JSON policy document: {message}",
            path.display()
        ))),
    }
}

impl Context<'_> {
    fn new_id(&self) -> FileId {
        FileId(self.next_id.fetch_add(1, Ordering::Relaxed))
    }

    fn load(&self, module: &ModuleInputs) -> ModuleLoad {
        let finding =
            |rule: &str, span: Span, message: String| engine_finding(self.registry, rule, span, message);
        let mut members: Vec<(usize, Loaded)> = Vec::new();
        for &i in &module.members {
            let file = FileId(i as u32);
            let mut member = loaded(self.inputs[i].display(), Arc::from(""));
            member.raw_path = raw_path(&self.inputs[i]);
            member.checked = true;
            let at_start = Span::new(file, 0, 0);
            match timing::phase(Phase::Read, || read(&self.inputs[i], self.stdin)) {
                Err(message) => member.findings.push(finding(IO_ERROR, at_start, message)),
                Ok((Read::TooLarge(message), _)) => {
                    member.findings.push(finding(IO_ERROR, at_start, message))
                }
                Ok((
                    Read::NotText {
                        valid_up_to,
                        prefix,
                        message,
                    },
                    _,
                )) => {
                    let syntax = unparsed_syntax(&member.path);
                    member.secrets.spans = unparsed_values(file, &prefix, syntax);
                    member.text = Arc::from(prefix);
                    member.findings.push(finding(
                        PARSE_ERROR,
                        Span::new(file, valid_up_to, valid_up_to),
                        message,
                    ));
                }
                Ok((Read::Text(text), _)) => member.text = Arc::from(text),
            }
            members.push((i, member));
        }
        // The rest of the directory: part of the module, context only.
        let named: HashSet<PathBuf> = module
            .members
            .iter()
            .filter_map(|&i| match &self.inputs[i] {
                Input::File { path, .. } => Some(path_key(path)),
                _ => None,
            })
            .collect();
        let mut extras: Vec<(FileId, Loaded)> = Vec::new();
        if let Some(dir) = &module.dir {
            let mut siblings: Vec<PathBuf> = std::fs::read_dir(dir)
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path())
                .filter(|p| is_configuration(&p.to_string_lossy()) && !named.contains(&path_key(p)))
                .collect();
            siblings.sort();
            for path in siblings {
                // Context only: one that cannot be read (a link out of the repository, a
                // FIFO) is left out, as the walk leaves links out.
                if let Ok((_, text)) = read_contained(self.stdin, &module.root, &path) {
                    let mut sibling = loaded(path.to_string_lossy().into_owned(), text);
                    sibling.raw_path = Some(path);
                    sibling.context_only = true;
                    extras.push((self.new_id(), sibling));
                }
            }
        }
        // Parse every file of the module that has text.
        let mut bodies: Vec<(FileId, Arc<str>, hcl::Body)> = Vec::new();
        let all = members
            .iter_mut()
            .map(|(i, m)| (FileId(*i as u32), m))
            .chain(extras.iter_mut().map(|(id, m)| (*id, m)));
        for (file, member) in all {
            if !member.findings.is_empty() {
                continue;
            }
            let parsed = timing::phase(Phase::Parse, || {
                if member.path.to_ascii_lowercase().ends_with(".json") {
                    hcl::parse_json_syntax(file, &member.text)
                } else {
                    hcl::parse(file, &member.text)
                }
            });
            match parsed {
                Ok(body) => {
                    if !member.path.to_ascii_lowercase().ends_with(".json") {
                        member.suppressions = crate::suppress::from_hcl(file, &member.text, &body);
                    }
                    bodies.push((file, member.text.clone(), body))
                }
                Err(err) => {
                    member.findings.push(finding(PARSE_ERROR, err.span, err.message));
                    let syntax = unparsed_syntax(&member.path);
                    member.secrets.spans = unparsed_values(file, &member.text, syntax);
                }
            }
        }
        let sources: Vec<ModuleFile<'_>> = bodies
            .iter()
            .map(|(file, text, body)| ModuleFile {
                file: *file,
                text,
                body,
            })
            .collect();
        if let Some((_, first)) = members.first_mut() {
            first.secrets.extend(module_secrets(&sources));
        }
        // The template rides on the first named file that parsed.
        let Some(carrier) = members
            .iter()
            .position(|(i, _)| bodies.iter().any(|(file, ..)| file.0 as usize == *i))
        else {
            return ModuleLoad { members, extras };
        };
        // `file()` targets: an input keeps its id, anything else gets a new one.
        // Each with its path when it was not an input.
        type ReadFile = (FileId, Option<PathBuf>, Arc<str>);
        let read_files: Mutex<Vec<ReadFile>> = Mutex::new(Vec::new());
        let mut loader = |path: &Path| {
            let (resolved, text) =
                read_contained(self.stdin, &module.root, path).map_err(|problem| match problem {
                    FileProblem::Unread(why) => FileProblem::Unread(format!("`file()` target {why}")),
                    FileProblem::NotJson(why) => FileProblem::NotJson(format!("`file()` target {why}")),
                })?;
            let (file, new) = match self.input_ids.get(&resolved) {
                Some(id) => (*id, false),
                None => (self.new_id(), true),
            };
            if let Ok(mut read_files) = read_files.lock() {
                // Where it really is, relative to the current directory as the paths the
                // user passes: `policies/p.json`, not `infra/../policies/p.json`.
                let path = new.then(|| {
                    std::env::current_dir()
                        .ok()
                        .and_then(|cwd| resolved.strip_prefix(cwd).ok().map(Path::to_path_buf))
                        .unwrap_or_else(|| resolved.clone())
                });
                read_files.push((file, path, text.clone()));
            }
            Ok((file, text))
        };
        let dir = module.dir.clone().unwrap_or_else(|| PathBuf::from("."));
        // Lowering a module into a template is Terraform's parse; the `file()` targets it
        // reads count as reading.
        let lowered = timing::phase(Phase::Parse, || lower_module(&sources, &dir, &mut loader));
        let read_files = read_files.into_inner().unwrap_or_default();
        let mut texts: Vec<(FileId, Arc<str>)> = bodies
            .iter()
            .map(|(file, text, _)| (*file, text.clone()))
            .collect();
        let (_, carrier) = &mut members[carrier];
        for (file, path, text) in read_files {
            // A file read by `file()` that does not parse is masked like any other.
            if lowered.errors.iter().any(|e| e.span.file == file) {
                carrier
                    .secrets
                    .spans
                    .extend(unparsed_values(file, &text, Unparsed::Json));
            }
            texts.push((file, text.clone()));
            if let Some(path) = path {
                let mut target = loaded(path.to_string_lossy().into_owned(), text);
                target.raw_path = Some(path);
                extras.push((file, target));
            }
        }
        carrier.findings.extend(
            lowered
                .errors
                .into_iter()
                .map(|err| finding(PARSE_ERROR, err.span, err.message))
                .chain(
                    lowered
                        .unread
                        .into_iter()
                        .map(|err| finding(IO_ERROR, err.span, err.message)),
                ),
        );
        carrier.root = Some((lowered.root, DocumentKind::Template));
        carrier.texts = texts;
        ModuleLoad { members, extras }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_keep_a_module_together_and_stay_near_the_size() {
        let root: Arc<Path> = Path::new(".").into();
        let file = |path: &str| Input::File {
            path: PathBuf::from(path),
            explicit: false,
            root: root.clone(),
        };
        // Modules of 2, 3, 1 and 5 files, their files interleaved as a walk may give them.
        let inputs = vec![
            file("a/main.tf"),
            file("b/main.tf"),
            file("a/vars.tf"),
            file("b/vars.tf"),
            file("c/main.tf"),
            file("b/out.tf"),
            file("d/1.tf"),
            file("d/2.tf"),
            file("d/3.tf"),
            file("d/4.tf"),
            file("d/5.tf"),
        ];
        let batches: Vec<Vec<String>> = batches(&inputs, 4)
            .iter()
            .map(|batch| batch.iter().map(Input::display).collect())
            .collect();
        assert_eq!(
            batches,
            [
                vec!["a/main.tf", "a/vars.tf"],
                vec!["b/main.tf", "b/vars.tf", "b/out.tf", "c/main.tf"],
                vec!["d/1.tf", "d/2.tf", "d/3.tf", "d/4.tf", "d/5.tf"],
            ]
        );
    }
}
