resource "aws_organizations_policy" "managed_passwords" {
  name = "rds-managed-passwords"
  content = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Deny"
        Action   = ["rds:CreateDBInstance", "rds:CreateDBCluster", "rds:RestoreDBInstanceFromS3", "rds:RestoreDBClusterFromS3"]
        Resource = "*"
        Condition = {
          Bool = { "rds:ManageMasterUserPassword" = false }
        }
      }
    ]
  })
}
