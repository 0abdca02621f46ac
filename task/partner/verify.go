package partner

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/advana-export/terraform-aws-advana-export/task/manifest"
)

// ErrMismatch marks an object that is missing or differs from its manifest.
var ErrMismatch = errors.New("does not match the manifest")

// Result is the check of one object.
type Result struct {
	Key    string `json:"key"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
	OK     bool   `json:"ok"`
	// Problem says what is wrong when OK is false.
	Problem string `json:"problem,omitempty"`
}

// Verify streams every object the manifest lists and compares its size and
// SHA-256 with the manifest. report hears each object's result; the error
// wraps ErrMismatch when any object failed.
func Verify(ctx context.Context, c Client, bucket, manifestKey string, report func(Result)) (*manifest.Manifest, error) {
	m, err := ReadManifest(ctx, c, bucket, manifestKey)
	if err != nil {
		return nil, err
	}
	bad := 0
	for _, o := range m.Objects {
		res, err := check(ctx, c, bucket, replicaKey(manifestKey, o), o, io.Discard)
		if err != nil && !errors.Is(err, ErrMismatch) {
			return m, err
		}
		if !res.OK {
			bad++
		}
		report(res)
	}
	if bad > 0 {
		return m, fmt.Errorf("%d of %d objects: %w", bad, len(m.Objects), ErrMismatch)
	}
	return m, nil
}

// check streams one object into w while hashing it, and compares size and
// SHA-256 with the manifest's. A missing object is a mismatch; other read
// errors are returned as they are.
func check(ctx context.Context, c Client, bucket, key string, o manifest.Object, w io.Writer) (Result, error) {
	res := Result{Key: key}
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		if isNotFound(err) {
			res.Problem = "missing"
			return res, fmt.Errorf("s3://%s/%s: missing: %w", bucket, key, ErrMismatch)
		}
		return res, fmt.Errorf("get s3://%s/%s: %w", bucket, key, err)
	}
	defer out.Body.Close()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(h, w), out.Body)
	if err != nil {
		return res, fmt.Errorf("read s3://%s/%s: %w", bucket, key, err)
	}
	res.Size, res.SHA256 = n, hex.EncodeToString(h.Sum(nil))
	switch {
	case n != o.Size:
		res.Problem = fmt.Sprintf("%d bytes, the manifest says %d", n, o.Size)
	case res.SHA256 != o.SHA256:
		res.Problem = fmt.Sprintf("sha256 %s, the manifest says %s", res.SHA256, o.SHA256)
	default:
		res.OK = true
		return res, nil
	}
	return res, fmt.Errorf("s3://%s/%s: %s: %w", bucket, key, res.Problem, ErrMismatch)
}

func isNotFound(err error) bool {
	var ae interface{ ErrorCode() string }
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "NoSuchKey", "NotFound":
			return true
		}
	}
	return false
}
