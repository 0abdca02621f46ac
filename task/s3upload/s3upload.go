// Package s3upload puts export objects into S3: a stream of unknown length
// as a multipart upload through the SDK's transfer manager, every object
// with SSE-KMS, S3's per-part SHA-256 checksums and a whole-object SHA-256
// computed on the way. It knows nothing of PostgreSQL.
package s3upload

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	tmtypes "github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// SHA256Tag is the object tag (and metadata key, where the hash is known
// before the upload starts) that holds an object's hex SHA-256.
const SHA256Tag = "sha256"

// abortTimeout bounds the clean-up calls that run after the run's context
// is already cancelled (SIGTERM), so they still reach S3.
const abortTimeout = 20 * time.Second

// Client is the part of the S3 API the uploader uses.
type Client interface {
	transfermanager.S3APIClient
	PutObjectTagging(context.Context, *s3.PutObjectTaggingInput, ...func(*s3.Options)) (*s3.PutObjectTaggingOutput, error)
	ListMultipartUploads(context.Context, *s3.ListMultipartUploadsInput, ...func(*s3.Options)) (*s3.ListMultipartUploadsOutput, error)
	ListObjectVersions(context.Context, *s3.ListObjectVersionsInput, ...func(*s3.Options)) (*s3.ListObjectVersionsOutput, error)
	DeleteObject(context.Context, *s3.DeleteObjectInput, ...func(*s3.Options)) (*s3.DeleteObjectOutput, error)
	PutObjectRetention(context.Context, *s3.PutObjectRetentionInput, ...func(*s3.Options)) (*s3.PutObjectRetentionOutput, error)
	PutObjectLegalHold(context.Context, *s3.PutObjectLegalHoldInput, ...func(*s3.Options)) (*s3.PutObjectLegalHoldOutput, error)
}

// Uploader writes objects into one bucket with one KMS key.
type Uploader struct {
	s3          Client
	tm          *transfermanager.Client
	bucket      string
	kmsKeyID    string
	partSize    int64
	concurrency int
}

// New returns an Uploader. partSize is the multipart part size in bytes;
// memory in use is about (concurrency+1) × partSize.
func New(client Client, bucket, kmsKeyID string, partSize int64, concurrency int) *Uploader {
	tm := transfermanager.New(client, func(o *transfermanager.Options) {
		o.PartSizeBytes = partSize
		o.MultipartUploadThreshold = partSize
		o.Concurrency = concurrency
		o.ChecksumAlgorithm = tmtypes.ChecksumAlgorithmSha256
		o.FailTimeout = abortTimeout // abort on a fresh context even after ours is cancelled
	})
	return &Uploader{s3: client, tm: tm, bucket: bucket, kmsKeyID: kmsKeyID, partSize: partSize, concurrency: concurrency}
}

// Object is one uploaded object as the manifest records it.
type Object struct {
	Key       string `json:"key"`
	Size      int64  `json:"size"`
	SHA256    string `json:"sha256"`
	ETag      string `json:"etag,omitempty"`
	VersionID string `json:"version_id,omitempty"`
}

// Counter reports bytes read so far from a stream being uploaded; progress
// logging reads it from another goroutine.
type Counter struct{ n atomic.Int64 }

// Bytes returns the bytes read so far.
func (c *Counter) Bytes() int64 {
	if c == nil {
		return 0
	}
	return c.n.Load()
}

type hashingReader struct {
	r     io.Reader
	h     hash.Hash
	count *Counter
}

func (h *hashingReader) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	h.h.Write(p[:n])
	h.count.n.Add(int64(n))
	return n, err
}

// Stream uploads everything r yields to key. The object is completed only
// when r returns io.EOF; any other error from r (a failed dump, say) aborts
// the multipart upload, so a partial stream never becomes an object. count,
// if not nil, follows the bytes read.
func (u *Uploader) Stream(ctx context.Context, key string, r io.Reader, count *Counter) (Object, error) {
	if count == nil {
		count = &Counter{}
	}
	hr := &hashingReader{r: r, h: sha256.New(), count: count}
	out, err := u.tm.UploadObject(ctx, &transfermanager.UploadObjectInput{
		Bucket:               aws.String(u.bucket),
		Key:                  aws.String(key),
		Body:                 hr,
		ServerSideEncryption: tmtypes.ServerSideEncryptionAwsKms,
		SSEKMSKeyID:          aws.String(u.kmsKeyID),
		BucketKeyEnabled:     aws.Bool(true),
		ContentType:          aws.String("application/octet-stream"),
	})
	if err != nil {
		return Object{}, fmt.Errorf("upload s3://%s/%s: %w", u.bucket, key, err)
	}
	obj := Object{Key: key, Size: count.Bytes(), SHA256: hex.EncodeToString(hr.h.Sum(nil)),
		ETag: aws.ToString(out.ETag), VersionID: aws.ToString(out.VersionID)}
	// The hash is known only at the end of a stream, after the object's
	// metadata is fixed, so it goes on as a tag; the manifest has it too.
	if _, err := u.s3.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{
		Bucket: aws.String(u.bucket), Key: aws.String(key), VersionId: out.VersionID,
		Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String(SHA256Tag), Value: aws.String(obj.SHA256)}}},
	}); err != nil {
		return Object{}, fmt.Errorf("tag s3://%s/%s with its sha256: %w", u.bucket, key, err)
	}
	return obj, nil
}

// PutSmall writes a small, fully known body (the manifest) in one request,
// with its SHA-256 as metadata and as S3's checksum. With lock, the object
// is stored already locked: the same request that makes it visible protects
// it, so there is no moment when it is visible and deletable.
func (u *Uploader) PutSmall(ctx context.Context, key, contentType string, body []byte, lock *Retention) (Object, error) {
	sum := sha256.Sum256(body)
	in := &s3.PutObjectInput{
		Bucket:               aws.String(u.bucket),
		Key:                  aws.String(key),
		Body:                 &bytesReader{b: body},
		ContentLength:        aws.Int64(int64(len(body))),
		ContentType:          aws.String(contentType),
		ServerSideEncryption: types.ServerSideEncryptionAwsKms,
		SSEKMSKeyId:          aws.String(u.kmsKeyID),
		BucketKeyEnabled:     aws.Bool(true),
		ChecksumAlgorithm:    types.ChecksumAlgorithmSha256,
		Metadata:             map[string]string{SHA256Tag: hex.EncodeToString(sum[:])},
	}
	if lock != nil {
		in.ObjectLockMode, in.ObjectLockRetainUntilDate = types.ObjectLockMode(lock.Mode), aws.Time(lock.Until)
	}
	out, err := u.s3.PutObject(ctx, in)
	if err != nil {
		return Object{}, fmt.Errorf("put s3://%s/%s: %w", u.bucket, key, err)
	}
	return Object{Key: key, Size: int64(len(body)), SHA256: hex.EncodeToString(sum[:]),
		ETag: aws.ToString(out.ETag), VersionID: aws.ToString(out.VersionId)}, nil
}
