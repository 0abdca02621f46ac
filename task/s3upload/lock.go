package s3upload

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// Retention is the S3 Object Lock a committed run's versions get: until
// Until, in Mode, nobody without s3:BypassGovernanceRetention (GOVERNANCE)
// or nobody at all (COMPLIANCE) can delete or overwrite them.
type Retention struct {
	Mode  string // GOVERNANCE or COMPLIANCE
	Until time.Time
}

// Locked is what LockVersions locked.
type Locked struct {
	Versions []string // KEY@VERSION_ID of every version locked
	Total    int      // versions found under the prefix
}

// LockVersions puts ret on every object version under prefix. It lists the
// versions rather than trusting what the run remembers, for the reason
// RemoveVersions does: a version S3 stored while the task saw an error is
// part of the run too, and must not stay deletable in a committed run. It
// stops at the first refusal: after it, the versions in Locked can no
// longer be removed by the task, and the caller must say so.
func (u *Uploader) LockVersions(ctx context.Context, prefix string, ret Retention) (Locked, error) {
	var done Locked
	in := &s3.ListObjectVersionsInput{Bucket: aws.String(u.bucket), Prefix: aws.String(prefix)}
	for {
		out, err := u.s3.ListObjectVersions(ctx, in)
		if err != nil {
			return done, fmt.Errorf("list object versions under s3://%s/%s to lock them: %w", u.bucket, prefix, err)
		}
		done.Total += len(out.Versions)
		for _, v := range out.Versions {
			_, err := u.s3.PutObjectRetention(ctx, &s3.PutObjectRetentionInput{
				Bucket: aws.String(u.bucket), Key: v.Key, VersionId: v.VersionId,
				Retention: &types.ObjectLockRetention{Mode: types.ObjectLockRetentionMode(ret.Mode), RetainUntilDate: aws.Time(ret.Until)},
			})
			if err != nil {
				return done, fmt.Errorf("lock s3://%s/%s version %s (%s until %s): %w", u.bucket, aws.ToString(v.Key),
					aws.ToString(v.VersionId), ret.Mode, ret.Until.Format(time.RFC3339), err)
			}
			done.Versions = append(done.Versions, aws.ToString(v.Key)+"@"+aws.ToString(v.VersionId))
		}
		if !aws.ToBool(out.IsTruncated) {
			return done, nil
		}
		in.KeyMarker, in.VersionIdMarker = out.NextKeyMarker, out.NextVersionIdMarker
	}
}
