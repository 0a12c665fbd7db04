# The user creates databases with managed passwords; the secret permissions come from the
# group that aws_iam_user_group_membership puts it in, so nothing is missing.
resource "aws_iam_user" "deployer" {
  name = "deployer"
}

resource "aws_iam_user_policy" "databases" {
  user = aws_iam_user.deployer.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "rds:CreateDBInstance", Resource = "*" },
      {
        Effect    = "Deny"
        Action    = ["rds:CreateDBInstance", "rds:ModifyDBInstance"]
        Resource  = "*"
        Condition = { Bool = { "rds:ManageMasterUserPassword" = false } }
      },
    ]
  })
}

resource "aws_iam_group" "secrets" {
  name = "secret-writers"
}

resource "aws_iam_group_policy" "secrets" {
  group = aws_iam_group.secrets.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["kms:DescribeKey", "secretsmanager:CreateSecret", "secretsmanager:TagResource"], Resource = "*" }]
  })
}

resource "aws_iam_user_group_membership" "deployer" {
  user   = aws_iam_user.deployer.name
  groups = [aws_iam_group.secrets.name]
}
