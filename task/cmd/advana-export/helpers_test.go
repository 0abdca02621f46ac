package main

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/advana-export/terraform-aws-advana-export/task/manifest"
	"github.com/advana-export/terraform-aws-advana-export/test/harness/exportcheck"
	"github.com/advana-export/terraform-aws-advana-export/test/harness/sampledb"
	"github.com/advana-export/terraform-aws-advana-export/test/harness/testenv"
)

// newTarget makes a fresh bucket + key for one test.
func newTarget(t *testing.T) (bucket, keyARN string) {
	t.Helper()
	bucket = "export-" + testenv.UniqueID()
	keyARN, err := moto.ExportTarget(context.Background(), bucket)
	if err != nil {
		t.Fatal(err)
	}
	return bucket, keyARN
}

// listKeys returns every object key in the bucket.
func listKeys(t *testing.T, bucket string) []string {
	t.Helper()
	out, err := moto.S3Client().ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, o := range out.Contents {
		keys = append(keys, aws.ToString(o.Key))
	}
	return keys
}

// openUploads returns the keys of multipart uploads still open in bucket.
func openUploads(t *testing.T, bucket string) []string {
	t.Helper()
	keys, err := testenv.OpenUploads(context.Background(), moto.S3Client(), bucket)
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

// listVersions returns KEY@VERSION of every object version and delete
// marker in the bucket: a versioned bucket keeps data a plain delete hides.
func listVersions(t *testing.T, bucket string) []string {
	t.Helper()
	out, err := moto.S3Client().ListObjectVersions(context.Background(), &s3.ListObjectVersionsInput{Bucket: aws.String(bucket)})
	if err != nil {
		t.Fatal(err)
	}
	var vs []string
	for _, v := range out.Versions {
		vs = append(vs, aws.ToString(v.Key)+"@"+aws.ToString(v.VersionId))
	}
	for _, m := range out.DeleteMarkers {
		vs = append(vs, aws.ToString(m.Key)+"@"+aws.ToString(m.VersionId)+" (delete marker)")
	}
	return vs
}

// assertNothingLeft checks the failure guarantee: no object at all (no
// archive, no manifest, not even as a noncurrent version or behind a delete
// marker) and no open multipart upload.
func assertNothingLeft(t *testing.T, bucket string) {
	t.Helper()
	if keys := listKeys(t, bucket); len(keys) != 0 {
		t.Errorf("objects left after a failed run: %v", keys)
	}
	if vs := listVersions(t, bucket); len(vs) != 0 {
		t.Errorf("object versions left after a failed run: %v", vs)
	}
	if ups := openUploads(t, bucket); len(ups) != 0 {
		t.Errorf("multipart uploads left open after a failed run: %v", ups)
	}
}

// findManifest returns the one manifest in bucket.
func findManifest(t *testing.T, bucket string) (string, *manifest.Manifest) {
	t.Helper()
	var found []string
	for _, k := range listKeys(t, bucket) {
		if strings.HasSuffix(k, "/"+manifest.FileName) {
			found = append(found, k)
		}
	}
	if len(found) != 1 {
		t.Fatalf("want one manifest, found %v", found)
	}
	m, err := manifest.Parse(getObject(t, bucket, found[0]))
	if err != nil {
		t.Fatal(err)
	}
	return found[0], m
}

func getObject(t *testing.T, bucket, key string) []byte {
	t.Helper()
	b, err := testenv.ObjectBytes(context.Background(), moto.S3Client(), bucket, key)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// download fetches every object of m into dir under its manifest path and
// checks each against the manifest's size and SHA-256, as a consumer does.
func download(t *testing.T, bucket string, m *manifest.Manifest, dir string) {
	t.Helper()
	if err := exportcheck.Download(context.Background(), moto.S3Client(), bucket, m, dir); err != nil {
		t.Fatal(err)
	}
}

// checkParquetFooters opens every Parquet file in bucket and fails the
// test if Spark 3.5 or 4.x would refuse one with default settings. Every
// export runBinary makes passes through it, so a new test's files are
// checked without asking.
func checkParquetFooters(t *testing.T, bucket string) {
	t.Helper()
	if bucket == "" {
		return
	}
	// A test that points the export at a bucket that does not exist left no
	// files anywhere: there is nothing to check.
	// HeadBucket has no body, so a missing bucket arrives as NotFound.
	var missing *s3types.NotFound
	if _, err := moto.S3Client().HeadBucket(context.Background(), &s3.HeadBucketInput{Bucket: aws.String(bucket)}); errors.As(err, &missing) {
		return
	}
	for _, k := range listKeys(t, bucket) {
		if !strings.HasSuffix(k, ".parquet") {
			continue
		}
		if err := exportcheck.SparkReadable(getObject(t, bucket, k)); err != nil {
			t.Errorf("%s: %v", k, err)
		}
	}
}

func sampledbTables() []string { return sampledb.Tables }

// assertOnlyManifestParquet: the bucket holds exactly as many Parquet files
// as the manifest lists for tb (the run's only table), so a re-read (a
// column fallen back to text) left nothing of its first attempt behind.
func assertOnlyManifestParquet(t *testing.T, bucket string, tb manifest.Table) {
	t.Helper()
	n := 0
	for _, k := range listKeys(t, bucket) {
		if strings.HasSuffix(k, ".parquet") {
			n++
		}
	}
	if n != len(tb.Files) {
		t.Errorf("%d Parquet files in the bucket, the manifest lists %d: a first attempt left files behind", n, len(tb.Files))
	}
}

// queryExport downloads the run's files and runs DuckDB queries over them;
// queries gets the download folder. It returns each query's rows.
func queryExport(t *testing.T, bucket string, m *manifest.Manifest, queries func(dir string) []string) [][][]*string {
	t.Helper()
	ctx := context.Background()
	duck, err := testenv.StartDuckDB(ctx)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	download(t, bucket, m, dir)
	res, err := duck.Query(ctx, dir, queries(dir)...)
	if err != nil {
		t.Fatal(err)
	}
	return res
}
