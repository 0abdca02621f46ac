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
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/advana-export/terraform-aws-advana-export/internal/planreview/offline"
	"github.com/advana-export/terraform-aws-advana-export/internal/testenv"
	"github.com/advana-export/terraform-aws-advana-export/task/manifest"
)

// awsTarget is the export bucket and key the task definition names, made in
// moto under the planned account, so the definition's values are used as
// they are.
type awsTarget struct {
	endpoint, key, secret, bucket string
	s3                            *s3.Client
}

func newAWSTarget(t *testing.T, ctx context.Context, moto *testenv.Moto, env map[string]string) *awsTarget {
	t.Helper()
	bucket, alias := env["ADVANA_EXPORT_BUCKET"], env["ADVANA_EXPORT_KMS_KEY_ID"]
	a, err := arn.Parse(alias)
	if err != nil || !strings.HasPrefix(a.Resource, "alias/") {
		t.Fatalf("ADVANA_EXPORT_KMS_KEY_ID %q: want the key's alias ARN (%v)", alias, err)
	}
	key, secret, err := offline.EmulatorKey(moto.Endpoint, a.AccountID)
	if err != nil {
		t.Fatal(err)
	}
	cfg := aws.Config{Region: a.Region, BaseEndpoint: aws.String(moto.Endpoint),
		Credentials: credentials.NewStaticCredentialsProvider(key, secret, "")}
	k := kms.NewFromConfig(cfg)
	created, err := k.CreateKey(ctx, &kms.CreateKeyInput{Description: aws.String("image test export key")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := k.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String(a.Resource), TargetKeyId: created.KeyMetadata.KeyId}); err != nil {
		t.Fatal(err)
	}
	c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatalf("create bucket %s: %v", bucket, err)
	}
	if _, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(bucket),
		VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatal(err)
	}
	return &awsTarget{endpoint: moto.Endpoint, key: key, secret: secret, bucket: bucket, s3: c}
}

// env is what the test adds to the task definition's environment: the
// emulator (endpoint) and credentials standing in for the task role, and
// the one override, PGSSLMODE: the local server has no TLS (the module's
// verify-full against the RDS bundle is checked by inspection).
func (a *awsTarget) env(endpoint string) map[string]string {
	return map[string]string{
		"AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": a.key, "AWS_SECRET_ACCESS_KEY": a.secret,
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
