package main

import (
	"strings"
	"testing"
)

// The memory targets are checked literally at each size: 100 MiB for the
// default export, 64 MiB + 2 × 64 MiB = 192 MiB for Parquet --jobs 2, and
// each says by how much it is under or over; a size not run is not met.
func TestRSSTargets(t *testing.T) {
	phase := func(size int64, defMiB, pqMiB int64) *Phase {
		return &Phase{DBSize: size, Rows: []Row{
			{ID: "ae-default", Stats: Stats{MaxRSSKiB: defMiB << 10}},
			{ID: "ae-parquet2", Stats: Stats{MaxRSSKiB: pqMiB << 10}},
		}}
	}
	res := &Results{Main: phase(1e9, 88, 180)}
	got := map[string]Target{}
	for _, id := range []string{"ae-default", "ae-parquet2"} {
		for _, tg := range res.rssTargets(id, id, "", map[string]int64{"ae-default": 100, "ae-parquet2": 192}[id]) {
			got[tg.Name] = tg
		}
	}
	for name, want := range map[string]struct {
		met bool
		got string
	}{
		"ae-default, 1000 MB":      {true, "88 MiB (12 MiB under)"},
		"ae-parquet2, 1000 MB":     {true, "180 MiB (12 MiB under)"},
		"ae-default, second size":  {false, "not run"},
		"ae-parquet2, second size": {false, "not run"},
	} {
		tg, ok := got[name]
		if !ok || tg.Met != want.met || !strings.HasPrefix(tg.Got, want.got) {
			t.Errorf("%s: got %+v, want met=%v %q", name, tg, want.met, want.got)
		}
	}
	res.Large = phase(4e9, 101, 230)
	ts := res.rssTargets("ae-parquet2", "pq", "", 192)
	if len(ts) != 2 || ts[1].Met || ts[1].Got != "230 MiB (missed by 38 MiB, 1.20×)" {
		t.Errorf("a miss at the second size: %+v", ts)
	}
	for _, tg := range res.targetsOf(t) {
		if strings.HasPrefix(tg.Name, "Parquet --jobs 2: peak RSS bound") && !strings.Contains(tg.Want, "= 192 MiB") {
			t.Errorf("the Parquet bound is not the documented 192 MiB: %q", tg.Want)
		}
	}
}

// targetsOf is parquetTargets on res with the rows it needs besides RSS.
func (res *Results) targetsOf(t *testing.T) []Target {
	t.Helper()
	res.Main.Rows = append(res.Main.Rows, Row{ID: "raw-zstd3", Stats: Stats{Wall: 1}})
	return res.parquetTargets()
}
