resource "aws_iam_user" "data_admin" {
  name = "data-admin"
}

data "aws_iam_policy_document" "data" {
  statement {
    actions   = ["dynamodb:*"]
    resources = ["arn:aws:dynamodb:us-east-1:111122223333:table/orders"]
  }

  statement {
    effect    = "Deny"
    actions   = ["dynamodb:DeleteTable"]
    resources = ["*"]
  }
}

resource "aws_iam_user_policy" "data" {
  name   = "data"
  user   = aws_iam_user.data_admin.name
  policy = data.aws_iam_policy_document.data.json
}
