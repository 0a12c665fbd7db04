//! `escalation/policy-version`: a principal that can create or pick the default version of a managed policy it holds. The analysis is
//! the module's ([`super::paths`]); this rule reports the paths whose first step is of its
//! family.

use super::{Family, report};
use crate::finding::Diagnostic;
use crate::model::Project;
use crate::rules::Rule;

pub struct PolicyVersion;

impl Rule for PolicyVersion {
    fn check_project(&self, project: &Project<'_, '_>, out: &mut Vec<Diagnostic>) {
        report(Family::PolicyVersion, project, out);
    }
}
