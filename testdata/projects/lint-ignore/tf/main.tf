resource "aws_iam_policy" "logs" {
  name = "logs"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Sid = "Logs", Effect = "Allow", Action = "s3:GetObject", Resource = "*" }]
  })
}
