//! `iam/invalid-effect`: an `Effect` string other than exactly `Allow` or `Deny`.

use crate::finding::Diagnostic;
use crate::model::FileModel;
use crate::rules::Rule;

use super::grammar::statements;
use super::nearest;

pub struct InvalidEffect;

const EFFECTS: [&str; 2] = ["Allow", "Deny"];

impl Rule for InvalidEffect {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        for doc in &file.policies {
            for statement in statements(&doc.source) {
                // Other types are `iam/invalid-element-type`'s, intrinsics are unknown.
                let Some(effect) = statement.get("Effect") else {
                    continue;
                };
                let Some(text) = effect.as_str() else {
                    continue;
                };
                if EFFECTS.contains(&text) {
                    continue;
                }
                let help = match EFFECTS.iter().find(|e| e.eq_ignore_ascii_case(text.trim())) {
                    Some(right) if text.trim() == *right => format!("write `{right}` without the spaces"),
                    Some(right) => format!("write `{right}`: the value is case-sensitive"),
                    None => match nearest(text, EFFECTS.into_iter()) {
                        Some(right) => format!("did you mean `{right}`?"),
                        None => "use `Allow` or `Deny`".to_string(),
                    },
                };
                out.push(
                    Diagnostic::new(effect.span, format!("`{text}` is not a valid `Effect`")).help(help),
                );
            }
        }
    }
}
