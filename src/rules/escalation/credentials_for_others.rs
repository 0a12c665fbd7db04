//! `escalation/credentials-for-others`: a principal that can create access keys or set console passwords for a more powerful user. The analysis is
//! the module's ([`super::paths`]); this rule reports the paths whose first step is of its
//! family.

use super::{Family, report};
use crate::finding::Diagnostic;
use crate::model::Project;
use crate::rules::Rule;

pub struct CredentialsForOthers;

impl Rule for CredentialsForOthers {
    fn check_project(&self, project: &Project<'_, '_>, out: &mut Vec<Diagnostic>) {
        report(Family::CredentialsForOthers, project, out);
    }
}
