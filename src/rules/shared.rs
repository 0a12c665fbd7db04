//! What several rules derive from one file's model, once per file: built by the first
//! rule that asks, kept in the model's `derived` slot, read by the others. A derivation
//! whose work is bounded by a budget says where it stopped through [`limits`], which the
//! engine reports as `analysis-limit`.

use std::sync::OnceLock;

use crate::finding::Diagnostic;
use crate::model::FileModel;
use crate::rules::iam::actions::ActionTable;
use crate::rules::iam::conditions::KeyTable;

#[derive(Default)]
pub struct Shared {
    actions: OnceLock<ActionTable>,
    keys: OnceLock<KeyTable>,
}

fn of<'f>(file: &'f FileModel<'_>) -> &'f Shared {
    file.derived
        .get_or_init(|| Box::new(Shared::default()))
        .downcast_ref::<Shared>()
        .expect("only the rules fill the derived slot, always with `Shared`")
}

/// The catalog's reading of the file's action items, each distinct text resolved once.
pub fn actions<'f>(file: &'f FileModel<'_>) -> &'f ActionTable {
    of(file)
        .actions
        .get_or_init(|| crate::timing::shared("(shared) action table", || ActionTable::build(file)))
}

/// What the file's condition keys name, each distinct key resolved once.
pub fn keys<'f>(file: &'f FileModel<'_>) -> &'f KeyTable {
    of(file)
        .keys
        .get_or_init(|| crate::timing::shared("(shared) condition-key table", || KeyTable::build(file)))
}

/// Where the shared derivations of a file stopped at a budget, as `analysis-limit`
/// diagnostics whose message says what was left out.
pub fn limits(file: &FileModel<'_>) -> Vec<Diagnostic> {
    let Some(shared) = file.derived.get().and_then(|d| d.downcast_ref::<Shared>()) else {
        return Vec::new();
    };
    let mut limits = shared.actions.get().map(ActionTable::limits).unwrap_or_default();
    limits.extend(shared.keys.get().map(KeyTable::limits).unwrap_or_default());
    limits
}
