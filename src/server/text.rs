//! Positions and file names as LSP speaks them: a position is a line and a character
//! offset in the encoding negotiated at `initialize` (UTF-8 when the client offers it,
//! else UTF-16, the protocol's default); a document is a `file://` URI.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types::{Position, Range, Uri};

/// The start of every line of a text, to turn byte offsets into positions and back.
pub struct LineMap<'t> {
    text: &'t str,
    starts: Vec<usize>,
    utf8: bool,
}

impl<'t> LineMap<'t> {
    pub fn new(text: &'t str, utf8: bool) -> LineMap<'t> {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineMap { text, starts, utf8 }
    }

    /// The byte offset of a position; one past the end of its line (or the text) is
    /// clamped, as the protocol asks.
    pub fn offset(&self, position: Position) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return self.text.len();
        };
        let end = self
            .starts
            .get(position.line as usize + 1)
            .map_or(self.text.len(), |&next| next - 1);
        let line = &self.text[start..end];
        let wanted = position.character as usize;
        if self.utf8 {
            let mut at = wanted.min(line.len());
            while !line.is_char_boundary(at) {
                at -= 1;
            }
            return start + at;
        }
        let mut units = 0;
        for (i, c) in line.char_indices() {
            if units >= wanted {
                return start + i;
            }
            units += c.len_utf16();
        }
        end
    }

    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let character = if self.utf8 {
            offset - start
        } else {
            self.text[start..offset].encode_utf16().count()
        };
        Position::new(clamp(line), clamp(character))
    }

    pub fn range(&self, start: usize, end: usize) -> Range {
        Range::new(self.position(start), self.position(end.max(start)))
    }

    /// The byte range of a line (without its newline), if it exists.
    pub fn line(&self, line: usize) -> Option<std::ops::Range<usize>> {
        let start = *self.starts.get(line)?;
        let end = self
            .starts
            .get(line + 1)
            .map_or(self.text.len(), |&next| next - 1);
        Some(start..end)
    }

    /// The 0-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset.min(self.text.len())) - 1
    }
}

fn clamp(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The file a `file://` URI names; `None` for other schemes (an unsaved buffer).
pub fn path_of(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // `file://localhost/x` and `file:///x` name the same file.
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    if !rest.starts_with('/') {
        return None;
    }
    let bytes = rest.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(high), Some(low)) => {
                decoded.push((high * 16 + low) as u8);
                i += 3;
            }
            (b'?' | b'#', _, _) => break,
            (b, _, _) => {
                decoded.push(b);
                i += 1;
            }
        }
    }
    Some(bytes_to_path(decoded))
}

#[cfg(unix)]
fn bytes_to_path(bytes: Vec<u8>) -> PathBuf {
    use std::os::unix::ffi::OsStringExt;
    PathBuf::from(std::ffi::OsString::from_vec(bytes))
}

#[cfg(not(unix))]
fn bytes_to_path(bytes: Vec<u8>) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(&bytes).into_owned())
}

/// The `file://` URI of an absolute path, every byte outside the unreserved set and `/`
/// percent-encoded.
pub fn uri_of(path: &Path) -> Option<Uri> {
    let absolute = std::path::absolute(path).ok()?;
    let text = absolute.to_string_lossy();
    let mut uri = String::from("file://");
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            uri.push(b as char);
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    Uri::from_str(&uri).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_units_unless_utf8_was_agreed() {
        let text = "a\n\u{1F600}b\n";
        let utf16 = LineMap::new(text, false);
        assert_eq!(utf16.position(6), Position::new(1, 2));
        assert_eq!(utf16.offset(Position::new(1, 2)), 6);
        let utf8 = LineMap::new(text, true);
        assert_eq!(utf8.position(6), Position::new(1, 4));
        assert_eq!(
            utf8.offset(Position::new(1, 3)),
            2,
            "inside a character: its start"
        );
        assert_eq!(utf16.offset(Position::new(9, 0)), text.len());
    }

    #[test]
    fn file_uris_round_trip() {
        let path = Path::new("/tmp/a b/é.json");
        let uri = uri_of(path).expect("a valid URI");
        assert_eq!(uri.as_str(), "file:///tmp/a%20b/%C3%A9.json");
        assert_eq!(path_of(&uri).as_deref(), Some(path));
    }
}
