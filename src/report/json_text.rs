//! JSON as every JSON reporter writes it: serde_json's output, except that the characters
//! of the terminal-escaped set ([`super::escape::is_escaped`]) that JSON allows raw (DEL,
//! the C1 controls, the bidi controls, U+2028/U+2029) are written as standard `\uXXXX`
//! escapes too. The document is the same to any JSON reader, and stays harmless when a user
//! prints it to a terminal (`iamlint check --format json | cat`) or a log.

use std::cell::Cell;
use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter, Serializer};

use super::escape::is_escaped;

/// Writes `value` as indented JSON.
pub fn write_pretty(out: &mut dyn Write, value: &impl Serialize) -> io::Result<()> {
    let mut serializer = Serializer::with_formatter(out, Escaping(PrettyFormatter::new()));
    value.serialize(&mut serializer).map_err(io::Error::from)
}

/// Writes `value` as one line of JSON (JSON lines output).
pub fn write_compact(out: &mut dyn Write, value: &impl Serialize) -> io::Result<()> {
    let mut serializer = Serializer::with_formatter(out, Escaping(CompactFormatter));
    value.serialize(&mut serializer).map_err(io::Error::from)
}

/// A sequence serialized from an iterator, one item at a time: a report of a hundred
/// thousand findings never holds them all as JSON values. Serialized once; a second time
/// it is empty.
pub struct Streamed<I>(Cell<Option<I>>);

impl<I> Streamed<I> {
    pub fn new(items: I) -> Streamed<I> {
        Streamed(Cell::new(Some(items)))
    }
}

impl<I> Serialize for Streamed<I>
where
    I: Iterator,
    I::Item: Serialize,
{
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.take().into_iter().flatten())
    }
}

/// A formatter that escapes more characters in strings and otherwise defers to `F`.
struct Escaping<F>(F);

impl<F: Formatter> Formatter for Escaping<F> {
    fn write_string_fragment<W: ?Sized + Write>(&mut self, writer: &mut W, fragment: &str) -> io::Result<()> {
        let mut start = 0;
        for (at, c) in fragment.char_indices() {
            if is_escaped(c) {
                writer.write_all(&fragment.as_bytes()[start..at])?;
                write!(writer, "\\u{:04x}", u32::from(c))?;
                start = at + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }

    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_array(writer)
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array(writer)
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(writer, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array_value(writer)
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object(writer)
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object(writer)
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(writer, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object_value(writer)
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object_value(writer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_controls_that_json_allows_are_escaped_and_the_value_is_unchanged() {
        let text = "a\u{7f}b\u{9b}31m\u{202e}c\u{2028}é\u{1b}";
        let mut out = Vec::new();
        write_compact(&mut out, &serde_json::json!({ "m": text })).unwrap();
        let written = String::from_utf8(out).unwrap();
        assert_eq!(written, r#"{"m":"a\u007fb\u009b31m\u202ec\u2028é\u001b"}"#);
        let back: serde_json::Value = serde_json::from_str(&written).unwrap();
        assert_eq!(back["m"], text);
    }

    #[test]
    fn a_streamed_sequence_is_written_like_a_vector() {
        let value = serde_json::json!([{ "a": 1 }, { "b": [2, 3] }]);
        let items = value.as_array().unwrap().iter();
        let mut streamed = Vec::new();
        write_pretty(&mut streamed, &Streamed::new(items)).unwrap();
        let mut whole = Vec::new();
        write_pretty(&mut whole, &value).unwrap();
        assert_eq!(streamed, whole);
    }

    #[test]
    fn pretty_output_is_serde_jsons() {
        let value = serde_json::json!({ "a": [1, {"b": "c"}], "d": null });
        let mut out = Vec::new();
        write_pretty(&mut out, &value).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            serde_json::to_string_pretty(&value).unwrap()
        );
    }
}
