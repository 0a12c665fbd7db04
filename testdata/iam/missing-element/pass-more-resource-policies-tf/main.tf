resource "aws_ecr_repository_policy" "images" {
  repository = "images"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AllowPull"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::444455556666:root" }
      Action    = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    }]
  })
}

data "aws_iam_policy_document" "backups" {
  statement {
    effect    = "Deny"
    actions   = ["backup:DeleteRecoveryPoint"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
  }
}

resource "aws_backup_vault_policy" "backups" {
  backup_vault_name = "backups"
  policy            = data.aws_iam_policy_document.backups.json
}

resource "aws_opensearch_domain" "search" {
  domain_name = "search"
  access_policies = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:role/search-reader" }
      Action    = "es:ESHttpGet"
      Resource  = "arn:aws:es:us-east-1:111122223333:domain/search/*"
    }]
  })
}

resource "aws_api_gateway_rest_api" "public" {
  name = "public"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = "*", Action = "execute-api:Invoke", Resource = "execute-api:/*" }]
  })
}

resource "aws_lambda_permission" "partner" {
  action        = "lambda:InvokeFunction"
  function_name = "thumbnailer"
  principal     = "444455556666"
}
