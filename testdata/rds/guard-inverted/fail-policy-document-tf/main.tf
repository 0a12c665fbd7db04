# The guard denies when the key is "true": it blocks managed passwords.
data "aws_iam_policy_document" "guard" {
  statement {
    effect    = "Deny"
    actions   = ["rds:CreateDBInstance", "rds:ModifyDBInstance"]
    resources = ["*"]

    condition {
      test     = "Bool"
      variable = "rds:ManageMasterUserPassword"
      values   = ["true"] # deny hand-set passwords
    }
  }
}

resource "aws_iam_policy" "guard" {
  name   = "managed-passwords"
  policy = data.aws_iam_policy_document.guard.json
}
