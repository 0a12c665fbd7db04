//! The request context: condition keys (case-insensitive) and their values, and policy
//! variable substitution (`${aws:username}`, `${aws:x, 'default'}`, `${*}`, `${?}`, `${$}`).

use std::collections::HashMap;

/// The values of the condition keys a request carries. A key may be present with an empty
/// set of values, which is not the same as absent for `ForAllValues`/`ForAnyValue`.
#[derive(Clone, Debug, Default)]
pub struct Context {
    values: HashMap<String, Vec<String>>,
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
        self.values.insert(key.to_ascii_lowercase(), values);
    }

    /// The values of a key, `None` when the request does not carry it.
    pub fn get(&self, key: &str) -> Option<&[String]> {
        self.values.get(&key.to_ascii_lowercase()).map(Vec::as_slice)
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

/// Substitutes policy variables in `text`, marking `*` and `?` written in the policy as
/// wildcards when `wildcards` is true (String/Arn Like operators, resources). `None` when a
/// variable's key is absent and it has no default: the element then matches nothing.
pub fn substitute(text: &str, context: &Context, wildcards: bool) -> Option<Vec<Piece>> {
    let mut out = Vec::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if let Some(inner) = rest.strip_prefix("${")
            && let Some(close) = inner.find('}')
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
                    let value = match context.get(key) {
                        // A multivalued key cannot stand for one string.
                        Some([single]) => single.as_str(),
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

/// Glob match of a substituted pattern against text; `fold` compares characters
/// case-insensitively. Single-star backtracking: linear in practice.
pub fn glob(pattern: &[Piece], text: &str, fold: bool) -> bool {
    let text: Vec<char> = text.chars().collect();
    let same = |p: char, t: char| {
        if fold {
            p.to_lowercase().eq(t.to_lowercase())
        } else {
            p == t
        }
    };
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(Piece::One) => {
                p += 1;
                t += 1;
            }
            Some(Piece::Char(c)) if same(*c, text[t]) => {
                p += 1;
                t += 1;
            }
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
    pattern[p..].iter().all(|piece| *piece == Piece::Any)
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
    fn globs() {
        let pattern = substitute("arn:aws:s3:::logs/*/2024-??", &Context::new(), true).unwrap();
        assert!(glob(&pattern, "arn:aws:s3:::logs/app/2024-01", false));
        assert!(!glob(&pattern, "arn:aws:s3:::logs/app/2024-1", false));
        let upper = substitute("Team-*", &Context::new(), true).unwrap();
        assert!(glob(&upper, "team-a", true));
        assert!(!glob(&upper, "team-a", false));
    }
}
