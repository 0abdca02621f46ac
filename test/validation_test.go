package test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/gruntwork-io/terratest/modules/terraform"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/advana-export/terraform-aws-advana-export/test/harness/testenv"
)

// TestRootInputValidation runs test/terraform/validation.tftest.hcl: every input
// mistake a caller can make fails the plan on that input alone, and the
// values that only look like mistakes (an rds!db-… secret, no partner values
// yet, a tag with the explicit opt-out) plan. terraform test plans each case
// with a mocked provider, in one process.
func TestRootInputValidation(t *testing.T) {
	t.Parallel()
	runTerraformTests(t, ".", "test/terraform")
}

// TestPartnerInputValidation runs
// modules/replication-destination/tests/validation.tftest.hcl: the partner
// calls that module alone, so it validates its own inputs, and every mistake
// fails the plan on that input alone.
func TestPartnerInputValidation(t *testing.T) {
	t.Parallel()
	runTerraformTests(t, "modules/replication-destination", "tests")
}

// runTerraformTests runs `terraform test` in a copy of module with the test
// files in testDir (relative to the module) and requires every run block to
// pass.
func runTerraformTests(t *testing.T, module, testDir string) {
	t.Helper()
	dir := copyToTemp(t, module)
	opts := tfOptions(t, dir, nil)
	terraform.Init(t, opts)
	out, err := terraform.RunTerraformCommandE(t, opts, "test", "-test-directory="+testDir, "-no-color")
	require.NoError(t, err, "terraform test:\n%s", out)
	// Every case ran: a run block that Terraform skipped proves nothing.
	files, err := filepath.Glob(filepath.Join(dir, testDir, "*.tftest.hcl"))
	require.NoError(t, err)
	require.NotEmpty(t, files, "no %s/*.tftest.hcl in %s", testDir, module)
	runs := 0
	for _, f := range files {
		runs += len(regexp.MustCompile(`(?m)^run "`).FindAllIndex(readFile(t, f), -1))
	}
	require.Contains(t, out, fmt.Sprintf("Success! %d passed, 0 failed.", runs))
}

// TestCallerSeesOneErrorAtTheirBlock plans a caller's configuration, as a
// user writes it (`module "advana_export" { source = ... }`), with the
// mistakes that used to give two errors, one of them wrong, or an error
// inside .terraform/modules. Each must fail with exactly one error, at the
// caller's own module block, whose message names the input and the fix.
func TestCallerSeesOneErrorAtTheirBlock(t *testing.T) {
	t.Parallel()
	dir := callerConfig(t)
	valid := func() map[string]interface{} {
		return map[string]interface{}{
			"image":              testImage,
			"db_secret_arn":      testDBSecretARN,
			"database":           map[string]interface{}{"host": testDBHost, "name": "milmove"},
			"subnet_ids":         []string{testSubnet},
			"security_group_ids": []string{testSG},
		}
	}
	// One init for every case; the plans then run side by side in this copy.
	terraform.Init(t, tfOptions(t, dir, nil))
	cases := []struct {
		name    string
		set     func(v map[string]interface{})
		message string
	}{
		{"prefix is a dot", func(v map[string]interface{}) { v["prefix"] = "." }, `no "." or ".." segment, e.g. "exports"`},
		{"bucket name with capitals", func(v map[string]interface{}) { v["bucket_name"] = "My_Exports.Bucket" }, "bucket_name must be an S3 bucket name (not an ARN)"},
		{"parallel jobs with the custom format", func(v map[string]interface{}) {
			v["dump"] = map[string]interface{}{"jobs": 4}
		}, `dump.jobs > 1 needs dump.format = "directory"`},
		// Once, at the input, not again by the schedule module's own check.
		{"time zone with a scheduled rule", func(v map[string]interface{}) {
			v["schedule_service"], v["schedule_timezone"] = "eventbridge-rule", "America/New_York"
		}, "schedule_timezone America/New_York needs EventBridge Scheduler"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			vars := valid()
			tc.set(vars)
			opts := tfOptions(t, dir, nil)
			opts.VarFiles = []string{writeVarFile(t, vars)}
			// Plan only: validation fails before anything would be created.
			out, err := terraform.PlanE(t, opts)
			if !assert.Error(t, err, "plan accepted a bad input") {
				return
			}
			assert.Contains(t, strings.Join(strings.Fields(out), " "), tc.message)
			assert.Equal(t, 1, strings.Count(out, "Error: "), "one error per mistake:\n%s", out)
			assert.Contains(t, out, `in module "advana_export"`, "the error points at the caller's module block:\n%s", out)
			assert.NotContains(t, out, ".terraform/modules", "the error points inside the module:\n%s", out)
		})
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return b
}

// callerConfig writes a caller's root configuration in a copy of the
// repository: a module block that passes each of the root module's inputs
// from a variable of its own, so a case sets only what it names.
func callerConfig(t *testing.T) string {
	t.Helper()
	root := copyToTemp(t, ".")
	names := rootInputs(t)
	var b strings.Builder
	b.WriteString("# Written by the Terratest suite: a caller of the module.\n")
	for _, n := range names {
		fmt.Fprintf(&b, "variable %q {\n  type    = any\n  default = null\n}\n\n", n)
	}
	b.WriteString("module \"advana_export\" {\n  source = \"../\"\n\n")
	for _, n := range names {
		fmt.Fprintf(&b, "  %s = var.%s\n", n, n)
	}
	b.WriteString("}\n")
	dir := filepath.Join(root, "caller")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "main.tf"), []byte(b.String()), 0o644))
	pointAtMoto(t, dir)
	return dir
}

var variableBlock = regexp.MustCompile(`(?m)^variable "([a-z0-9_]+)"`)

// rootInputs lists the root module's variables.
func rootInputs(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testenv.RepoRoot(t), "variables.tf"))
	require.NoError(t, err)
	var names []string
	for _, m := range variableBlock.FindAllStringSubmatch(string(b), -1) {
		names = append(names, m[1])
	}
	sort.Strings(names)
	require.NotEmpty(t, names)
	return names
}

// writeVarFile writes vars as a .tfvars.json file for one plan.
func writeVarFile(t *testing.T, vars map[string]interface{}) string {
	t.Helper()
	b, err := json.Marshal(vars)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "case.tfvars.json")
	require.NoError(t, os.WriteFile(path, b, 0o644))
	return path
}
