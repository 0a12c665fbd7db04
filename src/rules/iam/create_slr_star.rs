//! `iam/create-slr-star`: `iam:CreateServiceLinkedRole` allowed on every resource
//! (Resource `*` or `NotResource`) without an `iam:AWSServiceName` condition.

use super::actions::{SensitiveAction, unscoped_grants};
use crate::finding::Diagnostic;
use crate::model::FileModel;
use crate::rules::Rule;

pub struct CreateSlrStar;

const CREATE_SLR: SensitiveAction = SensitiveAction {
    action: "iam:CreateServiceLinkedRole",
    title: "create SLR",
    consequence: "so a service-linked role can be created for any service",
    scoping_keys: &["iam:AWSServiceName"],
    help: "name the service-linked role in `Resource` (`arn:aws:iam::*:role/aws-service-role/<service>.amazonaws.com/*`), or add a condition on `iam:AWSServiceName`",
};

impl Rule for CreateSlrStar {
    fn check(&self, file: &FileModel<'_>, out: &mut Vec<Diagnostic>) {
        unscoped_grants(file, &CREATE_SLR, out);
    }
}
