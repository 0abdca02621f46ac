package test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/advana-export/terraform-aws-advana-export/test/harness/testenv"
)

// TestRepoConventions: the pre-commit hooks call the Makefile's own targets
// (so a hook never checks less than `make lint`), the license is the full
// Apache-2.0 text, and the changelog keeps an Unreleased section.
func TestRepoConventions(t *testing.T) {
	t.Parallel()
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(testenv.RepoRoot(t), name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	hooks := read(".pre-commit-config.yaml")
	assert.Contains(t, hooks, "entry: make lint")
	assert.Contains(t, hooks, "make docs")
	license := read("LICENSE")
	assert.Contains(t, license, "Apache License\n                           Version 2.0, January 2004")
	assert.Contains(t, license, "END OF TERMS AND CONDITIONS")
	changelog := read("CHANGELOG.md")
	assert.Contains(t, changelog, "[Keep a Changelog]")
	assert.Contains(t, changelog, "## [Unreleased]")
}
