package partner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/klauspost/compress/zstd"

	"github.com/advana-export/terraform-aws-advana-export/task/compress"
	"github.com/advana-export/terraform-aws-advana-export/task/manifest"
)

// ErrNotRestorable marks a run pg_restore cannot load: a Parquet export is
// for a warehouse (docs/warehouse.md), not for pg_restore.
var ErrNotRestorable = errors.New("not a pg_dump archive")

// Fetched is a run on local disk, ready for pg_restore.
type Fetched struct {
	Manifest *manifest.Manifest
	// Archive is the file (custom format) or folder (directory format) to
	// give pg_restore.
	Archive string
}

// Fetch downloads every object of the manifest at manifestKey into dir,
// verifying each against the manifest as it streams, and decompresses a
// zstd archive on the way (in Go: no zstd program needed). Each file is
// written under a temporary name and renamed when it verified, so a failed
// or repeated fetch never leaves a file that looks finished but is not, and
// running it again simply replaces what is there. A Parquet run is refused
// before anything is downloaded (ErrNotRestorable).
func Fetch(ctx context.Context, c Client, bucket, manifestKey, dir string, report func(Result)) (Fetched, error) {
	m, err := ReadManifest(ctx, c, bucket, manifestKey)
	if err != nil {
		return Fetched{}, err
	}
	if m.Format == "parquet" {
		return Fetched{Manifest: m}, fmt.Errorf("s3://%s/%s is a parquet export, %w: load its tables/*/part-*.parquet with a warehouse reader (read_parquet, spark.read.parquet) and its schema.sql with psql", bucket, manifestKey, ErrNotRestorable)
	}
	for _, o := range m.Objects {
		res, err := fetchOne(ctx, c, bucket, manifestKey, o, dir)
		report(res)
		if err != nil {
			return Fetched{Manifest: m}, err
		}
	}
	f := Fetched{Manifest: m}
	switch m.Format {
	case "directory":
		f.Archive = filepath.Join(dir, strings.SplitN(m.Objects[0].Path, "/", 2)[0])
	default:
		f.Archive = filepath.Join(dir, filepath.FromSlash(strings.TrimSuffix(m.Objects[0].Path, compress.Extension)))
	}
	return f, nil
}

func fetchOne(ctx context.Context, c Client, bucket, manifestKey string, o manifest.Object, dir string) (Result, error) {
	rel := filepath.FromSlash(o.Path)
	if !filepath.IsLocal(rel) {
		return Result{Key: o.Key}, fmt.Errorf("manifest path %q leaves the download folder", o.Path)
	}
	unzstd := strings.HasSuffix(rel, compress.Extension)
	final := filepath.Join(dir, strings.TrimSuffix(rel, map[bool]string{true: compress.Extension}[unzstd]))
	if err := os.MkdirAll(filepath.Dir(final), 0o700); err != nil {
		return Result{Key: o.Key}, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(final), ".fetch-*")
	if err != nil {
		return Result{Key: o.Key}, err
	}
	defer os.Remove(tmp.Name()) // a no-op after the rename
	var w io.Writer = tmp
	var finish func() error
	if unzstd {
		pr, pw := io.Pipe()
		done := make(chan error, 1)
		go func() {
			dec, err := zstd.NewReader(pr)
			if err == nil {
				_, err = io.Copy(tmp, dec)
				dec.Close()
			}
			// Read the rest, so the download finishes hashing and a corrupt
			// object is reported as a checksum mismatch, not a decoder error.
			_, _ = io.Copy(io.Discard, pr)
			done <- err
		}()
		w = pw
		finish = func() error { pw.Close(); return <-done }
	}
	res, err := check(ctx, c, bucket, replicaKey(manifestKey, o), o, w)
	if finish != nil {
		if ferr := finish(); err == nil && ferr != nil {
			err = fmt.Errorf("decompress %s: %w", o.Key, ferr)
		}
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return res, err
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return res, errors.Join(fmt.Errorf("place %s", final), err)
	}
	return res, nil
}
