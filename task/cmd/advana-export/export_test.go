package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/advana-export/terraform-aws-advana-export/task/manifest"
	"github.com/advana-export/terraform-aws-advana-export/test/harness/sampledb"
	"github.com/advana-export/terraform-aws-advana-export/test/harness/testenv"
)

// restoreAndCompare restores the export into a fresh database with
// pg_restore and compares every sample table's row count and content hash
// with the source. skipData lists tables whose rows were excluded on purpose.
func restoreAndCompare(t *testing.T, bucket string, m *manifest.Manifest, skipData ...string) {
	t.Helper()
	restoreAndCompareWith(t, sampleDB, bucket, m, skipData...)
}

func restoreAndCompareWith(t *testing.T, source, bucket string, m *manifest.Manifest, skipData ...string) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	download(t, bucket, m, dir)
	target := "restore_" + testenv.UniqueID()
	if err := pg.CreateDatabase(ctx, target); err != nil {
		t.Fatal(err)
	}
	// Restore exactly as the manifest says a consumer should.
	restore := exec.Command("bash", "-euo", "pipefail", "-c", m.RestoreCommand)
	restore.Dir = dir
	restore.Env = append(os.Environ(), "PATH="+pg.BinDir+":"+os.Getenv("PATH"),
		fmt.Sprintf("TARGET_DATABASE_URL=postgres://%s:%s@%s:%d/%s?sslmode=disable", pg.User, pg.Password, pg.Host, pg.Port, target))
	if out, err := restore.CombinedOutput(); err != nil {
		t.Fatalf("restore_command %q: %v: %s", m.RestoreCommand, err, out)
	}
	// Restoring twice from the same folder works: nothing of the first
	// attempt (say, the compressed archive) is consumed.
	if m.Compression != "none" && strings.HasPrefix(m.Compression, "zstd") {
		again := exec.Command("bash", "-euo", "pipefail", "-c", strings.SplitN(m.RestoreCommand, " && ", 2)[0])
		again.Dir = dir
		if out, err := again.CombinedOutput(); err != nil {
			t.Fatalf("second decompression of restore_command %q: %v: %s", m.RestoreCommand, err, out)
		}
	}
	compareTables(t, source, target, skipData...)
}

// compareTables compares every sample table's row count and content hash in
// target with source; skipData lists tables whose rows were left out.
func compareTables(t *testing.T, source, target string, skipData ...string) {
	t.Helper()
	ctx := context.Background()
	want, err := pg.Query(ctx, source, sampledb.RowCountsSQL())
	if err != nil {
		t.Fatal(err)
	}
	got, err := pg.Query(ctx, target, sampledb.RowCountsSQL())
	if err != nil {
		t.Fatal(err)
	}
	wantLines, gotLines := strings.Split(want, "\n"), strings.Split(got, "\n")
	if len(wantLines) != len(gotLines) {
		t.Fatalf("restored tables differ:\nsource:\n%s\nrestored:\n%s", want, got)
	}
	for i := range wantLines {
		table := strings.SplitN(wantLines[i], "|", 2)[0]
		excluded := false
		for _, s := range skipData {
			excluded = excluded || table == s
		}
		switch {
		case excluded && !strings.HasPrefix(gotLines[i], table+"|0|"):
			t.Errorf("%s: rows were excluded but %q was restored", table, gotLines[i])
		case !excluded && wantLines[i] != gotLines[i]:
			t.Errorf("table differs after restore:\nsource   %s\nrestored %s", wantLines[i], gotLines[i])
		}
	}
	seq, err := pg.Query(ctx, target, "select last_value from sales.invoice_number_seq")
	if err != nil || seq == "" || seq == "100000" {
		t.Errorf("sequence not restored: %q %v", seq, err)
	}
}

func TestExportRoundTrip(t *testing.T) {
	t.Parallel()
	bucket, keyARN := newTarget(t)
	started := time.Now().UTC()
	r := runBinary(t, invocation{env: baseEnv(bucket, keyARN, moto.Endpoint)})
	if r.code != 0 {
		t.Fatalf("exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	key, m := findManifest(t, bucket)

	// Layout: PREFIX/DATABASE/DATE/RUN_ID/{sample.dump.zst,manifest.json}.
	wantDir := "exports/" + sampleDB + "/" + started.Format("2006-01-02") + "/" + m.RunID + "/"
	if !strings.HasPrefix(key, wantDir) || len(m.Objects) != 1 || m.Objects[0].Key != wantDir+"sample.dump.zst" {
		t.Fatalf("layout: manifest %s, objects %+v; want under %s", key, m.Objects, wantDir)
	}
	if keys := listKeys(t, bucket); len(keys) != 2 {
		t.Fatalf("want the archive and the manifest only, got %v", keys)
	}
	if m.Format != "custom" || m.Compression != "zstd:3" || m.Database != sampleDB ||
		!strings.HasPrefix(m.ServerVersion, "15.") || !strings.Contains(m.PgDumpVersion, "15.") ||
		m.Verification == nil || m.Verification.TableDataEntries < len(sampledb.Tables) ||
		m.FinishedAt.Before(m.StartedAt) || m.TotalBytes != m.Objects[0].Size || m.RestoreCommand == "" {
		b, _ := json.MarshalIndent(m, "", " ")
		t.Fatalf("manifest fields wrong:\n%s", b)
	}

	// Every object is SSE-KMS with our key; the archive carries its SHA-256.
	c := moto.S3Client()
	for _, k := range []string{m.Objects[0].Key, key} {
		head, err := c.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(k)})
		if err != nil {
			t.Fatal(err)
		}
		if head.ServerSideEncryption != "aws:kms" || aws.ToString(head.SSEKMSKeyId) != keyARN {
			t.Errorf("%s: encryption %q key %q, want aws:kms with %s", k, head.ServerSideEncryption, aws.ToString(head.SSEKMSKeyId), keyARN)
		}
	}
	tags, err := c.GetObjectTagging(context.Background(), &s3.GetObjectTaggingInput{Bucket: aws.String(bucket), Key: aws.String(m.Objects[0].Key)})
	if err != nil {
		t.Fatal(err)
	}
	if len(tags.TagSet) != 1 || aws.ToString(tags.TagSet[0].Value) != m.Objects[0].SHA256 {
		t.Errorf("archive tags %+v, want sha256=%s", tags.TagSet, m.Objects[0].SHA256)
	}

	// The log: JSON lines, progress, and the success event the module's alarm counts.
	events := logEvents(t, r.stdout)
	for _, want := range []string{"preflight_ok", "export_succeeded"} {
		if events[want] == nil {
			t.Errorf("no %q event in the log:\n%s", want, r.stdout)
		}
	}
	if ok := events["export_succeeded"]; ok != nil && ok["manifest_key"] != key {
		t.Errorf("summary names manifest %v, want %s", ok["manifest_key"], key)
	}
	restoreAndCompare(t, bucket, m)
}

func TestExportManyPartsUncompressed(t *testing.T) {
	t.Parallel()
	bucket, keyARN := newTarget(t)
	// 5 MiB parts and no compression: the large archive needs several parts.
	r := runBinary(t, invocation{env: largeEnv(bucket, keyARN, moto.Endpoint),
		args: []string{"--part-size-mib", "5", "--compression", "none", "--concurrency", "2"}})
	if r.code != 0 {
		t.Fatalf("exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	_, m := findManifest(t, bucket)
	if m.Objects[0].Size < 10<<20 {
		t.Fatalf("archive is %d bytes; the test needs more than two 5 MiB parts", m.Objects[0].Size)
	}
	head, err := moto.S3Client().HeadObject(context.Background(), &s3.HeadObjectInput{
		Bucket: aws.String(bucket), Key: aws.String(m.Objects[0].Key)})
	if err != nil {
		t.Fatal(err)
	}
	etag := strings.Trim(aws.ToString(head.ETag), `"`)
	if _, parts, ok := strings.Cut(etag, "-"); !ok || parts == "1" {
		t.Fatalf("ETag %s: want a multipart object of several parts", etag)
	}
	restoreAndCompareWith(t, largeDB, bucket, m)
}

func TestExportFilters(t *testing.T) {
	t.Parallel()
	bucket, keyARN := newTarget(t)
	r := runBinary(t, invocation{env: baseEnv(bucket, keyARN, moto.Endpoint),
		args: []string{"--compression", "gzip:1", "--exclude-table-data", "audit.events", "--exclude-table-data", `public."CustomerNotes"`}})
	if r.code != 0 {
		t.Fatalf("exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	_, m := findManifest(t, bucket)
	if len(m.Filters.ExcludeTableData) != 2 {
		t.Fatalf("manifest filters %+v", m.Filters)
	}
	restoreAndCompare(t, bucket, m, "audit.events", `public."CustomerNotes"`)
}

func TestDryRunUploadsNothing(t *testing.T) {
	t.Parallel()
	bucket, keyARN := newTarget(t)
	r := runBinary(t, invocation{env: baseEnv(bucket, keyARN, moto.Endpoint), args: []string{"--dry-run"}})
	if r.code != 0 || logEvents(t, r.stdout)["dry_run_ok"] == nil {
		t.Fatalf("exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	assertNothingLeft(t, bucket)
}

// A dump that fails mid-stream: the server ends pg_dump's session while a
// multipart upload is open (as a failover would). Exit 3, nothing left.
// Not parallel: it terminates every export backend on the shared server, so
// it runs alone, before the parallel tests start.
func TestDumpFailureMidStreamLeavesNothing(t *testing.T) {
	bucket, keyARN := newTarget(t)
	proxy := slowProxy(t)
	r := runCopyKilledMidStream(t, proxy, invocation{env: largeEnv(bucket, keyARN, proxy.URL), args: slowArgs})
	assertNothingLeft(t, bucket)
	if !strings.Contains(r.stdout, "pg_dump") {
		t.Errorf("the error does not say pg_dump failed:\n%s", r.stdout)
	}
}

// pg_dump killed outright (OOM killer, say).
func TestDumpKilledLeavesNothing(t *testing.T) {
	t.Parallel()
	bucket, keyARN := newTarget(t)
	proxy := slowProxy(t)
	r := runBinary(t, invocation{
		env: largeEnv(bucket, keyARN, proxy.URL), args: slowArgs,
		during: func(pid int) {
			<-proxy.FirstPart
			kids := childPIDs(pid, "pg_dump")
			if len(kids) != 1 {
				t.Errorf("want one pg_dump child of %d, found %v", pid, kids)
				return
			}
			_ = syscall.Kill(kids[0], syscall.SIGKILL)
		},
	})
	if r.code != 3 {
		t.Fatalf("exit %d, want 3:\n%s%s", r.code, r.stdout, r.stderr)
	}
	assertNothingLeft(t, bucket)
}

// ECS stops the task: SIGTERM mid-dump. Exit 5 within seconds, nothing left.
func TestSIGTERMLeavesNothing(t *testing.T) {
	t.Parallel()
	bucket, keyARN := newTarget(t)
	proxy := slowProxy(t)
	var signalled time.Time
	r := runBinary(t, invocation{
		env: largeEnv(bucket, keyARN, proxy.URL), args: slowArgs,
		during: func(pid int) {
			<-proxy.FirstPart
			signalled = time.Now()
			_ = syscall.Kill(pid, syscall.SIGTERM)
		},
	})
	if r.code != 5 {
		t.Fatalf("exit %d, want 5 (interrupted):\n%s%s", r.code, r.stdout, r.stderr)
	}
	if took := time.Since(signalled); took > 10*time.Second {
		t.Errorf("took %v to exit after SIGTERM; ECS's stop timeout is 30s by default and we promise a few seconds", took)
	}
	assertNothingLeft(t, bucket)
}

// S3 fails every part: exit 4, the upload aborted, no manifest.
func TestUploadFailureLeavesNothing(t *testing.T) {
	t.Parallel()
	bucket, keyARN := newTarget(t)
	proxy := slowProxy(t)
	proxy.FailParts.Store(true)
	r := runBinary(t, invocation{
		env: largeEnv(bucket, keyARN, proxy.URL), args: slowArgs,
	})
	if r.code != 4 {
		t.Fatalf("exit %d, want 4 (storage):\n%s%s", r.code, r.stdout, r.stderr)
	}
	assertNothingLeft(t, bucket)
	if len(childPIDs(os.Getpid(), "pg_dump")) != 0 {
		t.Error("pg_dump outlived the run")
	}
}

func TestFailFastBeforeUpload(t *testing.T) {
	t.Parallel()
	bucket, keyARN := newTarget(t)
	oldDump := t.TempDir()
	// Only PostgreSQL 15 is installed here, so an older pg_dump is simulated
	// by its --version answer; every other program is the real one.
	for _, tool := range []string{"psql", "pg_restore"} {
		if err := os.Symlink(filepath.Join(pg.BinDir, tool), filepath.Join(oldDump, tool)); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(oldDump, "pg_dump"), []byte("#!/bin/sh\necho 'pg_dump (PostgreSQL) 14.11'\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		set   map[string]string
		code  int
		names string
	}{
		{"missing bucket", map[string]string{"ADVANA_EXPORT_BUCKET": ""}, 2, "ADVANA_EXPORT_BUCKET"},
		{"bad kms key", map[string]string{"ADVANA_EXPORT_KMS_KEY_ID": "my-key"}, 2, "ADVANA_EXPORT_KMS_KEY_ID"},
		{"malformed secret", map[string]string{"ADVANA_EXPORT_DB_SECRET": `{"password":"` + exporterPassword + `"`}, 2, "ADVANA_EXPORT_DB_SECRET"},
		{"bad format", map[string]string{"ADVANA_EXPORT_FORMAT": "zip"}, 2, "ADVANA_EXPORT_FORMAT"},
		{"pg_dump older than server", map[string]string{"ADVANA_EXPORT_PG_BIN_DIR": oldDump}, 2, "pg_dump 14 is older than the server"},
		{"wrong password", map[string]string{"PGPASSWORD": "wrong-password"}, 3, "cannot connect to PostgreSQL"},
		{"no such bucket", map[string]string{"ADVANA_EXPORT_BUCKET": "no-such-bucket-" + testenv.UniqueID()}, 4, "does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := baseEnv(bucket, keyARN, moto.Endpoint)
			for k, v := range tt.set {
				env[k] = v
			}
			r := runBinary(t, invocation{env: env})
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d:\n%s%s", r.code, tt.code, r.stdout, r.stderr)
			}
			failedEvent := logEvents(t, r.stdout)["export_failed"]
			if failedEvent == nil || !strings.Contains(failedEvent["error"].(string), tt.names) {
				t.Fatalf("the error does not name %q:\n%s", tt.names, r.stdout)
			}
		})
	}
	assertNothingLeft(t, bucket)
}

// A password inside a connection URI given as PGDATABASE (libpq accepts
// one) never reaches the log, even in the "cannot connect" line that quotes
// the database name.
func TestURIPasswordInPGDATABASEIsNotLogged(t *testing.T) {
	t.Parallel()
	bucket, keyARN := newTarget(t)
	const uriPassword = "Ur1-Pa55-Never-Logged"
	env := baseEnv(bucket, keyARN, moto.Endpoint)
	env["PGDATABASE"] = "postgresql://someone:" + uriPassword + "@127.0.0.1:1/nowhere"
	r := runBinary(t, invocation{env: env})
	if r.code != 3 {
		t.Fatalf("exit %d, want 3:\n%s%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "cannot connect to PostgreSQL") || !strings.Contains(r.stdout, "someone") {
		t.Fatalf("the failure does not describe the connection:\n%s", r.stdout)
	}
	if strings.Contains(r.stdout+r.stderr, uriPassword) {
		t.Fatalf("the URI's password is in the output:\n%s", r.stdout)
	}
}

// slowArgs make the large database's dump span several parts, uploaded one
// at a time, so a test has time to act while the upload is open.
var slowArgs = []string{"--part-size-mib", "5", "--compression", "none", "--concurrency", "1"}

// runCopyKilledMidStream runs the export through proxy and, once the first
// part is uploaded, has the server end every session of the export that is
// running COPY (pg_dump's, or the Parquet workers'), as a failover would.
// The run must exit 3 after a part was uploaded.
func runCopyKilledMidStream(t *testing.T, proxy *testenv.S3Proxy, inv invocation) result {
	t.Helper()
	inv.during = func(int) {
		<-proxy.FirstPart
		_, err := pg.Query(context.Background(), "postgres",
			"select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'advana-export' and query ilike 'copy%'")
		if err != nil {
			t.Errorf("terminate the export's COPY sessions: %v", err)
		}
	}
	r := runBinary(t, inv)
	if r.code != 3 {
		t.Fatalf("exit %d, want 3 (database):\n%s%s", r.code, r.stdout, r.stderr)
	}
	if proxy.Parts() == 0 {
		t.Fatal("no part was uploaded before the failure; the test did not exercise a mid-stream failure")
	}
	return r
}

// slowProxy puts a proxy in front of moto that holds each UploadPart for a
// while, so a test can act while the upload is open.
func slowProxy(t *testing.T) *testenv.S3Proxy {
	t.Helper()
	p, err := testenv.NewS3Proxy(moto.Endpoint, 400*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

// logEvents parses the JSON log and indexes lines by their "event" field
// (the last line of each event wins). Every line must be JSON.
func logEvents(t *testing.T, stdout string) map[string]map[string]any {
	t.Helper()
	events := map[string]map[string]any{}
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		ev, _ := m["event"].(string)
		if ev == "" {
			t.Fatalf("log line without an event field: %q", line)
		}
		events[ev] = m
	}
	return events
}

// RDS IAM: the task builds a token from its AWS credentials and logs in with
// it. PostgreSQL here is not RDS, so the login fails (exit 3) — what this
// proves is that the token is made, used as the password, and never logged.
func TestRDSIAMTokenIsUsedAndNeverLogged(t *testing.T) {
	t.Parallel()
	bucket, keyARN := newTarget(t)
	env := baseEnv(bucket, keyARN, moto.Endpoint)
	env["ADVANA_EXPORT_RDS_IAM"] = "true"
	env["PGSSLMODE"] = "prefer" // the test server has no TLS; prefer falls back
	r := runBinary(t, invocation{env: env})
	if r.code != 3 {
		t.Fatalf("exit %d, want 3:\n%s%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "password authentication failed for user") {
		t.Fatalf("the token was not offered as the password:\n%s", r.stdout)
	}
	for _, leak := range []string{"X-Amz-Signature", "Action=connect", "X-Amz-Credential"} {
		if strings.Contains(r.stdout+r.stderr, leak) {
			t.Fatalf("the IAM token leaked into the output (%s):\n%s", leak, r.stdout)
		}
	}
}

// Progress is logged while a long dump runs (the slow proxy makes it long).
func TestProgressIsLogged(t *testing.T) {
	t.Parallel()
	bucket, keyARN := newTarget(t)
	r := runBinary(t, invocation{env: largeEnv(bucket, keyARN, slowProxy(t).URL), args: slowArgs})
	if r.code != 0 {
		t.Fatalf("exit %d:\n%s", r.code, r.stdout)
	}
	p := logEvents(t, r.stdout)["progress"]
	if p == nil {
		t.Fatalf("no progress event during a multi-second dump:\n%s", r.stdout)
	}
	for _, f := range []string{"dump_bytes", "uploaded_bytes", "parts", "mb_per_s", "table"} {
		if _, ok := p[f]; !ok {
			t.Errorf("progress event lacks %s: %v", f, p)
		}
	}
	if p["dump_bytes"].(float64) <= 0 {
		t.Errorf("progress reports no bytes: %v", p)
	}
}

// The module passes the key's alias ARN (known before the key exists); the
// task resolves it and names the key by its ARN on every object, which is
// what the module's bucket policy demands.
func TestKMSAliasIsResolvedToTheKeyARN(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	bucket, keyARN := newTarget(t)
	alias := "alias/export-" + testenv.UniqueID()
	if _, err := kms.NewFromConfig(testenv.AWSConfig(moto.Endpoint)).CreateAlias(ctx, &kms.CreateAliasInput{
		AliasName: aws.String(alias), TargetKeyId: aws.String(keyARN)}); err != nil {
		t.Fatal(err)
	}
	aliasARN := strings.SplitN(keyARN, ":key/", 2)[0] + ":" + alias // arn:aws:kms:REGION:ACCOUNT:alias/NAME
	r := runBinary(t, invocation{env: func() map[string]string {
		env := baseEnv(bucket, keyARN, moto.Endpoint)
		env["ADVANA_EXPORT_KMS_KEY_ID"] = aliasARN
		return env
	}()})
	if r.code != 0 {
		t.Fatalf("exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	_, m := findManifest(t, bucket)
	head, err := moto.S3Client().HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(m.Objects[0].Key)})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(head.SSEKMSKeyId); got != keyARN {
		t.Fatalf("object encrypted with %q, want the key ARN %s (alias %s resolved)", got, keyARN, aliasARN)
	}

	// A key or alias that does not exist stops the run before pg_dump starts,
	// as a configuration error that names the variable.
	for _, id := range []string{"alias/no-such-alias", strings.SplitN(keyARN, ":key/", 2)[0] + ":key/00000000-0000-0000-0000-000000000000"} {
		env := baseEnv(bucket, keyARN, moto.Endpoint)
		env["ADVANA_EXPORT_KMS_KEY_ID"] = id
		r := runBinary(t, invocation{env: env})
		if r.code != 2 || !strings.Contains(logEvents(t, r.stdout)["export_failed"]["error"].(string), "ADVANA_EXPORT_KMS_KEY_ID") {
			t.Fatalf("missing key %s: exit %d, want 2 naming ADVANA_EXPORT_KMS_KEY_ID:\n%s", id, r.code, r.stdout)
		}
		if strings.Contains(r.stdout, `"event":"preflight_ok"`) {
			t.Fatalf("missing key %s: the preflight passed; the key must be checked before pg_dump starts", id)
		}
	}
}
