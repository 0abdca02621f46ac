package test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
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

	"github.com/advana-export/terraform-aws-advana-export/test/harness/exportcheck"
	"github.com/advana-export/terraform-aws-advana-export/test/harness/fargatesim"
	"github.com/advana-export/terraform-aws-advana-export/test/harness/sampledb"
	"github.com/advana-export/terraform-aws-advana-export/test/harness/taskdefrun"
	"github.com/advana-export/terraform-aws-advana-export/test/harness/testenv"
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
		build.Dir = testenv.RepoRoot(t)
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
//
// As on ECS, each container runs with the task role's credentials and the
// secret is read with the execution role's, both assumed by ECS (the
// emulator enforces IAM: a permission the role lacks fails the run).
func runDeployedExport(t *testing.T, opts *terraform.Options, replicated bool) {
	t.Helper()
	ctx := context.Background()
	task := deployedTask(t, opts, replicated)
	defer task.setAsidePolicy(t)()
	log, last := task.run(t)
	require.Equal(t, 0, last.Result.ExitCode, "the export container failed:\n%s", log)
	require.NotContains(t, log, systemPassword, "the database password reached the logs")
	// The binary ran its cryptography in FIPS 140-3 mode, as the image's does.
	assert.Contains(t, log, "fips140: on (Go Cryptographic Module v1.0.0)")
	// FIPS endpoints as the partition wants them: on in GovCloud. The
	// emulator's endpoint is named outright, so the task says it used it as given.
	s := task.site
	assert.Equal(t, s.Partition == "aws-us-gov", strings.Contains(log, `"event":"fips_endpoints_not_used"`),
		"%s: FIPS endpoints asked for only in aws-us-gov", s.Name)
	if replicated {
		require.Greater(t, task.proxy.Count(testenv.OpHeadObject), 1, "the task wrote the manifest without waiting for replication")
	}

	// The export is where the module's outputs say, complete, and restores.
	s3c := s3.NewFromConfig(task.cfg, func(o *s3.Options) { o.UsePathStyle = true })
	key, m, err := exportcheck.FindManifest(ctx, s3c, task.bucket, task.prefix+"/"+systemDB+"/")
	require.NoError(t, err)
	t.Logf("export %s: %s, %d objects, %d bytes", key, m.Format, len(m.Objects), m.TotalBytes)
	require.NoError(t, exportcheck.RestoreAndCompare(ctx, system.pg, s3c, task.bucket, m, systemDB, t.TempDir()))

	// Committed means locked (Object Lock is on by default): the task role's
	// own credentials cannot delete any version of the run.
	assertCommittedLocked(t, task.cfg, task.asTask(t), task.bucket, path.Dir(key), task.lockDays(t))

	// A failed run of the same definition leaves nothing, Object Lock or
	// not: S3 refuses the manifest after the archive was held, so undo must
	// lift the hold and delete every version of the run.
	task.proxy.Fail(testenv.OpPutObject, 500, "manifest.json")
	log, failed := task.run(t)
	require.Equal(t, 4, failed.Result.ExitCode, "a refused manifest is a storage failure:\n%s", log)
	assert.Contains(t, log, `"event":"run_held"`, "the archive was held before the manifest")
	left, err := s3c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String(task.bucket), Prefix: aws.String(task.prefix + "/" + systemDB + "/")})
	require.NoError(t, err)
	for _, v := range left.Versions {
		assert.True(t, strings.HasPrefix(aws.ToString(v.Key), path.Dir(key)+"/"), "the failed run left %s", aws.ToString(v.Key))
	}
	assert.Empty(t, left.DeleteMarkers, "the failed run left delete markers")
}

// deployedTaskRun is the applied task definition mapped to the Fargate
// simulation, with what the image and the platform add around it.
type deployedTaskRun struct {
	site           site
	cfg            aws.Config // the emulator's administrator: read-backs
	td             *ecstypes.TaskDefinition
	rt             taskdefrun.Runtime
	proxy          *testenv.S3Proxy // in front of the emulator: faults, and replication when configured
	bucket, prefix string
}

// deployedTask reads back the applied task definition and prepares its
// run.
func deployedTask(t *testing.T, opts *terraform.Options, replicated bool) *deployedTaskRun {
	t.Helper()
	ctx := context.Background()
	s := siteOf(opts.Vars)
	cfg := s.awsConfig()
	endpoint := s.emulator().Endpoint
	task := &deployedTaskRun{site: s, cfg: cfg,
		bucket: terraform.Output(t, opts, "bucket_name"), prefix: terraform.Output(t, opts, "prefix")}
	// Through a proxy, so a test can make S3 refuse a step (and answer for
	// replication, which moto does not do).
	var err error
	task.proxy, err = testenv.NewS3Proxy(endpoint, 0)
	require.NoError(t, err)
	t.Cleanup(task.proxy.Close)
	if replicated {
		task.proxy.EmulateReplication(testenv.ReplicationCompletes, 1)
	}
	endpoint = task.proxy.URL
	td, err := ecs.NewFromConfig(cfg).DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{
		TaskDefinition: aws.String(terraform.Output(t, opts, "task_definition_arn"))})
	require.NoError(t, err)
	task.td = td.TaskDefinition

	// What the image and the platform add around the definition, and only
	// that: ecstask refuses a variable the definition sets itself. The
	// task role's credentials are added by run, as ECS hands them out.
	task.rt = taskdefrun.Runtime{
		Entrypoint: fargatesim.InstallExecutable(t, system.binary),
		ImageUser:  "1000:1000",
		Env: map[string]string{
			// The image: pg_dump on PATH, and the CA bundle that verifies the
			// server (the RDS bundle in the image, the test CA here).
			"PATH":          system.pg.BinDir + ":/usr/local/bin:/usr/bin:/bin",
			"PGSSLROOTCERT": system.pg.CACert,
			// The platform: the emulator wants path-style S3 on its loopback endpoint.
			"AWS_ENDPOINT_URL":                  endpoint,
			"AWS_EC2_METADATA_DISABLED":         "true",
			"ADVANA_EXPORT_S3_FORCE_PATH_STYLE": "true",
		},
		Volumes: map[string]string{"scratch": fargatesim.NewScratch(t)},
		// ECS reads the secret with the execution role's credentials.
		Secret: func(ctx context.Context, from string) (string, error) {
			execution, err := task.assume(ctx, aws.ToString(task.td.ExecutionRoleArn), "ecs-execution")
			if err != nil {
				return "", err
			}
			out, err := secretsmanager.NewFromConfig(execution).GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(from)})
			if err != nil {
				return "", fmt.Errorf("the execution role reads the secret: %w", err)
			}
			return aws.ToString(out.SecretString), nil
		},
		// The roles and the log group the definition names exist, whoever
		// made them (the module, or a caller who brought their own).
		Exists: func(ctx context.Context, kind taskdefrun.Kind, name string) error {
			return inEmulator(ctx, cfg, kind, name)
		},
	}
	if replicated {
		// Ask S3 every second, not every 15: the emulated status turns COMPLETED on the second ask.
		task.rt.Env["ADVANA_EXPORT_REPLICATION_POLL_INTERVAL"] = "1s"
	}
	return task
}

// setAsidePolicy sets the bucket policy aside until the returned function
// puts it back (see setAsideBucketPolicy).
func (task *deployedTaskRun) setAsidePolicy(t *testing.T) (restore func()) {
	t.Helper()
	return setAsideBucketPolicy(t, s3.NewFromConfig(task.cfg, func(o *s3.Options) { o.UsePathStyle = true }), task.bucket)
}

// assume returns the credentials of roleARN as ECS gets them: assumed by
// the service principal, so a role that does not trust ECS is refused.
func (task *deployedTaskRun) assume(ctx context.Context, roleARN, session string) (aws.Config, error) {
	ecsCfg, err := task.site.emulator().AsECS(task.site.Region)
	if err != nil {
		return aws.Config{}, err
	}
	return testenv.AssumeRole(ctx, ecsCfg, roleARN, session)
}

// lockDays is how long the definition tells the export to lock a
// committed run (ADVANA_EXPORT_OBJECT_LOCK_DAYS: the lifecycle's expiration).
func (task *deployedTaskRun) lockDays(t *testing.T) int {
	t.Helper()
	for _, c := range task.td.ContainerDefinitions {
		for _, kv := range c.Environment {
			if aws.ToString(c.Name) == "export" && aws.ToString(kv.Name) == "ADVANA_EXPORT_OBJECT_LOCK_DAYS" {
				days, err := strconv.Atoi(aws.ToString(kv.Value))
				require.NoError(t, err)
				return days
			}
		}
	}
	t.Fatal("the export container sets no ADVANA_EXPORT_OBJECT_LOCK_DAYS: committed runs are not locked")
	return 0
}

// asTask is the task role's configuration.
func (task *deployedTaskRun) asTask(t *testing.T) aws.Config {
	t.Helper()
	cfg, err := task.assume(context.Background(), aws.ToString(task.td.TaskRoleArn), "ecs-task")
	require.NoError(t, err, "ECS assumes the task role")
	return cfg
}

// run runs the containers with the task role's credentials and returns
// their output and the export container's run.
func (task *deployedTaskRun) run(t *testing.T) (log string, export taskdefrun.Run) {
	t.Helper()
	ctx := context.Background()
	creds, err := task.asTask(t).Credentials.Retrieve(ctx)
	require.NoError(t, err)
	rt := task.rt
	rt.Env = maps.Clone(task.rt.Env)
	rt.Env["AWS_ACCESS_KEY_ID"] = creds.AccessKeyID
	rt.Env["AWS_SECRET_ACCESS_KEY"] = creds.SecretAccessKey
	rt.Env["AWS_SESSION_TOKEN"] = creds.SessionToken
	containers, err := taskdefrun.Containers(ctx, task.td, rt)
	require.NoError(t, err, "map the task definition to the simulation")

	runs, err := taskdefrun.RunAll(ctx, containers)
	var b strings.Builder
	for _, r := range runs {
		fmt.Fprintf(&b, "--- %s exited %d\n%s%s", r.Name, r.Result.ExitCode, r.Result.Stdout, r.Result.Stderr)
	}
	require.NoError(t, err, "run the task definition:\n%s", b.String())
	last := runs[len(runs)-1]
	require.Equal(t, "export", last.Name, "the task ended before the export container:\n%s", b.String())
	return b.String(), last
}

// runWithoutStatement removes the statement sid from the applied task
// role's policy, runs the task definition again, and checks that the run
// fails, naming the permission (action) the statement granted, and leaves
// nothing behind: no new version under the export prefix (so no manifest)
// and no open multipart upload. The policy is put back afterwards.
func runWithoutStatement(t *testing.T, opts *terraform.Options, replicated bool, sid, action string) {
	t.Helper()
	ctx := context.Background()
	task := deployedTask(t, opts, replicated)
	defer task.setAsidePolicy(t)()
	iamc := iam.NewFromConfig(task.cfg)
	role := aws.String(path.Base(aws.ToString(task.td.TaskRoleArn)))
	names, err := iamc.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: role})
	require.NoError(t, err)
	removed := false
	for _, name := range names.PolicyNames {
		pol, err := iamc.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: role, PolicyName: aws.String(name)})
		require.NoError(t, err)
		doc, err := url.QueryUnescape(aws.ToString(pol.PolicyDocument)) // IAM returns it URL-encoded
		require.NoError(t, err)
		var p map[string]any
		require.NoError(t, json.Unmarshal([]byte(doc), &p))
		stmts, _ := p["Statement"].([]any)
		kept := slices.DeleteFunc(slices.Clone(stmts), func(st any) bool { return st.(map[string]any)["Sid"] == sid })
		if len(kept) == len(stmts) {
			continue
		}
		p["Statement"] = kept
		mutated, err := json.Marshal(p)
		require.NoError(t, err)
		_, err = iamc.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: role, PolicyName: aws.String(name), PolicyDocument: aws.String(string(mutated))})
		require.NoError(t, err)
		defer func() {
			_, err := iamc.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: role, PolicyName: aws.String(name), PolicyDocument: aws.String(doc)})
			assert.NoError(t, err, "put the task role's policy back")
		}()
		removed = true
	}
	require.True(t, removed, "the task role %s has no statement %s", aws.ToString(role), sid)

	s3c := s3.NewFromConfig(task.cfg, func(o *s3.Options) { o.UsePathStyle = true })
	versions := func() []string {
		out, err := s3c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String(task.bucket), Prefix: aws.String(task.prefix + "/")})
		require.NoError(t, err)
		var keys []string
		for _, v := range out.Versions {
			keys = append(keys, aws.ToString(v.Key)+"@"+aws.ToString(v.VersionId))
		}
		return keys
	}
	before := versions()

	log, last := task.run(t)
	assert.NotEqual(t, 0, last.Result.ExitCode, "the export succeeded without %s (%s):\n%s", sid, action, log)
	assert.Contains(t, log, action, "the failure does not name the permission the role lacks:\n%s", log)
	assert.Regexp(t, `AccessDenied|Forbidden|StatusCode: 403`, log, "the failure is not the emulator's refusal")
	assert.Equal(t, before, versions(), "the failed run left objects under %s/", task.prefix)
	ups, err := s3c.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String(task.bucket), Prefix: aws.String(task.prefix + "/")})
	require.NoError(t, err)
	assert.Empty(t, ups.Uploads, "the failed run left multipart uploads open")
}

// assertCommittedLocked checks that every version under the run's folder
// is locked and that the task role, with its own credentials (roleCfg), is refused
// DeleteObjectVersion on each. (A delete with the governance-bypass header
// is refused on AWS because no role of the module holds
// s3:BypassGovernanceRetention, which plan-review's backup-replication control proves on the plan;
// moto does not check that permission, so it is not tried here.)
func assertCommittedLocked(t *testing.T, cfg, roleCfg aws.Config, bucket, folder string, days int) {
	t.Helper()
	ctx := context.Background()
	root := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	asTask := s3.NewFromConfig(roleCfg, func(o *s3.Options) { o.UsePathStyle = true })
	out, err := root.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String(bucket), Prefix: aws.String(folder + "/")})
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(out.Versions), 2, "the archive and the manifest")
	for _, v := range out.Versions {
		name := aws.ToString(v.Key) + "@" + aws.ToString(v.VersionId)
		h, err := root.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: v.Key, VersionId: v.VersionId})
		require.NoError(t, err)
		assert.Equal(t, "GOVERNANCE", string(h.ObjectLockMode), "%s lock mode", name)
		assert.True(t, aws.ToTime(h.ObjectLockRetainUntilDate).After(time.Now().Add(time.Duration(days-1)*24*time.Hour)), "%s locked for the lifecycle's %d days", name, days)
		assert.NotEqual(t, "ON", string(h.ObjectLockLegalHoldStatus), "%s still on legal hold: the lifecycle could never expire it", name)
		_, err = asTask.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: v.Key, VersionId: v.VersionId})
		assert.Error(t, err, "the task role deleted committed version %s", name)
	}
}

// inEmulator says whether the role (by ARN) or log group (by name) exists
// in the emulator's account.
func inEmulator(ctx context.Context, cfg aws.Config, kind taskdefrun.Kind, name string) error {
	switch kind {
	case taskdefrun.KindRole:
		_, err := iam.NewFromConfig(cfg).GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name[strings.LastIndex(name, "/")+1:])})
		return err
	case taskdefrun.KindLogGroup:
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
// by statement on the plan (plan-review, assertAppliedControls) and read back by
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
