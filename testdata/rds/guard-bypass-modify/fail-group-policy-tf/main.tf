# A group's policy guards creation but leaves out the Modify actions: the group's members hold
# other policies, so the guard is judged on its own.
resource "aws_iam_group" "dba" {
  name = "database-admins"
}

resource "aws_iam_policy" "managed_passwords_only" {
  name = "managed-passwords-only"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect = "Deny"
      Action = [
        "rds:CreateDBInstance",
        "rds:CreateDBCluster",
        "rds:CreateTenantDatabase",
        "rds:RestoreDBInstanceFromS3",
        "rds:RestoreDBClusterFromS3",
        "rds:RestoreDBInstanceFromDBSnapshot",
        "rds:RestoreDBInstanceToPointInTime",
      ]
      Resource  = "*"
      Condition = { Bool = { "rds:ManageMasterUserPassword" = "false" } }
    }]
  })
}

resource "aws_iam_group_policy_attachment" "dba" {
  group      = aws_iam_group.dba.name
  policy_arn = aws_iam_policy.managed_passwords_only.arn
}
