variable "db_password" {
  type      = string
  sensitive = true
  default   = "Sensitive-is-not-secret"
}
