package controls

import (
	"fmt"
	"strings"

	"github.com/advana-export/terraform-aws-advana-export/planreview/model"
)

var encryptionControl = Control{
	ID:    "encryption-at-rest",
	Title: "Encryption at rest with a customer-managed key, rotation on",
	NIST:  []string{"SC-28", "SC-12"},
	Description: "Every S3 bucket defaults to SSE-KMS with a customer-managed key (not SSE-S3/AES256, not the AWS managed aws/s3 key); " +
		"every KMS key is symmetric with automatic rotation on; log groups, SQS queues and SNS topics name a KMS key.",
	Check: checkEncryption,
}

func checkEncryption(c *Context, r *Result) {
	for _, b := range c.Plan.OfType("aws_s3_bucket") {
		for _, sse := range c.require(r, b, "aws_s3_bucket_server_side_encryption_configuration", "S3 would use SSE-S3 (AES256)") {
			for i := 0; i < sse.Len("rule"); i++ {
				checkSSERule(c, r, sse, i)
			}
			if sse.Len("rule") == 0 {
				r.add(sse.Address, "rule", "(none)", Fail, "no default encryption rule")
			}
		}
	}
	for _, k := range c.Plan.OfType("aws_kms_key") {
		rot, ok := k.Get("enable_key_rotation")
		r.check(k.Address, "enable_key_rotation", model.Show(rot, ok), ok && rot == true, "")
		spec, ok := k.String("customer_master_key_spec")
		r.check(k.Address, "customer_master_key_spec", model.Show(spec, ok), ok && (spec == "" || spec == "SYMMETRIC_DEFAULT"), "automatic rotation exists for symmetric keys only")
	}
	for _, t := range []struct{ typ, attr string }{
		{"aws_cloudwatch_log_group", "kms_key_id"}, {"aws_sqs_queue", "kms_master_key_id"}, {"aws_sns_topic", "kms_master_key_id"},
	} {
		for _, res := range c.Plan.OfType(t.typ) {
			c.keyAttribute(r, res, t.attr)
		}
	}
}

func checkSSERule(c *Context, r *Result, sse *model.Resource, i int) {
	base := []any{"rule", i, "apply_server_side_encryption_by_default", 0}
	alg, _ := sse.String(append(base, "sse_algorithm")...)
	attr := fmt.Sprintf("rule[%d].apply_server_side_encryption_by_default.sse_algorithm", i)
	r.check(sse.Address, attr, alg, alg == "aws:kms" || alg == "aws:kms:dsse", "SSE-KMS required; AES256 is SSE-S3 with an AWS-owned key")
	if alg == "aws:kms" || alg == "aws:kms:dsse" {
		c.keyAttribute(r, sse, append(base, "kms_master_key_id")...)
	}
	bk, ok := sse.Get("rule", i, "bucket_key_enabled")
	r.add(sse.Address, fmt.Sprintf("rule[%d].bucket_key_enabled", i), model.Show(bk, ok), Info, "fewer KMS calls; the key stays the same")
}

// keyAttribute checks that an attribute names a customer-managed KMS key:
// a key ARN/id known now, or a reference to an aws_kms_key of this plan.
func (c *Context) keyAttribute(r *Result, res *model.Resource, path ...any) {
	attr := attrName(path)
	v, ok := res.String(path...)
	switch {
	case !ok && c.refsToType(res, []string{"aws_kms_key", "aws_kms_alias"}, path...):
		r.add(res.Address, attr, c.valueOrRefs(res, path...), Pass, "a customer-managed key created in this plan")
	case !ok:
		r.add(res.Address, attr, c.valueOrRefs(res, path...), Unknown, "known after apply and not traced to an aws_kms_key")
	case v == "":
		r.add(res.Address, attr, "(not set)", Fail, "no customer-managed key: AWS-owned or AWS managed encryption")
	case strings.Contains(v, "alias/aws/"):
		r.add(res.Address, attr, v, Fail, "an AWS managed key, not customer-managed")
	default:
		r.add(res.Address, attr, v, Pass, "a customer-managed key given to the module")
	}
}

// attrName renders a path as an attribute name: rule[0].x.
func attrName(path []any) string {
	var b strings.Builder
	for _, p := range path {
		switch v := p.(type) {
		case int:
			fmt.Fprintf(&b, "[%d]", v)
		default:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			fmt.Fprint(&b, v)
		}
	}
	return b.String()
}
