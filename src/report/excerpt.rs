//! One source line as a snippet shows it: escaped (see [`super::escape`]) and, when long,
//! cut to windows around the positions that matter, as rustc and ruff show long lines. A
//! minified 200 KB plan thus prints a few dozen characters around each span, not the whole
//! line once per finding.

use super::escape::Escaper;

/// Lines of at most this many characters are shown whole.
pub const LONG_LINE: usize = 160;
/// Characters kept on each side of a position in a long line.
pub const CONTEXT: usize = 40;
/// Marks where a long line was cut.
pub const ELISION: &str = "…";

/// A line as shown, with where each character of the source landed in it.
pub struct ShownLine {
    pub text: String,
    /// (byte offset in the source line, byte offset in `text`) for the start of every shown
    /// character and the end of every shown segment, in increasing order.
    marks: Vec<(usize, usize)>,
}

impl ShownLine {
    /// Renders `line` (without its line break). `points` are byte offsets in `line` that
    /// must be visible (where labels start and end); a long line keeps [`CONTEXT`]
    /// characters around each, and its first `2 * CONTEXT` characters when there is none.
    /// TAB is kept (the caller expands it), every other character of the escaped set is
    /// escaped.
    pub fn new(line: &str, points: &[usize]) -> ShownLine {
        let segments = segments(line, points);
        let mut text = String::new();
        let mut marks = Vec::new();
        let mut escaper = Escaper::keeping(&['\t']);
        let mut shown_to = 0;
        for (start, end) in segments {
            if start > shown_to {
                text.push_str(ELISION);
                escaper.reset();
            }
            for (at, c) in line[start..end].char_indices() {
                marks.push((start + at, text.len()));
                escaper.push(&mut text, c);
            }
            marks.push((end, text.len()));
            shown_to = end;
        }
        if shown_to < line.len() {
            text.push_str(ELISION);
        }
        ShownLine { text, marks }
    }

    /// Where the character at byte `offset` of the source line starts in [`Self::text`]
    /// (the line's end for `offset == line.len()`). An offset in an elided part maps to
    /// where the next shown part starts.
    pub fn position(&self, offset: usize) -> usize {
        let i = self.marks.partition_point(|&(source, _)| source < offset);
        match self.marks.get(i) {
            Some(&(_, shown)) => shown,
            None => self.text.len(),
        }
    }
}

/// The byte ranges of `line` to show, sorted and disjoint.
fn segments(line: &str, points: &[usize]) -> Vec<(usize, usize)> {
    if line.len() <= LONG_LINE || line.chars().take(LONG_LINE + 1).count() <= LONG_LINE {
        return vec![(0, line.len())];
    }
    let mut ranges: Vec<(usize, usize)> = if points.is_empty() {
        vec![(0, forward(line, 0, 2 * CONTEXT))]
    } else {
        points
            .iter()
            .map(|&p| {
                let p = line.floor_char_boundary(p);
                (back(line, p, CONTEXT), forward(line, p, CONTEXT))
            })
            .collect()
    };
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
    for (start, end) in ranges {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

/// The offset `n` characters after `from` (or the end).
fn forward(line: &str, from: usize, n: usize) -> usize {
    line[from..]
        .char_indices()
        .nth(n)
        .map_or(line.len(), |(at, _)| from + at)
}

/// The offset `n` characters before `from` (or the start).
fn back(line: &str, from: usize, n: usize) -> usize {
    line[..from]
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map_or(0, |(at, _)| at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_lines_are_shown_whole_with_controls_escaped() {
        let shown = ShownLine::new("a\u{1b}b\tc", &[2, 3]);
        assert_eq!(shown.text, "a\\u{1b}b\tc");
        assert_eq!(shown.position(0), 0);
        assert_eq!(shown.position(1), 1);
        assert_eq!(shown.position(2), 7);
        assert_eq!(shown.position(5), 10);
    }

    #[test]
    fn long_lines_are_windows_around_each_point() {
        let line = format!("{}X{}Y{}", "a".repeat(1000), "b".repeat(1000), "c".repeat(1000));
        let x = 1000;
        let y = 2001;
        let shown = ShownLine::new(&line, &[x, y + 1]);
        let expected = format!(
            "…{}X{}…{}Y{}…",
            "a".repeat(CONTEXT),
            "b".repeat(CONTEXT - 1),
            "b".repeat(CONTEXT - 1),
            "c".repeat(CONTEXT)
        );
        assert_eq!(shown.text, expected);
        assert_eq!(&shown.text[shown.position(x)..shown.position(x) + 1], "X");
        assert_eq!(&shown.text[shown.position(y)..shown.position(y + 1)], "Y");
    }

    #[test]
    fn a_long_line_without_points_shows_its_start() {
        let line = "é".repeat(500);
        let shown = ShownLine::new(&line, &[]);
        assert_eq!(shown.text, format!("{}…", "é".repeat(2 * CONTEXT)));
    }

    #[test]
    fn points_at_the_ends_and_inside_characters_are_safe() {
        let line = "日".repeat(300);
        let shown = ShownLine::new(&line, &[0, 1, line.len()]);
        assert!(shown.text.starts_with('日'));
        assert_eq!(shown.position(line.len()), shown.text.len());
        assert!(shown.text.chars().count() < 2 * CONTEXT + 10);
    }

    #[test]
    fn legacy_commands_are_broken_in_windows_too() {
        assert_eq!(ShownLine::new("\"##[error]x\"", &[]).text, "\"##\\u{5b}error]x\"");
    }
}
