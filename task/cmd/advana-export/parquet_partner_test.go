package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/advana-export/terraform-aws-advana-export/task/partner"
)

// The partner's subcommands on a Parquet export, replicated into the
// partner's bucket: latest finds it and verify passes; restore refuses it
// (pg_restore cannot load Parquet) without touching the database. Then one
// flipped byte in a Parquet file makes verify fail naming that file, and a
// truncated file makes latest report the run incomplete and choose nothing.
func TestParquetVerifyAndLatest(t *testing.T) {
	t.Parallel()
	source, keyARN := newTarget(t)
	replica := newPartnerBucket(t)
	r := runBinary(t, invocation{env: baseEnv(source, keyARN, moto.Endpoint), args: []string{"--format", "parquet", "--jobs", "2"}})
	if r.code != 0 {
		t.Fatalf("export: exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	replicate(t, source, replica)

	latest := func() (partner.Listing, result) {
		t.Helper()
		r := runPartner(t, nil, "latest", "--bucket", replica, "--prefix", "exports")
		var l partner.Listing
		if err := json.Unmarshal([]byte(r.stdout), &l); err != nil {
			t.Fatalf("latest printed no JSON: %v\n%s%s", err, r.stdout, r.stderr)
		}
		return l, r
	}
	l, lr := latest()
	if lr.code != 0 || l.Latest == nil || len(l.Complete) != 1 || len(l.Orphans) != 0 {
		t.Fatalf("latest: exit %d:\n%s%s", lr.code, lr.stdout, lr.stderr)
	}
	manifestURL := l.Latest.Manifest
	bucket, key, err := partner.ParseS3URL(manifestURL)
	if err != nil {
		t.Fatal(err)
	}
	m, err := partner.ReadManifest(t.Context(), moto.S3Client(), bucket, key)
	if err != nil {
		t.Fatal(err)
	}
	if m.Format != "parquet" || len(m.Tables) == 0 {
		t.Fatalf("latest chose a manifest of format %q with %d tables", m.Format, len(m.Tables))
	}

	r = runPartner(t, nil, "verify", manifestURL)
	if r.code != 0 || logEvents(t, r.stdout)["verify_ok"] == nil {
		t.Fatalf("verify: exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	if n := strings.Count(r.stdout, `"event":"object_checked"`); n != len(m.Objects) {
		t.Errorf("verify checked %d objects, the manifest lists %d", n, len(m.Objects))
	}

	r = runPartner(t, map[string]string{"TARGET_DATABASE_URL": targetURL("postgres")}, "restore", manifestURL)
	if r.code != exitConfig || !strings.Contains(r.stdout, "parquet") || strings.Contains(r.stdout, `"event":"object_checked"`) {
		t.Fatalf("restore of a Parquet export: exit %d, want %d before any download, naming the format:\n%s%s", r.code, exitConfig, r.stdout, r.stderr)
	}

	// One flipped byte in a table's file: verify fails, naming it.
	dir := strings.TrimSuffix(key, "manifest.json")
	var file string
	for _, o := range m.Objects {
		if strings.HasSuffix(o.Path, ".parquet") {
			file = dir + o.Path
			break
		}
	}
	data := getObject(t, replica, file)
	good := append([]byte(nil), data...)
	data[len(data)/2] ^= 0x01
	putObject(t, replica, file, data)
	r = runPartner(t, nil, "verify", manifestURL)
	if r.code != exitStorage || !strings.Contains(r.stdout, "sha256") || !strings.Contains(r.stdout, file) {
		t.Fatalf("verify of a changed Parquet file: exit %d, want %d naming %s and sha256:\n%s%s", r.code, exitStorage, file, r.stdout, r.stderr)
	}

	// A truncated file (a copy still arriving): latest chooses nothing.
	putObject(t, replica, file, good[:len(good)-1])
	l, lr = latest()
	if lr.code != exitStorage || l.Latest != nil || len(l.Incomplete) != 1 || !strings.Contains(l.Incomplete[0].Problem, file) {
		t.Fatalf("latest with a truncated Parquet file: exit %d, want %d with the run incomplete naming %s:\n%s%s", lr.code, exitStorage, file, lr.stdout, lr.stderr)
	}
}
