resource "aws_db_instance" "main" {
  engine                      = "postgres"
  username                    = "admin"
  manage_master_user_password = true
  password_wo                 = var.db_password
  password_wo_version         = 1
}

variable "db_password" {
  type      = string
  ephemeral = true
}
