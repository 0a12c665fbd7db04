//! How untrusted text (paths, messages, source snippets, anything read from an input or
//! given on the command line) reaches a terminal or a CI log: visibly escaped, never raw.
//! Every text reporter and every message `main` prints goes through [`escape`] (or one of
//! its thin variants here); JSON and SARIF rely on JSON's own escapes instead.
//!
//! Escaped as `\u{..}` (lowercase hex, as Rust's `char::escape_unicode` writes it):
//!
//! - C0 controls U+0000..U+001F: ESC starts colour, OSC 8 hyperlink, OSC 52 clipboard and
//!   clear-screen sequences; BEL rings; a lone CR moves the cursor back (and ends a line for
//!   the GitHub runner, see below); LF and TAB end or shape a line, so they are escaped
//!   wherever one item must stay on one line (the snippet renderer keeps TAB, which miette
//!   expands to spaces, and [`escape_lines`] keeps LF for texts that are several lines).
//! - DEL U+007F, and the C1 controls U+0080..U+009F: U+009B is an 8-bit CSI and U+009D an
//!   8-bit OSC to terminals that honour them.
//! - Unicode bidirectional controls U+202A..U+202E, U+2066..U+2069 and the marks U+200E,
//!   U+200F, U+061C: they reorder what is displayed, so a snippet could show code other than
//!   what the file holds ("Trojan Source", CVE-2021-42574; rustc lints on the same set).
//! - U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR: some terminals, editors and log
//!   viewers break lines at them, and the runner's `TrimStart` counts them as white space.
//!
//! Everything else is printed as is: é, CJK, emoji and other printable Unicode are what the
//! user wrote. A backslash is not doubled, so snippets of JSON read as written; the escaped
//! form is for reading, not for reversing.
//!
//! GitHub workflow commands. The runner reads the job's stdout and stderr line by line with
//! `StreamReader.ReadLine` (src/Runner.Sdk/ProcessInvoker.cs, `StartReadStream`), which ends
//! a line at LF, CR or CRLF; `ActionCommandManager.TryProcessCommand`
//! (src/Runner.Worker/ActionCommandManager.cs, lines 70-71) tries each line as a command in
//! two syntaxes (src/Runner.Common/ActionCommand.cs, actions/runner@258d6c85):
//!
//! - `TryParseV2` (lines 61-66): the line, after `TrimStart()` (any Unicode white space),
//!   starts with `::`. A line we print starts with our own text (`iamlint:`, a line number,
//!   a box-drawing character), or with a path that [`display_path`] prefixes with `./` when
//!   it starts with `:` or white space; text that a wrapping renderer may put at the start
//!   of a line is passed through [`guard_line`].
//! - `TryParse`, the legacy form (lines 131-137): `##[` anywhere in the line
//!   (`message.IndexOf(Prefix)`), then a registered command name and `]`. [`escape`] writes
//!   the `[` of every `##[` as `\u{5b}`.
//!
//! With CR and LF escaped, one item is one line, so neither syntax can be reached from text
//! an input controls.

use std::borrow::Cow;

/// The one-line form of untrusted text: every character of the escaped set, LF and TAB
/// included, and the `[` of `##[`, written as `\u{..}`.
pub fn escape(text: &str) -> Cow<'_, str> {
    escape_keeping(text, &[])
}

/// Text of several lines (an error message that quotes a config file): LF kept as the line
/// break, everything else escaped as by [`escape`], and each line passed through
/// [`guard_line`].
pub fn escape_lines(text: &str) -> String {
    let escaped = escape_keeping(text, &['\n']);
    let lines: Vec<Cow<'_, str>> = escaped.split('\n').map(guard_line).collect();
    lines.join("\n")
}

/// A unified diff of files (`check --diff`): as [`escape_lines`], but TAB and the CR of a
/// CRLF line break are kept, so that the diff of an ordinary file stays a diff of its bytes
/// (`git apply` and `patch` take it); any other control character is escaped.
pub fn escape_diff(text: &str) -> String {
    let lines: Vec<String> = text
        .split('\n')
        .map(|line| {
            let (body, cr) = match line.strip_suffix('\r') {
                Some(body) => (body, "\r"),
                None => (line, ""),
            };
            format!("{}{cr}", guard_line(&escape_keeping(body, &['\t'])))
        })
        .collect();
    lines.join("\n")
}

/// A path as printed at the start of a line (gnu) or anywhere else: escaped, and prefixed
/// with `./` when it is relative and starts with `:` or white space, so that no line can
/// begin with `::` after the runner trims it, while editors and problem matchers still
/// resolve it to the same file.
pub fn display_path(path: &str) -> Cow<'_, str> {
    let escaped = escape(path);
    if escaped.starts_with(|c: char| c == ':' || c.is_whitespace()) {
        Cow::Owned(format!("./{escaped}"))
    } else {
        escaped
    }
}

/// A rendered line whose start may come from wrapped untrusted text (miette's help lines
/// are indented with spaces only): if it would start with `::` once the runner trims its
/// leading white space, its first `:` is written `\u{3a}`.
pub fn guard_line(line: &str) -> Cow<'_, str> {
    let trimmed = line.trim_start();
    if trimmed.starts_with("::") {
        let at = line.len() - trimmed.len();
        Cow::Owned(format!("{}\\u{{3a}}{}", &line[..at], &line[at + 1..]))
    } else {
        Cow::Borrowed(line)
    }
}

/// Whether `c` is in the escaped set (see the module documentation).
pub fn is_escaped(c: char) -> bool {
    matches!(
        c,
        '\u{0}'..='\u{1f}'
            | '\u{7f}'..='\u{9f}'
            | '\u{61c}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
    )
}

fn escape_keeping<'a>(text: &'a str, keep: &[char]) -> Cow<'a, str> {
    if !text.contains("##[") && !text.chars().any(|c| is_escaped(c) && !keep.contains(&c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut escaper = Escaper::keeping(keep);
    for c in text.chars() {
        escaper.push(&mut out, c);
    }
    Cow::Owned(out)
}

/// Escapes a stream of characters, one at a time (the snippet renderer needs to know where
/// each character lands). `##[` is recognised across calls; [`Escaper::reset`] forgets it
/// where the output is cut.
pub struct Escaper<'k> {
    keep: &'k [char],
    hashes: usize,
}

impl<'k> Escaper<'k> {
    /// `keep`: characters of the escaped set to pass through (LF, TAB).
    pub fn keeping(keep: &'k [char]) -> Escaper<'k> {
        Escaper { keep, hashes: 0 }
    }

    pub fn push(&mut self, out: &mut String, c: char) {
        if (is_escaped(c) && !self.keep.contains(&c)) || (c == '[' && self.hashes >= 2) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
        self.hashes = if c == '#' { self.hashes + 1 } else { 0 };
    }

    pub fn reset(&mut self) {
        self.hashes = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c0_controls_are_escaped() {
        assert_eq!(escape("a\u{1b}[31mred"), "a\\u{1b}[31mred");
        assert_eq!(
            escape("\u{1b}]8;;http://x\u{7}link"),
            "\\u{1b}]8;;http://x\\u{7}link"
        );
        assert_eq!(escape("\u{1b}]52;c;SGVsbG8=\u{7}"), "\\u{1b}]52;c;SGVsbG8=\\u{7}");
        assert_eq!(escape("\u{1b}[2J\u{1b}[H"), "\\u{1b}[2J\\u{1b}[H");
        assert_eq!(escape("A\r::error::X"), "A\\u{d}::error::X");
        assert_eq!(escape("a\nb\tc\0"), "a\\u{a}b\\u{9}c\\u{0}");
        assert_eq!(escape("\u{1f}"), "\\u{1f}");
    }

    #[test]
    fn del_and_c1_controls_are_escaped() {
        assert_eq!(escape("\u{7f}"), "\\u{7f}");
        assert_eq!(
            escape("\u{80}\u{85}\u{9b}31m\u{9d}\u{9f}"),
            "\\u{80}\\u{85}\\u{9b}31m\\u{9d}\\u{9f}"
        );
        // U+00A0 is the first character after C1: printed as is.
        assert_eq!(escape("\u{a0}"), "\u{a0}");
    }

    #[test]
    fn bidi_controls_and_line_separators_are_escaped() {
        assert_eq!(escape("ab\u{202e}cd"), "ab\\u{202e}cd");
        for c in [
            '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{2066}', '\u{2067}',
        ] {
            assert_eq!(escape(&c.to_string()), format!("\\u{{{:x}}}", c as u32));
        }
        for c in [
            '\u{2068}', '\u{2069}', '\u{200e}', '\u{200f}', '\u{61c}', '\u{2028}', '\u{2029}',
        ] {
            assert_eq!(escape(&c.to_string()), format!("\\u{{{:x}}}", c as u32));
        }
    }

    #[test]
    fn ordinary_unicode_is_printed_as_is() {
        let text = "café 東京 🦀 \u{200d} Ω \\n \"quoted\"";
        assert!(matches!(escape(text), Cow::Borrowed(_)));
        assert_eq!(escape(text), text);
    }

    #[test]
    fn legacy_workflow_commands_are_broken() {
        // ActionCommand.TryParse finds `##[` anywhere in a line.
        assert_eq!(escape("x ##[error]boom"), "x ##\\u{5b}error]boom");
        assert_eq!(escape("###[warning]"), "###\\u{5b}warning]");
        assert_eq!(escape("#[a] # [b] #\u{1b}#[c]"), "#[a] # [b] #\\u{1b}#[c]");
    }

    #[test]
    fn several_lines_keep_their_breaks_and_no_line_starts_a_command() {
        assert_eq!(
            escape_lines("a\nb\r\n  ::error::X"),
            "a\nb\\u{d}\n  \\u{3a}:error::X"
        );
    }

    #[test]
    fn paths_that_could_start_a_command_get_a_dot_slash() {
        assert_eq!(display_path("::error::x.json"), "./::error::x.json");
        assert_eq!(display_path("  ::x.json"), "./  ::x.json");
        assert_eq!(display_path("\u{3000}::x.json"), "./\u{3000}::x.json");
        assert_eq!(display_path("/abs/::x.json"), "/abs/::x.json");
        assert_eq!(display_path("dir/x.json"), "dir/x.json");
        assert_eq!(
            display_path("x\n::error::X\n.json"),
            "x\\u{a}::error::X\\u{a}.json"
        );
    }

    #[test]
    fn guarded_lines_never_start_a_command_after_trimming() {
        assert_eq!(guard_line("        ::error::X"), "        \\u{3a}:error::X");
        assert_eq!(guard_line("\u{2003}::x"), "\u{2003}\\u{3a}:x");
        assert_eq!(guard_line("a ::x"), "a ::x");
        assert_eq!(guard_line(":x"), ":x");
    }

    #[test]
    fn diffs_keep_tabs_and_crlf_but_not_other_controls() {
        let diff = "-\t\"a\": 1,\r\n+\t\"b\u{1b}[31m\": 1,\r\n \u{202e}x\rY\n";
        assert_eq!(
            escape_diff(diff),
            "-\t\"a\": 1,\r\n+\t\"b\\u{1b}[31m\": 1,\r\n \\u{202e}x\\u{d}Y\n"
        );
    }
}
