package s3upload

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Removed is what RemoveVersions deleted.
type Removed struct {
	Versions []string // KEY@VERSION_ID of every version (or delete marker) deleted
}

// RemoveVersions deletes every version and delete marker under prefix by its
// version id, so nothing of a failed run stays in a versioned bucket (a plain
// DeleteObject would only add a delete marker and leave the data behind).
// Listing rather than remembering version ids also catches an object whose
// PUT was cut short after S3 had stored it (SIGTERM during the manifest PUT).
// Like AbortAll it runs on a context of its own, bounded by abortTimeout.
func (u *Uploader) RemoveVersions(ctx context.Context, prefix string) (Removed, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), abortTimeout)
	defer cancel()
	var done Removed
	var errs []error
	in := &s3.ListObjectVersionsInput{Bucket: aws.String(u.bucket), Prefix: aws.String(prefix)}
	for {
		out, err := u.s3.ListObjectVersions(ctx, in)
		if err != nil {
			return done, fmt.Errorf("list object versions under s3://%s/%s: %w", u.bucket, prefix, err)
		}
		type version struct{ key, id *string }
		var all []version
		for _, v := range out.Versions {
			all = append(all, version{v.Key, v.VersionId})
		}
		for _, m := range out.DeleteMarkers {
			all = append(all, version{m.Key, m.VersionId})
		}
		for _, v := range all {
			if _, err := u.s3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(u.bucket), Key: v.key, VersionId: v.id}); err != nil {
				errs = append(errs, fmt.Errorf("delete s3://%s/%s version %s: %w", u.bucket, aws.ToString(v.key), aws.ToString(v.id), err))
				continue
			}
			done.Versions = append(done.Versions, aws.ToString(v.key)+"@"+aws.ToString(v.id))
		}
		if !aws.ToBool(out.IsTruncated) {
			break
		}
		in.KeyMarker, in.VersionIdMarker = out.NextKeyMarker, out.NextVersionIdMarker
	}
	return done, errors.Join(errs...)
}
