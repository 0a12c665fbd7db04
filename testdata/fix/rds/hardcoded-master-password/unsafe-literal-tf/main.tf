resource "aws_db_instance" "main" {
  engine   = "postgres"
  username = "admin"
  password = "Hunter2-in-the-repo"
}

resource "aws_rds_cluster" "analytics" {
  engine             = "aurora-postgresql"
  master_username    = "admin"
  master_password_wo = "Write-only-but-still-here"
}
