package export

import (
	"context"
	"fmt"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/advana-export/terraform-aws-advana-export/task/s3upload"
)

// Bounds of the commit's steps, which a stop request does not interrupt (see
// commit). Together with undo's (20 s + 20 s) they stay inside ECS's
// 120-second stop timeout.
const (
	lockTimeout     = 40 * time.Second
	manifestTimeout = 20 * time.Second
)

// commit makes the run complete (docs/contract.md, "Commit protocol").
// Without Object Lock it is one step: the manifest PUT, the only one that
// makes the export visible as complete. With Object Lock it is two:
//
//  1. lock: retention on every archive version of the run. Nothing is
//     visible as complete yet; if the first lock is refused nothing is
//     locked and undo removes the run as before.
//  2. the manifest PUT, carrying the same retention in the request, so the
//     manifest is locked in the same instant it becomes visible. This is the
//     commit point, as without Object Lock.
//
// Neither step is cut short by SIGTERM: a request cancelled mid-flight may
// still be carried out by S3 after undo has looked (a lock undo then cannot
// remove, or a manifest without its objects). So each runs to S3's answer,
// bounded by its timeout, and the answers decide: everything stored, the
// export is complete and locked; a refusal, undo.
func (r *run) commit(ctx context.Context, key string, body []byte) error {
	var lock *s3upload.Retention
	if r.cfg.ObjectLockMode != "" {
		lock = &s3upload.Retention{Mode: r.cfg.ObjectLockMode,
			Until: r.d.Now().UTC().Add(time.Duration(r.cfg.ObjectLockDays) * 24 * time.Hour)}
		if err := r.lock(ctx, *lock); err != nil {
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
	if ctx.Err() != nil {
		r.log.WithFields(logrus.Fields{"event": "stop_after_commit", "manifest_key": key}).Warn("stop requested while the manifest was being written; it was stored, so the export is complete")
	}
	return nil
}

// lock puts the run's retention on every archive version. A refusal is a
// failed run. If some versions were locked before it, undo cannot remove
// them (the task role holds no s3:BypassGovernanceRetention, by design):
// the error says which, and they stay without a manifest, which consumers
// ignore, until their retention ends and the lifecycle removes them.
func (r *run) lock(ctx context.Context, ret s3upload.Retention) error {
	lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), lockTimeout)
	locked, err := r.up.LockVersions(lctx, r.prefix+"/", ret)
	cancel()
	if err != nil {
		if len(locked.Versions) > 0 {
			err = fmt.Errorf("%w; %d version(s) were locked before the refusal and cannot be removed by the task, they stay without a manifest until %s: %v",
				err, len(locked.Versions), ret.Until.Format(time.RFC3339), locked.Versions)
		} else {
			err = fmt.Errorf("%w (check that the bucket has Object Lock enabled, as %s says, and that the task role may s3:PutObjectRetention)", err, "ADVANA_EXPORT_OBJECT_LOCK_MODE")
		}
		if ctx.Err() != nil {
			return &Error{Kind: KindInterrupted, Err: fmt.Errorf("interrupted while locking the run: %w", err)}
		}
		return &Error{Kind: KindStorage, Err: err}
	}
	r.log.WithFields(logrus.Fields{"event": "run_locked", "mode": ret.Mode, "retain_until": ret.Until.Format(time.RFC3339),
		"versions": locked.Versions}).Info("every archive version of the run is locked; the manifest is written locked next")
	return nil
}
