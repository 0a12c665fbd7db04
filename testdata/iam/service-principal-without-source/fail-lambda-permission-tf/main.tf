resource "aws_lambda_function" "thumbnailer" {
  function_name = "thumbnailer"
  role          = "arn:aws:iam::111122223333:role/thumbnailer"
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  filename      = "thumbnailer.zip"
}

# No source_arn or source_account: any bucket, in any account, can invoke the function.
resource "aws_lambda_permission" "s3" {
  statement_id  = "AllowS3Invoke"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.thumbnailer.function_name
  principal     = "s3.amazonaws.com"
}
