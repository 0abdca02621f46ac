# Optional: tell the partner's pipeline when a complete export has arrived.
# The task writes manifest.json last, and (with the source's
# replication_wait_seconds) only after every object it lists has replicated,
# so "a manifest.json was created" is the signal to start a load: nothing
# has to poll or guess.

resource "aws_s3_bucket_notification" "this" {
  count = var.eventbridge != null ? 1 : 0

  bucket      = module.bucket.bucket_id
  eventbridge = true
}

resource "aws_cloudwatch_event_rule" "manifest" {
  count = try(var.eventbridge.manifest_rule, false) ? 1 : 0

  name        = coalesce(var.eventbridge.rule_name, "${substr(replace(var.bucket_name, ".", "-"), 0, 55)}-manifest")
  description = "A complete export arrived: manifest.json created under s3://${var.bucket_name}/${var.prefix}/"
  event_pattern = jsonencode({
    source        = ["aws.s3"]
    "detail-type" = ["Object Created"]
    detail = {
      bucket = { name = [var.bucket_name] }
      object = { key = [{ wildcard = "${var.prefix}/*/manifest.json" }] }
    }
  })
  tags = var.tags
}
