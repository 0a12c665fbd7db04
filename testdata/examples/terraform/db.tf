# The README's Terraform example: a managed password, and a password set anyway.
resource "aws_db_instance" "main" {
  identifier        = "orders"
  engine            = "postgres"
  instance_class    = "db.t4g.medium"
  allocated_storage = 20
  username          = "orders_admin"

  manage_master_user_password = true

  password = var.db_password
}
