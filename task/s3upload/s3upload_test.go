package s3upload

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/advana-export/terraform-aws-advana-export/test/harness/testenv"
)

// PartSize grows with the database (its archive can be twice its size);
// ObjectPartSize with one object's bound (a Parquet file). Both keep the
// object within MaxParts.
func TestPartSize(t *testing.T) {
	const gib = int64(1) << 30
	for _, tt := range []struct {
		name   string
		size   func(int64) int64
		in     int64
		object int64 // the largest object the parts must carry
		want   int64
	}{
		{"PartSize", PartSize, 0, 0, DefaultPartSize},
		{"PartSize", PartSize, 1 * gib, 2 * gib, DefaultPartSize},
		{"PartSize", PartSize, 500 * gib, 1000 * gib, 114 << 20},
		{"PartSize", PartSize, 40000 * gib, 0, MaxPartSize},
		{"ObjectPartSize", ObjectPartSize, 0, 0, MinPartSize},
		{"ObjectPartSize", ObjectPartSize, 2 * (gib + 64<<20), 2 * (gib + 64<<20), MinPartSize}, // a Parquet file at the defaults, twice over
		{"ObjectPartSize", ObjectPartSize, 100 * gib, 100 * gib, 12 << 20},
		{"ObjectPartSize", ObjectPartSize, 100000 * gib, 0, MaxPartSize},
	} {
		got := tt.size(tt.in)
		if got != tt.want {
			t.Errorf("%s(%d MiB) = %d MiB, want %d MiB", tt.name, tt.in>>20, got>>20, tt.want>>20)
		}
		if (tt.object+got-1)/got > MaxParts {
			t.Errorf("%s(%d MiB): %d MiB needs more than %d parts", tt.name, tt.in>>20, tt.object>>20, MaxParts)
		}
	}
}

type failingReader struct {
	r   io.Reader
	err error
}

func (f *failingReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		return n, f.err
	}
	return n, err
}

func TestStreamHashesAndAbortsOnReaderError(t *testing.T) {
	m := testenv.MotoT(t)
	ctx := context.Background()
	bucket := "up-" + testenv.UniqueID()
	key, err := m.ExportTarget(ctx, bucket)
	if err != nil {
		t.Fatal(err)
	}
	client := m.S3Client()
	up := New(client, bucket, key, MinPartSize, 2)
	if err := up.Preflight(ctx, "x/"); err != nil {
		t.Fatal(err)
	}
	if err := New(client, "missing-"+bucket, key, MinPartSize, 2).Preflight(ctx, "x/"); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("preflight of a missing bucket: %v", err)
	}

	data := make([]byte, 12<<20)
	_, _ = rand.Read(data)
	sum := sha256.Sum256(data)
	obj, err := up.Stream(ctx, "x/ok.bin", bytes.NewReader(data), nil)
	if err != nil {
		t.Fatal(err)
	}
	if obj.Size != int64(len(data)) || obj.SHA256 != hex.EncodeToString(sum[:]) {
		t.Fatalf("object %+v", obj)
	}

	// A reader that fails at its end (a failed pg_dump) must not become an object.
	_, err = up.Stream(ctx, "x/bad.bin", &failingReader{r: bytes.NewReader(data), err: errors.New("pg_dump exited 1")}, nil)
	if err == nil {
		t.Fatal("stream with a failing reader succeeded")
	}
	if _, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String("x/bad.bin")}); err == nil {
		t.Fatal("the failed stream became an object")
	}

	// AbortAll removes uploads left open by anyone under the prefix.
	for i := 0; i < 2; i++ {
		if _, err := client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String("x/left.bin")}); err != nil {
			t.Fatal(err)
		}
	}
	n, err := up.AbortAll(ctx, "x/")
	if err != nil || n < 2 {
		t.Fatalf("AbortAll = %d, %v", n, err)
	}
	out, err := client.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String(bucket)})
	if err != nil || len(out.Uploads) != 0 {
		t.Fatalf("uploads left: %v %v", out.Uploads, err)
	}
}
