//! The request context: condition keys (case-insensitive) and their values, and policy
//! variable substitution (`${aws:username}`, `${aws:x, 'default'}`, `${*}`, `${?}`, `${$}`).

/// The values of the condition keys a request carries. A key may be present with an empty
/// set of values, which is not the same as absent for `ForAllValues`/`ForAnyValue`.
///
/// Keys are kept lowercased in a list: a request carries a few dozen keys at most, and a
/// scan with a case-insensitive comparison finds one without lowercasing (allocating) the
/// key of every condition it evaluates.
#[derive(Clone, Debug, Default)]
pub struct Context {
    values: Vec<ContextKey>,
}

#[derive(Clone, Debug)]
struct ContextKey {
    /// Lowercased.
    key: String,
    values: Vec<String>,
    /// A multivalued key (a set): typed `ArrayOf...` in the Service Authorization
    /// Reference, or given more than one value. Looked up in the catalog the first time a
    /// condition asks: most keys of a probe request are never compared by a plain operator.
    multivalued: std::sync::OnceLock<bool>,
}

impl ContextKey {
    fn multivalued(&self) -> bool {
        *self.multivalued.get_or_init(|| {
            self.values.len() > 1
                || crate::catalog::Catalog::global()
                    .key_type(&self.key)
                    .is_some_and(crate::catalog::KeyType::is_multivalued)
        })
    }
}

/// Whether `${...}` in a policy's text are policy variables. The IAM User Guide ("IAM
/// policy elements: Variables and tags"): "Variables were introduced in version
/// `2012-10-17`. [...] If you don't include the `Version` element and set it to an
/// appropriate version date, variables like `${aws:username}` are treated as literal
/// strings in the policy."
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variables {
    /// `"Version": "2012-10-17"`: variables are replaced by the request's values.
    Substituted,
    /// No `Version`, or `2008-10-17`: `${aws:username}` is the text `${aws:username}`.
    Literal,
}

impl Variables {
    /// What a policy document's `Version` says.
    pub fn of(document: &crate::parse::Node) -> Variables {
        match document.get("Version").and_then(crate::parse::Node::as_str) {
            Some("2012-10-17") => Variables::Substituted,
            _ => Variables::Literal,
        }
    }

    /// Whether a policy's text must go through [`substitute`] before it is compared.
    pub fn in_text(self, text: &str) -> bool {
        self == Variables::Substituted && has_variables(text)
    }
}

impl Context {
    pub fn new() -> Context {
        Context::default()
    }

    /// Sets a key (any case) to one value.
    pub fn with(mut self, key: &str, value: &str) -> Context {
        self.set(key, vec![value.to_string()]);
        self
    }

    pub fn set(&mut self, key: &str, values: Vec<String>) {
        match self.values.iter_mut().find(|k| k.key.eq_ignore_ascii_case(key)) {
            Some(old) => {
                old.values = values;
                old.multivalued = std::sync::OnceLock::new();
            }
            None => self.values.push(ContextKey {
                key: key.to_ascii_lowercase(),
                values,
                multivalued: std::sync::OnceLock::new(),
            }),
        }
    }

    /// The values of a key, `None` when the request does not carry it.
    pub fn get(&self, key: &str) -> Option<&[String]> {
        self.lookup(key).map(|(values, _)| values)
    }

    /// The values of a key and whether it is multivalued (a set, which only the set
    /// operators `ForAllValues`/`ForAnyValue` compare), `None` when the request does not
    /// carry it. The second is a function: it may ask the catalog, once per key.
    pub fn lookup(&self, key: &str) -> Option<(&[String], impl Fn() -> bool + '_)> {
        self.values
            .iter()
            .find(|k| k.key.eq_ignore_ascii_case(key))
            .map(|k| (k.values.as_slice(), move || k.multivalued()))
    }
}

/// One element of a pattern after variable substitution: a literal character (also a `*`
/// that came from `${*}` or from a variable's value), or a wildcard of the policy text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece {
    Char(char),
    /// `*`: any run of characters.
    Any,
    /// `?`: one character.
    One,
}

/// The next `}` at or after a position of a text, for scanners that look for one at every
/// `${`: the answer found for one position holds for every later position up to it, so a
/// text is scanned once in all when asked at increasing positions, however many `${`
/// (closed or not) it holds. Asking at each `${` of `${${${...` anew would cost the square
/// of its length.
pub struct NextClose<'t> {
    text: &'t str,
    /// The position last asked about, and the answer.
    from: usize,
    found: Option<usize>,
}

impl<'t> NextClose<'t> {
    pub fn new(text: &'t str) -> NextClose<'t> {
        NextClose {
            text,
            from: usize::MAX,
            found: None,
        }
    }

    /// The byte offset of the first `}` at or after `at`.
    pub fn at(&mut self, at: usize) -> Option<usize> {
        let still = self.from <= at && self.found.is_none_or(|found| at <= found);
        if !still {
            self.from = at;
            self.found = self
                .text
                .get(at..)
                .and_then(|rest| rest.find('}'))
                .map(|i| at + i);
        }
        self.found
    }
}

/// Substitutes policy variables in `text`, marking `*` and `?` written in the policy as
/// wildcards when `wildcards` is true (String/Arn Like operators, resources). `None` when a
/// variable's key is absent and it has no default: the element then matches nothing.
pub fn substitute(text: &str, context: &Context, wildcards: bool) -> Option<Vec<Piece>> {
    let mut out = Vec::with_capacity(text.len());
    let mut rest = text;
    let mut closing = NextClose::new(text);
    while let Some(c) = rest.chars().next() {
        if let Some(inner) = rest.strip_prefix("${")
            && let Some(close) = closing
                .at(text.len() - inner.len())
                .map(|at| at - (text.len() - inner.len()))
        {
            let body = &inner[..close];
            rest = &inner[close + 1..];
            match body {
                "*" => out.push(Piece::Char('*')),
                "?" => out.push(Piece::Char('?')),
                "$" => out.push(Piece::Char('$')),
                _ => {
                    let (key, default) = match body.split_once(',') {
                        Some((key, default)) => (key.trim(), Some(default.trim().trim_matches('\''))),
                        None => (body.trim(), None),
                    };
                    let value = match context.lookup(key) {
                        // The IAM User Guide ("Single-valued vs. multivalued context keys"):
                        // "You can use any available single-valued context key as a policy
                        // variable, but you can't use a multivalued context key".
                        Some(([single], multivalued)) if !multivalued() => single.as_str(),
                        Some(_) => return None,
                        None => default?,
                    };
                    out.extend(value.chars().map(Piece::Char));
                }
            }
            continue;
        }
        out.push(match c {
            '*' if wildcards => Piece::Any,
            '?' if wildcards => Piece::One,
            c => Piece::Char(c),
        });
        rest = &rest[c.len_utf8()..];
    }
    Some(out)
}

/// Whether `text` matches `pattern`, a policy's text with `*` and `?` wildcards and policy
/// variables, case-sensitively: resources, `StringLike`. Text without variables is matched
/// as it is, without building the substituted pattern.
pub fn like(pattern: &str, text: &str, context: &Context, variables: Variables) -> bool {
    if pattern == "*" {
        true
    } else if variables.in_text(pattern) {
        substitute(pattern, context, true).is_some_and(|p| glob(&p, text, false))
    } else {
        wildcard(pattern, text, false)
    }
}

/// Whether a policy's text contains a policy variable (`${...}`), which [`substitute`] must
/// replace before it can be compared.
pub fn has_variables(text: &str) -> bool {
    text.contains("${")
}

/// The text with every policy variable replaced by `*`: what it could match whatever the
/// variables' values.
pub fn variables_as_wildcards(text: &str) -> String {
    replace_variables(text, |_| "*".to_string())
}

/// A text with each `${name}` replaced by `value(name)`; an unclosed `${` stays as it is.
/// Also fills the `${Placeholder}`s of the Service Authorization Reference's ARN formats.
pub fn replace_variables(text: &str, value: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        match rest[start..].find('}') {
            Some(end) => {
                out.push_str(&value(&rest[start + 2..start + end]));
                rest = &rest[start + end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Glob match of a pattern without policy variables (`*` and `?` are wildcards).
pub fn wildcard(pattern: &str, text: &str, fold: bool) -> bool {
    if pattern.is_ascii() && text.is_ascii() {
        let (pattern, text) = (pattern.as_bytes(), text.as_bytes());
        // ARNs and actions begin with a long literal part: compare it as a slice.
        let literal = pattern
            .iter()
            .position(|&b| b == b'*' || b == b'?')
            .unwrap_or(pattern.len());
        let Some(head) = text.get(..literal) else {
            return false;
        };
        let same_head = if fold {
            head.eq_ignore_ascii_case(&pattern[..literal])
        } else {
            head == &pattern[..literal]
        };
        if !same_head {
            return false;
        }
        let (pattern, text) = (&pattern[literal..], &text[literal..]);
        let piece = |b: u8| match b {
            b'*' => Piece::Any,
            b'?' => Piece::One,
            b => Piece::Char(char::from(b)),
        };
        return if fold {
            glob_elements(pattern, text, piece, |c, t| {
                c.eq_ignore_ascii_case(&char::from(t))
            })
        } else {
            glob_elements(pattern, text, piece, |c, t| c == char::from(t))
        };
    }
    let pieces: Vec<Piece> = pattern
        .chars()
        .map(|c| match c {
            '*' => Piece::Any,
            '?' => Piece::One,
            c => Piece::Char(c),
        })
        .collect();
    glob(&pieces, text, fold)
}

/// Glob match of a substituted pattern against text; `fold` compares characters
/// case-insensitively.
pub fn glob(pattern: &[Piece], text: &str, fold: bool) -> bool {
    let same = |p: char, t: char| {
        if fold {
            p.to_lowercase().eq(t.to_lowercase())
        } else {
            p == t
        }
    };
    if text.is_ascii() {
        glob_elements(pattern, text.as_bytes(), |p| p, |p, t| same(p, char::from(t)))
    } else {
        let text: Vec<char> = text.chars().collect();
        glob_elements(pattern, &text, |p| p, same)
    }
}

/// The glob matcher behind [`glob`], [`wildcard`] and the ARN rules, over pattern elements
/// that `piece` reads as [`Piece`]s and text elements that `same` compares with a literal
/// character. Single-star backtracking: linear in practice, never exponential.
pub fn glob_elements<P: Copy, T: Copy>(
    pattern: &[P],
    text: &[T],
    piece: impl Fn(P) -> Piece,
    same: impl Fn(char, T) -> bool,
) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p).map(|&element| piece(element)) {
            Some(Piece::One) => {
                p += 1;
                t += 1;
            }
            Some(Piece::Char(c)) if same(c, text[t]) => {
                p += 1;
                t += 1;
            }
            Some(Piece::Any) if p + 1 == pattern.len() => return true,
            Some(Piece::Any) => {
                star = Some((p, t));
                p += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&element| piece(element) == Piece::Any)
}

/// The substituted text of a pattern without wildcards, for equality operators.
pub fn literal(pieces: &[Piece]) -> String {
    pieces
        .iter()
        .map(|p| match p {
            Piece::Char(c) => *c,
            Piece::Any => '*',
            Piece::One => '?',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_defaults_and_escapes() {
        let context = Context::new().with("aws:username", "alice");
        let pieces = substitute("home/${aws:username}/${*}", &context, true).unwrap();
        assert_eq!(literal(&pieces), "home/alice/*");
        // `${*}` is a literal asterisk, not a wildcard.
        assert!(!glob(&pieces, "home/alice/x", false));
        assert!(glob(&pieces, "home/alice/*", false));
        let with_default = substitute("${aws:PrincipalTag/team, 'none'}", &context, false).unwrap();
        assert_eq!(literal(&with_default), "none");
        assert!(substitute("${aws:PrincipalTag/team}", &context, false).is_none());
    }

    #[test]
    fn unclosed_and_nested_variables_are_text() {
        let context = Context::new().with("aws:username", "alice");
        let pieces = substitute("a${b${aws:username}}c${", &context, true);
        // `${b${aws:username}` names the key `b${aws:username`, which is absent.
        assert!(pieces.is_none());
        let pieces = substitute("x/${aws:username}/${${", &context, false).unwrap();
        assert_eq!(literal(&pieces), "x/alice/${${");
        let mut closing = NextClose::new("${a}${b");
        assert_eq!(closing.at(0), Some(3));
        assert_eq!(closing.at(2), Some(3));
        assert_eq!(closing.at(4), None);
        assert_eq!(closing.at(6), None);
    }

    #[test]
    fn globs() {
        let pattern = substitute("arn:aws:s3:::logs/*/2024-??", &Context::new(), true).unwrap();
        assert!(glob(&pattern, "arn:aws:s3:::logs/app/2024-01", false));
        assert!(!glob(&pattern, "arn:aws:s3:::logs/app/2024-1", false));
        let upper = substitute("Team-*", &Context::new(), true).unwrap();
        assert!(glob(&upper, "team-a", true));
        assert!(!glob(&upper, "team-a", false));
    }
}
