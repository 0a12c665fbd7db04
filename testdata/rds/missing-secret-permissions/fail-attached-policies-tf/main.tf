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

resource "aws_iam_policy" "create" {
  name = "create-databases"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Sid = "CreateDatabases", Effect = "Allow", Action = ["rds:CreateDBInstance", "rds:AddTagsToResource"], Resource = "*" },
      {
        Sid       = "ManagedPasswordsOnly"
        Effect    = "Deny"
        Action    = ["rds:CreateDBInstance", "rds:ModifyDBInstance"]
        Resource  = "*"
        Condition = { Bool = { "rds:ManageMasterUserPassword" = false } }
      },
    ]
  })
}

# Attached to the same role, so kms:DescribeKey is not reported missing.
resource "aws_iam_policy" "keys" {
  name = "describe-keys"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Sid = "DescribeKeys", Effect = "Allow", Action = "kms:DescribeKey", Resource = "*" }]
  })
}

resource "aws_iam_role_policy_attachment" "create" {
  role       = aws_iam_role.dba.name
  policy_arn = aws_iam_policy.create.arn
}

resource "aws_iam_role_policy_attachment" "keys" {
  role       = aws_iam_role.dba.name
  policy_arn = aws_iam_policy.keys.arn
}
