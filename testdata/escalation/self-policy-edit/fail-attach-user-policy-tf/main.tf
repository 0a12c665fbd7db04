resource "aws_iam_user" "ops" {
  name = "ops"
}

resource "aws_iam_user_policy" "ops" {
  name = "ops"
  user = aws_iam_user.ops.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["iam:ListAttachedUserPolicies", "iam:AttachUserPolicy"]
      Resource = "arn:aws:iam::111122223333:user/ops"
    }]
  })
}
