use std::path::Path;

use super::*;
use crate::model::{DocumentKind, FileModel, Language, PolicyKind, Texts};
use crate::parse::hcl;

fn lower(text: &str) -> (Lowered, Vec<(FileId, Arc<str>)>) {
    let body = hcl::parse(FileId(0), text).unwrap();
    let files = [ModuleFile {
        file: FileId(0),
        text,
        body: &body,
    }];
    let lowered = lower_module(&files, Path::new("."), &mut |_| {
        Err(FileProblem::Unread("no file in this test".to_string()))
    });
    (lowered, vec![(FileId(0), Arc::from(text))])
}

fn at(text: &str, span: Span) -> &str {
    &text[span.range()]
}

#[test]
fn databases_keep_the_spans_of_their_arguments() {
    let text = r#"
variable "db_password" {
  default   = "hunter2-literal"
  sensitive = true
}
resource "aws_db_instance" "main" {
  engine   = "postgres"
  password = var.db_password
  blue_green_update {
    enabled = true
  }
}
"#;
    let (lowered, _) = lower(text);
    let db = lowered
        .root
        .get("Resources")
        .unwrap()
        .entry("aws_db_instance.main")
        .unwrap();
    assert_eq!(at(text, db.key_span), "\"aws_db_instance\" \"main\"");
    let properties = db.value.get("Properties").unwrap();
    let password = properties.entry("MasterUserPassword").unwrap();
    assert_eq!(at(text, password.key_span), "password");
    assert_eq!(password.value.intrinsic().unwrap().0, "Ref");
    assert_eq!(at(text, password.value.span), "var.db_password");
    let default = lowered
        .root
        .get("Parameters")
        .unwrap()
        .get("db_password")
        .unwrap()
        .get("Default")
        .unwrap();
    assert_eq!(at(text, default.span), "\"hunter2-literal\"");
    let enabled = properties
        .get("BlueGreenUpdate")
        .unwrap()
        .entry("Enabled")
        .unwrap();
    assert_eq!(at(text, enabled.key_span), "enabled");
}

#[test]
fn jsonencode_heredoc_and_data_source_documents() {
    let text = r#"
locals {
  bucket = "arn:aws:s3:::logs"
}
resource "aws_iam_policy" "encoded" {
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = local.bucket }]
  })
}
resource "aws_iam_role_policy" "heredoc" {
  role   = aws_iam_role.app.name
  policy = <<-EOT
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "${aws_s3_bucket.b.arn}/*"}]}
  EOT
}
resource "aws_iam_role" "app" {
  assume_role_policy = data.aws_iam_policy_document.trust.json
}
data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}
"#;
    let (lowered, files) = lower(text);
    assert!(lowered.errors.is_empty(), "{:?}", lowered.errors);
    let model = FileModel::build_in(
        &lowered.root,
        Texts::Many(&files),
        DocumentKind::Template,
        Language::Terraform,
        None,
    );
    assert!(model.errors.is_empty());
    assert_eq!(model.policies.len(), 3);
    let encoded = &model.policies[0];
    let resource = &encoded.statements[0].resource.as_ref().unwrap().items[0];
    assert_eq!(resource.text.as_deref(), Some("arn:aws:s3:::logs"));
    assert_eq!(at(text, resource.span), "\"arn:aws:s3:::logs\"");
    let heredoc = &model.policies[1];
    assert_eq!(heredoc.attached_to, vec!["aws_iam_role.app".to_string()]);
    let action = &heredoc.statements[0].action.as_ref().unwrap().items[0];
    assert_eq!(at(text, action.span), "\"s3:PutObject\"");
    let sub = &heredoc.statements[0].resource.as_ref().unwrap().items[0];
    assert_eq!(sub.text, None, "an interpolated resource is not a literal");
    let trust = &model.policies[2];
    assert_eq!(trust.kind, PolicyKind::Trust);
    let action = trust.statements[0].action.as_ref().unwrap();
    assert_eq!(at(text, action.key_span), "actions");
    assert_eq!(at(text, action.items[0].span), "\"sts:AssumeRole\"");
}

#[test]
fn attachments_name_the_principals_of_a_policy() {
    let text = r#"
resource "aws_iam_policy" "p" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*" }] })
}
resource "aws_iam_role" "r" {
  name = "deployer"
}
resource "aws_iam_role_policy_attachment" "a" {
  role       = "deployer"
  policy_arn = aws_iam_policy.p.arn
}
resource "aws_iam_role_policy_attachment" "managed" {
  role       = aws_iam_role.r.name
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}
"#;
    let (lowered, files) = lower(text);
    let model = FileModel::build_in(
        &lowered.root,
        Texts::Many(&files),
        DocumentKind::Template,
        Language::Terraform,
        None,
    );
    assert_eq!(model.policies[0].attached_to, vec!["aws_iam_role.r".to_string()]);
    let role = model
        .template
        .as_ref()
        .unwrap()
        .resource("aws_iam_role.r")
        .unwrap();
    let arns = role.property("ManagedPolicyArns").unwrap().as_array().unwrap();
    assert_eq!(arns[0].as_str(), Some("arn:aws:iam::aws:policy/ReadOnlyAccess"));
}

#[test]
fn what_terraform_alone_knows_stays_unknown() {
    let text = r#"
variable "manage" {}
resource "aws_db_instance" "main" {
  count                       = 2
  manage_master_user_password = var.manage
  password                    = var.manage ? null : random_password.pw.result
  engine                      = lower("MySQL")
}
"#;
    let (lowered, _) = lower(text);
    let properties = lowered
        .root
        .get("Resources")
        .unwrap()
        .get("aws_db_instance.main")
        .unwrap()
        .get("Properties")
        .unwrap();
    assert_eq!(
        properties
            .get("ManageMasterUserPassword")
            .unwrap()
            .intrinsic()
            .unwrap()
            .0,
        "Ref"
    );
    assert_eq!(
        properties
            .get("MasterUserPassword")
            .unwrap()
            .intrinsic()
            .unwrap()
            .0,
        UNKNOWN
    );
    assert_eq!(properties.get("Engine").unwrap().intrinsic().unwrap().0, UNKNOWN);
}

#[test]
fn local_cycles_end() {
    let text = "locals {\n  a = local.b\n  b = local.a\n}\nresource \"aws_db_instance\" \"x\" {\n  password = local.a\n}\n";
    let (lowered, _) = lower(text);
    let properties = lowered
        .root
        .get("Resources")
        .unwrap()
        .get("aws_db_instance.x")
        .unwrap()
        .get("Properties")
        .unwrap();
    assert!(
        properties
            .get("MasterUserPassword")
            .unwrap()
            .intrinsic()
            .is_some()
    );
}

#[test]
fn plans_are_recognised_and_lowered() {
    let text = r#"{"format_version": "1.2", "planned_values": {"root_module": {"resources": [
      {"address": "aws_db_instance.main", "mode": "managed", "type": "aws_db_instance", "name": "main",
       "values": {"engine": "mysql", "password": "plan-secret", "manage_master_user_password": null}}]}},
     "configuration": {"root_module": {"resources": [{"address": "aws_db_instance.main", "mode": "managed",
       "type": "aws_db_instance", "name": "main", "expressions": {"password": {"constant_value": "plan-secret"}}}]}}}"#;
    let root = crate::parse::parse(FileId(0), text, crate::parse::Syntax::Json).unwrap();
    assert!(is_plan(&root));
    let lowered = lower_plan(&root, text);
    let password = lowered
        .root
        .get("Resources")
        .unwrap()
        .get("aws_db_instance.main")
        .unwrap()
        .get("Properties")
        .unwrap()
        .get("MasterUserPassword")
        .unwrap();
    assert_eq!(password.as_str(), Some("plan-secret"));
    let secrets = crate::secrets::plan_secrets(&root);
    assert_eq!(
        secrets.spans.len(),
        2,
        "the planned value and the configuration's constant"
    );
}
