resource "aws_db_instance" "primary" {
  engine                      = "mysql"
  username                    = "admin"
  manage_master_user_password = true
}

resource "aws_db_instance" "replica" {
  replicate_source_db         = aws_db_instance.primary.identifier
  manage_master_user_password = true
}

resource "aws_rds_cluster" "primary" {
  engine                      = "aurora-postgresql"
  master_username             = "admin"
  manage_master_user_password = true
}

resource "aws_rds_cluster" "secondary" {
  engine                        = "aurora-postgresql"
  replication_source_identifier = aws_rds_cluster.primary.arn
  manage_master_user_password   = true
}
