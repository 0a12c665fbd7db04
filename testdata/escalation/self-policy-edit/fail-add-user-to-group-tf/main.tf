resource "aws_iam_user" "carol" {
  name = "carol"
}

resource "aws_iam_user_policy" "carol" {
  name = "carol"
  user = aws_iam_user.carol.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "iam:AddUserToGroup"
      Resource = "arn:aws:iam::111122223333:group/admins"
    }]
  })
}

resource "aws_iam_group" "admins" {
  name = "admins"
}

resource "aws_iam_group_policy" "admins" {
  name  = "admins"
  group = aws_iam_group.admins.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["s3:*", "dynamodb:*", "secretsmanager:GetSecretValue"]
      Resource = "*"
    }]
  })
}
