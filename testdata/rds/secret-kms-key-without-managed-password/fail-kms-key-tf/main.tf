resource "aws_kms_key" "secret" {
  description = "master password secret"
}

resource "aws_rds_cluster" "main" {
  engine                        = "aurora-postgresql"
  master_username               = "admin"
  master_user_secret_kms_key_id = aws_kms_key.secret.arn
}

resource "aws_db_instance" "off" {
  engine                        = "mysql"
  username                      = "admin"
  manage_master_user_password   = false
  master_user_secret_kms_key_id = aws_kms_key.secret.key_id
}
