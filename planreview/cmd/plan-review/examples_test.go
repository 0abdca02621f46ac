package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/advana-export/terraform-aws-advana-export/planreview/controls"
	"github.com/advana-export/terraform-aws-advana-export/planreview/oscal"
	"github.com/advana-export/terraform-aws-advana-export/planreview/planfile"
	"github.com/advana-export/terraform-aws-advana-export/planreview/report"

	"github.com/advana-export/terraform-aws-advana-export/test/harness/testenv"
)

// plans holds one plan per example and mode, made once per test run: the
// examples' plans are the slow part (init, apply to moto, plan).
var plans sync.Map // "example/mode" -> func() (string, error)

// examplePlan plans examples/<example> in mode and returns the path of its
// saved JSON. Concurrent callers share one run.
func examplePlan(t *testing.T, example string, mode planfile.Mode) string {
	t.Helper()
	testenv.SkipShort(t, "Terraform")
	root := testenv.RepoRoot(t)
	once, _ := plans.LoadOrStore(example+"/"+string(mode), sync.OnceValues(func() (string, error) {
		providers := map[string]string{}
		p, err := planfile.Run(context.Background(), planfile.RunOptions{
			Root: root, Dir: "examples/" + example, Mode: mode, Providers: providers,
			VarFiles: []string{filepath.Join(root, "test/fixtures/plan-review", example+".tfvars.json")},
		})
		if err != nil {
			return "", err
		}
		// The plan beside the provider versions it was made with, as a
		// configuration's lock file holds them (-dir reads it).
		dir := filepath.Join(planDir, example+"-"+string(mode))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", err
		}
		var lock strings.Builder
		for name, v := range providers {
			fmt.Fprintf(&lock, "provider %q {\n  version = %q\n}\n", name, v)
		}
		if err := os.WriteFile(filepath.Join(dir, ".terraform.lock.hcl"), []byte(lock.String()), 0o644); err != nil {
			return "", err
		}
		path := filepath.Join(dir, "plan.json")
		return path, planfile.Write(path, p)
	}))
	path, err := once.(func() (string, error))()
	if err != nil {
		t.Fatalf("plan examples/%s (%s): %v", example, mode, err)
	}
	return path
}

// reviewFile runs the command on a saved plan and returns its exit code and
// report; it also checks that the OSCAL documents were written and valid.
func reviewFile(t *testing.T, planPath string) (int, report.Review) {
	t.Helper()
	dir := t.TempDir()
	md, js, od := filepath.Join(dir, "plan-review.md"), filepath.Join(dir, "plan-review.json"), filepath.Join(dir, "oscal")
	code := run([]string{"-plan", planPath, "-dir", filepath.Dir(planPath), "-out", md, "-json", js, "-oscal-dir", od})
	b, err := os.ReadFile(js)
	if err != nil {
		t.Fatalf("exit %d and no JSON report: %v", code, err)
	}
	var rv report.Review
	if err := json.Unmarshal(b, &rv); err != nil {
		t.Fatalf("read JSON report: %v", err)
	}
	if fi, err := os.Stat(md); err != nil || fi.Size() == 0 {
		t.Fatalf("no Markdown report: %v", err)
	}
	for _, name := range []string{"component-definition.json", "assessment-results.json"} {
		doc, err := os.ReadFile(filepath.Join(od, name))
		if err != nil {
			t.Fatalf("OSCAL: %v", err)
		}
		if err := oscal.Validate(doc); err != nil {
			t.Errorf("OSCAL %s: %v", name, err)
		}
	}
	return code, rv
}

// statuses maps control id -> status.
func statuses(rv report.Review) map[string]controls.Status {
	out := map[string]controls.Status{}
	for _, r := range rv.Results {
		out[r.ID] = r.Status
	}
	return out
}

// assertReview checks every control's status (PASS unless except says
// otherwise), that the report has every control, and the exit code.
func assertReview(t *testing.T, code int, rv report.Review, wantCode int, except map[string]controls.Status) {
	t.Helper()
	for id, s := range statuses(rv) {
		want := controls.Pass
		if w, ok := except[id]; ok {
			want = w
		}
		if s != want {
			t.Errorf("control %s: %s, want %s", id, s, want)
		}
	}
	if len(rv.Results) != len(controls.All()) {
		t.Errorf("%d controls in the report, want %d", len(rv.Results), len(controls.All()))
	}
	if code != wantCode {
		t.Errorf("exit code %d, want %d", code, wantCode)
	}
}

// TestExamplesPass: each example, applied to the emulator and planned again
// (every value known), passes every control, and the command exits 0. Its
// review's page one fits on a page and answers who can read the exports,
// with which key, over which network.
func TestExamplesPass(t *testing.T) {
	t.Parallel()
	for _, example := range []string{"complete", "minimal"} {
		t.Run(example, func(t *testing.T) {
			t.Parallel()
			code, rv := reviewFile(t, examplePlan(t, example, planfile.Deployed))
			assertReview(t, code, rv, exitPass, nil)
			page := rv.PageOne()
			// 80 lines until issue #21 added the task role's Object Lock grant
			// (s3:PutObjectRetention) to "Who may do what".
			if n := strings.Count(page, "\n"); n > 82 {
				t.Errorf("page one has %d lines, want at most 82:\n%s", n, page)
			}
			for _, want := range []string{"## Who may do what", "## Keys", "## Network exposure", "sslmode=verify-full", "## Exceptions register",
				"EX-ROOT-INIT", "Provenance: commit", "registry.terraform.io/hashicorp/aws 5.100.0", "NIST"} {
				if !strings.Contains(page, want) {
					t.Errorf("page one lacks %q", want)
				}
			}
			if len(rv.Provenance.PlanSHA256) != 64 || rv.Provenance.TerraformVersion == "" || rv.Provenance.Time == "" {
				t.Errorf("provenance incomplete: %+v", rv.Provenance)
			}
			if example != "complete" {
				return
			}
			// Who reads the exports, with which key: the reader roles named
			// in the inputs, each on the key of the bucket it reads.
			for _, want := range []string{"milmove-restore: kms:Decrypt", "advana-loader: kms:Decrypt"} {
				if !strings.Contains(page, want) {
					t.Errorf("key inventory lacks %q", want)
				}
			}
			// The complete example sets a permissions boundary on every role.
			for _, p := range rv.Inventory.Principals {
				if !strings.HasSuffix(p.Boundary, ":policy/milmove-permissions-boundary") {
					t.Errorf("role %s: permissions boundary %q", p.Role, p.Boundary)
				}
			}
		})
	}
}

// TestBaselineDiff: against its own approved review, a plan shows no
// change; with one new statement, the diff names exactly that action.
func TestBaselineDiff(t *testing.T) {
	t.Parallel()
	path := examplePlan(t, "complete", planfile.Deployed)
	dir := t.TempDir()
	approved := filepath.Join(dir, "approved.json")
	if code := run([]string{"-plan", path, "-out", "", "-json", approved}); code != exitPass {
		t.Fatalf("approved review: exit %d", code)
	}
	diff := filepath.Join(dir, "diff.md")
	if code := run([]string{"-plan", path, "-out", "", "-json", filepath.Join(dir, "same.json"), "-baseline", approved, "-diff", diff}); code != exitPass {
		t.Fatalf("same plan: exit %d", code)
	}
	if b, err := os.ReadFile(diff); err != nil || len(b) != 0 {
		t.Errorf("unchanged plan: diff %q (%v), want empty", b, err)
	}
	base, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var plan map[string]any
	if err := json.Unmarshal(base, &plan); err != nil {
		t.Fatal(err)
	}
	onRolePolicy("write-exports", `{"Sid":"AlsoTag","Effect":"Allow","Action":"s3:GetObjectTagging","Resource":"arn:aws:s3:::milmove-advana-exports/exports/*"}`)(t, plan)
	changed := filepath.Join(dir, "changed.json")
	b, _ := json.Marshal(plan)
	if err := os.WriteFile(changed, b, 0o644); err != nil {
		t.Fatal(err)
	}
	run([]string{"-plan", changed, "-out", "", "-json", filepath.Join(dir, "new.json"), "-baseline", approved, "-diff", diff})
	got, err := os.ReadFile(diff)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(got), "advana-export-task: s3:GetObjectTagging → arn:aws:s3:::milmove-advana-exports/exports/*") {
		t.Errorf("diff does not name the new action:\n%s", got)
	}
	if strings.Count(string(got), "\n- ") != 1 {
		t.Errorf("diff lists more than the one new action:\n%s", got)
	}
}

// TestFreshPlanPassesOnEvidence: a first deployment's plan, where every ARN
// is still unknown, passes every control on the evidence the plan shows:
// values it knows, and for the rest the resource of this plan they will come
// from. The module keeps that evidence visible (the task gets the key's alias
// ARN, known at plan time; key policies use static statements).
func TestFreshPlanPassesOnEvidence(t *testing.T) {
	t.Parallel()
	for _, example := range []string{"complete", "minimal"} {
		t.Run(example, func(t *testing.T) {
			t.Parallel()
			code, rv := reviewFile(t, examplePlan(t, example, planfile.Fresh))
			assertReview(t, code, rv, exitPass, nil)
		})
	}
}

// TestUnknownWithoutEvidenceIsNotPass: when a plan hides a value the
// controls need and names no source for it — the task definition's
// container_definitions known only after apply, as it was when it held the
// new key's ARN — those controls are UNKNOWN, never PASS, and the gate fails.
func TestUnknownWithoutEvidenceIsNotPass(t *testing.T) {
	t.Parallel()
	base, err := os.ReadFile(examplePlan(t, "minimal", planfile.Fresh))
	if err != nil {
		t.Fatal(err)
	}
	var plan map[string]any
	if err := json.Unmarshal(base, &plan); err != nil {
		t.Fatal(err)
	}
	hidden := 0
	for _, rc := range plan["resource_changes"].([]any) {
		rc := rc.(map[string]any)
		if rc["type"] != "aws_ecs_task_definition" {
			continue
		}
		change := rc["change"].(map[string]any)
		delete(change["after"].(map[string]any), "container_definitions")
		unknown, _ := change["after_unknown"].(map[string]any)
		if unknown == nil {
			unknown = map[string]any{}
			change["after_unknown"] = unknown
		}
		unknown["container_definitions"] = true
		hidden++
	}
	if hidden == 0 {
		t.Fatal("no task definition in the plan")
	}
	path := filepath.Join(t.TempDir(), "plan.json")
	b, _ := json.Marshal(plan)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	code, rv := reviewFile(t, path)
	// UNKNOWN fails the gate like FAIL.
	assertReview(t, code, rv, exitFail, map[string]controls.Status{
		"containers": controls.Unknown, "image-digest": controls.Unknown, "logging": controls.Unknown, "secrets": controls.Unknown,
		"fips": controls.Unknown})
}
