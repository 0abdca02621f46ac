package main

import (
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/advana-export/terraform-aws-advana-export/test/harness/testenv"
)

// The commit protocol (docs/contract.md): every step after the archive is
// complete can fail, and each failure must leave the bucket as it was. The
// fault proxy fails or holds one S3 call at a time; each case checks the
// exit code, that no object version and no open upload is left, and that the
// log says what was undone.

// multipartArgs make the large database's dump a multipart upload of
// several parts, so the archive's PUT is CompleteMultipartUpload and the only
// PutObject is the manifest's.
var multipartArgs = []string{"--part-size-mib", "5", "--compression", "none", "--concurrency", "2"}

func faultProxy(t *testing.T) *testenv.S3Proxy {
	t.Helper()
	p, err := testenv.NewS3Proxy(moto.Endpoint, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

// assertUndone checks a failed run: nothing left in the bucket, and a log
// that ends with export_failed and reports run_undone with the versions it
// deleted.
func assertUndone(t *testing.T, bucket string, r result, wantDeleted bool) {
	t.Helper()
	assertNothingLeft(t, bucket)
	events := logEvents(t, r.stdout)
	undone := events["run_undone"]
	if undone == nil || events["export_failed"] == nil {
		t.Fatalf("no run_undone/export_failed event:\n%s", r.stdout)
	}
	deleted, _ := undone["versions_deleted"].([]any)
	if wantDeleted && len(deleted) == 0 {
		t.Errorf("run_undone deleted no version, but the run had completed an object:\n%s", r.stdout)
	}
	if undone["level"] != "info" {
		t.Errorf("run_undone is not a clean undo: %v", undone)
	}
	if strings.TrimSpace(r.stderr) != "" {
		t.Errorf("plain text on stderr (every event must be a JSON line on stdout):\n%s", r.stderr)
	}
}

func TestCommitProtocolFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		fault       func(p *testenv.S3Proxy)
		code        int
		says        string
		wantDeleted bool
	}{
		{"archive Complete fails", func(p *testenv.S3Proxy) { p.Fail(testenv.OpCompleteMultpart, http.StatusInternalServerError, "") },
			4, "upload s3://", false},
		{"PutObjectTagging after Complete fails", func(p *testenv.S3Proxy) { p.Fail(testenv.OpPutObjectTagging, http.StatusInternalServerError, "") },
			4, "sha256", true},
		{"manifest PUT fails", func(p *testenv.S3Proxy) { p.Fail(testenv.OpPutObject, http.StatusInternalServerError, "manifest.json") },
			4, "manifest.json", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			bucket, keyARN := newTarget(t)
			proxy := faultProxy(t)
			tt.fault(proxy)
			r := runBinary(t, invocation{env: largeEnv(bucket, keyARN, proxy.URL), args: multipartArgs})
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d:\n%s%s", r.code, tt.code, r.stdout, r.stderr)
			}
			if !strings.Contains(logEvents(t, r.stdout)["export_failed"]["error"].(string), tt.says) {
				t.Errorf("the error does not say %q:\n%s", tt.says, r.stdout)
			}
			assertUndone(t, bucket, r, tt.wantDeleted)
		})
	}
}

// SIGTERM while a step of the commit is in flight: the proxy holds the call
// until the task gives up on it; exit 5, nothing left, and the error names
// the step that was interrupted.
func TestCommitProtocolSIGTERM(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		op          string
		says        string
		wantDeleted bool
	}{
		{"during Complete", testenv.OpCompleteMultpart, "while completing the upload", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			bucket, keyARN := newTarget(t)
			proxy := faultProxy(t)
			arrived, release := proxy.Hold(tt.op)
			defer release()
			r := runBinary(t, invocation{env: largeEnv(bucket, keyARN, proxy.URL), args: multipartArgs,
				during: func(pid int) {
					<-arrived
					_ = syscall.Kill(pid, syscall.SIGTERM)
				}})
			if r.code != 5 {
				t.Fatalf("exit %d, want 5:\n%s%s", r.code, r.stdout, r.stderr)
			}
			failed := logEvents(t, r.stdout)["export_failed"]["error"].(string)
			if !strings.Contains(failed, tt.says) || strings.Contains(failed, "during the dump") {
				t.Errorf("the error %q does not say %q", failed, tt.says)
			}
			assertUndone(t, bucket, r, tt.wantDeleted)
		})
	}
}

// SIGTERM while the manifest PUT is in flight. A PUT cut short may still be
// stored by S3 after undo has looked, so the task lets it finish and its
// answer decides: stored → the export is complete (exit 0, the log says the
// stop came after the commit); refused → undo, exit 5, nothing left.
func TestSIGTERMDuringManifestPUT(t *testing.T) {
	t.Parallel()
	for _, stored := range []bool{true, false} {
		t.Run(map[bool]string{true: "PUT stored", false: "PUT refused"}[stored], func(t *testing.T) {
			t.Parallel()
			bucket, keyARN := newTarget(t)
			proxy := faultProxy(t)
			if !stored {
				proxy.Fail(testenv.OpPutObject, http.StatusServiceUnavailable, "manifest.json")
			}
			r := stopWhileHeld(t, proxy, testenv.OpPutObject, invocation{env: largeEnv(bucket, keyARN, proxy.URL), args: multipartArgs})
			events := logEvents(t, r.stdout)
			if stored {
				if r.code != 0 || events["stop_after_commit"] == nil || events["export_succeeded"] == nil {
					t.Fatalf("exit %d, want 0 with stop_after_commit:\n%s%s", r.code, r.stdout, r.stderr)
				}
				findManifest(t, bucket)
				return
			}
			if r.code != 5 || !strings.Contains(events["export_failed"]["error"].(string), "interrupted while writing the manifest") {
				t.Fatalf("exit %d, want 5 naming the manifest:\n%s%s", r.code, r.stdout, r.stderr)
			}
			assertUndone(t, bucket, r, true)
		})
	}
}

// stopWhileHeld runs the binary, sends it SIGTERM once a request of op is
// held at the proxy, and lets that request go on to the emulator once the
// task has seen the signal: the request is in flight when the stop comes.
func stopWhileHeld(t *testing.T, proxy *testenv.S3Proxy, op string, inv invocation) result {
	t.Helper()
	arrived, release := proxy.Hold(op)
	defer release()
	inv.during = func(pid int) {
		<-arrived
		_ = syscall.Kill(pid, syscall.SIGTERM)
		time.Sleep(300 * time.Millisecond) // the task has seen the signal
		release()
	}
	return runBinary(t, inv)
}

// Undo itself fails (S3 refuses the deletes): the log must not claim a
// clean bucket; it says what is left and that it has no manifest.
func TestUndoFailureIsReportedHonestly(t *testing.T) {
	t.Parallel()
	bucket, keyARN := newTarget(t)
	proxy := faultProxy(t)
	proxy.Fail(testenv.OpPutObject, http.StatusInternalServerError, "manifest.json")
	proxy.Fail(testenv.OpDeleteObject, http.StatusForbidden, "")
	r := runBinary(t, invocation{env: largeEnv(bucket, keyARN, proxy.URL), args: multipartArgs})
	if r.code != 4 {
		t.Fatalf("exit %d, want 4:\n%s%s", r.code, r.stdout, r.stderr)
	}
	undone := logEvents(t, r.stdout)["run_undone"]
	if undone == nil || undone["level"] != "error" || !strings.Contains(undone["message"].(string), "no manifest") {
		t.Fatalf("run_undone does not report the failed clean-up:\n%s", r.stdout)
	}
	if strings.Contains(r.stdout, "nothing of the failed run is left") {
		t.Fatalf("the log claims a clean bucket although the deletes failed:\n%s", r.stdout)
	}
	for _, k := range listKeys(t, bucket) {
		if strings.HasSuffix(k, "manifest.json") {
			t.Fatalf("a manifest is present after a failed run: %s", k)
		}
	}
}

// Replication-aware completion. moto does not replicate and never reports
// x-amz-replication-status: the proxy adds the header to HeadObject answers
// as S3 reports it on a replication rule's source objects (PENDING, then
// COMPLETED or FAILED, or PENDING for ever).
func TestReplicationWait(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		mode    string
		code    int
		says    string
		pending int
	}{
		{"completes after pending", testenv.ReplicationCompletes, 0, "", 2},
		{"fails", testenv.ReplicationFails, 4, "replication FAILED", 1},
		{"never completes", testenv.ReplicationNever, 4, "still PENDING", 0},
		{"no replication rule", testenv.ReplicationNone, 4, "no replication rule covers it", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			bucket, keyARN := newTarget(t)
			proxy := faultProxy(t)
			proxy.EmulateReplication(tt.mode, tt.pending)
			env := baseEnv(bucket, keyARN, proxy.URL)
			env["ADVANA_EXPORT_REPLICATION_WAIT"] = "2s"
			env["ADVANA_EXPORT_REPLICATION_POLL_INTERVAL"] = "100ms"
			start := time.Now()
			r := runBinary(t, invocation{env: env})
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d:\n%s%s", r.code, tt.code, r.stdout, r.stderr)
			}
			events := logEvents(t, r.stdout)
			if tt.code == 0 {
				findManifest(t, bucket)
				if events["replication_completed"] == nil || proxy.Count(testenv.OpHeadObject) < tt.pending+1 {
					t.Fatalf("the manifest was written without waiting for replication (%d heads):\n%s", proxy.Count(testenv.OpHeadObject), r.stdout)
				}
				return
			}
			if !strings.Contains(events["export_failed"]["error"].(string), tt.says) {
				t.Errorf("the error does not say %q:\n%s", tt.says, r.stdout)
			}
			if tt.mode == testenv.ReplicationNever && time.Since(start) > 30*time.Second {
				t.Errorf("a 2s replication wait took %v", time.Since(start))
			}
			assertUndone(t, bucket, r, true)
		})
	}
}

// Without ADVANA_EXPORT_REPLICATION_WAIT the task never asks for replication
// status (no HeadObject), so it works against a bucket without replication.
func TestNoReplicationWaitByDefault(t *testing.T) {
	t.Parallel()
	bucket, keyARN := newTarget(t)
	proxy := faultProxy(t)
	r := runBinary(t, invocation{env: baseEnv(bucket, keyARN, proxy.URL)})
	if r.code != 0 {
		t.Fatalf("exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	if n := proxy.Count(testenv.OpHeadObject); n != 0 {
		t.Errorf("%d HeadObject calls without a replication wait", n)
	}
}
