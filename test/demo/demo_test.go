package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/advana-export/terraform-aws-advana-export/test/harness/testenv"
)

// TestDemoRuns keeps `make demo` working: the whole demo at a small scale.
func TestDemoRuns(t *testing.T) {
	testenv.SkipShort(t, "PostgreSQL and moto")
	bin := filepath.Join(t.TempDir(), "advana-export")
	build := exec.Command("go", "build", "-o", bin, "../../task/cmd/advana-export")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v: %s", err, out)
	}
	if err := run(context.Background(), bin, 0.2); err != nil {
		t.Fatal(err)
	}
}
