package test

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/gruntwork-io/terratest/modules/terraform"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// partnerSource is the README's module source for the partner's side; the
// test points it at this checkout's copy.
var partnerSource = regexp.MustCompile(`source\s*=\s*"git::[^"]*//modules/replication-destination\?ref=[^"]*"`)

// TestReadmePartnerBlockPlans plans the README's partner block exactly as
// written (only its source made local) in a root of its own, against the
// emulator, and checks it creates the bucket it names with its policy and key.
func TestReadmePartnerBlockPlans(t *testing.T) {
	t.Parallel()
	blocks := blocksRunBy(t, "README.md", "TestReadmePartnerBlockPlans")
	require.Len(t, blocks, 1)
	body := blocks[0].Body
	require.Regexp(t, partnerSource, body, "the block's source")
	body = partnerSource.ReplaceAllString(body, `source = "../modules/replication-destination"`)

	root := copyToTemp(t, ".")
	dir := filepath.Join(root, "readme-partner")
	require.NoError(t, os.Mkdir(dir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "main.tf"), []byte(body), 0o644))
	pointAtMoto(t, dir)
	opts := tfOptions(t, dir, nil)
	opts.PlanFilePath = filepath.Join(dir, "plan.tfplan")

	plan := terraform.InitAndPlanAndShowWithStruct(t, opts)

	bucket := resource(t, plan, "module.advana_import.module.bucket.aws_s3_bucket.this")
	assert.Equal(t, "advana-milmove-exports", bucket["bucket"])
	// The policies name the bucket's ARN, known only after apply; that they
	// are planned at all shows the block's inputs passed validation.
	terraform.RequirePlannedValuesMapKeyExists(t, plan, "module.advana_import.module.bucket.aws_s3_bucket_policy.this")
	terraform.RequirePlannedValuesMapKeyExists(t, plan, "module.advana_import.module.bucket.module.kms.aws_kms_key.this")
}
