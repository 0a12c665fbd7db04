//! Where a span lies in a document by its structure rather than its lines: the keys from
//! the root to the narrowest value around it (`Resources/AppDB/Properties/MasterUserPassword`).
//! A list item is named by its `Sid` or `PolicyName` when it has one, and not numbered
//! otherwise (`Statement[Sid="ReadOnly"]/Action`, `Statement[]/Resource`), so that inserting
//! a statement or moving lines leaves every other item's location as it was.

use std::fmt::Write;

use super::{Entry, Node, Value};
use crate::source::Span;

/// Keys that name a list item of a policy or template.
const ITEM_NAMES: [&str; 2] = ["Sid", "PolicyName"];

/// Lists longer than this are searched by position only: their items are in source
/// order, except where YAML aliases or Terraform variables put a value written elsewhere,
/// and a finding there stops at the list rather than scanning it for every finding.
const SCAN_LIMIT: usize = 64;

/// The logical location of `span` in the document `root`: `/`-separated keys (written as
/// in a JSON Pointer: `~` as `~0`, `/` as `~1`), each list item as `[Name="value"]` or
/// `[]`. Empty when the span lies outside every value of the root.
pub fn logical_location(root: &Node, span: Span) -> String {
    let mut path = String::new();
    if descend(root, span, &mut path) {
        return path;
    }
    // A Terraform module lowered to a template has top-level values (`Parameters`,
    // `Resources`) that gather several files, so their spans cannot hold everything
    // under them: look inside each.
    if let Value::Object(entries) = &root.value {
        for entry in entries.iter().take(SCAN_LIMIT) {
            push_key(&mut path, &entry.key);
            if descend(&entry.value, span, &mut path) {
                return path;
            }
            path.clear();
        }
    }
    path
}

/// Appends the steps from `node` down to the narrowest value that holds `span`; false when
/// no child of `node` holds it.
fn descend(mut node: &Node, span: Span, path: &mut String) -> bool {
    let mut moved = false;
    loop {
        match &node.value {
            Value::Object(entries) => {
                let Some(entry) = find(entries, span, |e| e.key_span, |e| entry_contains(e, span)) else {
                    break;
                };
                if !path.is_empty() {
                    path.push('/');
                }
                push_key(path, &entry.key);
                moved = true;
                if !contains(entry.value.span, span) && contains(entry.key_span, span) {
                    // The finding is about the key itself.
                    break;
                }
                node = &entry.value;
            }
            Value::Array(items) => {
                let Some(item) = find(items, span, |n| n.span, |n| contains(n.span, span)) else {
                    break;
                };
                path.push('[');
                if let Some((name, value)) = item_name(item) {
                    // A name is quoted as JSON, so that `]` or `/` in it reads unambiguously.
                    let _ = write!(path, "{name}={}", serde_json::Value::from(value));
                }
                path.push(']');
                moved = true;
                node = item;
            }
            _ => break,
        }
    }
    moved
}

/// The child that holds `span`: found by position (children are in source order, files in
/// the order of their ids), else by a scan of a short list.
fn find<T>(children: &[T], span: Span, at_of: impl Fn(&T) -> Span, holds: impl Fn(&T) -> bool) -> Option<&T> {
    let at = children.partition_point(|c| {
        let at = at_of(c);
        (at.file, at.start) <= (span.file, span.start)
    });
    if at > 0 && holds(&children[at - 1]) {
        return Some(&children[at - 1]);
    }
    if children.len() <= SCAN_LIMIT {
        return children.iter().find(|c| holds(c));
    }
    None
}

fn entry_contains(entry: &Entry, span: Span) -> bool {
    contains(entry.key_span, span)
        || contains(entry.value.span, span)
        || (entry.key_span.file == entry.value.span.file
            && contains(entry.key_span.cover(entry.value.span), span))
}

fn contains(outer: Span, inner: Span) -> bool {
    outer.file == inner.file && outer.start <= inner.start && inner.end <= outer.end
}

fn item_name(item: &Node) -> Option<(&'static str, &str)> {
    let Value::Object(entries) = &item.value else {
        return None;
    };
    // A name is among the first keys of a real statement; an object of 300,000 keys is
    // not searched for one at every finding inside it.
    ITEM_NAMES.iter().find_map(|&name| {
        entries
            .iter()
            .take(SCAN_LIMIT)
            .find_map(|e| match &e.value.value {
                Value::String(value) if e.key == name => Some((name, value.as_str())),
                _ => None,
            })
    })
}

fn push_key(path: &mut String, key: &str) {
    for c in key.chars() {
        match c {
            '~' => path.push_str("~0"),
            '/' => path.push_str("~1"),
            c => path.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{Syntax, parse};
    use crate::source::FileId;

    fn location_of(text: &str, needle: &str) -> String {
        let root = parse(FileId(0), text, Syntax::Json).expect("parses");
        let start = text.find(needle).expect("needle");
        logical_location(&root, Span::new(FileId(0), start, start + needle.len()))
    }

    const POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Read/Only]", "Effect": "Allow", "Action": ["s3:GetObject", "s3:Get*"], "Resource": "*"},
    {"Effect": "Allow", "Action": "ec2:*", "Resource": "arn:aws:ec2:*:*:instance/*"}
  ],
  "a/b~c": 1
}"#;

    #[test]
    fn names_keys_and_list_items_by_their_sid() {
        assert_eq!(
            location_of(POLICY, r#""s3:Get*""#),
            r#"Statement[Sid="Read/Only]"]/Action[]"#
        );
        assert_eq!(location_of(POLICY, r#""ec2:*""#), "Statement[]/Action");
        assert_eq!(location_of(POLICY, r#""Version""#), "Version");
        assert_eq!(location_of(POLICY, r#""a/b~c""#), "a~1b~0c");
    }

    #[test]
    fn a_statement_inserted_above_leaves_the_location_as_it_was() {
        let moved = POLICY.replace(
            "\"Statement\": [\n",
            "\"Statement\": [\n    {\"Effect\": \"Deny\", \"Action\": \"*\", \"Resource\": \"*\"},\n",
        );
        assert_eq!(
            location_of(&moved, r#""ec2:*""#),
            location_of(POLICY, r#""ec2:*""#)
        );
    }

    #[test]
    fn an_object_with_many_keys_is_not_searched_for_a_name_at_every_finding() {
        let keys: Vec<String> = (0..100).map(|i| format!("\"k{i}\": 1")).collect();
        let text = format!("{{\"Statement\": [{{{}, \"Sid\": \"Late\"}}]}}", keys.join(", "));
        assert_eq!(location_of(&text, "\"k99\""), "Statement[]/k99");
        let text = format!("{{\"Statement\": [{{\"Sid\": \"Early\", {}}}]}}", keys.join(", "));
        assert_eq!(location_of(&text, "\"k99\""), "Statement[Sid=\"Early\"]/k99");
    }

    #[test]
    fn a_long_list_is_searched_by_position() {
        let items: Vec<String> = (0..1000).map(|i| format!("\"a{i}\"")).collect();
        let text = format!("{{\"Action\": [{}]}}", items.join(", "));
        assert_eq!(location_of(&text, "\"a999\""), "Action[]");
    }
}
