//! Human output: miette's graphical reports with the source snippet, labels and help,
//! then a one-line summary. Hard-coded passwords are masked in every snippet.

use std::collections::HashMap;
use std::fmt;
use std::io::{self, Write};
use std::sync::Arc;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents, SourceSpan,
    SpanContents,
};

use super::escape::{display_path, escape, guard_line};
use super::excerpt::ShownLine;
use super::{Locator, Report, counts};
use crate::finding::{Finding, Severity};
use crate::source::{FileId, LineCol, SourceFile, Span};

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let theme = if report.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    // Messages are wrapped at spaces: the Unicode line-breaking algorithm, miette's
    // default, took a quarter of a run that prints 140,000 findings, and our messages are
    // English sentences whose only break opportunities are spaces.
    let mut handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_word_separator(textwrap::WordSeparator::AsciiSpace)
        // An ARN or an action is never cut at its hyphens: it must stay copyable.
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation);
    if let Some(width) = report.width {
        handler = handler.with_width(width);
    }
    let locator = Locator::new(report.outcome);
    let mut masked: HashMap<FileId, Arc<str>> = HashMap::new();
    for finding in &report.outcome.findings {
        let file = finding.span.file;
        let text = masked
            .entry(file)
            .or_insert_with(|| redacted(report, file))
            .clone();
        let rendered = HumanDiagnostic::new(finding, report, &locator, &text);
        let mut buffer = String::new();
        if handler.render_report(&mut buffer, &rendered).is_err() {
            buffer = format!(
                "{}: {} [{}]\n",
                rendered.source.name, rendered.message, rendered.code
            );
        }
        // Help lines are indented with spaces only and wrapped where miette likes: a word
        // from the input could start one (see `escape::guard_line`).
        for line in buffer.split_inclusive('\n') {
            out.write_all(guard_line(line).as_bytes())?;
        }
        writeln!(out)?;
    }
    let c = counts(&report.outcome.findings);
    let files = report.outcome.files_checked;
    let files = format!("{files} file{}", if files == 1 { "" } else { "s" });
    // Findings a baseline left out and suppressed findings are counted, not shown.
    let mut left_out = Vec::new();
    if let Some(b) = report.outcome.baseline.filter(|b| b.matched > 0) {
        left_out.push(format!("{} in the baseline", b.matched));
    }
    if !report.outcome.suppressed.is_empty() {
        left_out.push(format!("{} suppressed", report.outcome.suppressed.len()));
    }
    let left_out = if left_out.is_empty() {
        String::new()
    } else {
        format!(" ({})", left_out.join(", "))
    };
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    if report.outcome.findings.is_empty() {
        writeln!(out, "Checked {files}: no findings{left_out}.")?;
    } else {
        writeln!(
            out,
            "Checked {files}: {}, {}, {}{left_out}.",
            plural(c.errors, "error"),
            plural(c.warnings, "warning"),
            plural(c.infos, "info")
        )?;
    }
    if let Some(fixed) = report.outcome.fixed.as_ref().filter(|f| f.written) {
        writeln!(
            out,
            "Fixed {} ({} remaining).",
            plural(fixed.total(), "finding"),
            report.outcome.findings.len()
        )?;
    }
    write_fixable(report, out)
}

/// How many findings `--fix` would fix, and how many more `--unsafe-fixes` would.
fn write_fixable(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let mode = report.outcome.fix_mode;
    let fixes = report.outcome.findings.iter().filter_map(|f| f.fix.as_ref());
    let (allowed, hidden) = fixes.fold(
        (0, 0),
        |(a, h), fix| {
            if mode.allows(fix) { (a + 1, h) } else { (a, h + 1) }
        },
    );
    let option = if mode.unsafe_fixes {
        "--fix --unsafe-fixes"
    } else {
        "--fix"
    };
    match (allowed, hidden) {
        (0, 0) => Ok(()),
        (0, hidden) => writeln!(out, "[*] {hidden} fixable with --fix --unsafe-fixes."),
        (allowed, 0) => writeln!(out, "[*] {allowed} fixable with {option}."),
        (allowed, hidden) => writeln!(
            out,
            "[*] {allowed} fixable with {option} ({hidden} more with --unsafe-fixes)."
        ),
    }
}

/// The file's text with every redacted span replaced by `*`, byte for byte, so that
/// offsets stay valid.
fn redacted(report: &Report<'_>, file: FileId) -> Arc<str> {
    let text = &report.outcome.sources.get(file).text;
    let spans: Vec<Span> = report
        .outcome
        .redactions
        .iter()
        .filter(|s| s.file == file)
        .copied()
        .collect();
    if spans.is_empty() {
        return text.clone();
    }
    let mut bytes = text.as_bytes().to_vec();
    for span in spans {
        for byte in bytes.iter_mut().take(span.end as usize).skip(span.start as usize) {
            if *byte != b'\n' && *byte != b'\r' {
                *byte = b'*';
            }
        }
    }
    // Every byte of a masked character becomes `*`, so the text stays UTF-8 as long as
    // spans fall on character boundaries (they do); the lossy conversion is a guard only.
    Arc::from(String::from_utf8_lossy(&bytes).into_owned())
}

struct HumanDiagnostic {
    message: String,
    code: String,
    severity: miette::Severity,
    help: Option<String>,
    url: Option<String>,
    labels: Vec<LabeledSpan>,
    source: Snippet,
}

impl HumanDiagnostic {
    fn new(finding: &Finding, report: &Report<'_>, locator: &Locator<'_>, text: &str) -> HumanDiagnostic {
        let file = report.outcome.sources.get(finding.span.file);
        let mut marks = vec![(finding.span, None, true)];
        let mut elsewhere = Vec::new();
        for label in &finding.labels {
            if label.span.file == finding.span.file {
                marks.push((label.span, Some(escape(&label.message).into_owned()), false));
            } else {
                let at = locator.locate(label.span);
                elsewhere.push(format!(
                    "{}:{}:{}: {}",
                    display_path(at.path),
                    at.start.line,
                    at.start.column,
                    escape(&label.message)
                ));
            }
        }
        let (source, labels) = Snippet::new(file, text, &marks);
        let mut help: Vec<String> = finding.help.iter().map(|h| escape(h).into_owned()).collect();
        help.extend(elsewhere);
        // Fixable findings say so, with the option that applies the fix (as ruff marks them).
        if let Some(fix) = &finding.fix {
            let option = if fix.applicability == crate::fix::Applicability::Safe {
                "--fix"
            } else if report.outcome.fix_mode.unsafe_fixes {
                "--fix --unsafe-fixes"
            } else {
                "--unsafe-fixes"
            };
            let kind = if option == "--unsafe-fixes" {
                "unsafe fix available"
            } else {
                "fix"
            };
            help.push(format!("[*] {kind} ({option}): {}", escape(&fix.message)));
        }
        HumanDiagnostic {
            message: escape(&finding.message).into_owned(),
            code: escape(finding.rule).into_owned(),
            severity: match finding.severity {
                Severity::Error => miette::Severity::Error,
                Severity::Warning => miette::Severity::Warning,
                Severity::Info => miette::Severity::Advice,
            },
            help: (!help.is_empty()).then(|| help.join("\n")),
            url: report
                .registry
                .get(finding.rule)
                .map(|r| escape(&r.meta.help_uri()).into_owned()),
            labels,
            source,
        }
    }
}

/// Lines of a multi-line span shown at most; a longer span is cut there and says where it
/// ends.
const SPAN_LINES: usize = 32;
/// Lines between two labels' contexts that one box shows at most (see `Snippet::new`).
const MERGE_GAP: usize = 32;

/// What one diagnostic shows of its file, as miette reads it: the lines around each label
/// (each escaped and, when long, windowed by [`ShownLine`]), laid out one after another.
/// Offsets given to miette are offsets in this text; the line numbers and the header's
/// column it reports are those of the file, so `[file:line:col]` stays exact while the
/// text is cut, escaped and masked.
struct Snippet {
    /// The escaped path.
    name: String,
    text: String,
    lines: Vec<SnippetLine>,
    /// Where each label starts here, and where it starts in the file.
    starts: Vec<(usize, LineCol)>,
}

struct SnippetLine {
    /// 1-based line in the file.
    number: usize,
    /// Offsets in [`Snippet::text`]: the shown line is `start..end`, followed by `\n`.
    start: usize,
    end: usize,
    /// Consecutive lines of the file share a run; miette never reads across runs.
    run: usize,
    /// Where the line starts in the file, its length without `\r\n` or `\n`, where its
    /// `\n` is, and how it is shown.
    source_start: usize,
    source_len: usize,
    source_end: usize,
    has_break: bool,
    shown: ShownLine,
}

/// A label to place: its span, its text, whether it is the primary one.
type Mark = (Span, Option<String>, bool);

impl Snippet {
    /// The snippet of `file` (its masked `text`) for `marks`, and the marks as miette
    /// labels over it.
    fn new(file: &SourceFile, text: &str, marks: &[Mark]) -> (Snippet, Vec<LabeledSpan>) {
        let placed: Vec<Placed> = marks.iter().map(|mark| Placed::new(file, text, mark)).collect();
        let runs = runs(file, text, &placed);
        let mut points: HashMap<usize, Vec<usize>> = HashMap::new();
        for p in &placed {
            points.entry(p.first).or_default().push(p.start);
            points.entry(p.last).or_default().push(p.end);
        }
        let mut snippet = Snippet {
            name: display_path(&file.path).into_owned(),
            text: String::new(),
            lines: Vec::new(),
            starts: Vec::new(),
        };
        for (run, &(from, to)) in runs.iter().enumerate() {
            for number in from..=to {
                let Some(range) = file.line_range(number) else {
                    continue;
                };
                let line = &text[range.clone()];
                let line = line.strip_suffix('\r').unwrap_or(line);
                let here: Vec<usize> = points
                    .get(&number)
                    .into_iter()
                    .flatten()
                    .map(|&p| p.saturating_sub(range.start).min(line.len()))
                    .collect();
                let shown = ShownLine::new(line, &here);
                let start = snippet.text.len();
                snippet.text.push_str(&shown.text);
                snippet.lines.push(SnippetLine {
                    number,
                    start,
                    end: snippet.text.len(),
                    run,
                    source_start: range.start,
                    source_len: line.len(),
                    source_end: range.end,
                    has_break: range.end < text.len(),
                    shown,
                });
                snippet.text.push('\n');
            }
        }
        let labels = placed
            .into_iter()
            .map(|p| {
                let from = snippet.place(p.first, p.start);
                let to = if p.end > p.start {
                    snippet.place(p.last, p.end)
                } else {
                    from
                };
                snippet.starts.push((from, file.line_col(p.start)));
                let span = SourceSpan::new(from.into(), to.saturating_sub(from));
                if p.primary {
                    LabeledSpan::new_primary_with_span(p.label, span)
                } else {
                    LabeledSpan::new_with_span(p.label, span)
                }
            })
            .collect();
        (snippet, labels)
    }

    /// Where byte `offset` of file line `number` is in the snippet. An offset in the line
    /// break maps to the end of the shown line, past its `\n` when it is past the file's.
    fn place(&self, number: usize, offset: usize) -> usize {
        let i = self.lines.partition_point(|l| l.number < number);
        let Some(line) = self.lines.get(i).filter(|l| l.number == number) else {
            return self.text.len();
        };
        let column = offset.saturating_sub(line.source_start);
        if column <= line.source_len {
            line.start + line.shown.position(column)
        } else if offset > line.source_end {
            line.end + 1
        } else {
            line.end
        }
    }
}

/// A mark placed in the file: its byte range (cut to [`SPAN_LINES`] lines), its lines.
struct Placed {
    start: usize,
    end: usize,
    first: usize,
    last: usize,
    label: Option<String>,
    primary: bool,
    cut: bool,
}

impl Placed {
    /// A mark's byte range and lines; a span of more than [`SPAN_LINES`] lines is cut to
    /// its first ones, and its label says where it ends.
    fn new(file: &SourceFile, text: &str, (span, label, primary): &Mark) -> Placed {
        let start = text.floor_char_boundary(span.start as usize);
        let end = text.floor_char_boundary(span.end as usize).max(start);
        let first = file.line_of(start);
        let last = if end > start { file.line_of(end - 1) } else { first };
        let mut placed = Placed {
            start,
            end,
            first,
            last,
            label: label.clone(),
            primary: *primary,
            cut: false,
        };
        if last - first >= SPAN_LINES {
            let note = format!("continues to line {last}");
            placed.label = Some(match placed.label {
                Some(text) => format!("{text} ({note})"),
                None => note,
            });
            placed.last = first + SPAN_LINES - 1;
            placed.end = file.line_range(placed.last).map_or(end, |r| r.end);
            placed.cut = true;
        }
        placed
    }
}

/// The runs of consecutive lines to show, first and last line of each: one line of context
/// around each mark (none after a cut span), never the empty line after a final line break
/// unless a mark is on it.
///
/// miette merges the box of a label into the previous one when `left.line() +
/// left.line_count() >= right.line()`, and its own `SourceCode` counts `line_count` from
/// the start of the file, so a label up to about twice as far down joins the box above,
/// every line between shown. The same rule here (with `line_count` counted the same way in
/// `read_span`) keeps ordinary snippets as they were; a box hides at most [`MERGE_GAP`]
/// lines, so a large file gives two boxes instead of everything between.
fn runs(file: &SourceFile, text: &str, placed: &[Placed]) -> Vec<(usize, usize)> {
    let last_line = file.line_count() - usize::from(text.ends_with('\n'));
    let mut contexts: Vec<(usize, usize, usize)> = placed
        .iter()
        .map(|p| {
            let after = if p.cut {
                p.last
            } else {
                (p.last + 1).min(last_line).max(p.last)
            };
            (p.start, p.first.saturating_sub(1).max(1), after)
        })
        .collect();
    contexts.sort_unstable();
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for (_, from, to) in contexts {
        match runs.last_mut() {
            Some(run) if from <= run.1 + 1 || (run.0 + run.1 >= from && from - run.1 <= MERGE_GAP) => {
                run.1 = run.1.max(to);
            }
            _ => runs.push((from, to)),
        }
    }
    runs
}

impl miette::SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let (start, end) = (span.offset(), span.offset() + span.len());
        if self.lines.is_empty() || end > self.text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let line_at = |offset: usize| self.lines.partition_point(|l| l.start <= offset).max(1) - 1;
        let first = line_at(start);
        let last = if end > start { line_at(end - 1) } else { first };
        let run = self.lines[first].run;
        // Lines of two runs are not consecutive in the file: refusing makes miette show
        // them as two snippets instead of numbering them as one.
        if self.lines[last].run != run {
            return Err(MietteError::OutOfBounds);
        }
        let in_run = |i: &usize| self.lines.get(*i).is_some_and(|l| l.run == run);
        let from = (first.saturating_sub(context_lines_before)..=first)
            .find(in_run)
            .unwrap_or(first);
        let to = (last..=last + context_lines_after)
            .take_while(in_run)
            .last()
            .unwrap_or(last);
        let data = (self.lines[from].start, self.lines[to].end + 1);
        // miette reads the header's `line:col` from the primary label with no context.
        let (line, column) = if context_lines_before == 0 {
            let column = self
                .starts
                .iter()
                .find(|(at, _)| *at == start)
                .map_or(0, |(_, real)| real.column - 1);
            (self.lines[first].number - 1, column)
        } else {
            (self.lines[from].number - 1, 0)
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            &self.text.as_bytes()[data.0..data.1],
            SourceSpan::new(data.0.into(), data.1 - data.0),
            line,
            column,
            // As miette's own `SourceCode` counts it: line breaks from the start of the
            // file to the end of the data (see `Snippet::new` on merged boxes).
            self.lines[to].number - usize::from(!self.lines[to].has_break),
        )))
    }
}

impl fmt::Debug for HumanDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for HumanDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for HumanDiagnostic {}

impl miette::Diagnostic for HumanDiagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn url<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.url.as_ref().map(|u| Box::new(u) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
}
