//! `escalation/pass-role`: a principal that can pass a more powerful role to a service it can run code in. The analysis is
//! the module's ([`super::paths`]); this rule reports the paths whose first step is of its
//! family.

use super::{Family, report};
use crate::finding::Diagnostic;
use crate::model::Project;
use crate::rules::Rule;

pub struct PassRole;

impl Rule for PassRole {
    fn check_project(&self, project: &Project<'_, '_>, out: &mut Vec<Diagnostic>) {
        report(Family::PassRole, project, out);
    }
}
