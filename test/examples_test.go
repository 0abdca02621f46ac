package test

import (
	"testing"

	"github.com/gruntwork-io/terratest/modules/terraform"
)

// TestExamplesValidate: every example initialises from the provider mirror
// and passes `terraform validate` as written (no emulator override).
func TestExamplesValidate(t *testing.T) {
	t.Parallel()
	for _, example := range []string{"examples/bring-your-own", "examples/complete", "examples/minimal"} {
		t.Run(example, func(t *testing.T) {
			t.Parallel()
			dir := copyToTemp(t, example)
			opts := tfOptions(t, dir, nil)
			// validate needs an init but no backend and no variables.
			terraform.RunTerraformCommand(t, opts, "init", "-backend=false", "-input=false")
			terraform.Validate(t, opts)
		})
	}
}
