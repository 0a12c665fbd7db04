# The key policy names only the key administrator and does not delegate to IAM, so the
# deployer's own kms:* grant does not reach the key.
resource "aws_iam_role" "key_admin" {
  name = "key-admin"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:root" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role" "deployer" {
  name = "deployer"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })

  inline_policy {
    name = "databases"
    policy = jsonencode({
      Version = "2012-10-17"
      Statement = [
        { Effect = "Allow", Action = ["rds:CreateDBInstance", "rds:ModifyDBInstance"], Resource = "*" },
        { Effect = "Allow", Action = ["kms:*", "secretsmanager:CreateSecret", "secretsmanager:TagResource"], Resource = "*" },
      ]
    })
  }
}

resource "aws_kms_key" "secret" {
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "KeyAdministration"
      Effect    = "Allow"
      Principal = { AWS = aws_iam_role.key_admin.arn }
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
