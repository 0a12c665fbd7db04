//! `iam/missing-element`: a document without `Statement`, or a statement without an
//! element its policy kind requires (`Effect`, `Action`, `Resource`, `Principal`).

use crate::finding::Diagnostic;
use crate::model::{FileModel, PolicyKind, resource_implied};
use crate::parse::Node;
use crate::rules::Rule;

use super::grammar::{DOCUMENT_ELEMENTS, STATEMENT_ELEMENTS, first_key_span, has, intended, statements};

pub struct MissingElement;

/// One required element: any of `names` satisfies it.
struct Required {
    names: &'static [&'static str],
    message: &'static str,
    help: &'static str,
}

const EFFECT: Required = Required {
    names: &["Effect"],
    message: "statement has no `Effect`",
    help: "add `\"Effect\": \"Allow\"` or `\"Effect\": \"Deny\"`",
};

const ACTION: Required = Required {
    names: &["Action", "NotAction"],
    message: "statement has no `Action` or `NotAction`",
    help: "add the actions the statement applies to, e.g. `\"Action\": \"s3:GetObject\"`",
};

const RESOURCE: Required = Required {
    names: &["Resource", "NotResource"],
    message: "statement has no `Resource` or `NotResource`",
    help: "add the resources the statement applies to, or `\"Resource\": \"*\"` for all of them",
};

const PRINCIPAL: Required = Required {
    names: &["Principal", "NotPrincipal"],
    message: "statement has no `Principal` or `NotPrincipal`",
    help: "a resource-based policy must say whom it applies to, e.g. `\"Principal\": {\"AWS\": \"arn:aws:iam::111122223333:root\"}`",
};

impl Rule for MissingElement {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        for doc in &file.policies {
            let source: &Node = &doc.source;
            if source.as_object().is_none() {
                continue;
            }
            if !has(source, "Statement") {
                if !misspelt(source, &DOCUMENT_ELEMENTS, &["Statement"]) {
                    out.push(
                        Diagnostic::new(first_key_span(source), "policy document has no `Statement`")
                            .help("add a `Statement` array with at least one statement"),
                    );
                }
                continue;
            }
            let mut required = vec![&EFFECT, &ACTION];
            // A role's trust policy applies to the role itself: it has no `Resource`; nor
            // need an ECR repository policy, which applies to its repository.
            let holder = file
                .template
                .as_ref()
                .zip(doc.owner.as_deref())
                .and_then(|(template, owner)| template.resource(owner)?.resource_type);
            if doc.kind != PolicyKind::Trust && !holder.is_some_and(resource_implied) {
                required.push(&RESOURCE);
            }
            // Identity policies and SCPs apply to their holder and must not name one. Plain
            // files are typed by their content, so a principal is never missing there.
            if matches!(
                doc.kind,
                PolicyKind::Resource | PolicyKind::KeyPolicy | PolicyKind::Trust
            ) {
                required.push(&PRINCIPAL);
            }
            for statement in statements(source) {
                for element in &required {
                    let present = element.names.iter().any(|n| has(statement, n));
                    // A misspelt key (`action`, `Actions`) is `iam/unknown-element`'s finding.
                    if present || misspelt(statement, &STATEMENT_ELEMENTS, element.names) {
                        continue;
                    }
                    out.push(Diagnostic::new(first_key_span(statement), element.message).help(element.help));
                }
            }
        }
    }
}

/// Whether a key of `node` that is not in the grammar looks like one of `names`.
fn misspelt(node: &Node, grammar: &[&'static str], names: &[&str]) -> bool {
    node.as_object().unwrap_or_default().iter().any(|e| {
        !grammar.contains(&e.key.as_str()) && intended(&e.key, grammar).is_some_and(|i| names.contains(&i))
    })
}
