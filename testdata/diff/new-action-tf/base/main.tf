resource "aws_iam_role" "reports" {
  name = "reports"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

data "aws_iam_policy_document" "reports" {
  statement {
    sid       = "ReadReports"
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::reports/*"]
  }
}

resource "aws_iam_role_policy" "reports" {
  name   = "reports"
  role   = aws_iam_role.reports.id
  policy = data.aws_iam_policy_document.reports.json
}
