# The database uses a managed password; the operator role may modify it but not rotate
# its secret.
resource "aws_db_instance" "main" {
  engine                      = "postgres"
  instance_class              = "db.t4g.micro"
  allocated_storage           = 20
  username                    = "admin"
  manage_master_user_password = true
}

resource "aws_iam_role" "operator" {
  name = "operator"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role_policy" "operate" {
  name = "operate"
  role = aws_iam_role.operator.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = ["rds:ModifyDBInstance", "rds:DescribeDBInstances"], Resource = "arn:aws:rds:*:*:db:*" },
      { Effect = "Allow", Action = "secretsmanager:DescribeSecret", Resource = "*" },
    ]
  })
}
