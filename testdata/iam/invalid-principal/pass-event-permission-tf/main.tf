# Every account of the organization may put events on the default bus.
resource "aws_cloudwatch_event_permission" "organization" {
  principal    = "*"
  statement_id = "OrganizationAccess"
  condition {
    key   = "aws:PrincipalOrgID"
    type  = "StringEquals"
    value = "o-a1b2c3d4e5"
  }
}

resource "aws_cloudwatch_event_permission" "partner" {
  principal    = "444455556666"
  statement_id = "PartnerAccess"
}
