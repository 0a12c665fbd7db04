resource "aws_iam_policy" "reader" {
  name   = "reader"
  policy = <<EOT
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["s3:GetObject", "s3:Get*"],
      "Resource": "*"
    }
  ]
}
EOT
}
