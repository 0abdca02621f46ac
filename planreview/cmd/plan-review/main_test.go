package main

import (
	"fmt"
	"os"
	"testing"

	"github.com/advana-export/terraform-aws-advana-export/test/harness/testenv"
)

// planDir holds the examples' plans, shared by every test of the run.
var planDir string

func TestMain(m *testing.M) {
	testenv.UseOfflineTerraform()
	var err error
	if planDir, err = os.MkdirTemp("", "plan-review-test-"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(planDir)
	os.Exit(code)
}
