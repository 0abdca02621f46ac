package main

import (
	"context"
	"fmt"
	"strings"
	"syscall"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// parquetSlowArgs make the large database's biggest table one multipart
// upload of several 5 MiB parts, sent one at a time.
var parquetSlowArgs = []string{"--format", "parquet", "--jobs", "2", "--part-size-mib", "5", "--compression", "none", "--concurrency", "2"}

// TestParquetSplitsFilesAndEncrypts: with 1 MiB files the large tables are
// split; the files' rows add up to each table's count in PostgreSQL; every
// object is SSE-KMS with the run's key.
func TestParquetSplitsFilesAndEncrypts(t *testing.T) {
	t.Parallel()
	bucket, keyARN := newTarget(t)
	r := runBinary(t, invocation{env: largeEnv(bucket, keyARN, moto.Endpoint),
		args: []string{"--format", "parquet", "--jobs", "2", "--parquet-file-mib", "1", "--parquet-row-group-mib", "1"}})
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	_, m := findManifest(t, bucket)
	split := false
	for _, tb := range m.Tables {
		var rows int64
		for _, f := range tb.Files {
			rows += f.Rows
		}
		want, err := pg.Query(context.Background(), largeDB, fmt.Sprintf(`SELECT count(*) FROM %s.%s`, quoteIdent(tb.Schema), quoteIdent(tb.Name)))
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(rows) != want || fmt.Sprint(tb.Rows) != want {
			t.Errorf("%s: files hold %d rows, manifest says %d, PostgreSQL %s", tb.Name, rows, tb.Rows, want)
		}
		split = split || len(tb.Files) > 1
	}
	if !split {
		t.Error("no table was split into several files at 1 MiB")
	}
	c := moto.S3Client()
	for _, o := range m.Objects {
		head, err := c.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(o.Key)})
		if err != nil {
			t.Fatal(err)
		}
		if head.ServerSideEncryption != "aws:kms" || aws.ToString(head.SSEKMSKeyId) != keyARN || aws.ToInt64(head.ContentLength) != o.Size {
			t.Errorf("%s: encryption %q key %q size %d", o.Key, head.ServerSideEncryption, aws.ToString(head.SSEKMSKeyId), aws.ToInt64(head.ContentLength))
		}
	}
	events := logEvents(t, r.stdout)
	if _, ok := events["snapshot_taken"]; !ok {
		t.Error("no snapshot_taken event")
	}
}

// S3 fails every part: exit 4, every upload aborted, no manifest.
func TestParquetUploadFailureLeavesNothing(t *testing.T) {
	t.Parallel()
	bucket, keyARN := newTarget(t)
	proxy := slowProxy(t)
	proxy.FailParts.Store(true)
	r := runBinary(t, invocation{env: largeEnv(bucket, keyARN, proxy.URL), args: parquetSlowArgs})
	if r.code != 4 {
		t.Fatalf("exit %d, want 4 (storage):\n%s%s", r.code, r.stdout, r.stderr)
	}
	assertUndone(t, bucket, r, true) // schema.sql was complete
}

// SIGTERM while a table is uploading: exit 5, nothing left.
func TestParquetSIGTERMLeavesNothing(t *testing.T) {
	t.Parallel()
	bucket, keyARN := newTarget(t)
	proxy := slowProxy(t)
	r := runBinary(t, invocation{env: largeEnv(bucket, keyARN, proxy.URL), args: parquetSlowArgs,
		during: func(pid int) {
			<-proxy.FirstPart
			_ = syscall.Kill(pid, syscall.SIGTERM)
		}})
	if r.code != 5 {
		t.Fatalf("exit %d, want 5 (interrupted):\n%s%s", r.code, r.stdout, r.stderr)
	}
	assertUndone(t, bucket, r, true)
}

// A value Parquet cannot hold (NaN in numeric(p,s), which DECIMAL has no
// room for), in the last row of a table split into several files: the run
// does not fail and the value is not lost. The column is written as text,
// the table re-read from the same snapshot, and the files of the first
// attempt are gone. Before issue 20 the run failed, for every table.
func TestParquetUnstorableValueFallsBack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const db = "nan_decimal"
	if err := pg.CreateDatabase(ctx, db); err != nil {
		t.Fatal(err)
	}
	if err := pg.Exec(ctx, db, `CREATE TABLE prices (id int, amount numeric(8,2), note text);
		INSERT INTO prices SELECT g, g / 100.0, md5(g::text) || repeat('x', 200) FROM generate_series(1, 20000) g;
		INSERT INTO prices VALUES (20001, 'NaN', 'last');`); err != nil {
		t.Fatal(err)
	}
	bucket, keyARN := newTarget(t)
	env := baseEnv(bucket, keyARN, moto.Endpoint)
	env["PGDATABASE"] = db
	r := runBinary(t, invocation{env: env, args: []string{"--format", "parquet", "--jobs", "1", "--compression", "none", "--parquet-file-mib", "1", "--parquet-row-group-mib", "1"}})
	if r.code != 0 {
		t.Fatalf("exit %d, want 0: one value must not stop the feed:\n%s%s", r.code, r.stdout, r.stderr)
	}
	_, m := findManifest(t, bucket)
	tb := m.Tables[0]
	if tb.Rows != 20001 || len(tb.Files) < 2 || tb.Columns[1].ParquetType != "BYTE_ARRAY String" || !strings.Contains(tb.Columns[1].TextFallback, "NaN") {
		t.Fatalf("prices: rows %d, files %d, amount %+v: want every row, several files, amount as text with the reason", tb.Rows, len(tb.Files), tb.Columns[1])
	}
	assertOnlyManifestParquet(t, bucket, tb)
	res := queryExport(t, bucket, m, func(dir string) []string {
		return []string{duckdbCanonicalSQL(dir, tb) + " WHERE id IN (1, 20001) ORDER BY id"}
	})
	if got := fmt.Sprint(*res[0][0][1], " ", *res[0][1][1]); got != "0.01 NaN" {
		t.Errorf("amounts read back %q, want \"0.01 NaN\"", got)
	}
}

// The server ends a worker's session while a table's file is uploading (a
// failover): exit 3, and nothing of the run is left, neither the open
// uploads nor the files and schema.sql completed before. Not parallel: it
// terminates every export backend on the shared server, so it runs before
// the parallel tests start.
func TestParquetCopyFailureMidStreamLeavesNothing(t *testing.T) {
	bucket, keyARN := newTarget(t)
	proxy := slowProxy(t)
	r := runCopyKilledMidStream(t, proxy, invocation{env: largeEnv(bucket, keyARN, proxy.URL), args: parquetSlowArgs})
	assertUndone(t, bucket, r, true)
}
