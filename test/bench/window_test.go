package main

import (
	"fmt"
	"strings"
	"testing"
)

// The estimate follows the run's rows on each data set: one backend's COPY
// rate from the raw dump's server CPU, the task's CPU from the default
// export's, and the conclusion takes the slower data set.
func TestWindowSection(t *testing.T) {
	res := &Results{Main: &Phase{DBSize: 1e9, AppDBSize: 5e8, Rows: []Row{
		{ID: "raw-z0", Stats: Stats{ServerCPU: 4}},
		{ID: "ae-default", Stats: Stats{CPUSeconds: 8}, ArchiveBytes: 250e6},
		{ID: "app-z0", Dataset: "app", Stats: Stats{ServerCPU: 4}},
		{ID: "app-default", Dataset: "app", Stats: Stats{CPUSeconds: 5}, ArchiveBytes: 100e6},
	}}}
	var w strings.Builder
	res.windowSection(func(f string, a ...any) { fmt.Fprintf(&w, f+"\n", a...) })
	out := w.String()
	for _, want := range []string{
		"bench data: 4.0 CPU s per GB, about 250 MB/s, 10.8 TB in 12 hours",
		"app data: 8.0 CPU s per GB, about 125 MB/s, 5.4 TB in 12 hours",
		"16 vCPU keep up with 2000 MB/s", "app data: 10.0 CPU s per GB (16 vCPU keep up with 1600 MB/s",
		"bench data: 500 MB/s of database (the archive is 1/4.0 of it)", "app data: 625 MB/s of database",
		"125 MB/s on the slower data set here (app data), 5.4 TB in the window",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("estimate lacks %q:\n%s", want, out)
		}
	}
	// Without the second data set's rows the estimate is the bench data's.
	res.Main.Rows, res.Main.AppDBSize = res.Main.Rows[:2], 0
	w.Reset()
	res.windowSection(func(f string, a ...any) { fmt.Fprintf(&w, f+"\n", a...) })
	if out := w.String(); strings.Contains(out, "app data") || !strings.Contains(out, "250 MB/s on the slower data set here (bench data)") {
		t.Errorf("bench data alone:\n%s", out)
	}
}
