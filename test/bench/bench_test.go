package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/advana-export/terraform-aws-advana-export/test/harness/testenv"
)

// TestSmoke runs the whole bench at a tiny scale, once per contender, to
// keep `make bench` working. It asserts only that every contender and every
// partner format produced a result and that the report and the chart were
// written: no timing assertions (the machine is shared and tiny dumps are
// all start-up cost).
func TestSmoke(t *testing.T) {
	testenv.SkipShort(t, "PostgreSQL, pg_dump, zstd and the aws CLI")
	cfg, err := configFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	cfg.Scale, cfg.Repeat, cfg.MemScale, cfg.MemRepeat = 0.02, 1, 0.03, 1
	cfg.OutDir, cfg.DataDir = out, out
	if err := runAndWrite(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(out, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	var res Results
	if err := json.Unmarshal(raw, &res); err != nil {
		t.Fatal(err)
	}
	check := func(p *Phase, cs []Contender) {
		t.Helper()
		for _, c := range cs {
			r := p.row(c.ID)
			if r == nil || len(r.Walls) != 1 || r.Stats.Wall <= 0 || r.ArchiveBytes <= 0 || r.Stats.MaxRSSKiB <= 0 {
				t.Errorf("%s: no complete result: %+v", c.ID, r)
			}
		}
	}
	all := append(contenders(), appContenders()...)
	check(res.Main, all)
	if res.Main.AppDBSize <= 0 {
		t.Error("no size for the second data set")
	}
	for stream, up := range uploadAloneOf {
		if r := res.Main.row(up); r == nil || r.Stats.Wall <= 0 {
			t.Errorf("upload alone of %s: no result", stream)
		}
	}
	for _, c := range contenders() {
		if c.Format == "" {
			continue
		}
		if pr := res.Main.partner(c.ID); pr == nil || pr.Stats.Wall <= 0 {
			t.Errorf("partner restore of %s: no result", c.Format)
		}
	}
	if res.Large == nil {
		t.Fatal("the second size did not run")
	}
	var mem []Contender
	for _, c := range all {
		if c.Memory {
			mem = append(mem, c)
		}
	}
	check(res.Large, mem)
	for _, up := range []string{"up-none", "app-up-none"} {
		if r := res.Large.row(up); r == nil || r.Stats.Wall <= 0 {
			t.Errorf("second size: %s has no result", up)
		}
	}
	md, err := os.ReadFile(filepath.Join(out, "benchmarks.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"## Targets", "benchmarks.svg", "## The second data set (app data)",
		"Default at zstd's speed, app data", "Uncompressed (#23), app data", "Load average at each phase boundary"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("benchmarks.md lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(string(md), "| not run |") || strings.Contains(string(md), ": not run (") {
		t.Errorf("benchmarks.md says a part did not run, though both sizes ran:\n%s", md)
	}
	svg, err := os.ReadFile(filepath.Join(out, "benchmarks.svg"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(svg), "<svg") || !strings.Contains(string(svg), "advana-export (default: zstd:3)") {
		t.Errorf("benchmarks.svg is not the chart:\n%.300s", svg)
	}
}
