//! What each fuzz target does with its input, and the properties it asserts. Shared by the
//! targets (`fuzz/fuzz_targets/*.rs`) and by the regression tests (`tests/fuzz_regressions.rs`
//! includes this file by path), so a reproducer committed under `testdata/hostile/` is
//! replayed through exactly the code that found it. A panic anywhere below, in iamlint or in
//! an assertion here, is a finding.
//!
//! This file depends only on `iamlint` and `serde_json`, which both crates have.

use std::path::Path;

use iamlint::discover::Input;
use iamlint::engine::{Outcome, RuleSettings, check};
use iamlint::finding::Severity;
use iamlint::model::terraform::{FileProblem, Lowered, ModuleFile, is_plan, lower_module, lower_plan};
use iamlint::model::{DocumentKind, FileModel, Language, Texts};
use iamlint::parse::hcl::{self, Body};
use iamlint::parse::{MAX_NODES, Node, ParseError, Syntax, Value, parse, parse_embedded_json};
use iamlint::read::{Decoded, decode};
use iamlint::report::{self, Format, Report};
use iamlint::rules::Registry;
use iamlint::secrets::{Secrets, Unparsed, module_secrets, plan_secrets, template_secrets, unparsed_values};
use iamlint::source::{FileId, Span};

/// One fuzz target: the name is that of its binary in `fuzz/Cargo.toml`, of its corpus
/// directory, and the prefix of its reproducers (`testdata/hostile/fuzz-<name>-*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// `parse::parse` as JSON, then the model of a policy or template.
    Json,
    /// `parse::parse` as YAML (CloudFormation short-form tags, anchors), then the model.
    Yaml,
    /// `parse::hcl` (native syntax, and JSON syntax for input that starts with `{`), then
    /// the module lowered to a template, then the model.
    Hcl,
    /// Every string of a JSON or YAML document parsed as an embedded policy
    /// (`parse_embedded_json`), its spans mapped back into the string's written form.
    Embedded,
    /// A Terraform plan (`terraform show -json`) lowered to a template, then the model.
    Plan,
    /// Bytes checked as `iamlint check -` does, then rendered in every JSON and text format.
    EndToEnd,
}

impl Target {
    pub const ALL: [Target; 6] = [
        Target::Json,
        Target::Yaml,
        Target::Hcl,
        Target::Embedded,
        Target::Plan,
        Target::EndToEnd,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Target::Json => "json",
            Target::Yaml => "yaml",
            Target::Hcl => "hcl",
            Target::Embedded => "embedded",
            Target::Plan => "plan",
            Target::EndToEnd => "e2e",
        }
    }

    pub fn from_name(name: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.name() == name)
    }

    /// Runs the target on one input. The end-to-end target takes the bytes as standard
    /// input does; the others skip input that is not UTF-8: iamlint decodes a file before
    /// any parser sees it (`read::decode`), and that is the end-to-end target's business.
    pub fn run(self, data: &[u8]) {
        if self == Target::EndToEnd {
            return end_to_end(data);
        }
        let Ok(text) = std::str::from_utf8(data) else {
            return;
        };
        match self {
            Target::Json => parse_document(text, Syntax::Json),
            Target::Yaml => parse_document(text, Syntax::Yaml),
            Target::Hcl => parse_hcl(text),
            Target::Embedded => parse_embedded(text),
            Target::Plan => lower_terraform_plan(text),
            Target::EndToEnd => unreachable!("handled above"),
        }
    }
}

/// The one file every parser target reads.
const FILE: FileId = FileId(0);

fn parse_document(text: &str, syntax: Syntax) {
    match parse(FILE, text, syntax) {
        Ok(root) => {
            let within = whole(text);
            assert_tree(&root, text, within);
            if let Some(kind) = DocumentKind::of(&root) {
                build_model(&root, text, kind, Language::CloudFormation);
            }
        }
        Err(err) => assert_unparsed(&err, text, syntax_of(syntax)),
    }
}

fn syntax_of(syntax: Syntax) -> Unparsed {
    match syntax {
        Syntax::Json => Unparsed::Json,
        Syntax::Yaml => Unparsed::Yaml,
    }
}

fn parse_hcl(text: &str) {
    lower_hcl(text, hcl::parse(FILE, text));
    if text.trim_start_matches('\u{feff}').trim_start().starts_with('{') {
        lower_hcl(text, hcl::parse_json_syntax(FILE, text));
    }
}

fn lower_hcl(text: &str, parsed: Result<Body, ParseError>) {
    match parsed {
        Ok(body) => {
            let files = [ModuleFile {
                file: FILE,
                text,
                body: &body,
            }];
            // No `file()` reads: the target is about the text it is given.
            let mut loader = |_: &Path| Err(FileProblem::Unread("not read while fuzzing".into()));
            let lowered = lower_module(&files, Path::new("."), &mut loader);
            assert_secrets(&module_secrets(&files), text);
            assert_lowered(&lowered, text);
        }
        Err(err) => assert_unparsed(&err, text, Unparsed::Hcl),
    }
}

fn parse_embedded(text: &str) {
    let Ok(root) = parse(FILE, text, Syntax::detect("", text)) else {
        return;
    };
    // One node budget for all the documents of an input, as the model gives them.
    let mut nodes_left = MAX_NODES;
    root.walk(&mut |node| {
        if !matches!(node.value, Value::String(_)) {
            return;
        }
        // Whatever a string holds, the policy read from it points into the string.
        match parse_embedded_json(node, text, &mut nodes_left) {
            Ok(document) => assert_tree(&document, text, node.span),
            Err(err) => assert_error(&err, text, node.span),
        }
    });
}

fn lower_terraform_plan(text: &str) {
    let Ok(root) = parse(FILE, text, Syntax::Json) else {
        return;
    };
    if is_plan(&root) {
        assert_secrets(&plan_secrets(&root), text);
        assert_lowered(&lower_plan(&root, text), text);
    }
}

fn assert_lowered(lowered: &Lowered, text: &str) {
    let within = whole(text);
    assert_tree(&lowered.root, text, within);
    for err in lowered.errors.iter().chain(&lowered.unread) {
        assert_error(err, text, within);
    }
    build_model(&lowered.root, text, DocumentKind::Template, Language::Terraform);
}

/// The model every rule reads (its policies, statements and JSON form), and what of it
/// the secrets layer masks.
fn build_model(root: &Node, text: &str, kind: DocumentKind, language: Language) {
    let model = FileModel::build_in(root, Texts::One(text), kind, language, None);
    for err in &model.errors {
        assert_error(err, text, whole(text));
    }
    assert_secrets(&template_secrets(&model), text);
    std::hint::black_box((model.statements().count(), model.clauses().count(), model.json()));
}

fn whole(text: &str) -> Span {
    Span::new(FILE, 0, text.len())
}

fn assert_error(err: &ParseError, text: &str, within: Span) {
    assert_span(err.span, text, within, &format!("parse error {:?}", err.message));
}

/// A file that does not parse: its error points into it, and so does every value the
/// engine masks in it.
fn assert_unparsed(err: &ParseError, text: &str, syntax: Unparsed) {
    assert_error(err, text, whole(text));
    for span in unparsed_values(FILE, text, syntax) {
        assert_span(span, text, whole(text), "unparsed value");
    }
}

/// The human snippet masks secret spans byte for byte: each must be whole characters of
/// the file.
fn assert_secrets(secrets: &Secrets, text: &str) {
    for &span in &secrets.spans {
        assert_span(span, text, whole(text), "secret");
    }
}

/// Every key and value of a tree points at text of its file, inside `within`.
fn assert_tree(node: &Node, text: &str, within: Span) {
    node.walk(&mut |n| {
        assert_span(n.span, text, within, "node");
        for entry in n.as_object().unwrap_or_default() {
            assert_span(entry.key_span, text, within, &format!("key {:?}", entry.key));
        }
    });
}

/// A span is a range of whole characters of `text`, inside `within`: reporters slice the
/// text with it and turn it into a line and column.
fn assert_span(span: Span, text: &str, within: Span, what: &str) {
    let range = span.range();
    assert!(
        span.file == within.file
            && within.start <= span.start
            && span.start <= span.end
            && span.end <= within.end,
        "{what}: span {range:?} not a range inside {:?} of file {:?}",
        within.range(),
        within.file
    );
    assert!(
        text.is_char_boundary(range.start) && text.is_char_boundary(range.end),
        "{what}: span {range:?} splits a character"
    );
}

// End to end -------------------------------------------------------------------------

fn registry() -> &'static Registry {
    Registry::global().expect("the embedded rule files load")
}

fn end_to_end(data: &[u8]) {
    // Named after what the bytes hold, as a user would name the file (see `input_name`).
    let name = match decode(data.to_vec()) {
        Decoded::Text(text) => input_name(&text),
        Decoded::Invalid { prefix, .. } => input_name(&prefix),
    };
    let inputs = [Input::Stdin { name: name.into() }];
    let mut outcome = check(&inputs, Some(data), registry(), &RuleSettings::default());
    // Then the suppression layer, as the binary runs it.
    iamlint::suppress::apply(
        &mut outcome,
        registry(),
        &RuleSettings::default(),
        iamlint::suppress::Options::today(true),
    );
    assert_outcome_spans(&outcome);
    for format in [Format::Json, Format::Sarif, Format::Gitlab] {
        let out = render(&outcome, format, false);
        if let Err(err) = serde_json::from_slice::<serde_json::Value>(&out) {
            panic!(
                "{format:?} output is not JSON ({err}):\n{}",
                String::from_utf8_lossy(&out)
            );
        }
    }
    for format in [Format::Human, Format::Gnu, Format::Github] {
        let plain = String::from_utf8(render(&outcome, format, false)).expect("reports are UTF-8");
        let coloured = String::from_utf8(render(&outcome, format, true)).expect("reports are UTF-8");
        assert_text_report(format, &plain, &outcome);
        // Colour may add iamlint's own SGR sequences and nothing else: an escape sequence
        // from the input would be in the plain output too (and fail there), or would make
        // the two differ once SGR sequences are removed.
        assert_eq!(
            without_sgr(&coloured),
            plain,
            "{format:?} with colour differs from without by more than SGR sequences"
        );
    }
}

/// The name standard input is checked under, which decides how the engine reads it: JSON
/// whose first key is a Terraform block type is Terraform's JSON syntax, other JSON a
/// policy, template or plan; text whose first line starts like an HCL block or attribute is
/// Terraform; the rest is YAML. Seeds keep their meaning, and the fuzzer can move an input
/// from one reader to another with a few bytes.
pub fn input_name(text: &str) -> &'static str {
    const TERRAFORM_BLOCKS: [&str; 8] = [
        "resource",
        "data",
        "variable",
        "locals",
        "output",
        "module",
        "provider",
        "terraform",
    ];
    let start = text.trim_start_matches('\u{feff}').trim_start();
    if let Some(object) = start.strip_prefix('{') {
        let first_key = object
            .trim_start()
            .strip_prefix('"')
            .and_then(|k| k.split('"').next());
        return match first_key {
            Some(key) if TERRAFORM_BLOCKS.contains(&key) => "fuzz.tf.json",
            _ => "fuzz.json",
        };
    }
    if start.starts_with('[') {
        return "fuzz.json";
    }
    let first_line = start
        .lines()
        .map(str::trim)
        .find(|l| !(l.is_empty() || l.starts_with('#') || l.starts_with("//") || l.starts_with("/*")))
        .unwrap_or("");
    let word_end = first_line
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(first_line.len());
    let after = first_line[word_end..].trim_start();
    if word_end > 0 && after.starts_with(['"', '{', '=']) {
        "fuzz.tf"
    } else {
        "fuzz.yaml"
    }
}

fn render(outcome: &Outcome, format: Format, color: bool) -> Vec<u8> {
    let report = Report {
        outcome,
        registry: registry(),
        settings: None,
        color,
        width: Some(100),
    };
    let mut out = Vec::new();
    report::write(format, &report, &mut out).expect("writing to memory");
    out
}

/// Every finding, label and redaction points at whole characters of a file of the run.
fn assert_outcome_spans(outcome: &Outcome) {
    let in_a_file = |span: Span, what: &str| {
        assert!(
            (span.file.0 as usize) < outcome.sources.len(),
            "{what}: span in unknown file {:?}",
            span.file
        );
        let text = &outcome.sources.get(span.file).text;
        assert_span(span, text, Span::new(span.file, 0, text.len()), what);
    };
    for finding in &outcome.findings {
        in_a_file(finding.span, finding.rule);
        for label in &finding.labels {
            in_a_file(label.span, finding.rule);
        }
    }
    for suppressed in &outcome.suppressed {
        in_a_file(suppressed.finding.span, suppressed.finding.rule);
    }
    for &redaction in &outcome.redactions {
        in_a_file(redaction, "redaction");
    }
}

/// What a text format may print: no raw control character, no line that the GitHub runner
/// would take for a workflow command unless the format writes commands, and for the
/// line-oriented formats exactly one line per finding, in the order of the findings.
fn assert_text_report(format: Format, out: &str, outcome: &Outcome) {
    if let Some((at, c)) = out.char_indices().find(|&(_, c)| is_raw_control(c)) {
        panic!("{format:?} prints {c:?} raw at byte {at}:\n{out}");
    }
    let lines: Vec<&str> = out.lines().collect();
    if format != Format::Github {
        for line in &lines {
            assert!(
                !line.trim_start().starts_with("::") && !line.contains("##["),
                "{format:?} prints a line the GitHub runner reads as a command: {line:?}"
            );
        }
    }
    if format == Format::Human {
        return;
    }
    let findings = &outcome.findings;
    assert_eq!(
        lines.len(),
        findings.len(),
        "{format:?} prints {} lines for {} findings:\n{out}",
        lines.len(),
        findings.len()
    );
    for (line, finding) in lines.iter().zip(findings) {
        let (starts, ends) = match format {
            Format::Gnu => (
                format!("{}:", outcome.sources.get(finding.span.file).path),
                format!("[{}]", finding.rule),
            ),
            _ => (format!("::{} ", github_command(finding.severity)), String::new()),
        };
        assert!(
            line.starts_with(&starts) && line.ends_with(&ends),
            "{format:?} line for {} does not read `{starts}...{ends}`: {line:?}",
            finding.rule
        );
    }
}

fn github_command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// A character no text format may print as is: the controls (C0 but the line feed, DEL,
/// C1; TAB too: miette expands it, and one-line formats escape it; U+009B and U+009D are
/// 8-bit CSI and OSC), the Unicode bidirectional controls and marks ("Trojan Source",
/// CVE-2021-42574), and the line and paragraph separators that some terminals and the
/// GitHub runner's trimming treat as line breaks or space. Written apart from
/// `report::escape`, whose set it checks.
pub fn is_raw_control(c: char) -> bool {
    let bidi = matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{61c}');
    (c.is_control() && c != '\n') || bidi || matches!(c, '\u{2028}' | '\u{2029}')
}

/// The text without SGR sequences (`ESC [ params m`, params digits, `;` and `:`), the only
/// escape sequences a reporter writes for colour. Any other ESC is left in place.
pub fn without_sgr(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('\u{1b}') {
        out.push_str(&rest[..at]);
        let sequence = &rest[at..];
        let params = sequence.strip_prefix("\u{1b}[").map(|p| {
            p.len()
                - p.trim_start_matches(|c: char| c.is_ascii_digit() || c == ';' || c == ':')
                    .len()
        });
        match params {
            Some(n) if sequence[2 + n..].starts_with('m') => rest = &sequence[2 + n + 1..],
            _ => {
                out.push('\u{1b}');
                rest = &sequence[1..];
            }
        }
    }
    out.push_str(rest);
    out
}
