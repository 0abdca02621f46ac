package s3upload

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// ErrReplicationFailed is returned when S3 reports an object's replication
// as FAILED; ErrReplicationTimeout when the wait ran out.
var (
	ErrReplicationFailed  = errors.New("replication FAILED")
	ErrReplicationTimeout = errors.New("replication not COMPLETED in time")
)

// WaitReplicated polls HeadObject on every key until S3 reports each one's
// replication COMPLETED, and returns early on FAILED, on timeout, or when ctx
// ends. S3 replicates object by object in no order, so a manifest written
// before this returns could reach the partner before its data. An object with
// no replication status at all is not covered by a replication rule: that is
// an error too, because waiting for it would wait for ever. onPoll, if not
// nil, hears how many keys are still pending after each round.
func (u *Uploader) WaitReplicated(ctx context.Context, keys []string, timeout, poll time.Duration, onPoll func(pending []string)) error {
	deadline := time.Now().Add(timeout)
	pending := append([]string(nil), keys...)
	for {
		var still []string
		for _, key := range pending {
			out, err := u.s3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(u.bucket), Key: aws.String(key)})
			if err != nil {
				return fmt.Errorf("read replication status of s3://%s/%s (the task role needs s3:GetObject on its prefix): %w", u.bucket, key, err)
			}
			switch out.ReplicationStatus {
			case types.ReplicationStatusCompleted, types.ReplicationStatusComplete:
			case types.ReplicationStatusFailed:
				return fmt.Errorf("s3://%s/%s: %w: check the replication role, the partner's bucket policy and KMS key (S3 replication metrics and events say why)", u.bucket, key, ErrReplicationFailed)
			case types.ReplicationStatusPending:
				still = append(still, key)
			default:
				return fmt.Errorf("s3://%s/%s reports no replication status %q: no replication rule covers it; unset ADVANA_EXPORT_REPLICATION_WAIT or fix the rule's prefix", u.bucket, key, out.ReplicationStatus)
			}
		}
		if pending = still; len(pending) == 0 {
			return nil
		}
		if onPoll != nil {
			onPoll(pending)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d object(s) still PENDING after %s, e.g. s3://%s/%s: %w (raise ADVANA_EXPORT_REPLICATION_WAIT, or turn on Replication Time Control)", len(pending), timeout, u.bucket, pending[0], ErrReplicationTimeout)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(min(poll, max(time.Until(deadline), time.Millisecond))):
		}
	}
}
