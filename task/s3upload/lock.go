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

// Retention is the S3 Object Lock a committed run's versions get: until
// Until, in Mode, nobody without s3:BypassGovernanceRetention (GOVERNANCE)
// or nobody at all (COMPLIANCE) can delete or overwrite them.
type Retention struct {
	Mode  string // GOVERNANCE or COMPLIANCE
	Until time.Time
}

// Version is one object version, named KEY@VERSION_ID in logs.
type Version struct {
	Key, ID string
}

func (v Version) String() string { return v.Key + "@" + v.ID }

// Names lists vs as KEY@VERSION_ID, for logs and errors.
func Names(vs []Version) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.String()
	}
	return out
}

// HoldVersions puts a legal hold on every object version under prefix and
// returns the versions it found, held or not. A legal hold protects like a
// retention but, unlike one, the task can lift it again (s3:PutObjectLegalHold):
// the run's archive is protected before the manifest makes the run visible,
// yet a run that then fails to commit can still be removed entirely. It lists
// the versions rather than trusting what the run remembers: a version S3
// stored while the task saw an error is part of the run too.
func (u *Uploader) HoldVersions(ctx context.Context, prefix string) ([]Version, error) {
	versions, err := u.listVersions(ctx, prefix)
	if err != nil {
		return nil, fmt.Errorf("list object versions under s3://%s/%s to hold them: %w", u.bucket, prefix, err)
	}
	for _, v := range versions {
		if err := u.legalHold(ctx, v, types.ObjectLockLegalHoldStatusOn); err != nil {
			return versions, err
		}
	}
	return versions, nil
}

// ReleaseHolds lifts the legal hold of every object version under prefix
// (lifting one that has none is allowed), so that undo can delete a run
// that was held but never committed. It runs on a context of its own,
// bounded by abortTimeout, like the rest of undo.
func (u *Uploader) ReleaseHolds(ctx context.Context, prefix string) ([]Version, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), abortTimeout)
	defer cancel()
	versions, err := u.listVersions(ctx, prefix)
	if err != nil {
		return nil, fmt.Errorf("list object versions under s3://%s/%s to release their holds: %w", u.bucket, prefix, err)
	}
	var released []Version
	var errs []error
	for _, v := range versions {
		if err := u.legalHold(ctx, v, types.ObjectLockLegalHoldStatusOff); err != nil {
			errs = append(errs, err)
			continue
		}
		released = append(released, v)
	}
	return released, errors.Join(errs...)
}

// RetainVersions puts ret on each of versions and then lifts its legal hold,
// one version at a time, so every version is protected by one or the other
// at every moment. It returns the versions still held (all of them from the
// first refusal on): they stay protected, but the lifecycle cannot expire
// them until someone finishes the job.
func (u *Uploader) RetainVersions(ctx context.Context, versions []Version, ret Retention) ([]Version, error) {
	for i, v := range versions {
		_, err := u.s3.PutObjectRetention(ctx, &s3.PutObjectRetentionInput{
			Bucket: aws.String(u.bucket), Key: aws.String(v.Key), VersionId: aws.String(v.ID),
			Retention: &types.ObjectLockRetention{Mode: types.ObjectLockRetentionMode(ret.Mode), RetainUntilDate: aws.Time(ret.Until)},
		})
		if err != nil {
			return versions[i:], fmt.Errorf("lock s3://%s/%s version %s (%s until %s): %w", u.bucket, v.Key,
				v.ID, ret.Mode, ret.Until.Format(time.RFC3339), err)
		}
		if err := u.legalHold(ctx, v, types.ObjectLockLegalHoldStatusOff); err != nil {
			return versions[i:], err
		}
	}
	return nil, nil
}

func (u *Uploader) legalHold(ctx context.Context, v Version, status types.ObjectLockLegalHoldStatus) error {
	_, err := u.s3.PutObjectLegalHold(ctx, &s3.PutObjectLegalHoldInput{
		Bucket: aws.String(u.bucket), Key: aws.String(v.Key), VersionId: aws.String(v.ID),
		LegalHold: &types.ObjectLockLegalHold{Status: status},
	})
	if err != nil {
		return fmt.Errorf("legal hold %s on s3://%s/%s version %s: %w", status, u.bucket, v.Key, v.ID, err)
	}
	return nil
}

// listVersions lists every object version (not delete markers) under prefix.
func (u *Uploader) listVersions(ctx context.Context, prefix string) ([]Version, error) {
	var all []Version
	in := &s3.ListObjectVersionsInput{Bucket: aws.String(u.bucket), Prefix: aws.String(prefix)}
	for {
		out, err := u.s3.ListObjectVersions(ctx, in)
		if err != nil {
			return nil, err
		}
		for _, v := range out.Versions {
			all = append(all, Version{Key: aws.ToString(v.Key), ID: aws.ToString(v.VersionId)})
		}
		if !aws.ToBool(out.IsTruncated) {
			return all, nil
		}
		in.KeyMarker, in.VersionIdMarker = out.NextKeyMarker, out.NextVersionIdMarker
	}
}
