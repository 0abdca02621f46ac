package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/advana-export/terraform-aws-advana-export/task/partner"
	"github.com/advana-export/terraform-aws-advana-export/test/harness/testenv"
)

// runPartner runs a partner subcommand (latest, verify, restore) against the
// emulator, with a clean environment.
func runPartner(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	cmd := partnerCommand(t, env, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run %v: %v", args, err)
	}
	for _, out := range []string{r.stdout, r.stderr} {
		if strings.Contains(out, pg.Password) {
			t.Fatalf("the target database's password appears in the output of %v:\n%s", args, out)
		}
	}
	return r
}

// partnerCommand is the command runPartner runs: the binary with a clean
// environment pointed at the emulator, plus env.
func partnerCommand(t *testing.T, env map[string]string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "TMPDIR=" + t.TempDir(),
		"ADVANA_EXPORT_S3_FORCE_PATH_STYLE=true", "ADVANA_EXPORT_PG_BIN_DIR=" + pg.BinDir}
	for _, kv := range moto.Env() {
		cmd.Env = append(cmd.Env, kv)
	}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	return cmd
}

// replicate copies every object of src into dst, as S3 replication would
// (keys kept). moto does not replicate; the exports themselves ran under the
// proxy's replication-status emulation, so they waited as they would on AWS.
func replicate(t *testing.T, src, dst string) {
	t.Helper()
	ctx := context.Background()
	c := moto.S3Client()
	for _, k := range listKeys(t, src) {
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(dst), Key: aws.String(k), Body: bytes.NewReader(getObject(t, src, k))}); err != nil {
			t.Fatal(err)
		}
	}
}

func putObject(t *testing.T, bucket, key string, body []byte) {
	t.Helper()
	if _, err := moto.S3Client().PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(body)}); err != nil {
		t.Fatal(err)
	}
}

func targetURL(db string) string {
	return fmt.Sprintf("postgres://%s:%s@%s:%d/%s?sslmode=disable", pg.User, pg.Password, pg.Host, pg.Port, db)
}

// The partner's round trip: two exports (waiting for emulated replication),
// "replicated" into the partner's bucket next to an orphan folder; latest
// picks the newer complete run and lists the orphan; verify passes; restore
// loads it (twice: it is re-runnable) and every table equals the source;
// --keep-owners keeps a GRANT the default drops. Then one corrupted byte in
// the replica makes verify and restore fail, and nothing is restored.
func TestPartnerRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	source, keyARN := newTarget(t)
	replica := newPartnerBucket(t)
	// A grant the default restore drops and --keep-owners keeps.
	if err := pg.Exec(ctx, sampleDB, "grant select on sales.orders to "+exporterUser); err != nil {
		t.Fatal(err)
	}

	// 1. Two exports, each waiting for the (emulated) replication.
	proxy := faultProxy(t)
	proxy.EmulateReplication(testenv.ReplicationCompletes, 1)
	env := baseEnv(source, keyARN, proxy.URL)
	env["ADVANA_EXPORT_REPLICATION_WAIT"] = "30s"
	env["ADVANA_EXPORT_REPLICATION_POLL_INTERVAL"] = "100ms"
	for i := 0; i < 2; i++ {
		if r := runBinary(t, invocation{env: env}); r.code != 0 {
			t.Fatalf("export %d: exit %d:\n%s%s", i, r.code, r.stdout, r.stderr)
		}
		time.Sleep(1100 * time.Millisecond) // run ids carry the second
	}
	replicate(t, source, replica)
	orphan := "exports/" + sampleDB + "/2000-01-01/20000101T000000Z-deadbeef/" + sampleDB + ".dump.zst"
	putObject(t, replica, orphan, []byte("a failed run's leftover"))

	// 2. latest: the newer complete run; the orphan listed, never chosen.
	r := runPartner(t, nil, "latest", "--bucket", replica, "--prefix", "exports")
	if r.code != 0 {
		t.Fatalf("latest: exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	var l partner.Listing
	if err := json.Unmarshal([]byte(r.stdout), &l); err != nil {
		t.Fatalf("latest printed no JSON: %v\n%s", err, r.stdout)
	}
	if l.Latest == nil || len(l.Complete) != 2 || len(l.Orphans) != 1 || !strings.Contains(orphan, strings.TrimPrefix(l.Orphans[0].Folder, "s3://"+replica+"/")) {
		t.Fatalf("latest: %s", r.stdout)
	}
	if !l.Latest.FinishedAt.After(l.Complete[1].FinishedAt) {
		t.Fatalf("latest chose %s, not the newest run:\n%s", l.Latest.RunID, r.stdout)
	}
	manifestURL := l.Latest.Manifest

	// 3. verify: every object matches.
	if r := runPartner(t, nil, "verify", manifestURL); r.code != 0 || logEvents(t, r.stdout)["verify_ok"] == nil {
		t.Fatalf("verify: exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}

	// 4. restore, twice into the same database, then compare every table.
	target := "partner_" + testenv.UniqueID()
	if err := pg.CreateDatabase(ctx, target); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		r := runPartner(t, map[string]string{"TARGET_DATABASE_URL": targetURL(target)}, "restore", manifestURL)
		if r.code != 0 || logEvents(t, r.stdout)["restore_succeeded"] == nil {
			t.Fatalf("restore %d: exit %d:\n%s%s", i+1, r.code, r.stdout, r.stderr)
		}
	}
	compareTables(t, sampleDB, target)
	acl := func(db string) string {
		t.Helper()
		out, err := pg.Query(ctx, db, "select coalesce(relacl::text, '') from pg_class where oid = 'sales.orders'::regclass")
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	if strings.Contains(acl(target), exporterUser+"=") {
		t.Errorf("the default restore kept a GRANT (--no-privileges expected): %s", acl(target))
	}
	owners := "partner_owners_" + testenv.UniqueID()
	if err := pg.CreateDatabase(ctx, owners); err != nil {
		t.Fatal(err)
	}
	if r := runPartner(t, nil, "restore", manifestURL, "--keep-owners", "--target-url", targetURL(owners)); r.code != 0 {
		t.Fatalf("restore --keep-owners: exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(acl(owners), exporterUser+"=r") {
		t.Errorf("--keep-owners lost the GRANT: %q", acl(owners))
	}

	// 5. One corrupted byte in the replica: verify and restore both fail,
	// and restore loads nothing.
	bucket, key, err := partner.ParseS3URL(manifestURL)
	if err != nil {
		t.Fatal(err)
	}
	m, err := partner.ReadManifest(ctx, moto.S3Client(), bucket, key)
	if err != nil {
		t.Fatal(err)
	}
	archiveKey := strings.TrimSuffix(key, "manifest.json") + m.Objects[0].Path
	data := getObject(t, replica, archiveKey)
	data[len(data)/2] ^= 0x01
	putObject(t, replica, archiveKey, data)
	r = runPartner(t, nil, "verify", manifestURL)
	if r.code != 4 || !strings.Contains(r.stdout, "sha256") || !strings.Contains(r.stdout, archiveKey) {
		t.Fatalf("verify of a corrupted replica: exit %d, want 4 naming %s and sha256:\n%s%s", r.code, archiveKey, r.stdout, r.stderr)
	}
	corrupt := "partner_corrupt_" + testenv.UniqueID()
	if err := pg.CreateDatabase(ctx, corrupt); err != nil {
		t.Fatal(err)
	}
	r = runPartner(t, map[string]string{"TARGET_DATABASE_URL": targetURL(corrupt)}, "restore", manifestURL)
	if r.code != 4 {
		t.Fatalf("restore of a corrupted replica: exit %d, want 4:\n%s%s", r.code, r.stdout, r.stderr)
	}
	if n, err := pg.Query(ctx, corrupt, "select count(*) from pg_tables where schemaname = 'sales'"); err != nil || n != "0" {
		t.Fatalf("a corrupted replica was (partly) restored: %q tables, %v", n, err)
	}
}
