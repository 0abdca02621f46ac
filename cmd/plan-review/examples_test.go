package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/advana-export/terraform-aws-advana-export/internal/planreview/controls"
	"github.com/advana-export/terraform-aws-advana-export/internal/planreview/planfile"
	"github.com/advana-export/terraform-aws-advana-export/internal/planreview/report"
)

// repoRoot is the repository, two levels up from cmd/plan-review.
const repoRoot = "../.."

// plans holds one plan per example and mode, made once per test run: the
// examples' plans are the slow part (init, apply to moto, plan).
var plans sync.Map // "example/mode" -> func() (string, error)

// examplePlan plans examples/<example> in mode and returns the path of its
// saved JSON. Concurrent callers share one run.
func examplePlan(t *testing.T, example string, mode planfile.Mode) string {
	t.Helper()
	once, _ := plans.LoadOrStore(example+"/"+string(mode), sync.OnceValues(func() (string, error) {
		root, err := filepath.Abs(repoRoot)
		if err != nil {
			return "", err
		}
		p, err := planfile.Run(context.Background(), planfile.RunOptions{
			Root: root, Dir: "examples/" + example, Mode: mode,
			VarFiles: []string{filepath.Join(root, "test/fixtures/plan-review", example+".tfvars.json")},
		})
		if err != nil {
			return "", err
		}
		dir, err := os.MkdirTemp("", "plan-review-test-")
		if err != nil {
			return "", err
		}
		path := filepath.Join(dir, example+"-"+string(mode)+".json")
		return path, planfile.Write(path, p)
	}))
	path, err := once.(func() (string, error))()
	if err != nil {
		t.Fatalf("plan examples/%s (%s): %v", example, mode, err)
	}
	return path
}

// reviewFile runs the command on a saved plan and returns its exit code and report.
func reviewFile(t *testing.T, planPath string) (int, report.Review) {
	t.Helper()
	dir := t.TempDir()
	md, js := filepath.Join(dir, "plan-review.md"), filepath.Join(dir, "plan-review.json")
	code := run([]string{"-plan", planPath, "-out", md, "-json", js})
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
// (every value known), passes every control, and the command exits 0.
func TestExamplesPass(t *testing.T) {
	t.Parallel()
	for _, example := range []string{"complete", "minimal"} {
		t.Run(example, func(t *testing.T) {
			t.Parallel()
			code, rv := reviewFile(t, examplePlan(t, example, planfile.Deployed))
			assertReview(t, code, rv, exitPass, nil)
		})
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
		"containers": controls.Unknown, "logging": controls.Unknown, "secrets": controls.Unknown})
}
