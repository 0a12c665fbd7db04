data "aws_iam_policy_document" "reader" {
  statement {
    actions   = ["s3:Get*", "s3:GetObject", "s3:ListBucket"]
    resources = ["*"]
  }
}
