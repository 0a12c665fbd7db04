resource "random_password" "db" {
  length  = 32
  special = false
}

resource "aws_rds_cluster" "main" {
  engine          = "aurora-mysql"
  master_username = "admin"
  master_password = random_password.db.result
}
