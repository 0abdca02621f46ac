package controls

import (
	"fmt"

	"github.com/advana-export/terraform-aws-advana-export/internal/planreview/model"
)

var backupControl = Control{
	ID:    "backup-replication",
	Title: "Backup, replication and retention of exports",
	NIST:  []string{"CP-9"},
	Description: "Every bucket is versioned and has lifecycle rules (abort incomplete uploads, expire old versions); the plan " +
		"replicates to another account: an enabled rule with a destination account other than the source's, replicas " +
		"owned by the destination and encrypted with the destination's KMS key, only KMS-encrypted objects selected.",
	Check: checkBackup,
}

func checkBackup(c *Context, r *Result) {
	for _, b := range c.Plan.OfType("aws_s3_bucket") {
		for _, v := range c.require(r, b, "aws_s3_bucket_versioning", "no versions to restore from") {
			s, ok := v.String("versioning_configuration", 0, "status")
			r.check(v.Address, "versioning_configuration.status", model.Show(s, ok), s == "Enabled", "")
		}
		for _, lc := range c.require(r, b, "aws_s3_bucket_lifecycle_configuration", "nothing expires old versions or aborts incomplete uploads") {
			lifecycle(r, lc)
		}
	}
	rcs := c.Plan.OfType("aws_s3_bucket_replication_configuration")
	if len(rcs) == 0 {
		r.add("(plan)", "aws_s3_bucket_replication_configuration", "(none)", Fail, "nothing replicates the exports to the partner")
	}
	for _, rc := range rcs {
		source := c.AccountOf(rc.Module)
		for i := 0; i < rc.Len("rule"); i++ {
			replicationRule(c, r, rc, i, source)
		}
	}
}

func lifecycle(r *Result, lc *model.Resource) {
	abort, expire := false, false
	for i := 0; i < lc.Len("rule"); i++ {
		if s, _ := lc.String("rule", i, "status"); s != "Enabled" {
			continue
		}
		id, _ := lc.String("rule", i, "id")
		if d, ok := lc.Get("rule", i, "abort_incomplete_multipart_upload", 0, "days_after_initiation"); ok && d != nil {
			abort = true
			r.add(lc.Address, fmt.Sprintf("rule[%s].abort_incomplete_multipart_upload", id), fmt.Sprint(d, " days"), Info, "")
		}
		if d, ok := lc.Get("rule", i, "expiration", 0, "days"); ok && d != nil && d != 0.0 {
			r.add(lc.Address, fmt.Sprintf("rule[%s].expiration.days", id), fmt.Sprint(d), Info, "current exports expire")
		}
		if d, ok := lc.Get("rule", i, "noncurrent_version_expiration", 0, "noncurrent_days"); ok && d != nil {
			expire = true
			r.add(lc.Address, fmt.Sprintf("rule[%s].noncurrent_version_expiration.noncurrent_days", id), fmt.Sprint(d), Info, "")
		}
	}
	r.check(lc.Address, "abort incomplete multipart uploads", fmt.Sprint(abort), abort, "")
	r.check(lc.Address, "noncurrent versions expire", fmt.Sprint(expire), expire, "")
}

func replicationRule(c *Context, r *Result, rc *model.Resource, i int, source string) {
	at := func(path ...any) []any { return append([]any{"rule", i}, path...) }
	name := func(s string) string { return fmt.Sprintf("rule[%d].%s", i, s) }
	status, _ := rc.String(at("status")...)
	r.check(rc.Address, name("status"), status, status == "Enabled", "")
	r.add(rc.Address, name("destination.bucket"), c.valueOrRefs(rc, at("destination", 0, "bucket")...), Info, "")
	acct, ok := rc.String(at("destination", 0, "account")...)
	switch {
	case !ok:
		r.add(rc.Address, name("destination.account"), c.valueOrRefs(rc, at("destination", 0, "account")...), Unknown, "known after apply")
	default:
		r.check(rc.Address, name("destination.account"), model.Show(acct, true)+" (source "+source+")", acct != "" && acct != source, "another account")
	}
	owner, _ := rc.String(at("destination", 0, "access_control_translation", 0, "owner")...)
	r.check(rc.Address, name("destination.access_control_translation.owner"), owner, owner == "Destination", "replicas owned by the partner")
	c.keyAttribute(r, rc, at("destination", 0, "encryption_configuration", 0, "replica_kms_key_id")...)
	sse, _ := rc.String(at("source_selection_criteria", 0, "sse_kms_encrypted_objects", 0, "status")...)
	r.check(rc.Address, name("source_selection_criteria.sse_kms_encrypted_objects.status"), sse, sse == "Enabled", "KMS-encrypted objects are replicated")
}
