// Package exportcheck is what a consumer of an export does, for tests: find
// the manifest under a prefix, download every object it lists and check its
// size and SHA-256, restore with the manifest's own restore_command into a
// fresh database, and compare every sample table with the source.
package exportcheck

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	pqfile "github.com/apache/arrow-go/v18/parquet/file"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/advana-export/terraform-aws-advana-export/task/manifest"
	"github.com/advana-export/terraform-aws-advana-export/task/parquet"
	"github.com/advana-export/terraform-aws-advana-export/test/harness/sampledb"
	"github.com/advana-export/terraform-aws-advana-export/test/harness/testenv"
)

// FindManifest returns the key and content of the one manifest below prefix.
func FindManifest(ctx context.Context, c *s3.Client, bucket, prefix string) (string, *manifest.Manifest, error) {
	var found []string
	p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return "", nil, fmt.Errorf("list s3://%s/%s: %w", bucket, prefix, err)
		}
		for _, o := range page.Contents {
			if k := aws.ToString(o.Key); strings.HasSuffix(k, "/"+manifest.FileName) {
				found = append(found, k)
			}
		}
	}
	if len(found) != 1 {
		return "", nil, fmt.Errorf("want one manifest below s3://%s/%s, found %v", bucket, prefix, found)
	}
	b, err := get(ctx, c, bucket, found[0])
	if err != nil {
		return "", nil, err
	}
	m, err := manifest.Parse(b)
	if err != nil {
		return "", nil, fmt.Errorf("parse %s: %w", found[0], err)
	}
	return found[0], m, nil
}

// Download fetches every object of m into dir under its manifest path and
// checks each against the manifest's size and SHA-256.
func Download(ctx context.Context, c *s3.Client, bucket string, m *manifest.Manifest, dir string) error {
	for _, o := range m.Objects {
		b, err := get(ctx, c, bucket, o.Key)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		if int64(len(b)) != o.Size || hex.EncodeToString(sum[:]) != o.SHA256 {
			return fmt.Errorf("%s: downloaded %d bytes sha256 %x, manifest says %d bytes %s", o.Key, len(b), sum, o.Size, o.SHA256)
		}
		if strings.HasSuffix(o.Path, ".parquet") {
			if err := SparkReadable(b); err != nil {
				return fmt.Errorf("%s: %w", o.Key, err)
			}
		}
		p := filepath.Join(dir, filepath.FromSlash(o.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// SparkReadable opens a Parquet file's footer and checks every column's
// (physical, logical) pair and the calendar metadata against what Spark
// 3.5 and 4.x read with default settings (parquet.CheckSpark).
func SparkReadable(file []byte) error {
	r, err := pqfile.NewParquetReader(bytes.NewReader(file))
	if err != nil {
		return fmt.Errorf("open parquet footer: %w", err)
	}
	defer r.Close()
	if err := parquet.CheckSpark(r.MetaData()); err != nil {
		return fmt.Errorf("spark would not read it as written: %w", err)
	}
	return nil
}

// RestoreAndCompare downloads the export into dir, restores it with its
// restore_command into a new database of pg, and compares every sample
// table's row count and content hash with the source database.
func RestoreAndCompare(ctx context.Context, pg *testenv.Postgres, c *s3.Client, bucket string, m *manifest.Manifest, source, dir string) error {
	if err := Download(ctx, c, bucket, m, dir); err != nil {
		return err
	}
	target := "restore_" + testenv.UniqueID()
	if err := Restore(ctx, pg, m, dir, target); err != nil {
		return err
	}
	want, err := pg.Query(ctx, source, sampledb.RowCountsSQL())
	if err != nil {
		return err
	}
	got, err := pg.Query(ctx, target, sampledb.RowCountsSQL())
	if err != nil {
		return err
	}
	if want != got {
		return fmt.Errorf("restored tables differ from the source:\nsource:\n%s\nrestored:\n%s", want, got)
	}
	return nil
}

// Restore creates the database target in pg and restores the export
// downloaded in dir into it with the manifest's restore_command, as a
// consumer would.
func Restore(ctx context.Context, pg *testenv.Postgres, m *manifest.Manifest, dir, target string) error {
	if err := pg.CreateDatabase(ctx, target); err != nil {
		return err
	}
	restore := exec.CommandContext(ctx, "bash", "-euo", "pipefail", "-c", m.RestoreCommand)
	restore.Dir = dir
	restore.Env = append(os.Environ(), "PATH="+pg.BinDir+":"+os.Getenv("PATH"),
		fmt.Sprintf("TARGET_DATABASE_URL=postgres://%s:%s@%s:%d/%s?sslmode=disable", pg.User, pg.Password, pg.Host, pg.Port, target))
	if out, err := restore.CombinedOutput(); err != nil {
		return fmt.Errorf("restore_command %q: %w: %s", m.RestoreCommand, err, out)
	}
	return nil
}

func get(ctx context.Context, c *s3.Client, bucket, key string) ([]byte, error) {
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return nil, fmt.Errorf("get s3://%s/%s: %w", bucket, key, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		return nil, fmt.Errorf("read s3://%s/%s: %w", bucket, key, err)
	}
	return b, nil
}
