variable "db_password" {
  type      = string
  sensitive = true
  default   = "orders-admin-2024"
}
