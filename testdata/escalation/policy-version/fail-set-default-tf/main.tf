resource "aws_iam_user" "release" {
  name = "release"
}

resource "aws_iam_policy" "release" {
  name = "release"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject"]
        Resource = "arn:aws:s3:::release-artifacts/*"
      },
      {
        Effect   = "Allow"
        Action   = ["iam:ListPolicyVersions", "iam:SetDefaultPolicyVersion"]
        Resource = "arn:aws:iam::111122223333:policy/release"
      },
    ]
  })
}

resource "aws_iam_user_policy_attachment" "release" {
  user       = aws_iam_user.release.name
  policy_arn = aws_iam_policy.release.arn
}
