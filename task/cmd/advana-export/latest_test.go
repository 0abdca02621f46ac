package main

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/advana-export/terraform-aws-advana-export/test/harness/testenv"
)

// newPartnerBucket creates a plain bucket, as the partner's replica bucket.
func newPartnerBucket(t *testing.T) string {
	t.Helper()
	bucket := "partner-" + testenv.UniqueID()
	if _, err := moto.S3Client().CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	return bucket
}

// latest on a bucket with only an orphan: no complete run, exit 4, and the
// orphan listed.
func TestLatestWithoutCompleteRun(t *testing.T) {
	t.Parallel()
	bucket := newPartnerBucket(t)
	putObject(t, bucket, "exports/db/2026-01-01/20260101T000000Z-00000000/db.dump.zst", []byte("x"))
	r := runPartner(t, nil, "latest", "--bucket", bucket)
	if r.code != 4 || !strings.Contains(r.stdout, `"orphans"`) || !strings.Contains(r.stderr, "no complete run") {
		t.Fatalf("exit %d, want 4 with the orphan listed:\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func TestLatestNeedsABucket(t *testing.T) {
	t.Parallel()
	if r := runPartner(t, nil, "latest"); r.code != 2 || !strings.Contains(r.stderr, "--bucket") {
		t.Fatalf("exit %d, want 2 naming --bucket:\n%s%s", r.code, r.stdout, r.stderr)
	}
}
