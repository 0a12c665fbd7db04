resource "aws_iam_user" "operator" {
  name = "operator"
}

data "aws_iam_policy_document" "ops" {
  statement {
    not_actions = ["iam:*", "organizations:*"]
    resources   = ["*"]
  }
}

resource "aws_iam_user_policy" "ops" {
  name   = "ops"
  user   = aws_iam_user.operator.name
  policy = data.aws_iam_policy_document.ops.json
}
