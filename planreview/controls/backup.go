package controls

import (
	"fmt"
	"strings"

	"github.com/advana-export/terraform-aws-advana-export/planreview/model"
)

var backupControl = Control{
	ID:    "backup-replication",
	Title: "Backup, replication and retention of exports",
	NIST:  []string{"CP-9"},
	Description: "Every bucket is versioned and has lifecycle rules (abort incomplete uploads, expire old versions); the plan " +
		"replicates to another account: an enabled rule with a destination account other than the source's, replicas " +
		"owned by the destination and encrypted with the destination's KMS key, only KMS-encrypted objects selected. " +
		"Every bucket has S3 Object Lock, so a committed export cannot be deleted or overwritten before its retention ends: " +
		"locked by a default retention rule on arrival (replicas), or, with no default rule, by the export task at the commit " +
		"(its ADVANA_EXPORT_OBJECT_LOCK_MODE/_DAYS for that bucket), or carries the caller's reason for not (tag " +
		ObjectLockExceptionTag + ", exception EX-NO-OBJECT-LOCK). No Allow in any policy of the plan grants s3:BypassGovernanceRetention " +
		"(by name or by a wildcard that covers it): the one permission that deletes a GOVERNANCE-locked version early.",
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
		objectLock(c, r, b)
	}
	noBypass(c, r)
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

// ObjectLockExceptionTag is the bucket tag in which the module's
// object_lock_exception input records why a bucket has no Object Lock.
const ObjectLockExceptionTag = "advana-export:object-lock-exception"

// objectLock reports how the bucket's committed objects are protected from
// deletion (issue #21): Object Lock with a default retention rule (every
// version locked on arrival), or without one and an export task that locks
// each run at its commit; no Object Lock needs the caller's reason.
func objectLock(c *Context, r *Result, b *model.Resource) {
	locks := c.attached(b, "aws_s3_bucket_object_lock_configuration", "bucket")
	if len(locks) == 0 {
		reason, _ := b.String("tags", ObjectLockExceptionTag)
		if strings.TrimSpace(reason) == "" {
			r.add(b.Address, "aws_s3_bucket_object_lock_configuration", "(none)", Fail, "no Object Lock: whoever holds a role with "+
				"s3:DeleteObjectVersion, or the account's admins, can destroy committed exports; set object_lock, or "+
				"object_lock_exception to say what protects them instead")
			return
		}
		r.add(b.Address, "aws_s3_bucket_object_lock_configuration", "(none)", Pass, "off, with the caller's reason (exception EX-NO-OBJECT-LOCK): "+reason)
		r.exceptBecause("EX-NO-OBJECT-LOCK", b.Address, reason)
		return
	}
	for _, l := range locks {
		enabled, _ := l.String("object_lock_enabled")
		r.check(l.Address, "object_lock_enabled", enabled, enabled == "Enabled", "")
		if mode, ok := l.String("rule", 0, "default_retention", 0, "mode"); ok {
			days, _ := l.Get("rule", 0, "default_retention", 0, "days")
			r.add(l.Address, "rule.default_retention", fmt.Sprintf("%s, %v days", mode, days), Pass, "every new version is locked on arrival (replicas)")
			continue
		}
		// No default rule: only the task's lock at the commit protects a run.
		name, _ := b.String("bucket")
		mode, days, found, hidden := taskLock(c, r, name)
		switch {
		case !found && hidden:
			r.add(l.Address, "rule.default_retention", "(none)", Unknown, "no default retention rule; whether the export task locks runs at the commit is known after apply")
		case !found:
			r.add(l.Address, "rule.default_retention", "(none)", Fail, "Object Lock without a default retention rule, and no export task "+
				"of this plan locks its runs in "+name+" (ADVANA_EXPORT_OBJECT_LOCK_MODE): nothing is ever locked")
		default:
			r.add(l.Address, "rule.default_retention", "(none)", Pass, fmt.Sprintf("the export task locks every version of a run at its commit: %s, %s days "+
				"(a default rule would lock a failed run before the task can remove it)", mode, days))
		}
	}
}

// bypassRetention is the permission that lifts GOVERNANCE-mode Object Lock.
const bypassRetention = "s3:BypassGovernanceRetention"

// noBypass fails every Allow that grants bypassRetention: whoever holds it
// can delete a committed run before its retention ends.
func noBypass(c *Context, r *Result) {
	found := false
	for _, d := range c.Policies {
		for i, s := range d.Statements {
			if s.Allow() && len(matching(s, []string{bypassRetention})) > 0 {
				found = true
				r.add(label(d, s, i), "Allow "+strings.Join(s.Actions, ", "), render(s.Resources), Fail,
					bypassRetention+": a holder can delete a committed export before its retention ends")
			}
		}
	}
	if !found {
		r.add("(plan)", bypassRetention, fmt.Sprintf("not granted by any of %d policies", len(c.Policies)), Pass, "no role can lift Object Lock's GOVERNANCE retention")
	}
}

// taskLock finds the Object Lock an export container of the plan puts on
// its runs in bucket; hidden says some task definition is known only after
// apply.
func taskLock(c *Context, r *Result, bucket string) (mode, days string, found, hidden bool) {
	for _, td := range c.Plan.OfType("aws_ecs_task_definition") {
		if _, ok := td.String("container_definitions"); !ok {
			hidden = true
		}
	}
	forEachContainer(c, r, func(_ *model.Resource, ct container) {
		env := map[string]string{}
		for _, e := range ct.Environment {
			env[e.Name] = e.Value
		}
		if env["ADVANA_EXPORT_BUCKET"] == bucket && env["ADVANA_EXPORT_OBJECT_LOCK_MODE"] != "" && env["ADVANA_EXPORT_OBJECT_LOCK_DAYS"] != "" {
			mode, days, found = env["ADVANA_EXPORT_OBJECT_LOCK_MODE"], env["ADVANA_EXPORT_OBJECT_LOCK_DAYS"], true
		}
	})
	return mode, days, found, hidden
}
