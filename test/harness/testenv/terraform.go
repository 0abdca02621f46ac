package testenv

import (
	"os"
	"path/filepath"
	"runtime"
)

// TerraformCLIConfig is the absolute path of the repository's Terraform CLI
// configuration, which installs the aws provider from the offline mirror.
func TerraformCLIConfig() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "terraform.tfrc")
}

// UseOfflineTerraform points TF_CLI_CONFIG_FILE at TerraformCLIConfig unless
// it already names a file that exists, so `go test` works without the
// Makefile's environment (some machines export a path to a missing file).
func UseOfflineTerraform() {
	if p := os.Getenv("TF_CLI_CONFIG_FILE"); p != "" {
		if _, err := os.Stat(p); err == nil {
			return
		}
	}
	os.Setenv("TF_CLI_CONFIG_FILE", TerraformCLIConfig())
}
