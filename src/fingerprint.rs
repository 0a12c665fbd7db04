//! Hashes of what a finding is about, not where it is: SARIF's `partialFingerprints` and
//! the baseline's entries are built from them. A hash is a 64-bit FNV-1a (stable across
//! Rust versions and platforms) of the flagged element's text, read with its whitespace
//! normalised and every hard-coded password replaced by one fixed marker.

use std::collections::HashMap;
use std::ops::Range;

use crate::source::{FileId, Span};

/// FNV-1a, 64 bits.
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    pub fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    /// A field of known length, so that no two field lists hash the same bytes.
    pub fn field(&mut self, bytes: &[u8]) {
        self.write(&(bytes.len() as u64).to_le_bytes());
        self.write(bytes);
    }

    pub fn finish(&self) -> u64 {
        self.0
    }
}

/// How an element's whitespace is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Whitespace {
    /// Leading and trailing whitespace dropped, every inner run read as one space (SARIF
    /// fingerprints: `iamlint/v2`, a published contract).
    Collapse,
    /// Every whitespace byte dropped, so that reindenting or reflowing a document (`{"a":1}`
    /// to `{ "a": 1 }`) leaves the hash as it was (baseline entries).
    Drop,
}

/// What a redacted span contributes to a hash.
const REDACTED: &[u8] = b"\0redacted\0";

/// The hard-coded passwords of a run (`Outcome.redactions`), by file, to leave out of
/// hashes. A password is never hashed: a 64-bit hash of a short one could be reversed by
/// trying them all, so the bytes of every redacted span inside an element count as one
/// fixed marker, whatever their length.
pub struct Redactions {
    by_file: HashMap<FileId, Vec<Range<usize>>>,
}

impl Redactions {
    pub fn new(spans: &[Span]) -> Redactions {
        let mut by_file: HashMap<FileId, Vec<Range<usize>>> = HashMap::new();
        for span in spans {
            by_file.entry(span.file).or_default().push(span.range());
        }
        for ranges in by_file.values_mut() {
            ranges.sort_by_key(|r| r.start);
        }
        Redactions { by_file }
    }

    /// Feeds the text of `span` (within `text`, the text of its file) to `hash`.
    pub fn hash_element(&self, hash: &mut Fnv, text: &str, span: Span, whitespace: Whitespace) {
        let element = clamp(text, span.range());
        let redacted = self.by_file.get(&span.file).map_or(&[][..], Vec::as_slice);
        // The first redaction that may overlap: they are sorted and do not overlap.
        let first = redacted.partition_point(|r| r.end <= element.start);
        let mut content = Normalized::new(hash, whitespace);
        let mut at = element.start;
        for range in redacted[first..].iter().take_while(|r| r.start < element.end) {
            if range.start > at {
                content.push(&text.as_bytes()[at..range.start]);
            }
            content.marker(REDACTED);
            at = at.max(range.end);
        }
        if at < element.end {
            content.push(&text.as_bytes()[at..element.end]);
        }
    }
}

/// A span's range within the text it points into (a span past the end, as a file cut at
/// its first invalid byte can have, is clipped).
fn clamp(text: &str, range: Range<usize>) -> Range<usize> {
    let end = range.end.min(text.len());
    range.start.min(end)..end
}

/// Feeds text to a hash with its whitespace normalised, without building the normalised
/// string.
struct Normalized<'h> {
    hash: &'h mut Fnv,
    whitespace: Whitespace,
    started: bool,
    pending_space: bool,
}

impl<'h> Normalized<'h> {
    fn new(hash: &'h mut Fnv, whitespace: Whitespace) -> Normalized<'h> {
        Normalized {
            hash,
            whitespace,
            started: false,
            pending_space: false,
        }
    }

    fn push(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            if byte.is_ascii_whitespace() {
                self.pending_space = self.started && self.whitespace == Whitespace::Collapse;
            } else {
                self.emit(&[byte]);
            }
        }
    }

    fn marker(&mut self, marker: &[u8]) {
        self.emit(marker);
    }

    fn emit(&mut self, bytes: &[u8]) {
        if self.pending_space {
            self.hash.write(b" ");
            self.pending_space = false;
        }
        self.hash.write(bytes);
        self.started = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash(text: &str, whitespace: Whitespace, redacted: &[Span]) -> u64 {
        let mut fnv = Fnv::default();
        let span = Span::new(FileId(0), 0, text.len());
        Redactions::new(redacted).hash_element(&mut fnv, text, span, whitespace);
        fnv.finish()
    }

    #[test]
    fn whitespace_is_collapsed_or_dropped() {
        let tight = r#"{"Action":"s3:*"}"#;
        let loose = "{ \"Action\":   \"s3:*\"\n}";
        let spaced = r#"{"Action": "s3:*"}"#;
        assert_eq!(
            hash(tight, Whitespace::Drop, &[]),
            hash(loose, Whitespace::Drop, &[])
        );
        assert_ne!(
            hash(tight, Whitespace::Collapse, &[]),
            hash(loose, Whitespace::Collapse, &[])
        );
        assert_eq!(
            hash(spaced, Whitespace::Collapse, &[]),
            hash("  {\"Action\":\t\"s3:*\"}\n", Whitespace::Collapse, &[])
        );
    }

    #[test]
    fn a_redacted_password_does_not_reach_the_hash() {
        let with = |password: &str| {
            let text = format!("MasterUserPassword: {password}");
            let start = text.len() - password.len();
            hash(
                &text,
                Whitespace::Drop,
                &[Span::new(FileId(0), start, text.len())],
            )
        };
        assert_eq!(with("hunter2"), with("correct horse battery staple"));
        assert_ne!(
            with("hunter2"),
            hash("MasterUserPassword: hunter2", Whitespace::Drop, &[])
        );
    }
}
