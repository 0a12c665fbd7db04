resource "aws_db_instance" "primary" {
  engine                      = "sqlserver-ee"
  username                    = "admin"
  manage_master_user_password = true
}

resource "aws_db_instance" "replica" {
  replicate_source_db         = aws_db_instance.primary.identifier
  manage_master_user_password = true
}

resource "aws_db_instance" "blue_green_off" {
  engine                      = "postgres"
  username                    = "admin"
  manage_master_user_password = true

  blue_green_update {
    enabled = false
  }
}
