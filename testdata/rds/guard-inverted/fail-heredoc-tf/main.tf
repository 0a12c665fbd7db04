resource "aws_iam_role_policy" "dba" {
  name   = "managed-passwords"
  role   = aws_iam_role.dba.id
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Effect": "Deny",
          "Action": ["rds:CreateDBInstance", "rds:ModifyDBInstance"],
          "Resource": "arn:aws:rds:${var.region}:${var.account_id}:db:*",
          "Condition": {"Bool": {"rds:ManageMasterUserPassword": "true"}}
        }
      ]
    }
  EOT
}

resource "aws_iam_role" "dba" {
  name               = "dba"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}

data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:root"]
    }
  }
}

variable "region" {
  default = "eu-west-1"
}

variable "account_id" {}
