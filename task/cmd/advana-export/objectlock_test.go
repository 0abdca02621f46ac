package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/advana-export/terraform-aws-advana-export/test/harness/testenv"
)

// Object Lock at the commit (docs/contract.md, "Commit protocol"): the
// bucket has Object Lock on and no default retention, as the module makes
// it; the task locks every version of the run at the commit, and a run that
// fails before then leaves nothing, exactly as without Object Lock.

// newLockedTarget is newTarget with Object Lock enabled on the bucket.
func newLockedTarget(t *testing.T) (bucket, keyARN string) {
	t.Helper()
	bucket, keyARN = newTarget(t)
	if err := moto.EnableObjectLock(context.Background(), bucket); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { releaseLocks(t, bucket) })
	return bucket, keyARN
}

// releaseLocks deletes what a test left locked in GOVERNANCE mode or on
// legal hold: the emulator's root credentials may bypass governance
// retention; no role the module creates may.
func releaseLocks(t *testing.T, bucket string) {
	c := moto.S3Client()
	out, err := c.ListObjectVersions(context.Background(), &s3.ListObjectVersionsInput{Bucket: aws.String(bucket)})
	if err != nil {
		return
	}
	for _, v := range out.Versions {
		_, _ = c.PutObjectLegalHold(context.Background(), &s3.PutObjectLegalHoldInput{Bucket: aws.String(bucket), Key: v.Key,
			VersionId: v.VersionId, LegalHold: &s3types.ObjectLockLegalHold{Status: s3types.ObjectLockLegalHoldStatusOff}})
		_, _ = c.DeleteObject(context.Background(), &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: v.Key,
			VersionId: v.VersionId, BypassGovernanceRetention: aws.Bool(true)})
	}
}

// lockedEnv asks for GOVERNANCE retention of one day.
func lockedEnv(bucket, keyARN, endpoint string) map[string]string {
	env := largeEnv(bucket, keyARN, endpoint)
	env["ADVANA_EXPORT_OBJECT_LOCK_MODE"] = "GOVERNANCE"
	env["ADVANA_EXPORT_OBJECT_LOCK_DAYS"] = "1"
	return env
}

// assertUndeletable checks that a delete of each version in the bucket by
// its id is refused, and returns the versions and how many are manifests.
func assertUndeletable(t *testing.T, bucket string) ([]s3types.ObjectVersion, int) {
	t.Helper()
	ctx := context.Background()
	c := moto.S3Client()
	out, err := c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String(bucket)})
	if err != nil {
		t.Fatal(err)
	}
	manifests := 0
	for _, v := range out.Versions {
		manifests += map[bool]int{true: 1}[strings.HasSuffix(aws.ToString(v.Key), "/manifest.json")]
		if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: v.Key, VersionId: v.VersionId}); err == nil {
			t.Errorf("%s@%s deleted by its version id although it is locked", aws.ToString(v.Key), aws.ToString(v.VersionId))
		}
	}
	return out.Versions, manifests
}

// assertLocked checks that every version in the bucket, the manifest's
// included, is locked in GOVERNANCE mode for about a day, none is left on
// legal hold, and none can be deleted by its id.
func assertLocked(t *testing.T, bucket string, started time.Time) {
	t.Helper()
	versions, manifests := assertUndeletable(t, bucket)
	c := moto.S3Client()
	for _, v := range versions {
		name := aws.ToString(v.Key) + "@" + aws.ToString(v.VersionId)
		h, err := c.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: v.Key, VersionId: v.VersionId})
		if err != nil {
			t.Fatal(err)
		}
		until := aws.ToTime(h.ObjectLockRetainUntilDate)
		if h.ObjectLockMode != s3types.ObjectLockModeGovernance || until.Before(started.Add(23*time.Hour)) || until.After(time.Now().Add(25*time.Hour)) {
			t.Errorf("%s: lock %q until %v, want GOVERNANCE for one day", name, h.ObjectLockMode, until)
		}
		if h.ObjectLockLegalHoldStatus == s3types.ObjectLockLegalHoldStatusOn {
			t.Errorf("%s: still on legal hold after the commit, so the lifecycle could never expire it", name)
		}
	}
	if manifests != 1 || len(versions) < 2 {
		t.Fatalf("want the archive and one manifest, found %d versions, %d manifests", len(versions), manifests)
	}
}

// runRefused runs a locked export whose S3 requests of op (on keys ending
// with keySuffix) are refused, and checks it failed as a storage error.
func runRefused(t *testing.T, op, keySuffix string) (string, result) {
	t.Helper()
	bucket, keyARN := newLockedTarget(t)
	proxy := faultProxy(t)
	proxy.Fail(op, http.StatusInternalServerError, keySuffix)
	r := runBinary(t, invocation{env: lockedEnv(bucket, keyARN, proxy.URL), args: multipartArgs})
	if r.code != 4 {
		t.Fatalf("exit %d, want 4:\n%s%s", r.code, r.stdout, r.stderr)
	}
	return bucket, r
}

func TestObjectLockCommit(t *testing.T) {
	t.Parallel()
	bucket, keyARN := newLockedTarget(t)
	proxy := faultProxy(t)
	started := time.Now()
	r := runBinary(t, invocation{env: lockedEnv(bucket, keyARN, proxy.URL), args: multipartArgs})
	if r.code != 0 {
		t.Fatalf("exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	if logEvents(t, r.stdout)["run_locked"] == nil {
		t.Errorf("no run_locked event:\n%s", r.stdout)
	}
	assertLocked(t, bucket, started)
	// The manifest was locked by its own PUT, not by a retention call after it
	// became visible: one PutObjectRetention per archive version, none more.
	if n := proxy.Count(testenv.OpPutRetention); n != 1 {
		t.Errorf("%d PutObjectRetention calls for one archive, want 1 (the manifest is locked by its PUT)", n)
	}
	// The archive was held before the manifest and its hold lifted after
	// the retention: two legal-hold calls, none for the manifest.
	if n := proxy.Count(testenv.OpPutLegalHold); n != 2 {
		t.Errorf("%d PutObjectLegalHold calls for one archive, want 2 (hold, then lift)", n)
	}
}

// Faults in the commit with Object Lock on: each leaves a complete, locked
// run or nothing.
func TestObjectLockCommitFaults(t *testing.T) {
	t.Parallel()
	t.Run("hold refused", func(t *testing.T) {
		t.Parallel()
		bucket, r := runRefused(t, testenv.OpPutLegalHold, "")
		if e := logEvents(t, r.stdout)["export_failed"]["error"].(string); !strings.Contains(e, "legal hold ON") {
			t.Errorf("the error does not name the hold: %s", e)
		}
		assertUndone(t, bucket, r, true)
	})
	// Refused after the archive was held: undo lifts the hold the task put
	// and removes everything, as for a run without Object Lock.
	t.Run("manifest refused after the hold", func(t *testing.T) {
		t.Parallel()
		bucket, r := runRefused(t, testenv.OpPutObject, "manifest.json")
		assertUndone(t, bucket, r, true)
	})
	for _, stored := range []bool{true, false} {
		t.Run(map[bool]string{true: "SIGTERM during the hold, hold stored", false: "SIGTERM during the hold, hold refused"}[stored], func(t *testing.T) {
			t.Parallel()
			bucket, keyARN := newLockedTarget(t)
			proxy := faultProxy(t)
			if !stored {
				proxy.Fail(testenv.OpPutLegalHold, http.StatusServiceUnavailable, "")
			}
			started := time.Now()
			r := stopWhileHeld(t, proxy, testenv.OpPutLegalHold, invocation{env: lockedEnv(bucket, keyARN, proxy.URL), args: multipartArgs})
			events := logEvents(t, r.stdout)
			if stored {
				if r.code != 0 || events["stop_after_commit"] == nil {
					t.Fatalf("exit %d, want 0 with stop_after_commit:\n%s%s", r.code, r.stdout, r.stderr)
				}
				assertLocked(t, bucket, started)
				return
			}
			if r.code != 5 || !strings.Contains(events["export_failed"]["error"].(string), "interrupted while holding the run") {
				t.Fatalf("exit %d, want 5 naming the hold:\n%s%s", r.code, r.stdout, r.stderr)
			}
			assertUndone(t, bucket, r, true)
		})
	}
	// After the commit point the run is complete; SIGTERM does not cut the
	// retention short, so it ends locked as without the signal.
	t.Run("SIGTERM during the retention", func(t *testing.T) {
		t.Parallel()
		bucket, keyARN := newLockedTarget(t)
		proxy := faultProxy(t)
		started := time.Now()
		r := stopWhileHeld(t, proxy, testenv.OpPutRetention, invocation{env: lockedEnv(bucket, keyARN, proxy.URL), args: multipartArgs})
		if r.code != 0 || logEvents(t, r.stdout)["run_locked"] == nil {
			t.Fatalf("exit %d, want 0 with run_locked:\n%s%s", r.code, r.stdout, r.stderr)
		}
		assertLocked(t, bucket, started)
	})
	// The retention refused after the commit: the run is complete and stays
	// protected by its hold; the task reports what is left on hold, and
	// nothing of the run can be deleted.
	t.Run("retention refused after the commit", func(t *testing.T) {
		t.Parallel()
		bucket, keyARN := newLockedTarget(t)
		proxy := faultProxy(t)
		proxy.Fail(testenv.OpPutRetention, http.StatusInternalServerError, "")
		r := runBinary(t, invocation{env: lockedEnv(bucket, keyARN, proxy.URL), args: multipartArgs})
		ev := logEvents(t, r.stdout)["retention_incomplete"]
		if r.code != 0 || ev == nil || ev["level"] != "error" {
			t.Fatalf("exit %d, want 0 with an error-level retention_incomplete:\n%s%s", r.code, r.stdout, r.stderr)
		}
		if held, _ := ev["still_held"].([]any); len(held) != 1 {
			t.Errorf("still_held = %v, want the one archive version", ev["still_held"])
		}
		_, manifests := assertUndeletable(t, bucket)
		if manifests != 1 {
			t.Errorf("%d manifests, want the committed one", manifests)
		}
	})
}
