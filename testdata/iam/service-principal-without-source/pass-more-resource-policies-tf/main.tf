resource "aws_lambda_permission" "s3" {
  action         = "lambda:InvokeFunction"
  function_name  = "thumbnailer"
  principal      = "s3.amazonaws.com"
  source_arn     = "arn:aws:s3:::uploads"
  source_account = "111122223333"
}

resource "aws_sqs_queue" "orders" {
  name = "orders"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "sns.amazonaws.com" }
      Action    = "sqs:SendMessage"
      Resource  = "arn:aws:sqs:us-east-1:111122223333:orders"
      Condition = { ArnEquals = { "aws:SourceArn" = "arn:aws:sns:us-east-1:111122223333:orders" } }
    }]
  })
}

resource "aws_cloudwatch_log_resource_policy" "route53" {
  policy_name = "route53-query-logs"
  policy_document = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "route53.amazonaws.com" }
      Action    = "logs:PutLogEvents"
      Resource  = "arn:aws:logs:us-east-1:111122223333:log-group:/aws/route53/*"
      Condition = { StringEquals = { "aws:SourceAccount" = "111122223333" } }
    }]
  })
}
