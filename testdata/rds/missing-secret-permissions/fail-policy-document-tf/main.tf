# The role may create databases only with a managed password, and is allowed nothing of
# what RDS needs to create the secret.
resource "aws_iam_role" "dba" {
  name               = "dba"
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

data "aws_iam_policy_document" "databases" {
  statement {
    sid       = "CreateDatabases"
    actions   = ["rds:CreateDBCluster"]
    resources = ["*"]
  }

  statement {
    sid       = "ManagedPasswordsOnly"
    effect    = "Deny"
    actions   = ["rds:CreateDBCluster", "rds:ModifyDBCluster"]
    resources = ["*"]

    condition {
      test     = "Bool"
      variable = "rds:ManageMasterUserPassword"
      values   = ["false"]
    }
  }
}

resource "aws_iam_role_policy" "databases" {
  role   = aws_iam_role.dba.id
  policy = data.aws_iam_policy_document.databases.json
}
