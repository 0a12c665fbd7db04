//! Fixes: the edits that repair a finding, as byte ranges of the original text, so that the
//! formatting, comments and key order around them survive in JSON, YAML and HCL alike.
//!
//! A rule attaches a [`Fix`] to its diagnostic with [`crate::finding::Diagnostic::fix`];
//! `check --fix` applies the safe ones, `--unsafe-fixes` the others as well, reporters show
//! them, and the language server offers them as code actions.

pub mod run;
pub mod syntax;

use crate::source::Span;

/// Whether a fix may be applied without a person reading it (ruff's applicability).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Applicability {
    /// Keeps what the policy or template means, or repairs it to what it plainly intended
    /// (a misspelled action with exactly one near match): applied by `--fix`.
    Safe,
    /// Changes what is granted or deployed (adds permissions, replaces a password):
    /// shown, applied only with `--unsafe-fixes`.
    Unsafe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// Replace the bytes of `span` with `replacement` (an insertion when the span is empty, a
/// deletion when the replacement is).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}

impl Edit {
    pub fn replace(span: Span, replacement: impl Into<String>) -> Edit {
        Edit {
            span,
            replacement: replacement.into(),
        }
    }

    pub fn delete(span: Span) -> Edit {
        Edit::replace(span, "")
    }

    pub fn insert(at: Span, text: impl Into<String>) -> Edit {
        Edit::replace(Span { end: at.start, ..at }, text)
    }
}

/// The edits that repair one finding, all in the finding's file, applied together or not
/// at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub applicability: Applicability,
    /// What the fix does, imperative and short: "replace `s3:GetObjet` with `s3:GetObject`".
    pub message: String,
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn safe(message: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix {
            applicability: Applicability::Safe,
            message: message.into(),
            edits,
        }
    }

    pub fn unsafe_(message: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix {
            applicability: Applicability::Unsafe,
            message: message.into(),
            edits,
        }
    }
}

/// `text` with `edits` applied, or `None` when two edits overlap (two insertions at the
/// same point are applied in the order given), an edit reaches past the end, or an edit
/// boundary splits a character.
pub fn apply(text: &str, edits: &[Edit]) -> Option<String> {
    let mut order: Vec<&Edit> = edits.iter().collect();
    order.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0usize;
    for edit in order {
        let range = edit.span.range();
        if range.start < at || !text.is_char_boundary(range.start) || !text.is_char_boundary(range.end) {
            return None;
        }
        out.push_str(text.get(at..range.start)?);
        out.push_str(&edit.replacement);
        at = range.end;
    }
    out.push_str(text.get(at..)?);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn span(start: usize, end: usize) -> Span {
        Span::new(FileId(0), start, end)
    }

    #[test]
    fn edits_apply_in_position_order_whatever_their_order() {
        let text = r#"{"Action": ["s3:GetObjet", "s3:PutObject"]}"#;
        let edits = [
            Edit::delete(span(25, 41)),
            Edit::replace(span(13, 24), "s3:GetObject"),
        ];
        assert_eq!(apply(text, &edits).unwrap(), r#"{"Action": ["s3:GetObject"]}"#);
    }

    #[test]
    fn insertions_at_one_point_keep_their_order() {
        let edits = [Edit::insert(span(1, 1), "a"), Edit::insert(span(1, 1), "b")];
        assert_eq!(apply("xy", &edits).unwrap(), "xaby");
    }

    #[test]
    fn overlapping_or_out_of_range_edits_are_refused() {
        assert_eq!(
            apply("abcdef", &[Edit::delete(span(1, 4)), Edit::delete(span(3, 5))]),
            None
        );
        assert_eq!(apply("abc", &[Edit::delete(span(2, 9))]), None);
        assert_eq!(apply("é", &[Edit::delete(span(0, 1))]), None);
    }
}
