//go:build imagetest

// Package imagetest builds nothing itself: `make image-test` builds the task
// image with podman (make image-podman) and runs this test against it with
// ADVANA_EXPORT_IMAGE set. The build tag keeps it out of `go test ./...`,
// which make test runs first; make test runs image-test too when podman is
// installed.
//
// The test checks what the image promises by inspecting it, then runs its
// two containers exactly as the module's task definition (a plan of
// examples/minimal applied to moto, read back from its ECS) describes them,
// through test/harness/podmanrun, against a real PostgreSQL and moto on the
// host network.
package imagetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/advana-export/terraform-aws-advana-export/task/manifest"
	"github.com/advana-export/terraform-aws-advana-export/test/harness/dockerfile"
	"github.com/advana-export/terraform-aws-advana-export/test/harness/podmanrun"
	"github.com/advana-export/terraform-aws-advana-export/test/harness/sampledb"
	"github.com/advana-export/terraform-aws-advana-export/test/harness/testenv"
)

const (
	bundle    = "/etc/ssl/certs/rds-ca-bundle.pem"
	pgMajor   = "17"
	pgBin     = "/usr/lib/postgresql/" + pgMajor + "/bin"
	sampleDB  = "sample"
	largeDB   = "large"
	exporter  = "exporter"
	exportPwd = "Img-Exp0rt-N0t-In-Logs-4c2a"
)

type suite struct {
	root, image string
	defs        []types.ContainerDefinition
	pg          *testenv.Postgres
	aws         *awsTarget
}

func TestImage(t *testing.T) {
	img := os.Getenv("ADVANA_EXPORT_IMAGE")
	if img == "" {
		t.Fatal("ADVANA_EXPORT_IMAGE is not set: run this test with `make image-test`, which builds the image with podman first")
	}
	root := testenv.RepoRoot(t)
	s := &suite{root: root, image: img}
	ctx := context.Background()

	// 1. The task definition as the module registers it: examples/minimal
	// applied to moto, read back from its ECS.
	start := time.Now()
	moto := testenv.MotoT(t)
	var cfg aws.Config
	s.defs, cfg = appliedTaskDefinition(t, ctx, root, img, moto)
	t.Logf("applied examples/minimal in %s", time.Since(start).Round(time.Second))

	// 2. What the image promises, read from the image itself.
	t.Run("promises", s.promises)
	if t.Failed() {
		return
	}

	// 3. The servers: PostgreSQL with the sample data, moto in the task's account.
	s.pg = testenv.PostgresT(t)
	for db, scale := range map[string]float64{sampleDB: 1, largeDB: 3} {
		if err := s.pg.CreateDatabase(ctx, db); err != nil {
			t.Fatal(err)
		}
		if err := sampledb.Load(ctx, s.pg, db, scale); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.pg.Exec(ctx, sampleDB, fmt.Sprintf(`create role %s login password '%s'; grant pg_read_all_data to %[1]s;`, exporter, exportPwd)); err != nil {
		t.Fatal(err)
	}
	s.aws = newAWSTarget(t, ctx, moto, cfg, envOf(t, s.defs, "export"))

	// 4. permissions-init, then the export, then SIGTERM during an export.
	t.Run("task", s.task)
}

// promises checks the image's configuration and contents.
func (s *suite) promises(t *testing.T) {
	var inspect []struct {
		Config struct {
			User       string
			Entrypoint []string
			Cmd        []string
			Env        []string
			Volumes    map[string]struct{}
			Labels     map[string]string
		}
		Size int64
	}
	out := podman(t, nil, "image", "inspect", s.image)
	if err := json.Unmarshal([]byte(out), &inspect); err != nil || len(inspect) != 1 {
		t.Fatalf("podman image inspect: %v: %s", err, out)
	}
	cfg := inspect[0].Config
	t.Logf("image %s: %.0f MB", s.image, float64(inspect[0].Size)/1e6)
	export, _ := podmanrun.Find(s.defs, "export")
	if cfg.User != aws.ToString(export.User) || strings.HasPrefix(cfg.User, "0") || strings.HasPrefix(cfg.User, "root") {
		t.Errorf("image user %q: want the task definition's non-root export user %q", cfg.User, aws.ToString(export.User))
	}
	if !slices.Equal(cfg.Entrypoint, []string{binary}) || !slices.Equal(cfg.Cmd, []string{"export"}) {
		t.Errorf("entrypoint %q cmd %q: want [%s] [export]", cfg.Entrypoint, cfg.Cmd, binary)
	}
	if _, ok := cfg.Volumes["/scratch"]; !ok {
		t.Errorf("volumes %v: want /scratch", cfg.Volumes)
	}
	env := map[string]string{}
	for _, kv := range cfg.Env {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	if env["PGSSLROOTCERT"] != bundle || !strings.HasPrefix(env["PATH"], pgBin+":") {
		t.Errorf("PGSSLROOTCERT=%q PATH=%q: want %s and %s first", env["PGSSLROOTCERT"], env["PATH"], bundle, pgBin)
	}

	// pg_dump on the task's PATH is the client major's own ELF binary (no
	// pg_wrapper, which is a Perl script), and it is that major.
	ver := runIn(t, s.image, "/usr/lib/postgresql/"+pgMajor+"/bin/pg_dump", "--version")
	if !strings.HasPrefix(ver, "pg_dump (PostgreSQL) "+pgMajor+".") {
		t.Errorf("pg_dump --version: %q, want major %s", ver, pgMajor)
	}
	head := runIn(t, s.image, "/usr/bin/head", "-c", "4", pgBin+"/pg_dump", pgBin+"/pg_restore")
	if strings.Count(head, "\x7fELF") != 2 {
		t.Errorf("pg_dump and pg_restore in %s are not ELF binaries: %q", pgBin, head)
	}

	// The default export compresses with the zstd program (task/compress).
	if ver := runIn(t, s.image, "/usr/bin/zstd", "--version"); !strings.Contains(ver, "Zstandard") {
		t.Errorf("zstd --version: %q, want the zstd program", ver)
	}

	// The RDS CA bundle is the repository's file, whose checksum the
	// Dockerfile pins, and the system store the AWS SDK uses is there.
	df, err := dockerfile.Parse(filepath.Join(s.root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	repoBundle, err := os.ReadFile(filepath.Join(s.root, df.Final().Args["RDS_CA_BUNDLE"]))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(repoBundle)
	if pinned := df.Final().Args["RDS_CA_BUNDLE_SHA256"]; pinned != hex.EncodeToString(sum[:]) {
		t.Errorf("Dockerfile pins RDS_CA_BUNDLE_SHA256=%s, the repository's bundle is %x (make rds-ca-bundle)", pinned, sum)
	}
	got := runIn(t, s.image, "/usr/bin/sha256sum", bundle, "/etc/ssl/certs/ca-certificates.crt")
	if !strings.Contains(got, hex.EncodeToString(sum[:])+"  "+bundle) || !strings.Contains(got, "/etc/ssl/certs/ca-certificates.crt") {
		t.Errorf("in the image: %q; want the repository's RDS bundle (%x) and the system CA store", got, sum)
	}
	// The first line is the stamped version; the second the FIPS 140-3 mode
	// the image runs the binary in, and the module it was built with
	// (make dist's GOFIPS140, the image's label; docs/govcloud.md).
	v := strings.Split(runIn(t, s.image, binary, "version"), "\n")
	if !strings.HasPrefix(v[0], "advana-export ") || v[0] == "advana-export dev" {
		t.Errorf("advana-export version: %q, want a stamped version", v)
	}
	module := cfg.Labels["io.github.advana-export.fips140-module"]
	if want := "fips140: on (Go Cryptographic Module " + module + ")"; module == "" || len(v) < 2 || v[1] != want {
		t.Errorf("advana-export version: %q, want %q (label io.github.advana-export.fips140-module=%q)", v, want, module)
	}
	if env["GODEBUG"] != "fips140=on" {
		t.Errorf("image GODEBUG=%q, want fips140=on", env["GODEBUG"])
	}

	// The masks the export runs with do take the shells and Perl away.
	for _, sh := range []string{"/bin/sh", "/usr/bin/bash", "/usr/bin/perl"} {
		if _, code := podmanCode(t, nil, append(append([]string{"run", "--rm", "--pull=never"}, noShellMounts(t)...),
			"--entrypoint", sh, s.image, "-c", "exit 0")...); code == 0 {
			t.Errorf("%s still runs with the no-shell masks", sh)
		}
	}
}

// task runs the two containers as the task definition says.
func (s *suite) task(t *testing.T) {
	ctx := context.Background()
	// The scratch volume as Fargate creates it: root:root 0755.
	vol := filepath.Join(t.TempDir(), "scratch")
	if err := os.Mkdir(vol, 0o755); err != nil {
		t.Fatal(err)
	}
	// The image is the one the applied definition names (the module ran with image = IMAGE).
	opts := podmanrun.Options{Network: "host", Remove: true,
		Volumes: map[string]string{"scratch": vol}}

	// permissions-init: user 0, only CHOWN, read-only root.
	init, _ := podmanrun.Find(s.defs, "permissions-init")
	cmd, err := podmanrun.Args(init, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(cmd.Args, " "), "--user 0 --read-only --read-only-tmpfs=false --cap-drop ALL --cap-add CHOWN") {
		t.Fatalf("permissions-init runs as %q: want root with only CHOWN on a read-only root", cmd.Args)
	}
	out, code := podmanCode(t, cmd.Env, cmd.Args...)
	if code != 0 || !strings.Contains(out, `"event":"scratch_prepared"`) {
		t.Fatalf("permissions-init: exit %d:\n%s", code, out)
	}
	var st syscall.Stat_t
	if err := syscall.Stat(vol, &st); err != nil || st.Uid != 1000 || st.Gid != 1000 || st.Mode&0o777 != 0o700 {
		t.Fatalf("after permissions-init the volume is %d:%d %o (%v): want 1000:1000 0700", st.Uid, st.Gid, st.Mode&0o777, err)
	}

	// The export: 1000:1000, read-only root, no capability, the module's
	// environment and secret, without a shell or Perl.
	export, _ := podmanrun.Find(s.defs, "export")
	opts.Secrets = map[string]string{secretARN(t, export): fmt.Sprintf(
		`{"username":%q,"password":%q,"host":%q,"port":%d,"dbname":%q,"engine":"postgres"}`,
		exporter, exportPwd, s.pg.Host, s.pg.Port, sampleDB)}
	opts.Env, opts.Override = s.aws.env(s.aws.endpoint), []string{"PGSSLMODE", "PGHOST", "PGPORT", "PGDATABASE"}
	s.pointAtTestDatabase(opts.Env, sampleDB)
	opts.Mounts = noShellMounts(t)
	cmd, err = podmanrun.Args(export, opts)
	if err != nil {
		t.Fatal(err)
	}
	joined := strings.Join(cmd.Args, " ")
	if !strings.Contains(joined, "--user 1000:1000 --read-only --read-only-tmpfs=false --cap-drop ALL --volume") || strings.Contains(joined, exportPwd) {
		t.Fatalf("export runs as %q: want 1000:1000, read-only, no capability, and no password in the arguments", cmd.Args)
	}
	start := time.Now()
	out, code = podmanCode(t, cmd.Env, cmd.Args...)
	if code != 0 {
		t.Fatalf("export: exit %d:\n%s", code, out)
	}
	t.Logf("export in the image: %s", time.Since(start).Round(100*time.Millisecond))
	if strings.Contains(out, exportPwd) {
		t.Fatal("the database password is in the container's output")
	}
	m := s.aws.manifest(t, ctx)
	if !strings.HasPrefix(m.PgDumpVersion, "pg_dump (PostgreSQL) "+pgMajor+".") && !strings.Contains(m.PgDumpVersion, " "+pgMajor+".") {
		t.Errorf("manifest pg_dump version %q: want the image's %s", m.PgDumpVersion, pgMajor)
	}
	s.restoreAndCompare(t, ctx, m)

	// SIGTERM mid-export (ECS stop): uploads slowed down by a proxy so the
	// signal lands while a multipart upload is open; nothing may remain.
	t.Run("SIGTERM leaves nothing in S3", func(t *testing.T) { s.stopMidExport(t, ctx, export, opts) })
}

// pointAtTestDatabase replaces the database address the module's fixture
// plans (an RDS host name) with this test's server: the image is on trial
// here; the address the module passes is run for real by the apply tests
// (test/system_test.go).
func (s *suite) pointAtTestDatabase(env map[string]string, db string) {
	env["PGHOST"], env["PGPORT"], env["PGDATABASE"] = s.pg.Host, fmt.Sprint(s.pg.Port), db
}

// stopMidExport runs the export of the larger database through a slow S3
// proxy, stops the container with podman stop -t 120 once a part is in
// flight, and checks S3 is as it was.
func (s *suite) stopMidExport(t *testing.T, ctx context.Context, export types.ContainerDefinition, opts podmanrun.Options) {
	before := s.aws.objects(t, ctx)
	// The delay only has to outlast the stop: the proxy notices a client
	// that went away only after the part's body, so Close waits it out.
	proxy, err := testenv.NewS3Proxy(s.aws.endpoint, 15*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	opts.Name = "advana-export-stop-" + testenv.UniqueID()
	// Uncompressed, the larger database's archive (~25 MB) spans several
	// 8 MiB parts, so the multipart upload is open when the signal lands.
	opts.Env = s.aws.env(proxy.URL)
	opts.Env["ADVANA_EXPORT_COMPRESSION"] = "none"
	s.pointAtTestDatabase(opts.Env, largeDB)
	opts.Secrets = map[string]string{secretARN(t, export): fmt.Sprintf(
		`{"username":%q,"password":%q,"host":%q,"port":%d,"dbname":%q}`, exporter, exportPwd, s.pg.Host, s.pg.Port, largeDB)}
	if err := s.pg.Exec(ctx, largeDB, fmt.Sprintf(`grant pg_read_all_data to %s;`, exporter)); err != nil {
		t.Fatal(err)
	}
	cmd, err := podmanrun.Args(export, opts)
	if err != nil {
		t.Fatal(err)
	}
	run := exec.Command("podman", append(globalFlags(), cmd.Args...)...)
	run.Env = append(podmanEnv(t), cmd.Env...)
	var output bytes.Buffer
	run.Stdout, run.Stderr = &output, &output
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- run.Wait() }()
	select {
	case <-proxy.FirstPart:
	case err := <-done:
		t.Fatalf("the export ended before its first part reached S3: %v\n%s", err, output.String())
	case <-time.After(3 * time.Minute):
		_ = run.Process.Kill()
		t.Fatalf("no part reached S3 within 3 minutes:\n%s", output.String())
	}
	stopped := time.Now()
	if out, code := podmanCode(t, nil, "stop", "-t", "120", opts.Name); code != 0 {
		t.Fatalf("podman stop: exit %d: %s", code, out)
	}
	<-done
	took := time.Since(stopped)
	code := run.ProcessState.ExitCode()
	t.Logf("podman stop -t 120 mid-export: container exited %d after %s", code, took.Round(100*time.Millisecond))
	if code != 5 || took > 60*time.Second {
		t.Errorf("after SIGTERM: exit %d in %s; want 5 (interrupted) well within the stop timeout:\n%s", code, took, output.String())
	}
	if after := s.aws.objects(t, ctx); !slices.Equal(before, after) {
		t.Errorf("objects changed by the interrupted export: before %v, after %v", before, after)
	}
	if ups := s.aws.openUploads(t, ctx); len(ups) != 0 {
		t.Errorf("multipart uploads left open: %v", ups)
	}
}

// restoreAndCompare downloads the export, checks it against the manifest,
// runs the manifest's restore command with the image's pg_restore, and
// compares every table's rows with the source.
func (s *suite) restoreAndCompare(t *testing.T, ctx context.Context, m *manifest.Manifest) {
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, o := range m.Objects {
		b := s.aws.get(t, ctx, o.Key)
		sum := sha256.Sum256(b)
		if int64(len(b)) != o.Size || hex.EncodeToString(sum[:]) != o.SHA256 {
			t.Fatalf("%s: %d bytes sha256 %x, manifest says %d %s", o.Key, len(b), sum, o.Size, o.SHA256)
		}
		p := filepath.Join(dir, filepath.FromSlash(o.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The archive is pg_dump 17's, which the host's PostgreSQL 15 tools
	// cannot read, and pg_restore 17 sets transaction_timeout, which a 15
	// server refuses. So the image's own pg_restore turns the archive into
	// SQL (read-only, no capability, as the export user), that one setting
	// is left out, and psql loads it into the host's server. The manifest's
	// restore command itself is run by the task's end-to-end tests.
	if len(m.Objects) != 1 || !strings.HasSuffix(m.Objects[0].Path, ".dump.zst") {
		t.Fatalf("objects %v: want one zstd-compressed custom archive (the module's default format)", m.Objects)
	}
	archive := strings.TrimSuffix(m.Objects[0].Path, ".zst")
	if out, err := exec.Command("zstd", "-d", "-q", "--rm", filepath.Join(dir, m.Objects[0].Path)).CombinedOutput(); err != nil {
		t.Fatalf("zstd -d: %v: %s", err, out)
	}
	if err := os.Chmod(filepath.Join(dir, archive), 0o644); err != nil {
		t.Fatal(err)
	}
	sql := podman(t, nil, "run", "--rm", "--pull=never", "--network", "none", "--user", "1000:1000", "--read-only", "--cap-drop", "ALL",
		"-v", dir+":/restore:ro", "--entrypoint", pgBin+"/pg_restore", s.image, "--no-owner", "--no-privileges", "-f", "-", "/restore/"+archive)
	sql = strings.Replace(sql, "SET transaction_timeout = 0;\n", "", 1)
	target := "restore_" + testenv.UniqueID()
	if err := s.pg.CreateDatabase(ctx, target); err != nil {
		t.Fatal(err)
	}
	if err := s.pg.Exec(ctx, target, sql); err != nil {
		t.Fatalf("load the restored SQL: %v", err)
	}
	want, err := s.pg.Query(ctx, sampleDB, sampledb.RowCountsSQL())
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.pg.Query(ctx, target, sampledb.RowCountsSQL())
	if err != nil {
		t.Fatal(err)
	}
	if want != got || want == "" {
		t.Fatalf("restored database differs:\nsource:\n%s\nrestored:\n%s", want, got)
	}
}

// noShellMounts binds an empty, non-executable file over every shell and
// Perl (Debian's pg_wrapper), so a run that needs one fails.
func noShellMounts(t *testing.T) []string {
	t.Helper()
	empty := filepath.Join(t.TempDir(), "not-a-shell")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	var m []string
	for _, p := range []string{"/usr/bin/dash", "/usr/bin/bash", "/usr/bin/perl"} {
		m = append(m, "type=bind,src="+empty+",dst="+p+",ro=true")
	}
	return m
}

// runIn runs one program of the image as its user, read-only, and returns
// its trimmed output.
func runIn(t *testing.T, img, prog string, args ...string) string {
	t.Helper()
	out := podman(t, nil, append([]string{"run", "--rm", "--pull=never", "--read-only", "--cap-drop", "ALL", "--network", "none", "--entrypoint", prog, img}, args...)...)
	return strings.TrimSpace(out)
}

func globalFlags() []string { return []string{"--runtime", "runc", "--cgroup-manager", "cgroupfs"} }

// podmanEnv is the environment every podman call gets: the repository's
// containers.conf (no default ulimits) and nothing else from the caller.
func podmanEnv(t *testing.T) []string {
	t.Helper()
	root := testenv.RepoRoot(t)
	return []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"),
		"CONTAINERS_CONF=" + filepath.Join(root, "task", "image", "containers.conf")}
}

// podmanCode runs podman and returns its combined output and exit code.
func podmanCode(t *testing.T, env []string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command("podman", append(globalFlags(), args...)...)
	cmd.Env = append(podmanEnv(t), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			t.Fatalf("podman %v: %v", args, err)
		}
	}
	return string(out), cmd.ProcessState.ExitCode()
}

// podman runs podman and fails the test unless it exits 0; returns stdout.
func podman(t *testing.T, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command("podman", append(globalFlags(), args...)...)
	cmd.Env = append(podmanEnv(t), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("podman %v: %v: %s", args, err, stderr.String())
	}
	return string(out)
}

// secretARN is the export container's database secret reference.
func secretARN(t *testing.T, def types.ContainerDefinition) string {
	t.Helper()
	for _, s := range def.Secrets {
		if aws.ToString(s.Name) == "ADVANA_EXPORT_DB_SECRET" {
			return aws.ToString(s.ValueFrom)
		}
	}
	t.Fatalf("the export container has no ADVANA_EXPORT_DB_SECRET secret: %v", def.Secrets)
	return ""
}

// envOf returns a container's environment from the task definition.
func envOf(t *testing.T, defs []types.ContainerDefinition, name string) map[string]string {
	t.Helper()
	d, err := podmanrun.Find(defs, name)
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{}
	for _, kv := range d.Environment {
		env[aws.ToString(kv.Name)] = aws.ToString(kv.Value)
	}
	return env
}
