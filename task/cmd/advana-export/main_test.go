package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/advana-export/terraform-aws-advana-export/test/harness/sampledb"
	"github.com/advana-export/terraform-aws-advana-export/test/harness/testenv"
)

// The servers and the binary are shared by every test in this package: one
// PostgreSQL with the sample database, one moto, one build.
var (
	pg     *testenv.Postgres
	moto   *testenv.Moto
	binary string
)

const (
	sampleDB = "sample"
	// largeDB is big enough (~26 MB uncompressed) that a dump spans several
	// 5 MiB parts, for the tests that act while an upload is open.
	largeDB = "large"
	// exporter is a least-privilege role the task logs in as; its password
	// is what the secret tests look for in every output.
	exporterUser     = "exporter"
	exporterPassword = "Exp0rt-N0t-In-Logs-7d1f"
)

func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		// Every test here runs the built binary against PostgreSQL and moto.
		fmt.Println("-short (make test-unit): skipped, every test of the command needs PostgreSQL and moto; make test runs them")
		os.Exit(0)
	}
	code, err := setup(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "test setup:", err)
		code = 1
	}
	if pg != nil {
		pg.Stop()
	}
	if moto != nil {
		moto.Stop()
	}
	os.Exit(code)
}

func setup(m *testing.M) (int, error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "advana-export-bin-")
	if err != nil {
		return 1, err
	}
	defer os.RemoveAll(dir)
	binary = filepath.Join(dir, "advana-export")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		return 1, fmt.Errorf("build advana-export: %w: %s", err, out)
	}
	if pg, err = testenv.StartPostgres(ctx); err != nil {
		return 1, err
	}
	if moto, err = testenv.StartMoto(ctx); err != nil {
		return 1, err
	}
	if err := pg.CreateDatabase(ctx, sampleDB); err != nil {
		return 1, err
	}
	if err := pg.CreateDatabase(ctx, largeDB); err != nil {
		return 1, err
	}
	for db, scale := range map[string]float64{sampleDB: 1, largeDB: 5} {
		if err := sampledb.Load(ctx, pg, db, scale); err != nil {
			return 1, err
		}
	}
	if err := pg.Exec(ctx, sampleDB, fmt.Sprintf(
		`create role %s login password '%s'; grant pg_read_all_data to %[1]s;`, exporterUser, exporterPassword)); err != nil {
		return 1, err
	}
	return m.Run(), nil
}

// result is one run of the binary.
type result struct {
	code     int
	stdout   string
	stderr   string
	duration time.Duration
}

// invocation describes a run: environment on top of the defaults, flags.
type invocation struct {
	env      map[string]string
	args     []string
	endpoint string // S3 endpoint; moto's unless a proxy is in front
	// during, if set, runs once the process has started, with its pid.
	during func(pid int)
	// wrap, if set, runs the binary through this command (it gets the
	// binary and its arguments as its last arguments).
	wrap []string
}

// baseEnv connects as the exporter role through the JSON secret, the way
// ECS injects it, and points the SDK at the emulator.
func baseEnv(bucket, keyARN, endpoint string) map[string]string {
	env := map[string]string{
		"ADVANA_EXPORT_BUCKET":              bucket,
		"ADVANA_EXPORT_KMS_KEY_ID":          keyARN,
		"ADVANA_EXPORT_S3_FORCE_PATH_STYLE": "true",
		"ADVANA_EXPORT_PG_BIN_DIR":          pg.BinDir,
		"ADVANA_EXPORT_PROGRESS_INTERVAL":   "200ms",
		"ADVANA_EXPORT_DB_SECRET": fmt.Sprintf(`{"username":%q,"password":%q,"host":%q,"port":%d,"dbname":%q,"engine":"postgres"}`,
			exporterUser, exporterPassword, pg.Host, pg.Port, sampleDB),
		"PGSSLMODE": "disable",
	}
	for _, kv := range moto.Env() {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	env["AWS_ENDPOINT_URL"] = endpoint
	return env
}

// largeEnv is baseEnv for the large database.
func largeEnv(bucket, keyARN, endpoint string) map[string]string {
	env := baseEnv(bucket, keyARN, endpoint)
	env["PGDATABASE"] = largeDB
	return env
}

func runBinary(t *testing.T, inv invocation) result {
	t.Helper()
	argv := append(append(append([]string{}, inv.wrap...), binary, "export"), inv.args...)
	cmd := exec.Command(argv[0], argv[1:]...)
	// A clean environment: nothing from the developer's shell (PGPASSWORD,
	// AWS profiles) may leak into the run.
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	for k, v := range inv.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatalf("start advana-export: %v", err)
	}
	if inv.during != nil {
		go inv.during(cmd.Process.Pid)
	}
	err := cmd.Wait()
	r := result{stdout: stdout.String(), stderr: stderr.String(), duration: time.Since(start)}
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("wait advana-export: %v", err)
		}
		r.code = ee.ExitCode()
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			t.Fatalf("advana-export died of signal %v instead of exiting:\n%s", ws.Signal(), r.stdout)
		}
	}
	checkParquetFooters(t, inv.env["ADVANA_EXPORT_BUCKET"])
	// Whatever happened, the password must not be anywhere in the output.
	for _, out := range []string{r.stdout, r.stderr} {
		if strings.Contains(out, exporterPassword) {
			t.Fatalf("the database password appears in the output:\n%s", out)
		}
	}
	return r
}

// childPIDs returns the pids of pid's children named name.
func childPIDs(pid int, name string) []int {
	var pids []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		var child int
		if _, err := fmt.Sscanf(e.Name(), "%d", &child); err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...
		s := string(stat)
		close := strings.LastIndex(s, ")")
		if close < 0 {
			continue
		}
		comm := s[strings.Index(s, "(")+1 : close]
		fields := strings.Fields(s[close+1:]) // state ppid ...
		if len(fields) > 1 && fields[1] == fmt.Sprint(pid) && comm == name {
			pids = append(pids, child)
		}
	}
	return pids
}
