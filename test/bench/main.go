// Command bench is `make bench`: it measures advana-export against raw
// pg_dump and the two usual alternatives (dump to a file then `aws s3 cp`,
// and `pg_dump | aws s3 cp -`) on a generated database, with versitygw as
// a local S3 server that is not the bottleneck, then the partner's side
// (download + pg_restore) for each archive format. The speed targets' rows
// also run on a second, text-heavy data set (appdata.go) in the same rounds. It writes
// docs/benchmarks.md, docs/benchmarks.svg and test/bench/out/results.json, and
// stops everything it started.
//
// Environment: BENCH_SCALE (database size in GB on disk, default 1),
// BENCH_REPEAT (runs per contender, default 3), BENCH_MEM_SCALE (second
// size for the memory and speed targets' rows on both data sets, default
// 4; 0 skips it), BENCH_MEM_REPEAT (default 1).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

func main() {
	out := flag.String("out", "docs", "folder for benchmarks.md and benchmarks.svg")
	data := flag.String("data", "test/bench/out", "folder for results.json")
	from := flag.String("from", "", "write the report and chart from this results.json instead of measuring")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	cfg, err := configFromEnv()
	switch {
	case err != nil:
	case *from != "":
		err = rewrite(*from, *out)
	default:
		cfg.OutDir, cfg.DataDir = *out, *data
		err = runAndWrite(ctx, cfg)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench failed:", err)
		os.Exit(1)
	}
}

func configFromEnv() (Config, error) {
	cfg := Config{Scale: 1, Repeat: 3, MemScale: 4, MemRepeat: 1}
	for _, v := range []struct {
		name string
		f    *float64
	}{{"BENCH_SCALE", &cfg.Scale}, {"BENCH_MEM_SCALE", &cfg.MemScale}} {
		if s := os.Getenv(v.name); s != "" {
			x, err := strconv.ParseFloat(s, 64)
			if err != nil || x < 0 || (v.name == "BENCH_SCALE" && x == 0) {
				return cfg, fmt.Errorf("%s=%q: want a size in GB, like 1 or 0.25", v.name, s)
			}
			*v.f = x
		}
	}
	for _, v := range []struct {
		name string
		n    *int
	}{{"BENCH_REPEAT", &cfg.Repeat}, {"BENCH_MEM_REPEAT", &cfg.MemRepeat}} {
		if s := os.Getenv(v.name); s != "" {
			x, err := strconv.Atoi(s)
			if err != nil || x < 1 {
				return cfg, fmt.Errorf("%s=%q: want a count of at least 1", v.name, s)
			}
			*v.n = x
		}
	}
	root, err := moduleRoot()
	if err != nil {
		return cfg, err
	}
	cfg.Root, cfg.BinDir = root, filepath.Join(root, "test", "bench", ".bin")
	return cfg, nil
}

// moduleRoot is the repository's folder (where go.mod is).
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("run the bench inside the repository (no go.mod found)")
	}
	return filepath.Dir(mod), nil
}

// runAndWrite runs the bench and writes the report, the chart and the data.
func runAndWrite(ctx context.Context, cfg Config) error {
	res, err := Run(ctx, cfg)
	if err != nil {
		return err
	}
	for _, d := range []string{cfg.OutDir, cfg.DataDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	raw, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(cfg.DataDir, "results.json"), append(raw, '\n'), 0o644); err != nil {
		return err
	}
	return writeReport(res, cfg.OutDir)
}

// rewrite renders the report again from a results.json (after a change to
// the report's code), measuring nothing.
func rewrite(results, outDir string) error {
	raw, err := os.ReadFile(results)
	if err != nil {
		return err
	}
	var res Results
	if err := json.Unmarshal(raw, &res); err != nil {
		return fmt.Errorf("%s: %w", results, err)
	}
	return writeReport(&res, outDir)
}

// writeReport writes benchmarks.md and benchmarks.svg.
func writeReport(res *Results, outDir string) error {
	files := map[string]string{
		filepath.Join(outDir, "benchmarks.svg"): res.svgChart(),
		filepath.Join(outDir, "benchmarks.md"):  res.markdown("benchmarks.svg"),
	}
	for path, body := range files {
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			return err
		}
		logf("wrote %s", path)
	}
	return nil
}
