resource "aws_iam_role" "pipeline" {
  name = "pipeline"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:root" }
      Action    = "sts:AssumeRole"
    }]
  })
  inline_policy {
    name = "pipeline"
    policy = jsonencode({
      Version = "2012-10-17"
      Statement = [
        {
          Effect   = "Allow"
          Action   = ["codebuild:CreateProject", "codebuild:StartBuild"]
          Resource = "*"
        },
        {
          Effect   = "Allow"
          Action   = "iam:PassRole"
          Resource = "arn:aws:iam::111122223333:role/build"
        },
      ]
    })
  }
}

resource "aws_iam_role" "build" {
  name = "build"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "codebuild.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
  inline_policy {
    name = "build"
    policy = jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Effect   = "Allow"
        Action   = ["ecr:*", "s3:*", "secretsmanager:GetSecretValue"]
        Resource = "*"
      }]
    })
  }
}
