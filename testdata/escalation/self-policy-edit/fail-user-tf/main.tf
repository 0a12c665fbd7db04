resource "aws_iam_user" "ci" {
  name = "ci"
}

resource "aws_iam_user_policy" "ci" {
  name = "ci"
  user = aws_iam_user.ci.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["s3:PutObject"]
        Resource = "arn:aws:s3:::deployments/*"
      },
      {
        Effect   = "Allow"
        Action   = ["iam:PutUserPolicy"]
        Resource = "arn:aws:iam::*:user/ci"
      },
    ]
  })
}
