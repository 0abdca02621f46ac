package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/advana-export/terraform-aws-advana-export/task/partner"
)

// A Parquet run, then a newer custom run, under one prefix (a loader sharing
// the pg_dump schedule's prefix): latest --format parquet chooses the
// Parquet run, never the newer archive; --format custom chooses the
// archive; an unknown format is a configuration error naming the flag.
func TestLatestByFormat(t *testing.T) {
	t.Parallel()
	bucket, keyARN := newTarget(t)
	for _, format := range []string{"parquet", "custom"} {
		if r := runBinary(t, invocation{env: baseEnv(bucket, keyARN, moto.Endpoint), args: []string{"--format", format}}); r.code != 0 {
			t.Fatalf("%s export: exit %d:\n%s%s", format, r.code, r.stdout, r.stderr)
		}
	}
	latest := func(args ...string) (partner.Listing, result) {
		t.Helper()
		r := runPartner(t, nil, append([]string{"latest", "--bucket", bucket}, args...)...)
		var l partner.Listing
		if r.code == 0 {
			if err := json.Unmarshal([]byte(r.stdout), &l); err != nil {
				t.Fatalf("latest printed no JSON: %v\n%s%s", err, r.stdout, r.stderr)
			}
		}
		return l, r
	}
	l, r := latest()
	if r.code != 0 || l.Latest == nil || l.Latest.Format != "custom" || len(l.Complete) != 2 {
		t.Fatalf("latest without --format: exit %d, want the newest run (custom) of 2:\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, format := range []string{"parquet", "custom"} {
		l, r := latest("--format", format)
		if r.code != 0 || l.Latest == nil || l.Latest.Format != format || len(l.Complete) != 1 || len(l.OtherFormat) != 1 {
			t.Errorf("latest --format %s: exit %d, want that run, the other listed apart:\n%s%s", format, r.code, r.stdout, r.stderr)
		}
	}
	if _, r := latest("--format", "csv"); r.code != exitConfig || !strings.Contains(r.stderr, "--format") {
		t.Errorf("latest --format csv: exit %d, want %d naming --format:\n%s%s", r.code, exitConfig, r.stdout, r.stderr)
	}
}
