//! `iam/unknown-condition-operator`: a `Condition` operator that IAM does not define.

use std::collections::BTreeSet;

use crate::finding::Diagnostic;
use crate::model::FileModel;
use crate::rules::Rule;

use super::conditions::{OperatorProblem, check_operator, written_operator};

pub struct UnknownConditionOperator;

impl Rule for UnknownConditionOperator {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        for doc in &file.policies {
            for statement in &doc.statements {
                // One finding per operator, however many keys it tests.
                let mut seen = BTreeSet::new();
                for clause in &statement.condition {
                    if !seen.insert((clause.operator_span.start, clause.operator_span.end)) {
                        continue;
                    }
                    let written = written_operator(&clause.operator);
                    let Some(problem) = check_operator(&written) else {
                        continue;
                    };
                    let span = clause.operator_span;
                    let diagnostic = match problem {
                        OperatorProblem::Case { documented } => Diagnostic::new(
                            span,
                            format!("condition operator `{written}` is not written as documented"),
                        )
                        .help(format!("operator names are case-sensitive: write `{documented}`")),
                        // `NullIfExists` is iam/null-condition's finding (one problem, one finding).
                        OperatorProblem::NullIfExists => continue,
                        OperatorProblem::UnknownQualifier {
                            qualifier,
                            suggestion,
                        } => {
                            let diagnostic = Diagnostic::new(
                                span,
                                format!(
                                    "unknown set qualifier `{qualifier}` in condition operator `{written}`"
                                ),
                            );
                            match suggestion {
                                Some(s) => diagnostic.help(format!("did you mean `{s}`?")),
                                None => diagnostic
                                    .help("the only set qualifiers are `ForAllValues:` and `ForAnyValue:`"),
                            }
                        }
                        OperatorProblem::Unknown { suggestion } => {
                            let diagnostic =
                                Diagnostic::new(span, format!("unknown condition operator `{written}`"));
                            match suggestion {
                                Some(s) => diagnostic.help(format!("did you mean `{s}`?")),
                                None => diagnostic.help(
                                    "use one of the String, Numeric, Date, Bool, BinaryEquals, IpAddress, Arn or Null operators of the IAM User Guide",
                                ),
                            }
                        }
                    };
                    out.push(diagnostic);
                }
            }
        }
    }
}
