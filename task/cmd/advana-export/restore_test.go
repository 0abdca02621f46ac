package main

import (
	"strings"
	"testing"
)

// The target must be a postgres:// URL; a bad one is a usage error that
// never echoes the URL (it may hold a password).
func TestRestoreRefusesABadTarget(t *testing.T) {
	t.Parallel()
	const secret = "Targ3t-Pa55-Not-Logged"
	for _, target := range []string{"", "mysql://u:" + secret + "@h/db", "host=h password=" + secret} {
		r := runPartner(t, map[string]string{"TARGET_DATABASE_URL": target}, "restore", "s3://b/exports/db/2026-01-01/r/manifest.json")
		if r.code != 2 || !strings.Contains(r.stdout, "TARGET_DATABASE_URL") {
			t.Errorf("target %q: exit %d, want 2 naming TARGET_DATABASE_URL:\n%s%s", target, r.code, r.stdout, r.stderr)
		}
		if strings.Contains(r.stdout+r.stderr, secret) {
			t.Errorf("target %q: the password is in the output", target)
		}
	}
}

// Parallel jobs cannot share pg_restore's one transaction: asking for both
// is a usage error that names the way out, before anything is downloaded.
func TestRestoreRefusesJobsInOneTransaction(t *testing.T) {
	t.Parallel()
	r := runPartner(t, map[string]string{"TARGET_DATABASE_URL": targetURL("any")}, "restore", "s3://b/exports/db/2026-01-01/r/manifest.json", "--jobs", "2")
	if r.code != 2 || !strings.Contains(r.stdout, "--single-transaction=false") {
		t.Errorf("--jobs 2: exit %d, want 2 naming --single-transaction=false:\n%s%s", r.code, r.stdout, r.stderr)
	}
}
