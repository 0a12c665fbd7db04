resource "aws_iam_user" "rotator" {
  name = "rotator"
}

resource "aws_iam_user" "deployer" {
  name = "deployer"
}

resource "aws_iam_user_policy" "rotator" {
  name = "rotate"
  user = aws_iam_user.rotator.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "iam:CreateAccessKey"
      Resource = "arn:aws:iam::111122223333:user/deployer"
    }]
  })
}

resource "aws_iam_user_policy" "deployer" {
  name = "deploy"
  user = aws_iam_user.deployer.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["ecs:UpdateService", "ecr:PutImage"]
      Resource = "*"
    }]
  })
}
