package test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/gruntwork-io/terratest/modules/terraform"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/advana-export/terraform-aws-advana-export/internal/ecstask"
	"github.com/advana-export/terraform-aws-advana-export/internal/exportcheck"
	"github.com/advana-export/terraform-aws-advana-export/internal/fargatesim"
	"github.com/advana-export/terraform-aws-advana-export/internal/sampledb"
	"github.com/advana-export/terraform-aws-advana-export/internal/testenv"
)

// The whole-system tests run what an apply produced: the task definition
// read back from the emulator's ECS, its containers in the Fargate
// simulation with the binary built from this tree as the image's entrypoint,
// against a real PostgreSQL that only accepts what sslmode=verify-full checks,
// with the database secret RDS would make. These are shared by the package.
const (
	systemDB       = "sample"
	systemUser     = "exporter"
	systemPassword = "Sys-T3st-N0t-In-Logs-41ac"
)

var system struct {
	once   sync.Once
	err    error
	pg     *testenv.Postgres
	binDir string
	binary string
}

// startSystem starts PostgreSQL with TLS and the sample database, and builds
// advana-export, once for every test that needs them.
func startSystem(t *testing.T) {
	t.Helper()
	system.once.Do(func() {
		ctx := context.Background()
		if err := fargatesim.Check(); err != nil {
			system.err = fmt.Errorf("the Fargate simulation cannot run here, so the task definition cannot be run: %w", err)
			return
		}
		if system.pg, system.err = testenv.StartPostgresTLS(ctx); system.err != nil {
			return
		}
		if system.err = system.pg.CreateDatabase(ctx, systemDB); system.err != nil {
			return
		}
		if system.err = sampledb.Load(ctx, system.pg, systemDB, 1); system.err != nil {
			return
		}
		if system.err = system.pg.Exec(ctx, systemDB, fmt.Sprintf(
			`create role %s login password '%s'; grant pg_read_all_data to %[1]s;`, systemUser, systemPassword)); system.err != nil {
			return
		}
		// A folder every uid can traverse: the export runs as 1000:1000.
		if system.binDir, system.err = os.MkdirTemp("", "advana-export-system-"); system.err != nil {
			return
		}
		if system.err = os.Chmod(system.binDir, 0o755); system.err != nil {
			return
		}
		system.binary = filepath.Join(system.binDir, "advana-export")
		build := exec.Command("go", "build", "-trimpath", "-o", system.binary, "./task/cmd/advana-export")
		build.Dir = repoRoot(t)
		// As the image builds it (make dist): the Go Cryptographic Module
		// v1.0.0, FIPS 140-3 mode on by default.
		build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFIPS140=v1.0.0")
		if out, err := build.CombinedOutput(); err != nil {
			system.err = fmt.Errorf("build advana-export: %w: %s", err, out)
		}
	})
	if system.err != nil {
		t.Fatalf("whole-system setup: %v", system.err)
	}
}

func stopSystem() {
	if system.pg != nil {
		system.pg.Stop()
	}
	if system.binDir != "" {
		os.RemoveAll(system.binDir)
	}
}

// systemDatabase sets an example's database inputs to the test server and
// its database secret to one shaped as RDS makes it (manage_master_user_password):
// named rds!db-…, holding only username and password.
func systemDatabase(t *testing.T, vars map[string]interface{}) {
	t.Helper()
	startSystem(t)
	out, err := secretsmanager.NewFromConfig(siteOf(vars).awsConfig()).CreateSecret(context.Background(), &secretsmanager.CreateSecretInput{
		Name:         aws.String("rds!db-" + strings.ToLower(testenv.UniqueID()+"-"+testenv.UniqueID())),
		SecretString: aws.String(fmt.Sprintf(`{"username":%q,"password":%q}`, systemUser, systemPassword)),
	})
	require.NoError(t, err)
	vars["db_secret_arn"] = aws.ToString(out.ARN)
	vars["database_host"] = system.pg.Host
	vars["database_port"] = system.pg.Port
	vars["database_name"] = systemDB
}

// runDeployedExport runs the applied task definition (output
// task_definition_arn) as ECS would and checks that a complete export is
// where the outputs bucket_name and prefix say, and that it restores. With
// replicated, the module configured replication (so the task waits for it
// before the manifest): moto does not replicate nor report a replication
// status, so the task's S3 calls go through a proxy that answers HeadObject
// the way S3 does for a replicated source object, PENDING then COMPLETED.
func runDeployedExport(t *testing.T, opts *terraform.Options, replicated bool) {
	t.Helper()
	ctx := context.Background()
	cfg := siteOf(opts.Vars).awsConfig()
	// Through a proxy, so the test can make S3 refuse a step (and answer
	// for replication, which moto does not do).
	proxy, err := testenv.NewS3Proxy(moto.Endpoint, 0)
	require.NoError(t, err)
	defer proxy.Close()
	if replicated {
		proxy.EmulateReplication(testenv.ReplicationCompletes, 1)
	}
	endpoint := proxy.URL
	td, err := ecs.NewFromConfig(cfg).DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{
		TaskDefinition: aws.String(terraform.Output(t, opts, "task_definition_arn"))})
	require.NoError(t, err)

	// What the image and the platform add around the definition, and only
	// that: ecstask refuses a variable the definition sets itself.
	sm := secretsmanager.NewFromConfig(cfg)
	rt := ecstask.Runtime{
		Entrypoint: fargatesim.InstallExecutable(t, system.binary),
		ImageUser:  "1000:1000",
		Env: map[string]string{
			// The image: pg_dump on PATH, and the CA bundle that verifies the
			// server (the RDS bundle in the image, the test CA here).
			"PATH":          system.pg.BinDir + ":/usr/local/bin:/usr/bin:/bin",
			"PGSSLROOTCERT": system.pg.CACert,
			// The platform: credentials come from the task role on ECS; the
			// emulator wants path-style S3 on its loopback endpoint.
			"AWS_ACCESS_KEY_ID":                 testenv.MotoAccessKey,
			"AWS_SECRET_ACCESS_KEY":             testenv.MotoSecretKey,
			"AWS_ENDPOINT_URL":                  endpoint,
			"AWS_EC2_METADATA_DISABLED":         "true",
			"ADVANA_EXPORT_S3_FORCE_PATH_STYLE": "true",
		},
		Volumes: map[string]string{"scratch": fargatesim.NewScratch(t)},
		Secret: func(ctx context.Context, from string) (string, error) {
			out, err := sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(from)})
			if err != nil {
				return "", err
			}
			return aws.ToString(out.SecretString), nil
		},
		// The roles and the log group the definition names exist, whoever
		// made them (the module, or a caller who brought their own).
		Exists: func(ctx context.Context, kind ecstask.Kind, name string) error {
			return inEmulator(ctx, cfg, kind, name)
		},
	}
	bucket, prefix := terraform.Output(t, opts, "bucket_name"), terraform.Output(t, opts, "prefix")
	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	defer setAsideBucketPolicy(t, s3c, bucket)()

	if replicated {
		// Ask S3 every second, not every 15: the emulated status turns COMPLETED on the second ask.
		rt.Env["ADVANA_EXPORT_REPLICATION_POLL_INTERVAL"] = "1s"
	}
	containers, err := ecstask.Containers(ctx, td.TaskDefinition, rt)
	require.NoError(t, err, "map the task definition to the simulation")

	runs, err := ecstask.RunAll(ctx, containers)
	var log strings.Builder
	for _, r := range runs {
		fmt.Fprintf(&log, "--- %s exited %d\n%s%s", r.Name, r.Result.ExitCode, r.Result.Stdout, r.Result.Stderr)
	}
	require.NoError(t, err, "run the task definition:\n%s", log.String())
	last := runs[len(runs)-1]
	require.Equal(t, "export", last.Name, "the task ended before the export container:\n%s", log.String())
	require.Equal(t, 0, last.Result.ExitCode, "the export container failed:\n%s", log.String())
	require.NotContains(t, log.String(), systemPassword, "the database password reached the logs")
	// The binary ran its cryptography in FIPS 140-3 mode, as the image's does.
	assert.Contains(t, log.String(), "fips140: on (Go Cryptographic Module v1.0.0)")
	// FIPS endpoints as the partition wants them: on in GovCloud. The
	// emulator's endpoint is named outright, so the task says it used it as given.
	s := siteOf(opts.Vars)
	assert.Equal(t, s.Partition == "aws-us-gov", strings.Contains(log.String(), `"event":"fips_endpoints_not_used"`),
		"%s: FIPS endpoints asked for only in aws-us-gov", s.Name)
	if replicated {
		require.Greater(t, proxy.Count(testenv.OpHeadObject), 1, "the task wrote the manifest without waiting for replication")
	}

	// The export is where the module's outputs say, complete, and restores.
	key, m, err := exportcheck.FindManifest(ctx, s3c, bucket, prefix+"/"+systemDB+"/")
	require.NoError(t, err)
	t.Logf("export %s: %s, %d objects, %d bytes", key, m.Format, len(m.Objects), m.TotalBytes)
	require.NoError(t, exportcheck.RestoreAndCompare(ctx, system.pg, s3c, bucket, m, systemDB, t.TempDir()))

	// Committed means locked (Object Lock is on by default): the task role's
	// own credentials cannot delete any version of the run.
	assertCommittedLocked(t, cfg, bucket, path.Dir(key), aws.ToString(td.TaskDefinition.TaskRoleArn), lockDays(t, td.TaskDefinition))

	// A failed run of the same definition leaves nothing, Object Lock or
	// not: S3 refuses the manifest after the archive was held, so undo must
	// lift the hold and delete every version of the run.
	proxy.Fail(testenv.OpPutObject, 500, "manifest.json")
	runs, err = ecstask.RunAll(ctx, containers)
	require.NoError(t, err, "run the task definition again")
	failed := runs[len(runs)-1]
	require.Equal(t, "export", failed.Name)
	require.Equal(t, 4, failed.Result.ExitCode, "a refused manifest is a storage failure:\n%s%s", failed.Result.Stdout, failed.Result.Stderr)
	assert.Contains(t, failed.Result.Stdout, `"event":"run_held"`, "the archive was held before the manifest")
	left, err := s3c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String(bucket), Prefix: aws.String(prefix + "/" + systemDB + "/")})
	require.NoError(t, err)
	for _, v := range left.Versions {
		assert.True(t, strings.HasPrefix(aws.ToString(v.Key), path.Dir(key)+"/"), "the failed run left %s", aws.ToString(v.Key))
	}
	assert.Empty(t, left.DeleteMarkers, "the failed run left delete markers")
}

// assertCommittedLocked checks that every version under the run's folder
// is locked and that the task role, with its own credentials, is refused
// DeleteObjectVersion on each. (A delete with the governance-bypass header
// is refused on AWS because no role of the module holds
// s3:BypassGovernanceRetention, which assertObjectLock proves on the plan;
// moto does not check that permission, so it is not tried here.)
func assertCommittedLocked(t *testing.T, cfg aws.Config, bucket, folder, taskRoleARN string, days int) {
	t.Helper()
	ctx := context.Background()
	root := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	roleCfg, err := testenv.AssumeRole(ctx, cfg, taskRoleARN, "export-task")
	require.NoError(t, err)
	asTask := s3.NewFromConfig(roleCfg, func(o *s3.Options) { o.UsePathStyle = true })
	out, err := root.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String(bucket), Prefix: aws.String(folder + "/")})
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(out.Versions), 2, "the archive and the manifest")
	for _, v := range out.Versions {
		name := aws.ToString(v.Key) + "@" + aws.ToString(v.VersionId)
		h, err := root.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: v.Key, VersionId: v.VersionId})
		require.NoError(t, err)
		assert.Equal(t, "GOVERNANCE", string(h.ObjectLockMode), "%s lock mode", name)
		assert.True(t, aws.ToTime(h.ObjectLockRetainUntilDate).After(time.Now().Add(time.Duration(days)*24*time.Hour-time.Hour)), "%s locked for the definition's %d days", name, days)
		assert.NotEqual(t, "ON", string(h.ObjectLockLegalHoldStatus), "%s still on legal hold: the lifecycle could never expire it", name)
		_, err = asTask.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: v.Key, VersionId: v.VersionId})
		assert.Error(t, err, "the task role deleted committed version %s", name)
	}
}

// inEmulator says whether the role (by ARN) or log group (by name) exists
// in the emulator's account.
func inEmulator(ctx context.Context, cfg aws.Config, kind ecstask.Kind, name string) error {
	switch kind {
	case ecstask.KindRole:
		_, err := iam.NewFromConfig(cfg).GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name[strings.LastIndex(name, "/")+1:])})
		return err
	case ecstask.KindLogGroup:
		out, err := cloudwatchlogs.NewFromConfig(cfg).DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(name)})
		if err != nil {
			return err
		}
		for _, g := range out.LogGroups {
			if aws.ToString(g.LogGroupName) == name {
				return nil
			}
		}
		return fmt.Errorf("no log group %s", name)
	}
	return fmt.Errorf("unknown kind %s", kind)
}

// setAsideBucketPolicy removes the bucket policy and returns what puts it
// back (before the test destroys the bucket). moto evaluates a Deny statement whose condition
// does not match as a Deny (it knows no aws:SecureTransport nor encryption
// headers), so with the module's policy every PutObject is refused, over TLS
// or not, with the right key or not. The policy itself is checked statement
// by statement on the plan (assertAppliedControls) and read back by
// assertAppliedInAWS; this test is about the task definition.
func setAsideBucketPolicy(t *testing.T, c *s3.Client, bucket string) (restore func()) {
	t.Helper()
	ctx := context.Background()
	pol, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)})
	require.NoError(t, err, "the module's bucket policy")
	_, err = c.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: aws.String(bucket)})
	require.NoError(t, err)
	return func() {
		_, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: pol.Policy})
		assert.NoError(t, err, "put the bucket policy back")
	}
}

// lockDays is the retention the task definition asks the export to put on
// each committed run (ADVANA_EXPORT_OBJECT_LOCK_DAYS of its export container).
func lockDays(t *testing.T, td *ecstypes.TaskDefinition) int {
	t.Helper()
	for _, c := range td.ContainerDefinitions {
		for _, e := range c.Environment {
			if aws.ToString(e.Name) == "ADVANA_EXPORT_OBJECT_LOCK_DAYS" {
				d, err := strconv.Atoi(aws.ToString(e.Value))
				require.NoError(t, err)
				return d
			}
		}
	}
	t.Fatal("the task definition asks for no Object Lock")
	return 0
}
