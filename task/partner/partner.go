// Package partner is the receiving side of an export: find the newest
// complete run in a bucket (latest), check every object of a run against its
// manifest (verify), and download, verify and decompress a run for
// pg_restore (fetch). It trusts manifests only, never folder names, and
// reads every object as a stream, so memory stays bounded whatever the
// export's size.
package partner

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/advana-export/terraform-aws-advana-export/task/manifest"
)

// Client is the part of the S3 API the partner's side reads with.
type Client interface {
	ListObjectsV2(context.Context, *s3.ListObjectsV2Input, ...func(*s3.Options)) (*s3.ListObjectsV2Output, error)
	GetObject(context.Context, *s3.GetObjectInput, ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

// ParseS3URL splits s3://BUCKET/KEY.
func ParseS3URL(s string) (bucket, key string, err error) {
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "s3" || u.Host == "" || strings.Trim(u.Path, "/") == "" {
		return "", "", fmt.Errorf("%q is not an s3://BUCKET/KEY address", s)
	}
	return u.Host, strings.TrimPrefix(u.Path, "/"), nil
}

// ReadManifest downloads and parses one manifest.
func ReadManifest(ctx context.Context, c Client, bucket, key string) (*manifest.Manifest, error) {
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return nil, fmt.Errorf("get manifest s3://%s/%s: %w", bucket, key, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(io.LimitReader(out.Body, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("read manifest s3://%s/%s: %w", bucket, key, err)
	}
	m, err := manifest.Parse(b)
	if err != nil {
		return nil, fmt.Errorf("s3://%s/%s: %w", bucket, key, err)
	}
	return m, nil
}

// replicaKey is where an object of the manifest lives in this bucket: the
// same path relative to the manifest's folder. Replication keeps keys, but a
// partner may copy a run elsewhere; the manifest's relative paths still hold.
func replicaKey(manifestKey string, o manifest.Object) string {
	dir := manifestKey[:strings.LastIndex(manifestKey, "/")+1]
	return dir + o.Path
}
