package controls

import (
	"strings"

	"github.com/advana-export/terraform-aws-advana-export/planreview/model"
	"github.com/advana-export/terraform-aws-advana-export/planreview/policy"
)

var tlsControl = Control{
	ID:    "tls-only",
	Title: "TLS-only access to every bucket",
	NIST:  []string{"SC-8"},
	Description: "Every S3 bucket in the plan has a bucket policy with a Deny for every principal on s3:* (or *) over the bucket " +
		"and its objects when aws:SecureTransport is false. Buckets outside the plan (an access-log target) are listed, not judged.",
	Check: checkTLS,
}

func checkTLS(c *Context, r *Result) {
	for _, b := range c.Plan.OfType("aws_s3_bucket") {
		docs := c.policiesOf(b, "aws_s3_bucket_policy", "bucket", "bucket")
		if len(docs) == 0 {
			r.add(b.Address, "bucket policy", "(none)", Fail, "no policy, so nothing denies plain HTTP")
			continue
		}
		found := false
		for _, d := range docs {
			for i, s := range d.Statements {
				if denyInsecure(s, b) {
					found = true
					r.add(label(d, s, i), "Deny "+strings.Join(s.Actions, ",")+" on "+render(s.Resources), conditionText(s), Pass, "plain-HTTP requests to "+b.Address+" are refused")
				}
			}
			for _, g := range d.Gaps {
				r.add(d.Source, "policy", g, Unknown, "part of the policy is not visible in the plan")
			}
		}
		if !found {
			r.add(b.Address, "bucket policy", "no Deny on aws:SecureTransport = false covering the bucket and its objects", Fail, "")
		}
	}
	for _, l := range c.Plan.OfType("aws_s3_bucket_logging") {
		r.add(l.Address, "target_bucket", c.valueOrRefs(l, "target_bucket"), Info, "access-log bucket managed outside this plan: review its policy separately")
	}
}

// denyInsecure: Deny, everyone, s3:* or *, aws:SecureTransport false, bucket and objects.
func denyInsecure(s policy.Statement, b *model.Resource) bool {
	if s.Allow() || !everyone(s) || !conditionIs(s, []string{"Bool", "BoolIfExists"}, "aws:SecureTransport", "false") {
		return false
	}
	all := false
	for _, a := range s.Actions {
		all = all || a == "*" || a == "s3:*"
	}
	return all && coversBucket(s.Resources, b, false) && coversBucket(s.Resources, b, true)
}

func conditionText(s policy.Statement) string {
	var parts []string
	for _, c := range s.Conditions {
		parts = append(parts, c.Test+" "+c.Variable+" = "+render(c.Values))
	}
	return strings.Join(parts, " AND ")
}
