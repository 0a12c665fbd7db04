resource "aws_rds_cluster" "main" {
  engine                      = "aurora-mysql"
  master_username             = "admin"
  manage_master_user_password = true
}
