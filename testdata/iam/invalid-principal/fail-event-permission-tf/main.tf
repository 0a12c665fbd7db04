# An account id has twelve digits: this one has eleven, so EventBridge rejects the permission.
resource "aws_cloudwatch_event_permission" "partner" {
  principal    = "12345678901"
  statement_id = "PartnerAccess"
}
