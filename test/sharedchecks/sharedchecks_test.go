package sharedchecks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/advana-export/terraform-aws-advana-export/test/harness/testenv"
)

// TestPartnerCopyUpToDate: the partner's copies are the root's checks as
// they are now; after editing a shared check in variables.tf, `make docs`
// brings the copy along, and this fails until it has.
func TestPartnerCopyUpToDate(t *testing.T) {
	t.Parallel()
	require.NoError(t, Update(testenv.RepoRoot(t), true))
}

func repoFiles(t *testing.T) (root, partner []byte) {
	t.Helper()
	repo := testenv.RepoRoot(t)
	root, err := os.ReadFile(filepath.Join(repo, Root))
	require.NoError(t, err)
	partner, err = os.ReadFile(filepath.Join(repo, Partner))
	require.NoError(t, err)
	return root, partner
}

// TestGenerateFollowsTheRoot: a change to a shared check in the root's file
// changes the partner's copy the same way, and nothing else.
func TestGenerateFollowsTheRoot(t *testing.T) {
	t.Parallel()
	root, partner := repoFiles(t)
	const was = "can(regex(module.patterns.arn.iam_role, arn))])"
	const now = "can(regex(module.patterns.arn.iam_role, arn)) && length(arn) < 2048])"
	require.Contains(t, string(root), "var.reader_role_arns : "+was)
	edited := strings.Replace(string(root), "var.reader_role_arns : "+was, "var.reader_role_arns : "+now, 1)

	out, err := Generate(Shared, []byte(edited), partner)
	require.NoError(t, err)
	assert.Contains(t, string(out), "var.reader_role_arns : "+now)
	assert.NotContains(t, string(out), "var.reader_role_arns : "+was)
	// The same lines, bar the one condition.
	assert.Equal(t, strings.Count(string(partner), "\n"), strings.Count(string(out), "\n"))
	assert.Equal(t, string(partner), strings.Replace(string(out), now, was, 1))
}

// TestGenerateKeepsThePartnersOwnChecks: only the shared fields' validations
// are replaced; object_lock.days, whose default and limit differ in the
// partner's module, stays the partner's.
func TestGenerateKeepsThePartnersOwnChecks(t *testing.T) {
	t.Parallel()
	root, partner := repoFiles(t)
	out, err := Generate(Shared, root, partner)
	require.NoError(t, err)
	assert.Equal(t, string(partner), string(out), "the committed file is the generated one")
	assert.Contains(t, string(out), `error_message = "object_lock.days must be a whole number of days from 1 to 36500 (S3's limit)."`)
	assert.Equal(t, 10, strings.Count(string(out), Marker), "one marker per copied validation")

	again, err := Generate(Shared, root, out)
	require.NoError(t, err)
	assert.Equal(t, string(out), string(again), "generating twice changes nothing")
}

// TestGenerateReplacesAHandWrittenCheck: a shared field's check written by
// hand in the partner's file (no marker, other words) is replaced, not kept
// beside the copy.
func TestGenerateReplacesAHandWrittenCheck(t *testing.T) {
	t.Parallel()
	root := []byte(`variable "x" {
  type = list(string)
  validation {
    condition     = alltrue([for a in var.x : startswith(a, "arn:")])
    error_message = "x must be ARNs."
  }
  validation {
    condition     = length(var.x) < 10 || var.y
    error_message = "y must be set for ten or more x."
  }
}
`)
	partner := []byte(`variable "x" {
  type = list(string)

  validation {
    condition     = length(var.x) > 0
    error_message = "x must not be empty."
  }
  validation {
    condition     = length(var.x) < 5
    error_message = "x.count is at most 4."
  }
}
`)
	out, err := Generate([]Input{{"x", "x"}}, root, partner)
	require.NoError(t, err)
	got := string(out)
	assert.NotContains(t, got, "x must not be empty", "the hand-written check of the shared field is gone")
	assert.Contains(t, got, "x.count is at most 4", "a check of another field stays")
	assert.Contains(t, got, Marker+"\n  validation {\n    condition     = alltrue([for a in var.x : startswith(a, \"arn:\")])")
	assert.NotContains(t, got, "y must be set", "a root check that names another field is not copied")
}

func TestGenerateNamesWhatIsMissing(t *testing.T) {
	t.Parallel()
	_, err := Generate([]Input{{"x", "x"}}, []byte("variable \"x\" {}\n"), []byte("variable \"z\" {}\n"))
	require.ErrorContains(t, err, `variable "x"`)
	_, err = Generate([]Input{{"x", "x"}}, []byte("variable \"x\" {}\n"), []byte("variable \"x\" {}\n"))
	require.ErrorContains(t, err, `no validation whose error_message starts with "x"`)
}
