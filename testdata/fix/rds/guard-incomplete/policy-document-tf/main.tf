data "aws_iam_policy_document" "managed_passwords" {
  statement {
    sid     = "ManagedPasswordsOnly"
    effect  = "Deny"
    actions = ["rds:CreateDBInstance", "rds:CreateDBCluster", "rds:ModifyDBInstance", "rds:ModifyDBCluster"]
    resources = ["*"]

    condition {
      test     = "Bool"
      variable = "rds:ManageMasterUserPassword"
      values   = ["false"]
    }
  }
}

resource "aws_iam_policy" "managed_passwords" {
  name   = "managed-passwords"
  policy = data.aws_iam_policy_document.managed_passwords.json
}
