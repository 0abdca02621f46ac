//go:build imagetest

package imagetest

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/advana-export/terraform-aws-advana-export/task/manifest"
	"github.com/advana-export/terraform-aws-advana-export/test/harness/testenv"
)

// awsTarget is the export bucket and key the applied task definition
// names, as the apply made them in moto, reached with credentials in the
// account they were applied to.
type awsTarget struct {
	endpoint, bucket string
	creds            aws.Credentials
	s3               *s3.Client
}

func newAWSTarget(t *testing.T, ctx context.Context, moto *testenv.Moto, cfg aws.Config, env map[string]string) *awsTarget {
	t.Helper()
	bucket, alias := env["ADVANA_EXPORT_BUCKET"], env["ADVANA_EXPORT_KMS_KEY_ID"]
	a, err := arn.Parse(alias)
	if err != nil || !strings.HasPrefix(a.Resource, "alias/") {
		t.Fatalf("ADVANA_EXPORT_KMS_KEY_ID %q: want the key's alias ARN (%v)", alias, err)
	}
	cfg.Region = a.Region
	// The apply made both: the key behind the alias and the versioned bucket.
	if _, err := kms.NewFromConfig(cfg).DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(alias)}); err != nil {
		t.Fatalf("the applied key %s: %v", alias, err)
	}
	c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	ver, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(bucket)})
	if err != nil || ver.Status != s3types.BucketVersioningStatusEnabled {
		t.Fatalf("the applied bucket %s: versioning %v (%v)", bucket, ver, err)
	}
	// moto evaluates a Deny whose condition does not match as a Deny (it
	// knows no aws:SecureTransport nor encryption headers), so the module's
	// bucket policy refuses every PutObject there; the apply tests check the
	// policy itself (test/system_test.go, setAsideBucketPolicy).
	if _, err := c.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return &awsTarget{endpoint: moto.Endpoint, bucket: bucket, creds: creds, s3: c}
}

// env is what the test adds to the task definition's environment: the
// emulator (endpoint) and credentials standing in for the task role, and
// the one override, PGSSLMODE: the local server has no TLS (the module's
// verify-full against the RDS bundle is checked by inspection).
func (a *awsTarget) env(endpoint string) map[string]string {
	return map[string]string{
		"AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": a.creds.AccessKeyID, "AWS_SECRET_ACCESS_KEY": a.creds.SecretAccessKey,
		"AWS_SESSION_TOKEN":         a.creds.SessionToken,
		"AWS_EC2_METADATA_DISABLED": "true", "ADVANA_EXPORT_S3_FORCE_PATH_STYLE": "true",
		"PGSSLMODE": "disable",
	}
}

// objects lists every object version in the bucket ("key@version").
func (a *awsTarget) objects(t *testing.T, ctx context.Context) []string {
	t.Helper()
	out, err := a.s3.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String(a.bucket)})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, v := range out.Versions {
		keys = append(keys, aws.ToString(v.Key)+"@"+aws.ToString(v.VersionId))
	}
	for _, d := range out.DeleteMarkers {
		keys = append(keys, aws.ToString(d.Key)+"@delete-marker")
	}
	sort.Strings(keys)
	return keys
}

func (a *awsTarget) openUploads(t *testing.T, ctx context.Context) []string {
	t.Helper()
	keys, err := testenv.OpenUploads(ctx, a.s3, a.bucket)
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

func (a *awsTarget) get(t *testing.T, ctx context.Context, key string) []byte {
	t.Helper()
	b, err := testenv.ObjectBytes(ctx, a.s3, a.bucket, key)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// manifest returns the bucket's one manifest.
func (a *awsTarget) manifest(t *testing.T, ctx context.Context) *manifest.Manifest {
	t.Helper()
	var found []string
	for _, kv := range a.objects(t, ctx) {
		k, _, _ := strings.Cut(kv, "@")
		if strings.HasSuffix(k, "/"+manifest.FileName) {
			found = append(found, k)
		}
	}
	if len(found) != 1 {
		t.Fatalf("want one manifest in %s, found %v", a.bucket, found)
	}
	m, err := manifest.Parse(a.get(t, ctx, found[0]))
	if err != nil {
		t.Fatal(fmt.Errorf("manifest %s: %w", found[0], err))
	}
	return m
}
