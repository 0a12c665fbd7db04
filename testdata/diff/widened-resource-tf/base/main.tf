resource "aws_iam_role" "report_writer" {
  name = "report-writer"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_policy" "write" {
  name = "report-writer"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "s3:PutObject"
      Resource = "arn:aws:s3:::reports/daily/*"
    }]
  })
}

resource "aws_iam_role_policy_attachment" "write" {
  role       = aws_iam_role.report_writer.name
  policy_arn = aws_iam_policy.write.arn
}
