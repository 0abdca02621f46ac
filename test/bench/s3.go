package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/advana-export/terraform-aws-advana-export/task/manifest"
	"github.com/advana-export/terraform-aws-advana-export/task/s3upload"
)

// manifest reads an export's manifest.
func (b *Bench) manifest(ctx context.Context, key string) (*manifest.Manifest, error) {
	out, err := b.s3c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return nil, fmt.Errorf("get manifest %s: %w", key, err)
	}
	defer out.Body.Close()
	raw, err := io.ReadAll(out.Body)
	if err != nil {
		return nil, err
	}
	return manifest.Parse(raw)
}

func (b *Bench) objectSize(ctx context.Context, key string) (int64, error) {
	out, err := b.s3c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return 0, fmt.Errorf("head %s: %w", key, err)
	}
	return aws.ToInt64(out.ContentLength), nil
}

// download writes one object to path.
func (b *Bench) download(ctx context.Context, key, path string) error {
	out, err := b.s3c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return fmt.Errorf("get %s: %w", key, err)
	}
	defer out.Body.Close()
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, out.Body); err != nil {
		f.Close()
		return fmt.Errorf("download %s: %w", key, err)
	}
	return f.Close()
}

// deletePrefix removes every object under prefix, so the S3 folder holds
// only the archives still needed and the disk does not fill up.
func (b *Bench) deletePrefix(ctx context.Context, prefix string) error {
	p := s3.NewListObjectsV2Paginator(b.s3c, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list %s: %w", prefix, err)
		}
		if len(page.Contents) == 0 {
			continue
		}
		var ids []s3types.ObjectIdentifier
		for _, o := range page.Contents {
			ids = append(ids, s3types.ObjectIdentifier{Key: o.Key})
		}
		if _, err := b.s3c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String(bucket),
			Delete: &s3types.Delete{Objects: ids, Quiet: aws.Bool(true)}}); err != nil {
			return fmt.Errorf("delete under %s: %w", prefix, err)
		}
	}
	return nil
}

// uploadAlone uploads a local archive with the task's own uploader (same
// part size and concurrency as the export used) and returns the wall time:
// the other half of the overlap target.
func (b *Bench) uploadAlone(ctx context.Context, file, key string) (Sample, error) {
	f, err := os.Open(file)
	if err != nil {
		return Sample{}, err
	}
	defer f.Close()
	up := s3upload.New(b.s3c, bucket, kmsKeyARN, s3upload.PartSize(b.dbSize), taskConcurrency)
	start := time.Now()
	if _, err := up.Stream(ctx, key, f, nil); err != nil {
		return Sample{}, fmt.Errorf("upload alone of %s: %w", file, err)
	}
	return Sample{Wall: time.Since(start)}, nil
}
