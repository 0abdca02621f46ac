package main

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// An object the manifest lists but the bucket lacks (replication not done,
// or deleted): verify names it and exits 4; the other objects are still
// reported.
func TestVerifyReportsAMissingObject(t *testing.T) {
	t.Parallel()
	bucket, keyARN := newTarget(t)
	r := runBinary(t, invocation{env: baseEnv(bucket, keyARN, moto.Endpoint), args: []string{"--format", "directory", "--jobs", "2", "--scratch-dir", t.TempDir()}})
	if r.code != 0 {
		t.Fatalf("export: exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	key, m := findManifest(t, bucket)
	replica := newPartnerBucket(t)
	replicate(t, bucket, replica)
	gone := m.Objects[0].Key
	if _, err := moto.S3Client().DeleteObject(context.Background(), &s3.DeleteObjectInput{Bucket: aws.String(replica), Key: aws.String(gone)}); err != nil {
		t.Fatal(err)
	}
	r = runPartner(t, nil, "verify", "s3://"+replica+"/"+key)
	if r.code != 4 {
		t.Fatalf("exit %d, want 4:\n%s%s", r.code, r.stdout, r.stderr)
	}
	checked := 0
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		if strings.Contains(line, `"event":"object_checked"`) {
			checked++
			if strings.Contains(line, gone) && !strings.Contains(line, `"problem":"missing"`) {
				t.Errorf("the missing object is not reported as missing: %s", line)
			}
		}
	}
	if checked != len(m.Objects) {
		t.Errorf("%d objects reported, want all %d:\n%s", checked, len(m.Objects), r.stdout)
	}
}

func TestVerifyUsage(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"verify"}, {"verify", "https://example.com/manifest.json"}} {
		if r := runPartner(t, nil, args...); r.code != 2 {
			t.Errorf("%v: exit %d, want 2:\n%s%s", args, r.code, r.stdout, r.stderr)
		}
	}
}
