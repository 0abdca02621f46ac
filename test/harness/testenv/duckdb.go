package testenv

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
)

// DuckDB runs test/duckdb/read.mjs: DuckDB from the npm registry
// (@duckdb/node-api, its Linux build inside the package) reading Parquet
// as a warehouse would, independent of the Go library that wrote it.
type DuckDB struct{ dir string }

var duckdbOnce sync.Once
var duckdbErr error

// StartDuckDB checks node and npm and installs test/duckdb's locked
// packages (npm ci) if they are missing. A missing node or npm is an error,
// never a skip.
func StartDuckDB(ctx context.Context) (*DuckDB, error) {
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "duckdb")
	duckdbOnce.Do(func() {
		for _, tool := range []string{"node", "npm"} {
			if _, err := exec.LookPath(tool); err != nil {
				duckdbErr = fmt.Errorf("%s not found: the Parquet tests read exports back with DuckDB through Node.js; install Node.js 20+ and npm", tool)
				return
			}
		}
		if _, err := os.Stat(filepath.Join(dir, "node_modules", "@duckdb", "node-api")); err == nil {
			return
		}
		cmd := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			duckdbErr = fmt.Errorf("npm ci in %s: %w: %s", dir, err, truncate(string(out), 2000))
		}
	})
	if duckdbErr != nil {
		return nil, duckdbErr
	}
	return &DuckDB{dir: dir}, nil
}

// Query runs each SQL statement in one DuckDB session (TimeZone UTC) and
// returns its rows; the SQL must cast every column to text.
func (d *DuckDB) Query(ctx context.Context, tmp string, sqls ...string) ([][][]*string, error) {
	type q struct {
		SQL string `json:"sql"`
		Out string `json:"out"`
	}
	job := struct {
		Queries []q `json:"queries"`
	}{}
	for i, s := range sqls {
		job.Queries = append(job.Queries, q{SQL: s, Out: filepath.Join(tmp, fmt.Sprintf("duckdb-%d.json", i))})
	}
	jobFile := filepath.Join(tmp, "duckdb-job.json")
	b, _ := json.Marshal(job)
	if err := os.WriteFile(jobFile, b, 0o600); err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, "node", filepath.Join(d.dir, "read.mjs"), jobFile)
	cmd.Dir = d.dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("duckdb: %w: %s", err, truncate(string(out), 4000))
	}
	results := make([][][]*string, len(sqls))
	for i, qq := range job.Queries {
		b, err := os.ReadFile(qq.Out)
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(b, &results[i]); err != nil {
			return nil, fmt.Errorf("duckdb result %d: %w", i, err)
		}
	}
	return results, nil
}
