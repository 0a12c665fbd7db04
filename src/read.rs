//! Reading one input: regular files only, never more than [`MAX_FILE_BYTES`] (plus the one
//! byte that tells a file at the cap from one above it) whatever the file system says its
//! size is, and decoded to text (UTF-8, or UTF-16 after a byte order mark).
//!
//! The size in a file's metadata is 0 for a FIFO, a device or a `/proc` file and says
//! nothing about a file still being written, so the cap is a byte budget on the read
//! itself. Opening a FIFO for reading blocks until a writer comes, so files are opened
//! non-blocking and checked with `fstat` on the open descriptor: a file swapped for a FIFO
//! between the walk and the read is refused, not waited on.

use std::fs::{File, Metadata, OpenOptions};
use std::io::{self, Read};
use std::path::Path;

/// Files larger than this are not read: no policy or template comes near it
/// (CloudFormation's own limit is 1 MB).
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Why an input was not read.
#[derive(Debug)]
pub enum ReadError {
    /// A FIFO, a device, a socket, a directory, or a symbolic link where none may be.
    NotRegular(&'static str),
    /// Larger than `limit`: the size when the metadata tells it.
    TooLarge {
        size: Option<u64>,
        limit: u64,
    },
    Io(io::Error),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::NotRegular(kind) => write!(f, "not a regular file ({kind}); not read"),
            ReadError::TooLarge {
                size: Some(size),
                limit,
            } => write!(
                f,
                "file is {size} bytes, larger than the {limit}-byte limit; not checked"
            ),
            ReadError::TooLarge { size: None, limit } => {
                write!(f, "file is larger than the {limit}-byte limit; not checked")
            }
            ReadError::Io(err) => write!(f, "cannot read: {err}"),
        }
    }
}

impl From<io::Error> for ReadError {
    fn from(err: io::Error) -> ReadError {
        ReadError::Io(err)
    }
}

/// Whether the last component of a path may be a symbolic link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Symlinks {
    /// Followed: the caller has checked where it leads.
    Follow,
    /// Refused: a file found by walking, which was not a link when the walk saw it.
    Refuse,
}

/// Reads a regular file through the byte budget.
pub fn read_file(path: &Path, symlinks: Symlinks) -> Result<Vec<u8>, ReadError> {
    read_file_within(path, symlinks, MAX_FILE_BYTES)
}

/// Reads a regular file of at most `limit` bytes.
fn read_file_within(path: &Path, symlinks: Symlinks, limit: u64) -> Result<Vec<u8>, ReadError> {
    // Refuse what is visibly not a regular file without opening it (opening some devices
    // has effects); the check on the open descriptor below closes the race.
    let metadata = match symlinks {
        Symlinks::Follow => std::fs::metadata(path)?,
        Symlinks::Refuse => std::fs::symlink_metadata(path)?,
    };
    regular(&metadata)?;
    if metadata.len() > limit {
        return Err(ReadError::TooLarge {
            size: Some(metadata.len()),
            limit,
        });
    }
    let file = open(path, symlinks)?;
    let metadata = file.metadata()?;
    regular(&metadata)?;
    read_capped(file, metadata.len(), limit)
}

/// A file a command reads for itself (a config, a policy given to `simulate`) as text,
/// through the same checks as an input (a regular file, the cap, UTF-8 or UTF-16 with a
/// byte order mark); links are followed. `Err` names the file.
pub fn read_text(path: &Path) -> Result<String, String> {
    read_text_within(path, MAX_FILE_BYTES)
}

/// [`read_text`] with another cap than the inputs': for a file iamlint writes itself and
/// is named on the command line (a baseline), which grows with the findings of a whole
/// repository.
pub fn read_text_within(path: &Path, limit: u64) -> Result<String, String> {
    let shown = path.display();
    let bytes = read_file_within(path, Symlinks::Follow, limit).map_err(|err| match err {
        ReadError::Io(err) => format!("cannot read {shown}: {err}"),
        other => format!("{shown}: {other}"),
    })?;
    match decode(bytes) {
        Decoded::Text(text) => Ok(text),
        Decoded::Invalid { message, .. } => Err(format!("{shown}: {message}")),
    }
}

/// Reads at most the cap plus one byte (standard input, which the engine then reports as
/// too large when it is). `size_hint` (a file's size, 0 when unknown) sizes the buffer.
pub fn read_budget(reader: impl Read, size_hint: u64) -> io::Result<Vec<u8>> {
    read_up_to(reader, size_hint, MAX_FILE_BYTES)
}

fn read_up_to(reader: impl Read, size_hint: u64, limit: u64) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::with_capacity(usize::try_from(size_hint.min(limit) + 1).unwrap_or(0));
    reader.take(limit + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Reads at most `limit` plus one byte; more than `limit` is [`ReadError::TooLarge`].
fn read_capped(reader: impl Read, size_hint: u64, limit: u64) -> Result<Vec<u8>, ReadError> {
    let bytes = read_up_to(reader, size_hint, limit)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge {
            size: (size_hint > limit).then_some(size_hint),
            limit,
        });
    }
    Ok(bytes)
}

#[cfg(unix)]
fn open(path: &Path, symlinks: Symlinks) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    // O_NONBLOCK: opening a FIFO returns at once instead of waiting for a writer (it has no
    // effect on reading a regular file). O_NOCTTY: a terminal never becomes ours.
    let mut flags = libc::O_NONBLOCK | libc::O_NOCTTY;
    if symlinks == Symlinks::Refuse {
        flags |= libc::O_NOFOLLOW;
    }
    OpenOptions::new().read(true).custom_flags(flags).open(path)
}

#[cfg(not(unix))]
fn open(path: &Path, _symlinks: Symlinks) -> io::Result<File> {
    OpenOptions::new().read(true).open(path)
}

fn regular(metadata: &Metadata) -> Result<(), ReadError> {
    let kind = metadata.file_type();
    if kind.is_file() {
        return Ok(());
    }
    Err(ReadError::NotRegular(if kind.is_dir() {
        "a directory"
    } else if kind.is_symlink() {
        "a symbolic link"
    } else {
        special_kind(&kind)
    }))
}

#[cfg(unix)]
fn special_kind(kind: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn special_kind(_kind: &std::fs::FileType) -> &'static str {
    "a special file"
}

/// An input's bytes as text.
#[derive(Debug, PartialEq, Eq)]
pub enum Decoded {
    /// The text, without its byte order mark: spans are byte offsets into it, and a column
    /// counts its characters.
    Text(String),
    /// Not text in its encoding: what decoded before the first bad byte, and where that
    /// is in `prefix`.
    Invalid {
        valid_up_to: usize,
        prefix: String,
        message: String,
    },
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Decodes an input: UTF-8 (a byte order mark is dropped), or UTF-16 when the file starts
/// with a UTF-16 byte order mark, as Windows editors and PowerShell's `Out-File` write it.
pub fn decode(mut bytes: Vec<u8>) -> Decoded {
    match bytes.as_slice() {
        [0xFF, 0xFE, rest @ ..] => return decode_utf16(rest, u16::from_le_bytes, "UTF-16LE"),
        [0xFE, 0xFF, rest @ ..] => return decode_utf16(rest, u16::from_be_bytes, "UTF-16BE"),
        _ => {}
    }
    if bytes.starts_with(UTF8_BOM) {
        bytes.drain(..UTF8_BOM.len());
    }
    match String::from_utf8(bytes) {
        Ok(text) => Decoded::Text(text),
        Err(err) => {
            let valid_up_to = err.utf8_error().valid_up_to();
            let mut bytes = err.into_bytes();
            bytes.truncate(valid_up_to);
            Decoded::Invalid {
                valid_up_to,
                prefix: String::from_utf8(bytes).unwrap_or_default(),
                message: "file is not valid UTF-8 text (a binary file?)".to_string(),
            }
        }
    }
}

fn decode_utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16, encoding: &str) -> Decoded {
    let units = bytes.chunks_exact(2).map(|pair| unit([pair[0], pair[1]]));
    let mut text = String::with_capacity(bytes.len());
    for (i, decoded) in char::decode_utf16(units).enumerate() {
        match decoded {
            Ok(c) => text.push(c),
            Err(err) => {
                return Decoded::Invalid {
                    valid_up_to: text.len(),
                    message: format!(
                        "file is not valid {encoding} text: unpaired surrogate {:#06x} (code unit {})",
                        err.unpaired_surrogate(),
                        i + 1
                    ),
                    prefix: text,
                };
            }
        }
    }
    if bytes.len() % 2 == 1 {
        return Decoded::Invalid {
            valid_up_to: text.len(),
            message: format!("file is not valid {encoding} text: it ends in the middle of a code unit"),
            prefix: text,
        };
    }
    Decoded::Text(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(decoded: Decoded) -> String {
        match decoded {
            Decoded::Text(text) => text,
            other => panic!("not text: {other:?}"),
        }
    }

    #[test]
    fn byte_order_marks_are_dropped_and_utf16_decoded() {
        assert_eq!(text(decode(b"\xEF\xBB\xBF{}".to_vec())), "{}");
        let mut le = vec![0xFF, 0xFE];
        le.extend("{\"é\": 1}".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(text(decode(le)), "{\"é\": 1}");
        let mut be = vec![0xFE, 0xFF];
        be.extend("a\u{1F600}b".encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(text(decode(be)), "a\u{1F600}b");
    }

    #[test]
    fn bad_text_says_where_it_stops() {
        let Decoded::Invalid {
            valid_up_to, prefix, ..
        } = decode(b"ab\xFFcd".to_vec())
        else {
            panic!("invalid UTF-8 decoded");
        };
        assert_eq!((valid_up_to, prefix.as_str()), (2, "ab"));
        // "a", then a lone high surrogate
        let Decoded::Invalid {
            valid_up_to,
            prefix,
            message,
        } = decode(vec![0xFF, 0xFE, b'a', 0, 0x00, 0xD8, b'b', 0])
        else {
            panic!("a lone surrogate decoded");
        };
        assert_eq!((valid_up_to, prefix.as_str()), (1, "a"));
        assert!(
            message.contains("UTF-16LE") && message.contains("0xd800"),
            "{message}"
        );
        assert!(matches!(
            decode(vec![0xFE, 0xFF, 0, b'a', 0]),
            Decoded::Invalid { valid_up_to: 1, .. }
        ));
    }

    #[test]
    fn a_file_iamlint_writes_itself_may_have_its_own_cap() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("baseline.json");
        std::fs::write(&path, "x".repeat(100)).expect("written");
        let err = read_text_within(&path, 50).expect_err("over its cap");
        assert!(
            err.ends_with("file is 100 bytes, larger than the 50-byte limit; not checked"),
            "{err}"
        );
        assert_eq!(read_text_within(&path, 100).map(|t| t.len()), Ok(100));
    }

    #[test]
    fn the_budget_stops_one_byte_past_the_cap() {
        let endless = std::io::repeat(b'x');
        assert!(matches!(
            read_capped(endless, 0, MAX_FILE_BYTES),
            Err(ReadError::TooLarge { size: None, .. })
        ));
        let exact = std::io::repeat(b'x').take(MAX_FILE_BYTES);
        assert_eq!(
            read_capped(exact, MAX_FILE_BYTES, MAX_FILE_BYTES)
                .map(|b| b.len() as u64)
                .ok(),
            Some(MAX_FILE_BYTES)
        );
    }
}
