//! `iam/pass-role-star`: `iam:PassRole` allowed on every role (Resource `*` or
//! `NotResource`) without an `iam:PassedToService` condition.

use super::actions::{SensitiveAction, unscoped_grants};
use crate::finding::Diagnostic;
use crate::model::FileModel;
use crate::rules::Rule;

pub struct PassRoleStar;

const PASS_ROLE: SensitiveAction = SensitiveAction {
    action: "iam:PassRole",
    title: "pass role",
    consequence: "so any role can be handed to any service",
    scoping_keys: &["iam:PassedToService"],
    help: "name the roles in `Resource` (`arn:aws:iam::<account>:role/<name>`), or add a condition on `iam:PassedToService`",
};

impl Rule for PassRoleStar {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        unscoped_grants(file, &PASS_ROLE, out);
    }
}
