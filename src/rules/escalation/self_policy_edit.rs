//! `escalation/self-policy-edit`: a principal that can edit its own policies (or join a group) and so grant itself any permission. The analysis is
//! the module's ([`super::paths`]); this rule reports the paths whose first step is of its
//! family.

use super::{Family, report};
use crate::finding::Diagnostic;
use crate::model::Project;
use crate::rules::Rule;

pub struct SelfPolicyEdit;

impl Rule for SelfPolicyEdit {
    fn check_project(&self, project: &Project<'_, '_>, out: &mut Vec<Diagnostic>) {
        report(Family::SelfPolicyEdit, project, out);
    }
}
