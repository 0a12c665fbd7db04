//! What the principal, element and size rules share: the raw statements of a document, the
//! policy type a document really is (a plain file with a `Principal` is resource-based),
//! the template resource that holds it, and the shapes of principal values.

use crate::model::{FileModel, PolicyDocument, PolicyKind, Resource};
use crate::parse::{Node, Value};

/// The statements of a document as written: the `Statement` list, or its single object.
pub fn statement_nodes<'d>(doc: &'d PolicyDocument<'_>) -> Vec<&'d Node> {
    match doc.source.get("Statement") {
        Some(Node {
            value: Value::Array(items),
            ..
        }) => items.iter().filter(|n| n.as_object().is_some()).collect(),
        Some(single) if single.as_object().is_some() && single.intrinsic().is_none() => vec![single],
        _ => Vec::new(),
    }
}

/// The template resource that holds the document, if it comes from a template.
pub fn owner<'f>(file: &'f FileModel<'_>, doc: &PolicyDocument<'_>) -> Option<&'f Resource<'f>> {
    let id = doc.owner.as_deref()?;
    file.template.as_ref()?.resource(id)
}

/// Whether a `ServiceControl` document is a resource control policy (its
/// `AWS::Organizations::Policy` has `Type: RESOURCE_CONTROL_POLICY`).
pub fn is_resource_control_policy(file: &FileModel<'_>, doc: &PolicyDocument<'_>) -> bool {
    doc.kind == PolicyKind::ServiceControl
        && owner(file, doc)
            .and_then(|r| r.property("Type"))
            .and_then(Node::as_str)
            == Some("RESOURCE_CONTROL_POLICY")
}
