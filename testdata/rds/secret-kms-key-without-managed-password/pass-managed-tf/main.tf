resource "aws_rds_cluster" "main" {
  engine                        = "aurora-postgresql"
  master_username               = "admin"
  manage_master_user_password   = true
  master_user_secret_kms_key_id = aws_kms_key.secret.arn
}
