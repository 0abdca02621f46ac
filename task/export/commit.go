package export

import (
	"context"
	"fmt"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/advana-export/terraform-aws-advana-export/task/s3upload"
)

// Bounds of the commit's steps, which a stop request does not interrupt (see
// commit). A failed commit is followed by undo (20 s per call kind); the
// worst path, hold + manifest + undo, stays inside ECS's 120-second stop
// timeout, and so does hold + manifest + retain.
const (
	holdTimeout     = 25 * time.Second
	manifestTimeout = 20 * time.Second
	retainTimeout   = 40 * time.Second
)

// commit makes the run complete (docs/contract.md, "Commit protocol").
// Without Object Lock it is one step: the manifest PUT, the only one that
// makes the export visible as complete. With Object Lock it is three, so
// that the run is never visible unprotected and never left protected but
// uncommitted:
//
//  1. hold: a legal hold on every archive version. It protects them as a
//     retention would, but the task can lift it, so a failure up to the
//     commit point is undone as before: holds lifted, versions deleted.
//  2. the manifest PUT, carrying the retention in the request, so the
//     manifest is locked in the same instant it becomes visible: the commit
//     point, as without Object Lock.
//  3. retain: each archive version gets the retention, then loses its hold.
//     The run is committed already; a refusal here leaves it complete and
//     protected (some versions by their hold instead of their retention),
//     reported at error level, never deletable.
//
// No step is cut short by SIGTERM: a request cancelled mid-flight may still
// be carried out by S3 after undo has looked (a hold undo does not lift, or
// a manifest without its objects). So each runs to S3's answer, bounded by
// its timeout, and the answers decide.
func (r *run) commit(ctx context.Context, key string, body []byte) error {
	var lock *s3upload.Retention
	var held []s3upload.Version
	if r.cfg.ObjectLockMode != "" {
		lock = &s3upload.Retention{Mode: r.cfg.ObjectLockMode,
			Until: r.d.Now().UTC().Add(time.Duration(r.cfg.ObjectLockDays) * 24 * time.Hour)}
		var err error
		if held, err = r.hold(ctx); err != nil {
			return err
		}
	}
	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), manifestTimeout)
	_, err := r.up.PutSmall(pctx, key, "application/json", body, lock)
	cancel()
	if err != nil {
		if ctx.Err() != nil {
			return &Error{Kind: KindInterrupted, Err: fmt.Errorf("interrupted while writing the manifest: %w", err)}
		}
		return &Error{Kind: KindStorage, Err: err}
	}
	r.held = false // committed: undo must never run on it
	if ctx.Err() != nil {
		r.log.WithFields(logrus.Fields{"event": "stop_after_commit", "manifest_key": key}).Warn("stop requested while the manifest was being written; it was stored, so the export is complete")
	}
	if lock != nil {
		r.retain(ctx, held, key, *lock)
	}
	return nil
}

// hold puts a legal hold on every archive version of the run. A refusal is
// a failed run; undo lifts what was held and deletes everything.
func (r *run) hold(ctx context.Context) ([]s3upload.Version, error) {
	hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), holdTimeout)
	r.held = true
	held, err := r.up.HoldVersions(hctx, r.prefix+"/")
	cancel()
	if err != nil {
		err = fmt.Errorf("%w (check that the bucket has Object Lock enabled, as %s says, and that the task role may s3:PutObjectLegalHold)", err, "ADVANA_EXPORT_OBJECT_LOCK_MODE")
		if ctx.Err() != nil {
			return nil, &Error{Kind: KindInterrupted, Err: fmt.Errorf("interrupted while holding the run: %w", err)}
		}
		return nil, &Error{Kind: KindStorage, Err: err}
	}
	r.log.WithFields(logrus.Fields{"event": "run_held", "versions": s3upload.Names(held)}).
		Info("every archive version of the run is on legal hold; the manifest is written locked next")
	return held, nil
}

// retain turns the committed run's holds into its retention. It cannot fail
// the run, which is complete and visible already; what it could not finish
// stays on legal hold, still protected, and is reported with the fix.
func (r *run) retain(ctx context.Context, held []s3upload.Version, manifestKey string, ret s3upload.Retention) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), retainTimeout)
	left, err := r.up.RetainVersions(rctx, held, ret)
	cancel()
	fields := logrus.Fields{"mode": ret.Mode, "retain_until": ret.Until.Format(time.RFC3339)}
	if err != nil {
		fields["event"], fields["still_held"] = "retention_incomplete", s3upload.Names(left)
		r.log.WithFields(fields).WithError(err).Error("the run is committed and every version protected, but these stay on legal hold instead of retention, " +
			"so the lifecycle cannot expire them: put the retention on each (aws s3api put-object-retention) and then lift its hold (put-object-legal-hold --legal-hold Status=OFF)")
		return
	}
	fields["event"], fields["versions"] = "run_locked", append(s3upload.Names(held), manifestKey)
	r.log.WithFields(fields).Info("every version of the run is locked by its retention")
}
