resource "aws_db_instance" "main" {
  engine   = "mysql"
  username = "admin"
  password = local.db_password
}

locals {
  db_password = var.db_password
}
