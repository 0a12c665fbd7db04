//! `escalation/assume-more-powerful`: a principal that can assume (or rewrite the trust policy of, or change the code running as) a more powerful role. The analysis is
//! the module's ([`super::paths`]); this rule reports the paths whose first step is of its
//! family.

use super::{Family, report};
use crate::finding::Diagnostic;
use crate::model::Project;
use crate::rules::Rule;

pub struct AssumeMorePowerful;

impl Rule for AssumeMorePowerful {
    fn check_project(&self, project: &Project<'_, '_>, out: &mut Vec<Diagnostic>) {
        report(Family::AssumeMorePowerful, project, out);
    }
}
