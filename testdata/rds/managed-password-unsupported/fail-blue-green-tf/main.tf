resource "aws_db_instance" "main" {
  engine                      = "postgres"
  username                    = "admin"
  manage_master_user_password = true

  blue_green_update {
    enabled = true
  }
}
