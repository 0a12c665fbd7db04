# The key policy delegates to IAM through the account root; the deployer's policy document
# allows the database but not the key.

resource "aws_iam_role" "deployer" {
  name               = "deployer"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}

data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "databases" {
  statement {
    sid       = "CreateDatabases"
    actions   = ["rds:CreateDBInstance"]
    resources = ["*"]
  }

  statement {
    actions   = ["kms:DescribeKey", "secretsmanager:CreateSecret", "secretsmanager:TagResource"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "databases" {
  role   = aws_iam_role.deployer.id
  policy = data.aws_iam_policy_document.databases.json
}

resource "aws_kms_key" "secret" {
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DelegateToIam"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}

resource "aws_db_instance" "main" {
  engine                        = "postgres"
  instance_class                = "db.t4g.micro"
  allocated_storage             = 20
  username                      = "admin"
  manage_master_user_password   = true
  master_user_secret_kms_key_id = aws_kms_key.secret.arn
}
