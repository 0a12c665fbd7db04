# iamlint: ignore-file[iam/missing-version] reason: the policies below predate the linter
resource "aws_iam_policy" "read" {
  name = "read"
  // iamlint: ignore[iam/resource-star] reason: bucket names come from a variable
  policy = jsonencode({
    Statement = [{
      Effect   = "Allow"
      Action   = "s3:GetObject"
      Resource = "*"
    }]
  })
}

resource "aws_iam_policy" "deploy" {
  name = "deploy"
  policy = jsonencode({
    Statement = [{
      Effect   = "Allow"
      Action   = "iam:PassRole"
      Resource = "*" # iamlint: ignore[iam/pass-role-star, iam/resource-star] reason: the deploy role
    }]
  })
}

resource "aws_iam_policy" "write" {
  name        = "write"
  description = <<EOT
# iamlint: ignore[iam/resource-star] reason: text in a heredoc, not a comment
EOT
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "s3:PutObject", Resource = "*" }]
  })
}
