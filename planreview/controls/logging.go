package controls

import (
	"fmt"
	"strings"

	"github.com/advana-export/terraform-aws-advana-export/planreview/model"
)

var loggingControl = Control{
	ID:    "logging",
	Title: "Logging and retention",
	NIST:  []string{"AU-2", "AU-11"},
	Description: "Every CloudWatch log group is encrypted with a KMS key and keeps events at least 365 days (0, never expire, also passes); " +
		"every container logs with the awslogs driver to a log group of this plan; every S3 bucket has server access logging on, " +
		"or carries the caller's reason for not (tag " + AccessLoggingExceptionTag + ", exception EX-NO-ACCESS-LOG).",
	Check: checkLogging,
}

// AccessLoggingExceptionTag is the bucket tag in which the module's
// access_logging_exception input records why a bucket has no access logs.
const AccessLoggingExceptionTag = "advana-export:access-logging-exception"

// MinRetentionDays is the shortest log retention AU-11 accepts here.
const MinRetentionDays = 365

func checkLogging(c *Context, r *Result) {
	groups := map[string]*model.Resource{}
	for _, g := range c.Plan.OfType("aws_cloudwatch_log_group") {
		if name, ok := g.String("name"); ok {
			groups[name] = g
		}
		c.keyAttribute(r, g, "kms_key_id")
		v, ok := g.Get("retention_in_days")
		days, _ := v.(float64)
		r.check(g.Address, "retention_in_days", model.Show(v, ok), ok && (days >= MinRetentionDays || days == 0), fmt.Sprintf("at least %d days", MinRetentionDays))
	}
	forEachContainer(c, r, func(td *model.Resource, ct container) {
		res := td.Address + " container " + ct.Name
		if ct.LogConfiguration == nil {
			r.add(res, "logConfiguration", "(none)", Fail, "the container's output is lost")
			return
		}
		group := ct.LogConfiguration.Options["awslogs-group"]
		value := fmt.Sprintf("%s → %s (prefix %s)", ct.LogConfiguration.LogDriver, group, ct.LogConfiguration.Options["awslogs-stream-prefix"])
		_, inPlan := groups[group]
		r.check(res, "logConfiguration", value, ct.LogConfiguration.LogDriver == "awslogs" && inPlan, "awslogs to a log group this plan encrypts and retains")
	})
	for _, b := range c.Plan.OfType("aws_s3_bucket") {
		logs := c.attached(b, "aws_s3_bucket_logging", "bucket")
		if len(logs) == 0 {
			reason, _ := b.String("tags", AccessLoggingExceptionTag)
			if strings.TrimSpace(reason) == "" {
				r.add(b.Address, "aws_s3_bucket_logging", "(none)", Fail, "S3 server access logging off: who read or wrote an export is not recorded; "+
					"set access_logging, or access_logging_exception to say what records access instead")
				continue
			}
			r.add(b.Address, "aws_s3_bucket_logging", "(none)", Pass, "off, with the caller's reason (exception EX-NO-ACCESS-LOG): "+reason)
			r.exceptBecause("EX-NO-ACCESS-LOG", b.Address, reason)
		}
		for _, l := range logs {
			r.add(l.Address, "target_bucket", c.valueOrRefs(l, "target_bucket"), Pass, "S3 server access logs of "+b.Address)
		}
	}
}
