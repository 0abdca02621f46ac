package main

import (
	"fmt"
	"os"
	"testing"

	"github.com/advana-export/terraform-aws-advana-export/internal/testenv"
)

// planDir holds the examples' saved plans for the whole run; it is removed
// when the run ends, so no test leaves plans behind in the temp directory.
var planDir string

func TestMain(m *testing.M) {
	testenv.UseOfflineTerraform()
	var err error
	if planDir, err = os.MkdirTemp("", "plan-review-test-"); err != nil {
		fmt.Fprintln(os.Stderr, "create the plan folder:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(planDir)
	os.Exit(code)
}
