resource "aws_iam_user" "bob" {
  name = "bob"
}

resource "aws_iam_group" "support" {
  name = "support"
}

resource "aws_iam_group_membership" "support" {
  name  = "support"
  group = aws_iam_group.support.name
  users = [aws_iam_user.bob.name]
}

resource "aws_iam_group_policy" "support" {
  name  = "support"
  group = aws_iam_group.support.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "iam:PutGroupPolicy"
      Resource = "arn:aws:iam::111122223333:group/support"
    }]
  })
}
