data "aws_iam_policy_document" "reader" {
  statement {
    actions   = ["s3:GetObjet"]
    resources = ["*"]
  }
}
