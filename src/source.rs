//! Source files, byte spans and the byte -> line/column mapping used only by reporters.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

/// Index of a file in the [`SourceMap`] of one run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// A byte range in one source file; `end` is exclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span {
            file,
            start: clamp_u32(start),
            end: clamp_u32(end.max(start)),
        }
    }

    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

fn clamp_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// One input, as read. `path` is the path as discovered (relative when given relative),
/// as text: a file name that is not valid UTF-8 has U+FFFD in place of its invalid bytes.
#[derive(Debug)]
pub struct SourceFile {
    pub path: String,
    /// The same path with the bytes the file system gave (what SARIF's URI encodes);
    /// `None` for standard input.
    pub raw_path: Option<PathBuf>,
    pub text: Arc<str>,
    /// Read only for what other files need from it (a policy a config's principal names, a
    /// sibling of a Terraform file named alone): its own findings are not reported.
    pub context_only: bool,
    /// Read but not checked: neither a policy nor a template (a `package.json` found while
    /// walking, `.tfvars`). Reports that list the checked files leave it out.
    pub skipped: bool,
    /// Built on the first position asked for, then shared.
    line_index: OnceLock<LineIndex>,
    /// The text was let go of (see [`SourceMap::release_texts`]): positions are answered
    /// from `positions` alone.
    released: bool,
    /// For a released file, the line and column of each offset that was asked to be kept,
    /// by offset.
    positions: Vec<(u32, u32, u32)>,
}

impl SourceFile {
    /// The 1-based line and column of a byte offset.
    pub fn line_col(&self, offset: usize) -> LineCol {
        if self.released {
            let found = self
                .positions
                .binary_search_by_key(&offset, |&(at, ..)| at as usize)
                .ok()
                .map(|i| self.positions[i]);
            debug_assert!(found.is_some(), "{}: no position kept for {offset}", self.path);
            let (_, line, column) = found.unwrap_or((0, 1, 1));
            return LineCol {
                line: line as usize,
                column: column as usize,
            };
        }
        self.index().line_col(&self.text, offset)
    }

    /// The 1-based line of a byte offset (without counting columns).
    pub fn line_of(&self, offset: usize) -> usize {
        self.index().line_of(offset.min(self.text.len()))
    }

    /// The byte range of a 1-based line, without its `\n`; `None` past the last line.
    pub fn line_range(&self, line: usize) -> Option<std::ops::Range<usize>> {
        let index = self.index();
        let start = index.start_of(line.checked_sub(1)?)?;
        let end = index.start_of(line).map_or(self.text.len(), |next| next - 1);
        Some(start..end)
    }

    /// The number of lines (a text that ends with `\n` has an empty last line).
    pub fn line_count(&self) -> usize {
        self.index().line_starts.len()
    }

    fn index(&self) -> &LineIndex {
        debug_assert!(
            !self.released,
            "a position in {} after its text was released",
            self.path
        );
        self.line_index.get_or_init(|| LineIndex::new(&self.text))
    }
}

/// All files of a run, addressed by [`FileId`].
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn add(&mut self, path: String, text: Arc<str>) -> FileId {
        self.add_file(path, None, text)
    }

    /// Adds a file read from `raw_path`, shown as `path`.
    pub fn add_file(&mut self, path: String, raw_path: Option<PathBuf>, text: Arc<str>) -> FileId {
        let id = FileId(clamp_u32(self.files.len()));
        self.files.push(SourceFile {
            path,
            raw_path,
            text,
            context_only: false,
            skipped: false,
            line_index: OnceLock::new(),
            released: false,
            positions: Vec::new(),
        });
        id
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn files(&self) -> impl Iterator<Item = &SourceFile> {
        self.files.iter()
    }

    /// Marks a file as read only for what other files need from it.
    pub fn set_context_only(&mut self, id: FileId) {
        self.files[id.0 as usize].context_only = true;
    }

    pub fn set_skipped(&mut self, id: FileId) {
        self.files[id.0 as usize].skipped = true;
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Shows every path with a prefix before it (`origin/main:` for a revision's files).
    pub fn prefix_paths(&mut self, prefix: &str) {
        for file in &mut self.files {
            file.path = format!("{prefix}{}", file.path);
        }
    }

    /// Lets go of the text of every file that `keep` says to: a run over many files holds
    /// only what its reports will read, not every file it read. A released file keeps its
    /// path and flags, and the line and column of the offsets `keep` lists (sorted); asking
    /// it for any other position, a line or a snippet afterwards is a bug.
    pub fn release_texts(&mut self, mut keep: impl FnMut(FileId) -> Keep) {
        let empty: Arc<str> = Arc::from("");
        for (i, file) in self.files.iter_mut().enumerate() {
            let offsets = match keep(FileId(clamp_u32(i))) {
                Keep::Text => continue,
                Keep::Positions(offsets) => offsets,
            };
            file.positions = if offsets.is_empty() {
                Vec::new()
            } else {
                let index = LineIndex::new(&file.text);
                offsets
                    .into_iter()
                    .map(|at| {
                        let LineCol { line, column } = index.line_col(&file.text, at as usize);
                        (at, clamp_u32(line), clamp_u32(column))
                    })
                    .collect()
            };
            file.text = empty.clone();
            file.line_index = OnceLock::new();
            file.released = true;
        }
    }

    /// Appends the files of another map; its ids become `id + offset`, where `offset` is
    /// the length of this map before.
    pub fn append(&mut self, other: SourceMap) -> u32 {
        let offset = clamp_u32(self.files.len());
        self.files.extend(other.files);
        offset
    }
}

/// What [`SourceMap::release_texts`] keeps of a file.
pub enum Keep {
    Text,
    /// The line and column of these offsets (sorted, each once) and not the text.
    Positions(Vec<u32>),
}

/// 1-based line and column; the column counts characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// Maps byte offsets of one text to lines and columns. A lookup costs O(log lines) plus
/// at most [`CHECKPOINT`] bytes of character counting, whatever the length of the line: a
/// minified 16 MiB document is one line, and a report asks for two columns per finding.
#[derive(Debug)]
pub struct LineIndex {
    /// Byte offsets, as `u32` like [`Span`]'s: the report of a large run builds one index
    /// per file with findings, and holds them all until it is written.
    line_starts: Vec<u32>,
    /// For every [`CHECKPOINT`]-th byte offset (rounded down to a character boundary),
    /// that offset and the number of characters before it. Empty for ASCII text, whose
    /// columns are byte differences.
    checkpoints: Vec<(usize, usize)>,
}

/// Bytes between two character-count checkpoints of a non-ASCII text.
const CHECKPOINT: usize = 4096;

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| clamp_u32(i + 1)));
        let mut checkpoints = Vec::new();
        if !text.is_ascii() {
            let (mut at, mut chars) = (0, 0);
            while at < text.len() {
                checkpoints.push((at, chars));
                let next = floor_char_boundary(text, (at + CHECKPOINT).min(text.len()));
                let next = if next > at {
                    next
                } else {
                    // A checkpoint inside one long character: move past it.
                    text[at..]
                        .chars()
                        .next()
                        .map_or(text.len(), |c| at + c.len_utf8())
                };
                chars += text[at..next].chars().count();
                at = next;
            }
        }
        LineIndex {
            line_starts,
            checkpoints,
        }
    }

    /// The 1-based line of a byte offset.
    fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&s| s as usize <= offset)
    }

    /// The byte offset where a 0-based line starts.
    fn start_of(&self, line: usize) -> Option<usize> {
        self.line_starts.get(line).map(|&s| s as usize)
    }

    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line_of(offset) - 1;
        let start = self.line_starts[line] as usize;
        let column = self.chars_before(text, offset) - self.chars_before(text, start) + 1;
        LineCol {
            line: line + 1,
            column,
        }
    }

    /// The number of characters of `text` before byte `offset` (a character boundary).
    fn chars_before(&self, text: &str, offset: usize) -> usize {
        if self.checkpoints.is_empty() {
            return offset;
        }
        let at = self.checkpoints.partition_point(|&(b, _)| b <= offset) - 1;
        let (byte, chars) = self.checkpoints[at];
        chars + text[byte..offset].chars().count()
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_and_lines_start_at_one() {
        let text = "ab\nçd\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(text, 0), LineCol { line: 1, column: 1 });
        assert_eq!(index.line_col(text, 3), LineCol { line: 2, column: 1 });
        // 'd' follows a two-byte character
        assert_eq!(index.line_col(text, 5), LineCol { line: 2, column: 2 });
        assert_eq!(index.line_col(text, 7), LineCol { line: 3, column: 1 });
    }

    #[test]
    fn columns_on_a_long_non_ascii_line_match_a_plain_count() {
        let text = format!("x\n{}", "aé€😀".repeat(5_000));
        let index = LineIndex::new(&text);
        for offset in (0..text.len()).step_by(997).chain([text.len()]) {
            let offset = floor_char_boundary(&text, offset);
            let start = if offset >= 2 { 2 } else { 0 };
            let expected = text[start..offset].chars().count() + 1;
            assert_eq!(index.line_col(&text, offset).column, expected, "at {offset}");
        }
    }
}
