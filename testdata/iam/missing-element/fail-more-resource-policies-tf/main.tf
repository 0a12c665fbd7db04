resource "aws_ecr_repository" "images" {
  name = "images"
}

resource "aws_ecr_repository_policy" "images" {
  repository = aws_ecr_repository.images.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid    = "AllowPull"
      Effect = "Allow"
      Action = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    }]
  })
}

resource "aws_efs_file_system_policy" "shared" {
  file_system_id = "fs-0123456789abcdef0"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "elasticfilesystem:ClientMount", Resource = "*" }]
  })
}

resource "aws_opensearch_domain_policy" "search" {
  domain_name = "search"
  access_policies = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "es:ESHttpGet", Resource = "arn:aws:es:us-east-1:111122223333:domain/search/*" }]
  })
}

resource "aws_cloudwatch_event_bus_policy" "partners" {
  event_bus_name = "partners"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "events:PutEvents", Resource = "arn:aws:events:us-east-1:111122223333:event-bus/partners" }]
  })
}

resource "aws_backup_vault_policy" "backups" {
  backup_vault_name = "backups"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Deny", Action = "backup:DeleteRecoveryPoint", Resource = "*" }]
  })
}

resource "aws_api_gateway_rest_api_policy" "public" {
  rest_api_id = "a1b2c3d4e5"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "execute-api:Invoke", Resource = "execute-api:/*" }]
  })
}
