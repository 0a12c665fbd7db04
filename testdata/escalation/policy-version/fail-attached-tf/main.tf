resource "aws_iam_role" "ops" {
  name = "ops"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:root" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_policy" "ops" {
  name = "ops"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["iam:CreatePolicyVersion", "iam:ListPolicyVersions"]
      Resource = "*"
    }]
  })
}

resource "aws_iam_role_policy_attachment" "ops" {
  role       = aws_iam_role.ops.name
  policy_arn = aws_iam_policy.ops.arn
}
