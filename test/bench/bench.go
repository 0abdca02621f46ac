package main

import (
	"context"
	"fmt"
	"math"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/advana-export/terraform-aws-advana-export/test/harness/testenv"
)

const (
	database = "bench"
	// oneTableDatabase is one big table (issue #23 item 3).
	oneTableDatabase = "bench_one_table"
	bucket           = "advana-bench"
	// taskConcurrency is advana-export's default --concurrency.
	taskConcurrency = 4
)

// Config is one bench run.
type Config struct {
	Scale     float64 // database size in GB on disk (about)
	Repeat    int     // runs of every contender, interleaved
	MemScale  float64 // second size for the memory rows; <= Scale skips it
	MemRepeat int
	Root      string // the repository (go.mod)
	OutDir    string // benchmarks.md and benchmarks.svg
	DataDir   string // results.json
	BinDir    string // GOBIN for versitygw
}

// Bench holds the servers and what the rounds found.
type Bench struct {
	cfg    Config
	work   string
	binary string // advana-export
	awsDir string
	pg     *testenv.Postgres
	gw     *testenv.Versitygw
	kms    *httptest.Server // DescribeKey only (kms.go)
	s3c    *s3.Client
	dbSize int64
	// appSize is the second data set's size (appdata.go).
	appSize int64
	// versions of the tools, for the report
	pgDumpVersion, awsVersion string

	probed map[string]int64 // raw pg_dump archive sizes
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench %s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

// Run is the whole bench: servers up, database loaded, rounds, partner
// restores, the second size, the report. Everything it starts it stops.
func Run(ctx context.Context, cfg Config) (*Results, error) {
	b := &Bench{cfg: cfg, probed: map[string]int64{}}
	loadStart := loadAvg()
	var err error
	if b.work, err = os.MkdirTemp("", "advana-bench-"); err != nil {
		return nil, err
	}
	defer os.RemoveAll(b.work)
	if err := b.tools(ctx); err != nil {
		return nil, err
	}
	gwBin, err := installVersitygw(ctx, cfg.BinDir)
	if err != nil {
		return nil, err
	}
	if b.gw, err = testenv.StartVersitygw(ctx, gwBin, b.work); err != nil {
		return nil, err
	}
	defer b.gw.Stop()
	b.kms = startKMSStub()
	defer b.kms.Close()
	b.s3c = b.gw.S3Client()
	if err := createBucket(ctx, b.s3c, bucket); err != nil {
		return nil, err
	}
	if b.pg, err = testenv.StartPostgres(ctx); err != nil {
		return nil, err
	}
	defer b.pg.Stop()
	// pg_dump -Fd -j 2 and pg_restore -j 2 open their own sessions.
	if err := b.load(ctx, 0, cfg.Scale, true); err != nil {
		return nil, err
	}
	if b.appSize, err = b.loadApp(ctx, 0, cfg.Scale, true); err != nil {
		return nil, err
	}
	res := &Results{Config: cfg, Machine: machine(), Started: time.Now().UTC()}
	res.Machine.PgDump, res.Machine.AWSCLI = b.pgDumpVersion, b.awsVersion
	res.Machine.LoadStart = loadStart
	mark := func(at string) { res.Machine.Loads = append(res.Machine.Loads, LoadMark{At: at, Load: loadAvg()}) }
	mark("both data sets loaded")
	// The second data set's rows run in the same rounds as the bench's.
	all := append(contenders(), appContenders()...)
	if res.Main, err = b.phase(ctx, cfg.Repeat, all, true); err != nil {
		return nil, err
	}
	mark("first size measured")
	if cfg.MemScale > cfg.Scale {
		if err := b.load(ctx, cfg.Scale, cfg.MemScale, false); err != nil {
			return nil, err
		}
		if b.appSize, err = b.loadApp(ctx, cfg.Scale, cfg.MemScale, false); err != nil {
			return nil, err
		}
		mark("second size loaded")
		var mem []Contender
		for _, c := range all {
			if c.Memory {
				mem = append(mem, c)
			}
		}
		if res.Large, err = b.phase(ctx, cfg.MemRepeat, mem, false); err != nil {
			return nil, err
		}
		mark("second size measured")
	}
	if err := b.loadOneTable(ctx, 2*cfg.Scale); err != nil {
		return nil, err
	}
	mark("one big table loaded")
	if res.OneTable, err = b.phase(ctx, cfg.Repeat, oneTableContenders(), false); err != nil {
		return nil, err
	}
	res.Finished = time.Now().UTC()
	res.Machine.LoadEnd = loadAvg()
	return res, nil
}

// tools builds advana-export and finds pg_dump, zstd and the aws CLI.
func (b *Bench) tools(ctx context.Context) error {
	b.binary = filepath.Join(b.work, "advana-export")
	build := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", b.binary, "./task/cmd/advana-export")
	build.Dir = b.cfg.Root
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("build advana-export: %w: %s", err, out)
	}
	if _, err := os.Stat(timeBin); err != nil {
		return fmt.Errorf("%s (GNU time) is needed for peak RSS and CPU: %w", timeBin, err)
	}
	if _, err := exec.LookPath("zstd"); err != nil {
		return fmt.Errorf("zstd is needed (restoring the default export, the zstd row): %w", err)
	}
	aws, err := exec.LookPath("aws")
	if err != nil {
		if _, err2 := os.Stat("/root/.pyenv/shims/aws"); err2 != nil {
			return fmt.Errorf("the aws CLI is needed for the aws CLI rows and the partner's download: %w", err)
		}
		aws = "/root/.pyenv/shims/aws"
	}
	b.awsDir = filepath.Dir(aws)
	if out, err := exec.CommandContext(ctx, filepath.Join(testenv.PGBinDir(), "pg_dump"), "--version").Output(); err == nil {
		b.pgDumpVersion = strings.TrimSpace(string(out))
	}
	if out, err := exec.CommandContext(ctx, aws, "--version").CombinedOutput(); err == nil {
		b.awsVersion = strings.Fields(string(out) + " aws-cli")[0]
	}
	return nil
}

// load fills the database from fromGB to toGB (about) and reads its size.
func (b *Bench) load(ctx context.Context, fromGB, toGB float64, first bool) error {
	from, to := units(fromGB), units(toGB)
	logf("loading the bench database: units %d to %d (about %.2f GB)", from, to, toGB)
	start := time.Now()
	if first {
		if err := b.pg.CreateDatabase(ctx, database); err != nil {
			return err
		}
		if err := createSchema(ctx, b.pg, database); err != nil {
			return err
		}
	}
	workers := runtime.NumCPU()
	if err := loadUnits(ctx, b.pg, database, from, to, workers); err != nil {
		return err
	}
	var keys []string
	if first {
		keys = keysSQL
	}
	if err := finishLoad(ctx, b.pg, database, keys, workers); err != nil {
		return err
	}
	var err error
	if b.dbSize, err = b.databaseSize(ctx, database); err != nil {
		return err
	}
	logf("database %s: %s on disk, loaded in %s", database, mb(b.dbSize), time.Since(start).Round(time.Second))
	return nil
}

// databaseSize is pg_database_size of name.
func (b *Bench) databaseSize(ctx context.Context, name string) (int64, error) {
	out, err := b.pg.Query(ctx, name, "select pg_database_size(current_database())")
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseInt(out, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("size of %s %q: %w", name, out, err)
	}
	return n, nil
}

func units(gb float64) int64 { return int64(math.Round(gb * unitsPerGB)) }

// loadOneTable makes the database of issue #23 item 3: one table of the
// bench's widest rows (shipments), about gb on disk, and sets dbSize to it.
func (b *Bench) loadOneTable(ctx context.Context, gb float64) error {
	out, err := b.pg.Query(ctx, database, "select pg_table_size('app.shipments') / greatest(count(*), 1) from app.shipments")
	if err != nil {
		return err
	}
	perRow, err := strconv.ParseInt(out, 10, 64)
	if err != nil || perRow <= 0 {
		return fmt.Errorf("bytes per shipment %q: %v", out, err)
	}
	rows := int64(gb * 1e9 / float64(perRow))
	logf("loading %s: one table of %d shipments (about %.2f GB)", oneTableDatabase, rows, gb)
	start := time.Now()
	if err := b.pg.CreateDatabase(ctx, oneTableDatabase); err != nil {
		return err
	}
	if err := createSchema(ctx, b.pg, oneTableDatabase); err != nil {
		return err
	}
	const chunk = 50_000
	var scripts []string
	for lo := int64(0); lo < rows; lo += chunk {
		scripts = append(scripts, shipmentsSQL(lo, min(lo+chunk, rows)))
	}
	if err := parallel(ctx, b.pg, oneTableDatabase, scripts, runtime.NumCPU()); err != nil {
		return err
	}
	if err := b.pg.Exec(ctx, oneTableDatabase, "drop table app.events, app.ledger, app.documents;\nalter table app.shipments add primary key (id);\nvacuum (freeze, analyze);\ncheckpoint;"); err != nil {
		return err
	}
	if b.dbSize, err = b.databaseSize(ctx, oneTableDatabase); err != nil {
		return err
	}
	logf("database %s: %s on disk, loaded in %s", oneTableDatabase, mb(b.dbSize), time.Since(start).Round(time.Second))
	return nil
}

// env is what every measured command runs with: libpq settings for the
// bench database, the AWS settings for versitygw, advana-export's
// settings, and PATH with PostgreSQL's and the aws CLI's folders first.
func (b *Bench) env(extra []string) []string {
	env := append(b.pg.Env(database), b.gw.Env()...)
	env = append(env,
		"PATH="+b.pg.BinDir+":"+b.awsDir+":"+os.Getenv("PATH"),
		"BUCKET="+bucket, "KMS_KEY="+kmsKeyARN,
		"ADVANA_EXPORT_BUCKET="+bucket, "ADVANA_EXPORT_KMS_KEY_ID="+kmsKeyARN,
		"ADVANA_EXPORT_S3_FORCE_PATH_STYLE=true", "ADVANA_EXPORT_PG_BIN_DIR="+b.pg.BinDir,
		"ADVANA_EXPORT_PROGRESS_INTERVAL=0", "AWS_ENDPOINT_URL_KMS="+b.kms.URL)
	return append(env, extra...)
}

// machine describes where the bench ran.
func machine() Machine {
	m := Machine{CPUs: runtime.NumCPU(), GoVersion: runtime.Version()}
	if raw, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(raw), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if raw, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kib int64
		if _, err := fmt.Sscanf(string(raw), "MemTotal: %d kB", &kib); err == nil {
			m.MemoryGiB = float64(kib) / (1 << 20)
		}
	}
	if out, err := exec.Command("uname", "-sr").Output(); err == nil {
		m.Kernel = strings.TrimSpace(string(out))
	}
	return m
}

func mb(n int64) string { return fmt.Sprintf("%.0f MB", float64(n)/1e6) }

// loadAvg is the 1, 5 and 15 minute load averages.
func loadAvg() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(raw))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
