package s3upload

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/advana-export/terraform-aws-advana-export/task/awsarn"
)

// AbortAll aborts every open multipart upload under prefix and returns how
// many it aborted. It runs on a context of its own (bounded by
// abortTimeout), because it is called after the run's context was cancelled.
// The transfer manager already aborts the upload it was running; this is the
// guarantee that nothing of the run is left, whatever failed and where.
func (u *Uploader) AbortAll(ctx context.Context, prefix string) (int, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), abortTimeout)
	defer cancel()
	aborted := 0
	var errs []error
	in := &s3.ListMultipartUploadsInput{Bucket: aws.String(u.bucket), Prefix: aws.String(prefix)}
	for {
		out, err := u.s3.ListMultipartUploads(ctx, in)
		if err != nil {
			return aborted, fmt.Errorf("list multipart uploads under s3://%s/%s: %w", u.bucket, prefix, err)
		}
		for _, up := range out.Uploads {
			_, err := u.s3.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{
				Bucket: aws.String(u.bucket), Key: up.Key, UploadId: up.UploadId,
			})
			if err != nil && !isNoSuchUpload(err) {
				errs = append(errs, fmt.Errorf("abort upload %s of %s: %w", aws.ToString(up.UploadId), aws.ToString(up.Key), err))
				continue
			}
			aborted++
		}
		if !aws.ToBool(out.IsTruncated) {
			break
		}
		in.KeyMarker, in.UploadIdMarker = out.NextKeyMarker, out.NextUploadIdMarker
	}
	return aborted, errors.Join(errs...)
}

// Preflight proves, before any upload starts, that the bucket exists and that
// these credentials may list multipart uploads under prefix — the call the
// clean-up depends on.
func (u *Uploader) Preflight(ctx context.Context, prefix string) error {
	_, err := u.s3.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{
		Bucket: aws.String(u.bucket), Prefix: aws.String(prefix), MaxUploads: aws.Int32(1),
	})
	if err == nil {
		return nil
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "NoSuchBucket":
			return fmt.Errorf("bucket %s does not exist: check ADVANA_EXPORT_BUCKET and AWS_REGION: %w", u.bucket, err)
		case "AccessDenied", "Forbidden":
			return fmt.Errorf("access denied to bucket %s: the task role needs s3:ListBucketMultipartUploads on arn:%s:s3:::%s: %w", u.bucket, u.partition(), u.bucket, err)
		}
	}
	return fmt.Errorf("reach bucket %s: %w", u.bucket, err)
}

func isNoSuchUpload(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == "NoSuchUpload"
}

// partition is the ARN partition of the client's region, for the ARNs an
// error asks the operator to grant: aws-us-gov in GovCloud, aws-cn in China.
func (u *Uploader) partition() string {
	var region string
	if c, ok := u.s3.(*s3.Client); ok {
		region = c.Options().Region
	}
	return awsarn.Partition(region)
}
