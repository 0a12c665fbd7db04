variable "manage_master_user_password" {
  type    = bool
  default = true
}

variable "password" {
  type    = string
  default = null
}

resource "aws_db_instance" "main" {
  engine                      = "postgres"
  username                    = "admin"
  manage_master_user_password = var.manage_master_user_password ? true : null
  password                    = var.manage_master_user_password ? null : var.password
}
