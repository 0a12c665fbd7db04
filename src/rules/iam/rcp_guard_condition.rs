//! `iam/rcp-guard-condition`: a resource control policy statement that tests principal or
//! service keys without the companion condition that keeps it from catching requests it
//! was not meant for.

use crate::finding::Diagnostic;
use crate::model::{FileModel, PolicyKind, Statement};
use crate::rules::Rule;

pub struct RcpGuardCondition;

const PRINCIPAL_KEYS: [&str; 5] = [
    "aws:principalorgid",
    "aws:principalaccount",
    "aws:principalorgpaths",
    "aws:principalarn",
    "aws:principaltag/",
];
const SERVICE_KEYS: [&str; 4] = [
    "aws:sourceaccount",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:sourcearn",
];

fn tests(statement: &Statement, keys: &[&str]) -> Option<crate::source::Span> {
    statement
        .condition
        .iter()
        .find(|c| {
            let key = c.key.to_ascii_lowercase();
            keys.iter().any(|k| {
                if k.ends_with('/') {
                    key.starts_with(k)
                } else {
                    key == *k
                }
            })
        })
        .map(|c| c.key_span)
}

/// Whether the statement tests `aws:PrincipalIsAWSService` for `value`.
fn guards_service_flag(statement: &Statement, value: &str) -> bool {
    statement.clauses_on("aws:PrincipalIsAWSService").any(|c| {
        c.operator.base == "Bool"
            && c.values
                .iter()
                .any(|v| v.text.as_deref().is_some_and(|t| t.eq_ignore_ascii_case(value)))
    })
}

impl Rule for RcpGuardCondition {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        for doc in file
            .policies
            .iter()
            .filter(|d| d.kind == PolicyKind::ResourceControl)
        {
            for statement in &doc.statements {
                if let Some(span) = tests(statement, &PRINCIPAL_KEYS)
                    && !guards_service_flag(statement, "false")
                {
                    out.push(
                        Diagnostic::new(span, "this RCP condition on the calling principal also applies to AWS services acting for you")
                            .help("add `\"BoolIfExists\": {\"aws:PrincipalIsAWSService\": \"false\"}` so service principals are not denied"),
                    );
                }
                if let Some(span) = tests(statement, &SERVICE_KEYS) {
                    if !guards_service_flag(statement, "true") {
                        out.push(
                            Diagnostic::new(span, "this RCP condition on the calling service also applies to requests that are not made by a service")
                                .help("add `\"Bool\": {\"aws:PrincipalIsAWSService\": \"true\"}` to the statement"),
                        );
                    }
                    let null_check = statement
                        .clauses_on("aws:SourceAccount")
                        .chain(statement.clauses_on("aws:SourceArn"))
                        .any(|c| c.operator.base == "Null");
                    if !null_check {
                        out.push(
                            Diagnostic::new(span, "service requests without `aws:SourceAccount` or `aws:SourceArn` also match this RCP condition (a negated or IfExists test of an absent key is true) and are denied")
                                .help("add `\"Null\": {\"aws:SourceAccount\": \"false\"}` so the statement applies only to requests that carry the key"),
                        );
                    }
                }
            }
        }
    }
}
