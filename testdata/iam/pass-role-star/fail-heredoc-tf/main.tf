resource "aws_iam_user_policy" "deployer" {
  name = "deployer"
  user = "deployer"
  policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["iam:PassRole", "ec2:RunInstances"],
      "Resource": "*"
    }
  ]
}
EOF
}
