variable "db_password" {
  type      = string
  sensitive = true
}

resource "random_password" "db" {
  length = 32
}

data "aws_secretsmanager_secret_version" "db" {
  secret_id = "prod/db"
}

resource "aws_db_instance" "generated" {
  engine   = "postgres"
  username = "admin"
  password = random_password.db.result
}

resource "aws_db_instance" "from_secret" {
  engine   = "postgres"
  username = "admin"
  password = data.aws_secretsmanager_secret_version.db.secret_string
}

resource "aws_db_instance" "from_variable" {
  engine   = "postgres"
  username = "admin"
  password = var.db_password
}
