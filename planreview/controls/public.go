package controls

import (
	"fmt"

	"github.com/advana-export/terraform-aws-advana-export/planreview/model"
)

var publicAccessControl = Control{
	ID:    "no-public-access",
	Title: "No public access",
	NIST:  []string{"AC-3", "AC-4"},
	Description: "Every S3 bucket has a public access block with all four flags true and ACLs disabled (BucketOwnerEnforced); " +
		"no ACL grants anyone access; no bucket policy allows a public principal; scheduled ECS tasks get no public IP.",
	Check: checkPublic,
}

var publicAccessFlags = []string{"block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"}

func checkPublic(c *Context, r *Result) {
	for _, b := range c.Plan.OfType("aws_s3_bucket") {
		for _, pab := range c.require(r, b, "aws_s3_bucket_public_access_block", "nothing blocks public ACLs and policies") {
			for _, f := range publicAccessFlags {
				v, ok := pab.Get(f)
				r.check(pab.Address, f, model.Show(v, ok), ok && v == true, "")
			}
		}
		for _, o := range c.require(r, b, "aws_s3_bucket_ownership_controls", "ACLs stay enabled without BucketOwnerEnforced") {
			v, ok := o.String("rule", 0, "object_ownership")
			r.check(o.Address, "rule[0].object_ownership", model.Show(v, ok), v == "BucketOwnerEnforced", "ACLs disabled; the bucket owner owns every object")
		}
		for _, acl := range c.attached(b, "aws_s3_bucket_acl", "bucket") {
			v, ok := acl.String("acl")
			r.check(acl.Address, "acl", model.Show(v, ok), ok && (v == "" || v == "private"), "a canned ACL other than private grants access beyond the owner")
		}
		for _, d := range c.policiesOf(b, "aws_s3_bucket_policy", "bucket", "bucket") {
			public := false
			for i, s := range d.Statements {
				if s.Allow() && everyone(s) && !restricted(s) {
					public = true
					r.add(label(d, s, i), "Principal", "*", Fail, "allows anyone without a condition that restricts the caller")
				}
			}
			if !public {
				r.add(d.Source, "Allow statements", fmt.Sprintf("%d statements, none allows a public principal", len(d.Statements)), Pass, "")
			}
		}
	}
	for _, t := range c.Plan.OfType("aws_cloudwatch_event_target") {
		for i := 0; i < t.Len("ecs_target"); i++ {
			v, ok := t.Get("ecs_target", i, "network_configuration", 0, "assign_public_ip")
			r.check(t.Address, fmt.Sprintf("ecs_target[%d].network_configuration.assign_public_ip", i), model.Show(v, ok), ok && v != true, "the task runs in private subnets only")
		}
	}
	for _, s := range c.Plan.OfType("aws_scheduler_schedule") {
		if s.Len("target", 0, "ecs_parameters") == 0 {
			continue
		}
		v, ok := s.Get("target", 0, "ecs_parameters", 0, "network_configuration", 0, "assign_public_ip")
		r.check(s.Address, "target.ecs_parameters.network_configuration.assign_public_ip", model.Show(v, ok), ok && v != true, "the task runs in private subnets only")
	}
}
