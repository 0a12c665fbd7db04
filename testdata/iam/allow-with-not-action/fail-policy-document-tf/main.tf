data "aws_iam_policy_document" "everything_but_iam" {
  statement {
    not_actions = ["iam:*"]
    resources   = ["*"]
  }
}

resource "aws_iam_group_policy" "developers" {
  group  = "developers"
  policy = data.aws_iam_policy_document.everything_but_iam.json
}
