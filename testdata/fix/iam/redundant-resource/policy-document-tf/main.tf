data "aws_iam_policy_document" "reader" {
  statement {
    actions = ["s3:GetObject"]
    resources = [
      "arn:aws:s3:::reports/*",
      "arn:aws:s3:::reports/2024/*",
    ]
  }
}
