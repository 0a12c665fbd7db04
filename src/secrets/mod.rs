//! Which text no report may show: every span whose text is, or flows into, a password. The
//! rules never see this layer; the engine asks it about each input beside them and hands
//! the spans to the reporters as `Outcome.redactions` (the human snippet masks those bytes,
//! SARIF fingerprints leave them out).
//!
//! Masking follows the value, not the line: a password written in one place and used in
//! another (a parameter `Default` behind `Ref`/`Fn::Sub`, a YAML anchor behind an alias, a
//! Terraform variable, local or module argument, a value a plan repeats in five places) is
//! masked wherever it is written. A file that cannot be parsed has no values to follow, so
//! every value in it is masked ([`unparsed`]).
//!
//! - [`template`]: CloudFormation templates (and Terraform lowered into their shape);
//! - [`terraform`]: a Terraform module's source;
//! - [`plan`]: a `terraform show -json` plan;
//! - [`unparsed`]: a JSON, YAML or HCL file that failed to parse.

mod plan;
mod template;
mod terraform;
mod unparsed;

pub use plan::plan_secrets;
pub use template::template_secrets;
pub use terraform::module_secrets;
pub use unparsed::{Unparsed, unparsed_values};

use std::collections::{HashMap, HashSet};

use aho_corasick::AhoCorasick;

use crate::finding::Finding;
use crate::parse::{AliasUse, Node};
use crate::source::{FileId, Span};

/// What one input holds that no report may show.
#[derive(Clone, Debug, Default)]
pub struct Secrets {
    pub spans: Vec<Span>,
    /// The values themselves, decoded, with the file each is written in, so that a message
    /// quoting one can be masked too.
    pub values: Vec<(FileId, String)>,
}

impl Secrets {
    fn add(&mut self, span: Span, value: Option<&str>) {
        self.spans.push(span);
        if let Some(value) = value {
            self.values.push((span.file, value.to_string()));
        }
    }

    pub fn extend(&mut self, other: Secrets) {
        self.spans.extend(other.spans);
        self.values.extend(other.values);
    }
}

/// [`Node::get`] for objects asked many times (a plan's variables, a template's `Mappings`):
/// an index per large object, built on first use, so that following many references stays
/// linear. Like `Node::get`, the last of duplicate keys wins.
#[derive(Default)]
struct Lookup<'a> {
    indexes: HashMap<*const Node, HashMap<&'a str, &'a Node>>,
}

impl<'a> Lookup<'a> {
    fn get(&mut self, object: &'a Node, key: &str) -> Option<&'a Node> {
        let entries = object.as_object()?;
        if entries.len() <= 8 {
            return object.get(key);
        }
        self.indexes
            .entry(std::ptr::from_ref(object))
            .or_insert_with(|| entries.iter().map(|e| (e.key.as_str(), &e.value)).collect())
            .get(key)
            .copied()
    }
}

/// Whether a name (a property, argument, parameter, variable, local or output) says that
/// it holds a password: `MasterUserPassword`, `Password`, `master_password_wo`,
/// `db_password`. The flag `ManageMasterUserPassword` / `manage_master_user_password` (and
/// the condition key `rds:ManageMasterUserPassword`) says who manages one, and
/// `password_wo_version` counts changes to one; they hold none.
pub fn is_password_name(name: &str) -> bool {
    let last = name.rsplit([':', '.', '/']).next().unwrap_or(name);
    let lower = last.to_ascii_lowercase();
    lower.contains("password") && !lower.starts_with("manage") && !lower.ends_with("version")
}

/// The spans to mask, with those that a masked YAML alias copies: the copy of `&pw secret`
/// at `*pw` carries the alias's span, so masking the copy must mask the anchor too, and an
/// anchor's own text may hold further aliases.
pub fn through_aliases(mut spans: Vec<Span>, aliases: &[AliasUse]) -> Vec<Span> {
    if aliases.is_empty() {
        return spans;
    }
    let mut by_start: Vec<&AliasUse> = aliases.iter().collect();
    by_start.sort_by_key(|a| (a.alias.file, a.alias.start));
    // Each span is searched once: node spans nest or are disjoint, so the work is bounded
    // by the nesting depth times the number of aliases.
    let mut searched: HashSet<Span> = HashSet::new();
    let mut work = spans.clone();
    while let Some(span) = work.pop() {
        if !searched.insert(span) {
            continue;
        }
        // Aliases start in order: those inside `span` follow the first one at or after it.
        let first = by_start.partition_point(|a| (a.alias.file, a.alias.start) < (span.file, span.start));
        for alias in &by_start[first..] {
            if alias.alias.file != span.file || alias.alias.start >= span.end {
                break;
            }
            if alias.alias.end <= span.end && !searched.contains(&alias.anchor) {
                spans.push(alias.anchor);
                work.push(alias.anchor);
            }
        }
    }
    spans
}

/// The spans sorted by file and start, those that overlap or touch merged into one: the same
/// value is often reached twice (a `NoEcho` default that a password also refers to), and a
/// reader of the list (SARIF fingerprints) should see each masked region once.
pub fn merged(mut spans: Vec<Span>) -> Vec<Span> {
    spans.sort_unstable();
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for span in spans {
        match out.last_mut() {
            Some(last) if last.file == span.file && span.start <= last.end => {
                last.end = last.end.max(span.end);
            }
            _ => out.push(span),
        }
    }
    out
}

/// Values shorter than this are not searched for in messages: they would mask ordinary
/// words (`-`, `db`), and no database engine accepts such a password (RDS asks for 8
/// characters at least).
const MIN_SCRUBBED: usize = 4;

/// Masks, in the messages, help and labels of findings, every value that no report may
/// show. Rules never quote a password on purpose, but a value can reach a message by
/// another path: a Terraform variable whose default is a password, also used in a policy
/// ARN that a rule quotes. A value is looked for only in findings about the files it could
/// have flowed into (`group` maps a file to its Terraform module, or to itself), and only
/// as a whole word: the default `String` of a password parameter in one template must not
/// turn `StringEquals` into `******Equals` anywhere else.
pub fn scrub(findings: &mut [Finding], values: &[(FileId, String)], group: impl Fn(FileId) -> FileId) {
    let mut by_group: HashMap<FileId, Vec<&str>> = HashMap::new();
    for (file, value) in values {
        let value = value.trim();
        if value.chars().count() >= MIN_SCRUBBED {
            by_group.entry(group(*file)).or_default().push(value);
        }
    }
    // One automaton per group: a plan may hold thousands of values and findings.
    let searchers: HashMap<FileId, AhoCorasick> = by_group
        .into_iter()
        .filter_map(|(file, mut values)| {
            values.sort_unstable();
            values.dedup();
            AhoCorasick::new(values).ok().map(|searcher| (file, searcher))
        })
        .collect();
    if searchers.is_empty() {
        return;
    }
    for finding in findings {
        let mut groups: Vec<FileId> = std::iter::once(finding.span.file)
            .chain(finding.labels.iter().map(|l| l.span.file))
            .map(&group)
            .collect();
        groups.sort_unstable();
        groups.dedup();
        for searcher in groups.iter().filter_map(|g| searchers.get(g)) {
            mask_words(&mut finding.message, searcher);
            if let Some(help) = &mut finding.help {
                mask_words(help, searcher);
            }
            for label in &mut finding.labels {
                mask_words(&mut label.message, searcher);
            }
        }
    }
}

/// Replaces with `*` each occurrence of a searched value in `text` that no letter or
/// digit continues on either side; of overlapping ones, the longest that starts first.
fn mask_words(text: &mut String, searcher: &AhoCorasick) {
    let continues = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let mut found: Vec<(usize, usize)> = searcher
        .find_overlapping_iter(text.as_str())
        .map(|m| (m.start(), m.end()))
        .filter(|&(start, end)| {
            !continues(text[..start].chars().next_back()) && !continues(text[end..].chars().next())
        })
        .collect();
    if found.is_empty() {
        return;
    }
    found.sort_unstable_by_key(|&(start, end)| (start, std::cmp::Reverse(end)));
    let mut masked = String::with_capacity(text.len());
    let mut copied = 0;
    for (start, end) in found {
        if start < copied {
            continue;
        }
        masked.push_str(&text[copied..start]);
        masked.extend(std::iter::repeat_n('*', text[start..end].chars().count()));
        copied = end;
    }
    masked.push_str(&text[copied..]);
    *text = masked;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(start: usize, end: usize) -> Span {
        Span::new(FileId(0), start, end)
    }

    #[test]
    fn password_names() {
        for name in [
            "MasterUserPassword",
            "Password",
            "master_password_wo",
            "db_password",
            "DBPasswordParam",
        ] {
            assert!(is_password_name(name), "{name}");
        }
        for name in [
            "ManageMasterUserPassword",
            "manage_master_user_password",
            "rds:ManageMasterUserPassword",
            "master_password_wo_version",
            "MasterUsername",
            "secret",
        ] {
            assert!(!is_password_name(name), "{name}");
        }
    }

    #[test]
    fn values_are_masked_in_messages_as_whole_words() {
        let searcher = AhoCorasick::new(["String", "pa$$-word", "word"]).unwrap();
        let mut text = "`StringEquals` on `String`, s3:String/x, Strings, `pa$$-word`".to_string();
        mask_words(&mut text, &searcher);
        assert_eq!(
            text,
            "`StringEquals` on `******`, s3:******/x, Strings, `*********`"
        );
    }

    #[test]
    fn merged_spans_do_not_overlap() {
        let spans = vec![
            span(5, 9),
            span(0, 2),
            span(5, 9),
            span(7, 12),
            span(12, 13),
            span(20, 21),
        ];
        assert_eq!(merged(spans), [span(0, 2), span(5, 13), span(20, 21)]);
        let other = Span::new(FileId(1), 0, 3);
        assert_eq!(merged(vec![other, span(1, 4)]), [span(1, 4), other]);
    }

    #[test]
    fn aliases_lead_to_their_anchors_transitively() {
        // a: &x secret / b: &y [*x] / c: *y — masking c masks the list of b and the scalar of a.
        let aliases = [
            AliasUse {
                alias: span(20, 22),
                anchor: span(6, 12),
            },
            AliasUse {
                alias: span(28, 30),
                anchor: span(19, 23),
            },
        ];
        let mut spans = through_aliases(vec![span(28, 30)], &aliases);
        spans.sort();
        assert_eq!(spans, [span(6, 12), span(19, 23), span(28, 30)]);
        assert_eq!(through_aliases(vec![span(0, 3)], &aliases), [span(0, 3)]);
    }
}
