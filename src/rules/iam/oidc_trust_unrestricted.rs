//! `iam/oidc-trust-unrestricted`: a role trust policy that lets an OpenID Connect provider's
//! tokens assume the role without narrowing which tokens (which repository, which app).

use super::raw;
use crate::finding::Diagnostic;
use crate::model::{FileModel, PolicyKind, SetQualifier};
use crate::parse::Node;
use crate::rules::Rule;

const GITHUB: &str = "token.actions.githubusercontent.com";

pub struct OidcTrustUnrestricted;

/// The OIDC provider host a Federated principal names: a bare host
/// (`accounts.google.com`) or the part after `oidc-provider/` in a provider ARN. SAML
/// providers are not OIDC.
pub fn oidc_host(federated: &str) -> Option<&str> {
    if let Some((_, host)) = federated.split_once(":oidc-provider/") {
        return Some(host);
    }
    (!federated.starts_with("arn:") && federated.contains('.')).then_some(federated)
}

impl Rule for OidcTrustUnrestricted {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        for doc in file.policies.iter().filter(|d| d.kind == PolicyKind::Trust) {
            // The `aud` claim is a single value: a set qualifier changes what the test means.
            for clause in doc.statements.iter().flat_map(|s| &s.condition) {
                let key = clause.key.to_ascii_lowercase();
                let oidc_aud =
                    key.ends_with(":aud") && key.split(':').next().is_some_and(|h| h.contains('.'));
                if let (true, Some(qualifier)) = (oidc_aud, clause.operator.qualifier) {
                    let written = if qualifier == SetQualifier::ForAnyValue {
                        "ForAnyValue"
                    } else {
                        "ForAllValues"
                    };
                    out.push(
                        Diagnostic::new(
                            clause.operator_span,
                            format!("`{}` is a single-valued claim: `{written}:` treats it as a set, which does not test what it seems to", clause.key),
                        )
                        .help("drop the qualifier: `\"StringEquals\": {\"<provider>:aud\": \"<client id>\"}`"),
                    );
                }
            }
            for statement in doc.statement_nodes() {
                if statement.get("Effect").and_then(Node::as_str) != Some("Allow") {
                    continue;
                }
                let keys = raw::condition_keys(statement);
                for principal in raw::principals(statement)
                    .iter()
                    .filter(|p| p.kind == "Federated")
                {
                    let Some(host) = principal.text.and_then(oidc_host) else {
                        continue;
                    };
                    let host_lower = host.to_ascii_lowercase();
                    let provider_keys: Vec<&(String, &Node)> = keys
                        .iter()
                        .filter(|(k, _)| k.starts_with(&format!("{host_lower}:")))
                        .collect();
                    if host_lower.starts_with(GITHUB) {
                        let sub = provider_keys.iter().find(|(k, _)| k.ends_with(":sub"));
                        match sub {
                            None => out.push(
                                Diagnostic::new(
                                    principal.node.span,
                                    "any GitHub Actions workflow of any repository can assume this role: the trust has no `token.actions.githubusercontent.com:sub` condition",
                                )
                                .help("add `\"StringEquals\": {\"token.actions.githubusercontent.com:sub\": \"repo:OWNER/REPO:ref:refs/heads/main\"}` (or StringLike with a specific repository)"),
                            ),
                            Some((_, values)) if broad_sub(values) => out.push(
                                Diagnostic::new(
                                    values.span,
                                    "the `token.actions.githubusercontent.com:sub` condition does not name a specific repository and branch or environment",
                                )
                                .help("name the repository and the branch or environment: `repo:OWNER/REPO:ref:refs/heads/main` or `repo:OWNER/REPO:environment:NAME`"),
                            ),
                            Some(_) => {}
                        }
                    } else if provider_keys.is_empty() {
                        out.push(
                            Diagnostic::new(
                                principal.node.span,
                                format!("tokens from `{host}` can assume this role without any condition on the provider's claims"),
                            )
                            .help(format!(
                                "add a condition on `{host}:aud` (the client id) and `{host}:sub` (the identity) so only your tokens are accepted"
                            )),
                        );
                    }
                }
            }
        }
    }
}

/// A `sub` condition with a value that leaves the repository or its branch open. Access
/// Analyzer's "Specific github repo and branch recommended" asks for both: `repo:org/*` (any
/// repository of the organization) and `repo:org/repo:*` or `...:ref:refs/heads/*` (any
/// branch, pull request or environment) are open; `repo:org/repo:ref:refs/heads/main` and
/// `repo:org/repo:environment:prod` are specific.
fn broad_sub(values: &Node) -> bool {
    let texts: Vec<&str> = match values.as_array() {
        Some(list) => list.iter().filter_map(Node::as_str).collect(),
        None => values.as_str().into_iter().collect(),
    };
    texts.iter().any(|v| open_subject(v))
}

/// Whether one subject pattern leaves the repository, or the branch or environment, open.
fn open_subject(subject: &str) -> bool {
    let wild = |part: &str| part.is_empty() || part.contains(['*', '?']);
    let Some(rest) = subject.strip_prefix("repo:") else {
        // Not GitHub's `repo:` form (a custom subject template, `*`): judged by wildcards.
        return wild(subject);
    };
    let (repository, context) = rest.split_once(':').unwrap_or((rest, ""));
    let (owner, name) = repository.split_once('/').unwrap_or((repository, ""));
    // A subject always has a context after the repository: without one the pattern
    // matches no token, which is not an open trust.
    wild(owner) || wild(name) || context.contains(['*', '?'])
}

#[cfg(test)]
mod tests {
    use super::open_subject;

    #[test]
    fn subjects_name_a_repository_and_a_branch_or_environment() {
        for open in [
            "*",
            "repo:*",
            "repo:octo-org/*",
            "repo:octo-org/*:ref:refs/heads/main",
            "repo:octo-org/octo-repo:*",
            "repo:octo-org/octo-repo:ref:refs/heads/*",
            "repo:octo-org/octo-repo:environment:*",
        ] {
            assert!(open_subject(open), "{open}");
        }
        for specific in [
            "repo:octo-org/octo-repo:ref:refs/heads/main",
            "repo:octo-org/octo-repo:environment:prod",
            "repo:octo-org/octo-repo:pull_request",
            "repo:octo-org/octo-repo",
        ] {
            assert!(!open_subject(specific), "{specific}");
        }
    }
}
