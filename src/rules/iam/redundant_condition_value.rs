//! `iam/redundant-condition-value`: values of one condition key that add nothing, because
//! the values of a key are ORed: a duplicate, or a numeric bound implied by another.

use std::collections::HashMap;

use crate::finding::Diagnostic;
use crate::fix::Applicability;
use crate::model::FileModel;
use crate::rules::Rule;
use crate::rules::iam::remove_redundant;

pub struct RedundantConditionValue;

impl Rule for RedundantConditionValue {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        for clause in file.clauses() {
            let spans: Vec<crate::source::Span> = clause.values.iter().map(|v| v.span).collect();
            // The values of a key are ORed: a duplicate, or a bound inside a wider one,
            // matches nothing the others do not.
            let fixed = |diagnostic: Diagnostic, span, text: &str| match remove_redundant(
                file,
                &spans,
                span,
                text,
                Applicability::Safe,
            ) {
                Some(fix) => diagnostic.fix(fix),
                None => diagnostic,
            };
            let values: Vec<(&str, crate::source::Span)> = clause
                .values
                .iter()
                .filter_map(|v| Some((v.text.as_deref()?, v.span)))
                .collect();
            // The first of each value: one pass, so 50,000 values cost linear time.
            let mut first_of: HashMap<&str, crate::source::Span> = HashMap::with_capacity(values.len());
            for &(text, span) in &values {
                if let Some(first) = first_of.get(text) {
                    out.push(fixed(
                        Diagnostic::new(span, format!("`{text}` is listed twice for `{}`", clause.key))
                            .label(*first, "first listed here"),
                        span,
                        text,
                    ));
                } else {
                    first_of.insert(text, span);
                }
            }
            // Numeric bounds: of `< 5` and `< 10` only the widest matters.
            let keep_max = matches!(
                clause.operator.base.as_str(),
                "NumericLessThan" | "NumericLessThanEquals"
            );
            let keep_min = matches!(
                clause.operator.base.as_str(),
                "NumericGreaterThan" | "NumericGreaterThanEquals"
            );
            if !(keep_max || keep_min) || clause.operator.qualifier.is_some() {
                continue;
            }
            let numbers: Vec<(f64, crate::source::Span, &str)> = values
                .iter()
                .filter_map(|&(t, s)| Some((t.parse::<f64>().ok()?, s, t)))
                .collect();
            let distinct = first_of.len();
            if numbers.len() < 2 || numbers.len() != distinct {
                continue;
            }
            let widest = numbers.iter().copied().reduce(|a, b| {
                if (keep_max && b.0 > a.0) || (keep_min && b.0 < a.0) {
                    b
                } else {
                    a
                }
            });
            let Some((bound, bound_span, _)) = widest else {
                continue;
            };
            for &(value, span, text) in &numbers {
                if value != bound {
                    out.push(fixed(
                        Diagnostic::new(
                            span,
                            format!(
                                "this bound adds nothing: values are ORed, and `{bound}` already allows more"
                            ),
                        )
                        .help(format!("keep only `{bound}`"))
                        .label(bound_span, "the widest bound"),
                        span,
                        text,
                    ));
                }
            }
        }
    }
}
