package test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/gruntwork-io/terratest/modules/terraform"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/advana-export/terraform-aws-advana-export/test/harness/testenv"
)

var (
	hclBlock     = regexp.MustCompile("(?s)```hcl\n(.*?)```")
	moduleSource = regexp.MustCompile(`(?m)^(\s*source\s*=\s*)"git::[^"]+"`)
)

// readmeBlock returns the first ```hcl block of README.md that starts with
// first (after leading spaces).
func readmeBlock(t *testing.T, first string) string {
	t.Helper()
	readme := string(readFile(t, filepath.Join(testenv.RepoRoot(t), "README.md")))
	for _, m := range hclBlock.FindAllStringSubmatch(readme, -1) {
		if strings.HasPrefix(strings.TrimLeft(m[1], " "), first) {
			return m[1]
		}
	}
	t.Fatalf("README.md has no ```hcl block starting with %q", first)
	return ""
}

// TestReadmeUsageApplies takes the README's Usage block as a user would:
// pasted into a root configuration next to an RDS instance whose password
// RDS manages (test/fixtures/readme-usage), with the module source pointed at
// this tree. It must apply as written (a first apply, before the partner's
// values exist) to an emulator of its own, produce a task definition that
// takes the database's address from the instance and its credentials from
// the secret RDS made, and plan again with the README's replication block
// added.
func TestReadmeUsageApplies(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	own := testenv.MotoT(t) // the Usage's default names are per account: its own emulator
	root := copyToTemp(t, ".")
	dir := filepath.Join(root, "readme-usage")
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "vpc"), 0o755))
	for _, f := range []string{"surroundings.tf", "outputs.tf", "vpc/main.tf", "vpc/versions.tf"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), readFile(t, filepath.Join(testenv.RepoRoot(t), "test/fixtures/readme-usage", f)), 0o644))
	}
	usage := readmeBlock(t, `module "advana_export" {`)
	require.Regexp(t, moduleSource, usage, "the Usage block names the module's git source")
	writeUsage := func(block string) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, "usage.tf"), []byte(moduleSource.ReplaceAllString(block, `${1}"../"`)), 0o644))
	}
	writeUsage(usage)
	pointAtMotoAt(t, dir, own.Endpoint)
	opts := tfOptions(t, dir, nil)
	defer terraform.Destroy(t, opts)

	// Apply the Usage as written.
	terraform.InitAndApply(t, opts)

	// The secret is the one RDS made: rds!db-…, username and password only.
	cfg := testenv.AWSConfig(own.Endpoint)
	secretARN := terraform.Output(t, opts, "db_secret_arn")
	assert.Contains(t, secretARN, ":secret:rds!db-")
	sv, err := secretsmanager.NewFromConfig(cfg).GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(secretARN)})
	require.NoError(t, err)
	var secret map[string]interface{}
	require.NoError(t, json.Unmarshal([]byte(aws.ToString(sv.SecretString)), &secret))
	keys := make([]string, 0, len(secret))
	for k := range secret {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	assert.Equal(t, []string{"password", "username"}, keys, "the RDS-managed secret's keys")

	// The task gets the address from the instance, the credentials from that secret.
	td, err := ecs.NewFromConfig(cfg).DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{
		TaskDefinition: aws.String(terraform.Output(t, opts, "task_definition_arn"))})
	require.NoError(t, err)
	for _, c := range td.TaskDefinition.ContainerDefinitions {
		if aws.ToString(c.Name) != "export" {
			continue
		}
		env := map[string]string{}
		for _, kv := range c.Environment {
			env[aws.ToString(kv.Name)] = aws.ToString(kv.Value)
		}
		assert.Equal(t, terraform.Output(t, opts, "db_address"), env["PGHOST"])
		assert.Equal(t, "milmove", env["PGDATABASE"])
		assert.Equal(t, "5432", env["PGPORT"])
		assert.Equal(t, "verify-full", env["PGSSLMODE"])
		assert.Equal(t, "custom", env["ADVANA_EXPORT_FORMAT"], "the streamed format by default")
		assert.NotContains(t, []string{"", "0"}, env["ADVANA_EXPORT_BUCKET"])
		require.Len(t, c.Secrets, 1)
		assert.Equal(t, secretARN, aws.ToString(c.Secrets[0].ValueFrom))
	}

	// Then the partner's values, as the README's next block adds them.
	replication := readmeBlock(t, "replication = {")
	i := strings.LastIndex(usage, "}")
	writeUsage(usage[:i] + "\n" + replication + usage[i:])
	planned := terraform.InitAndPlan(t, opts)
	assert.Contains(t, planned, "aws_s3_bucket_replication_configuration.this[0] will be created")
	assert.NotContains(t, planned, "replication is not set")
}

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
	terraform.RequirePlannedValuesMapKeyExists(t, plan, "module.advana_import.module.bucket.module.kms[0].aws_kms_key.this")
}
