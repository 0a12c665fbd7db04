resource "aws_iam_policy" "reader" {
  name   = "reader"
  policy = <<-EOT
    {
      "Statement": [
        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}
      ]
    }
  EOT
}
