package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/advana-export/terraform-aws-advana-export/planreview/controls"
	"github.com/advana-export/terraform-aws-advana-export/test/harness/testenv"
)

// govCloudVars is the minimal example's fixture moved to AWS GovCloud
// (US-West): its region, and every ARN and host in the aws-us-gov partition.
func govCloudVars(t *testing.T, extra map[string]any) string {
	t.Helper()
	gov := map[string]any{"region": "us-gov-west-1"}
	for k, v := range extra {
		gov[k] = v
	}
	return minimalVars(t, strings.NewReplacer("arn:aws:", "arn:aws-us-gov:", "us-east-1", "us-gov-west-1"), gov)
}

// minimalVars writes the minimal example's fixture, its text passed through
// r, with extra inputs set, and returns the file's path.
func minimalVars(t *testing.T, r *strings.Replacer, extra map[string]any) string {
	t.Helper()
	root := testenv.RepoRoot(t)
	b, err := os.ReadFile(filepath.Join(root, "test/fixtures/plan-review/minimal.tfvars.json"))
	if err != nil {
		t.Fatal(err)
	}
	var vars map[string]any
	if err := json.Unmarshal([]byte(r.Replace(string(b))), &vars); err != nil {
		t.Fatal(err)
	}
	for k, v := range extra {
		vars[k] = v
	}
	path := filepath.Join(t.TempDir(), "minimal.tfvars.json")
	out, _ := json.Marshal(vars)
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestGovCloudReview reviews examples/minimal planned in us-gov-west-1: with
// the module's defaults every control passes and page one says, in one line,
// that the partition is aws-us-gov with FIPS endpoints on; with
// fips_endpoints = false the FIPS control fails unless the caller's reason
// is recorded, which then shows on page one as EX-NO-FIPS-ENDPOINTS.
func TestGovCloudReview(t *testing.T) {
	t.Parallel()
	const reason = "S3-compatible gateway in the VPC terminates FIPS TLS"
	for _, tc := range []struct {
		name  string
		extra map[string]any
		want  controls.Status
		code  int
		page  string
	}{
		{"defaults", nil, controls.Pass, exitPass, "partition aws-us-gov, FIPS endpoints on"},
		{"FIPS endpoints off", map[string]any{"fips_endpoints": false}, controls.Fail, exitFail, "FIPS endpoints off"},
		{"FIPS endpoints off with a reason", map[string]any{"fips_endpoints": false, "fips_endpoints_exception": reason}, controls.Pass, exitPass,
			"FIPS endpoints off (exception EX-NO-FIPS-ENDPOINTS)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, rv := reviewFile(t, freshPlan(t, "examples/minimal", govCloudVars(t, tc.extra)))
			assertReview(t, code, rv, tc.code, map[string]controls.Status{"fips": tc.want})
			if t.Failed() {
				for _, r := range rv.Results {
					for _, e := range r.Evidence {
						if e.Status == controls.Fail || e.Status == controls.Unknown {
							t.Logf("%s %s: %s %s = %s (%s)", r.ID, e.Status, e.Resource, e.Attribute, e.Value, e.Note)
						}
					}
				}
			}
			page := rv.PageOne()
			var fipsLine string
			for _, l := range strings.Split(page, "\n") {
				if strings.HasPrefix(l, "FIPS? ") {
					fipsLine = l
				}
			}
			if !strings.Contains(fipsLine, tc.page) {
				t.Errorf("page one's FIPS line %q lacks %q", fipsLine, tc.page)
			}
			if !strings.Contains(page, "EX-LIBPQ-OPENSSL") {
				t.Errorf("page one's exceptions register lacks EX-LIBPQ-OPENSSL (pg_dump's OpenSSL)")
			}
			if got := strings.Contains(page, "EX-NO-FIPS-ENDPOINTS") && strings.Contains(page, reason); got != (tc.extra["fips_endpoints_exception"] != nil) {
				t.Errorf("page one lists the caller's EX-NO-FIPS-ENDPOINTS reason: %v, want %v", got, !got)
			}
		})
	}
}
