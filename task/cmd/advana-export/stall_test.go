package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/advana-export/terraform-aws-advana-export/test/harness/testenv"
)

// The database connection freezes mid-COPY (the TCP proxy stops forwarding
// but keeps the connection open): without the watchdog the task waits for
// ever. With ADVANA_EXPORT_STALL_TIMEOUT=5s it fails as a database error
// (exit 3) that names the setting, and leaves nothing behind.
func TestStalledDatabaseFailsTheRun(t *testing.T) {
	t.Parallel()
	for name, args := range map[string][]string{
		"streamed":  multipartArgs,
		"directory": {"--format", "directory", "--jobs", "2", "--compression", "none"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			bucket, keyARN := newTarget(t)
			db, err := testenv.NewTCPProxy(fmt.Sprintf("%s:%d", pg.Host, pg.Port))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(db.Close)
			db.FreezeAfter.Store(4 << 20) // well into COPY of the large database
			env := largeEnv(bucket, keyARN, moto.Endpoint)
			env["PGHOST"], env["PGPORT"] = db.Host, fmt.Sprint(db.Port)
			// 5s, not less: on a loaded machine pg_dump's start (catalog reads)
			// can take a second or two before its first byte, and that is a wait too.
			env["ADVANA_EXPORT_STALL_TIMEOUT"] = "5s"
			if name == "directory" {
				args = append(args, "--scratch-dir", t.TempDir())
			}
			r := runBinary(t, invocation{env: env, args: args})
			if r.code != 3 {
				t.Fatalf("exit %d, want 3 (database):\n%s%s", r.code, r.stdout, r.stderr)
			}
			select {
			case <-db.Frozen:
			default:
				t.Fatal("the proxy never froze: the test did not exercise a stall")
			}
			if r.duration > 30*time.Second {
				t.Errorf("took %v to give up on a 5s stall", r.duration)
			}
			msg := logEvents(t, r.stdout)["export_failed"]["error"].(string)
			for _, want := range []string{"no dump progress for 5s", "ADVANA_EXPORT_STALL_TIMEOUT"} {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q does not say %q", msg, want)
				}
			}
			assertNothingLeft(t, bucket)
		})
	}
}

// A slow S3 is not a stalled database: while the upload holds parts back,
// pg_dump waits on a full pipe, and the watchdog must not count that.
func TestSlowS3IsNotAStall(t *testing.T) {
	t.Parallel()
	bucket, keyARN := newTarget(t)
	// Each part is held 6s, twice the stall timeout; 10 MiB parts keep the
	// run at three of them. The timeout still leaves pg_dump's start room on
	// a loaded machine.
	proxy, err := testenv.NewS3Proxy(moto.Endpoint, 6*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(proxy.Close)
	env := largeEnv(bucket, keyARN, proxy.URL)
	env["ADVANA_EXPORT_STALL_TIMEOUT"] = "3s"
	r := runBinary(t, invocation{env: env, args: []string{"--part-size-mib", "10", "--compression", "none", "--concurrency", "1"}})
	if r.code != 0 {
		t.Fatalf("exit %d (parts held %v each, stall timeout 3s):\n%s%s", r.code, proxy.PartDelay, r.stdout, r.stderr)
	}
	if proxy.Parts() < 2 {
		t.Fatalf("%d parts: the upload never held pg_dump back", proxy.Parts())
	}
	findManifest(t, bucket)
}
