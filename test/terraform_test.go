package test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/gruntwork-io/terratest/modules/random"
	"github.com/gruntwork-io/terratest/modules/terraform"

	"github.com/advana-export/terraform-aws-advana-export/planreview/offline"
	"github.com/advana-export/terraform-aws-advana-export/test/harness/testenv"
)

// Fake but well-formed inputs for what a real deployment takes from elsewhere.
const (
	testImage        = "123456789012.dkr.ecr.us-east-1.amazonaws.com/advana-export@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	testDBSecretARN  = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0-AbCdEf"
	testDBHost       = "milmove.abcdefghijkl.us-east-1.rds.amazonaws.com"
	testSecretKeyARN = "arn:aws:kms:us-east-1:123456789012:key/0b0b0b0b-1111-2222-3333-444444444444"
	testSubnet       = "subnet-0123456789abcdef0"
	testSG           = "sg-0123456789abcdef0"
)

// copyToTemp copies the repository's Terraform files to a temp dir of the
// test (so parallel tests never share .terraform or state, and the copy is
// removed when the test ends) and returns the copy of dir inside it.
func copyToTemp(t *testing.T, dir string) string {
	t.Helper()
	testenv.SkipShort(t, "Terraform and moto")
	dst := t.TempDir()
	if err := offline.CopyTerraform(testenv.RepoRoot(t), dst); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dst, dir)
}

// uniqueName is a lower-case name no other test run uses.
func uniqueName(prefix string) string {
	return prefix + "-" + strings.ToLower(random.UniqueId())
}

// partnerAlias is the provider alias of the partner's account in
// examples/complete; the emulator serves it from an account of its own.
const partnerAlias = "partner"

// site is where an apply test deploys: a region and the partition it is in.
// moto serves both partitions from one server, each with its own IAM, STS
// and ARNs, so a test in GovCloud sees what the module writes there.
type site struct {
	Name, Region, Partition string
	// Enforced: the site is on the emulator that enforces IAM (motoIAM),
	// where each identity may do only what its policies allow.
	Enforced bool
}

var (
	commercial = site{Name: "commercial", Region: testenv.MotoRegion, Partition: "aws"}
	// govCloud is where MilMove runs: AWS GovCloud (US-West).
	govCloud = site{Name: "govcloud", Region: "us-gov-west-1", Partition: "aws-us-gov"}
	// appliedSites are the places the deployed-system tests apply and run
	// in, on the emulator that enforces IAM, so the task runs with its roles.
	appliedSites = []site{commercial.enforced(), govCloud.enforced()}
)

// enforced is s on the emulator that enforces IAM.
func (s site) enforced() site { s.Enforced = true; return s }

// emulator is the moto server the site is on.
func (s site) emulator() *testenv.Moto {
	if s.Enforced {
		return motoIAM
	}
	return moto
}

// arn is an ARN in the site's partition.
func (s site) arn(service, region, account, resource string) string {
	return "arn:" + s.Partition + ":" + service + ":" + region + ":" + account + ":" + resource
}

// image is the test image in this site's ECR (ACCOUNT.dkr.ecr.REGION.amazonaws.com).
func (s site) image() string { return s.inRegion(testImage) }

// inRegion moves a commercial test value (an ARN, a host) into the site.
func (s site) inRegion(v string) string {
	v = strings.Replace(v, "arn:aws:", "arn:"+s.Partition+":", 1)
	return strings.Replace(strings.Replace(v, ":us-east-1:", ":"+s.Region+":", 1), ".us-east-1.", "."+s.Region+".", 1)
}

// awsConfig points SDK clients at the emulator, in the site's region (and
// so its partition).
func (s site) awsConfig() aws.Config { return s.emulator().Config(s.Region) }

// motoCredentials sign for the emulator in region: the administrator's of
// the emulator that enforces IAM. The other emulators check no signature.
func motoCredentials(region string) aws.Credentials { return motoIAM.Credentials(region) }

// motoProviderAt is an aws provider block aimed at the emulator at
// endpoint, in site s (plan-review's offline.EmulatorProvider). alias may be
// "". The partner's alias assumes a role in testenv.MotoPartnerAccountID
// (moto gives an assumed role's credentials that account), so the source and
// the partner are two accounts, as in real use.
func motoProviderAt(alias, endpoint string, s site) string {
	creds := motoCredentials(s.Region)
	p := offline.EmulatorProvider{Alias: alias, Region: s.Region, Endpoint: endpoint, AccessKey: creds.AccessKeyID, SecretKey: creds.SecretAccessKey}
	if alias == partnerAlias {
		p.AssumeRoleARN = s.arn("iam", "", testenv.MotoPartnerAccountID, "role/advana-terraform")
	}
	return p.HCL()
}

// pointAtMoto writes provider configuration for the emulator into dir. For an
// example (which has provider blocks of its own) it is an override file that
// replaces their settings; for a module it is the only provider block.
func pointAtMoto(t *testing.T, dir string, aliases ...string) {
	t.Helper()
	pointAtMotoIn(t, dir, moto.Endpoint, commercial, aliases...)
}

// pointAtMotoAt is pointAtMoto for the emulator at endpoint.
func pointAtMotoAt(t *testing.T, dir, endpoint string, aliases ...string) {
	t.Helper()
	pointAtMotoIn(t, dir, endpoint, commercial, aliases...)
}

// pointAtMotoIn is pointAtMoto for the emulator at endpoint, in site s.
func pointAtMotoIn(t *testing.T, dir, endpoint string, s site, aliases ...string) {
	t.Helper()
	if slices.Contains(aliases, partnerAlias) {
		ensurePartnerRole(t, endpoint, s)
	}
	file := "moto_override.tf"
	if len(aliases) == 0 {
		file = "moto_provider.tf"
		aliases = []string{""}
	}
	var b strings.Builder
	b.WriteString("# Written by the Terratest suite: the emulator, never a real account.\n")
	for _, a := range aliases {
		b.WriteString(motoProviderAt(a, endpoint, s))
	}
	if err := os.WriteFile(filepath.Join(dir, file), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// tfOptions runs Terraform in dir offline: the provider from the mirror, the
// emulator's fake credentials, no shared config.
func tfOptions(t *testing.T, dir string, vars map[string]interface{}) *terraform.Options {
	t.Helper()
	// No retries: everything is local, so a failure is a finding, not weather.
	creds := motoCredentials(siteOf(vars).Region)
	return &terraform.Options{
		TerraformDir: dir,
		Vars:         vars,
		NoColor:      true,
		EnvVars: map[string]string{
			"TF_CLI_CONFIG_FILE":          testenv.TerraformCLIConfig(),
			"TF_IN_AUTOMATION":            "1",
			"AWS_ACCESS_KEY_ID":           creds.AccessKeyID,
			"AWS_SECRET_ACCESS_KEY":       creds.SecretAccessKey,
			"AWS_CONFIG_FILE":             os.DevNull,
			"AWS_SHARED_CREDENTIALS_FILE": os.DevNull,
			"AWS_EC2_METADATA_DISABLED":   "true",
		},
	}
}

// completeVars are the inputs of examples/complete for one test run.
func completeVars(id string) map[string]interface{} { return completeVarsIn(commercial, id) }

// completeVarsIn are completeVars in site s: its region, partition and ECR.
func completeVarsIn(s site, id string) map[string]interface{} {
	return map[string]interface{}{
		"region":                s.Region,
		"partner_region":        s.Region,
		"name":                  id,
		"image":                 s.image(),
		"bucket_name":           id + "-exports",
		"partner_bucket_name":   id + "-advana",
		"db_secret_arn":         s.inRegion(testDBSecretARN),
		"db_secret_kms_key_arn": s.inRegion(testSecretKeyARN),
		"database_host":         s.inRegion(testDBHost),
		"database_name":         "milmove",
		"subnet_ids":            []string{testSubnet},
		"security_group_ids":    []string{testSG},
		// The landing zone's parts the example is written for (the README
		// says it sets them): each account's access-log bucket and the
		// permissions boundary on every role. prepareLandingZone makes them.
		"access_log_bucket":         id + "-access-logs",
		"partner_access_log_bucket": id + "-advana-logs",
		"permissions_boundary_arn":  s.arn("iam", "", testenv.MotoAccountID, "policy/"+id+"-boundary"),
	}
}

// minimalVars are the inputs of examples/minimal.
func minimalVars(id string) map[string]interface{} { return minimalVarsIn(commercial, id) }

// minimalVarsIn are minimalVars in site s.
func minimalVarsIn(s site, id string) map[string]interface{} {
	return map[string]interface{}{
		"region":              s.Region,
		"image":               s.image(),
		"db_secret_arn":       s.inRegion(testDBSecretARN),
		"database_host":       s.inRegion(testDBHost),
		"database_name":       "milmove",
		"subnet_ids":          []string{testSubnet},
		"security_group_ids":  []string{testSG},
		"partner_bucket_arn":  s.arn("s3", "", "", id+"-advana"),
		"partner_account_id":  testenv.MotoPartnerAccountID,
		"partner_kms_key_arn": s.arn("kms", s.Region, testenv.MotoPartnerAccountID, "key/1a2b3c4d-1111-2222-3333-444444444444"),
	}
}

// partnerRoles records the emulators (and partitions) in which the partner's role exists.
var partnerRoles sync.Map // endpoint partition -> struct{}

// ensurePartnerRole creates, once per emulator and partition (each has its
// own IAM), the role the partner's provider assumes: the key module reads
// the applying identity's role (aws_iam_session_context) to name it the
// key's administrator.
func ensurePartnerRole(t *testing.T, endpoint string, s site) {
	t.Helper()
	if _, done := partnerRoles.Load(endpoint + " " + s.Partition); done {
		return
	}
	cfg := testenv.AWSConfig(endpoint)
	cfg.Region = s.Region
	if err := createPartnerRole(context.Background(), cfg, s); err != nil {
		t.Fatal(err)
	}
	partnerRoles.Store(endpoint+" "+s.Partition, struct{}{})
}

// createPartnerRole makes the partner's Terraform role in the partner's
// account, trusted by the source account and allowed everything (it applies
// the partner's half), as cfg's identity.
func createPartnerRole(ctx context.Context, cfg aws.Config, s site) error {
	out, err := sts.NewFromConfig(cfg).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn:         aws.String(s.arn("iam", "", testenv.MotoPartnerAccountID, "role/advana-terraform")),
		RoleSessionName: aws.String("terratest"),
	})
	if err != nil {
		return fmt.Errorf("assume the partner's role: %w", err)
	}
	c := out.Credentials
	cfg.Credentials = credentials.NewStaticCredentialsProvider(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
	iamc := iam.NewFromConfig(cfg)
	_, err = iamc.CreateRole(ctx, &iam.CreateRoleInput{
		RoleName:                 aws.String("advana-terraform"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + s.arn("iam", "", testenv.MotoAccountID, "root") + `"},"Action":"sts:AssumeRole"}]}`),
	})
	var exists *iamtypes.EntityAlreadyExistsException
	if err != nil && !errors.As(err, &exists) {
		return fmt.Errorf("create the partner's role: %w", err)
	}
	_, err = iamc.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("advana-terraform"), PolicyName: aws.String("apply-partner-side"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)})
	if err != nil {
		return fmt.Errorf("policy of the partner's role: %w", err)
	}
	return nil
}
