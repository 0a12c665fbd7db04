# Terraform needs `$${...}` (or `&{...}` in the data source) for IAM's own variables.
resource "aws_iam_policy" "home" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "s3:GetObject"
      Resource = "arn:aws:s3:::home/$${aws:username}/*"
    }]
  })
}

data "aws_iam_policy_document" "home" {
  statement {
    actions   = ["s3:PutObject"]
    resources = ["arn:aws:s3:::home/&{aws:username}/*"]
  }
}

resource "aws_iam_policy" "home_document" {
  policy = data.aws_iam_policy_document.home.json
}
