package main

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// The estimate follows the run's rows: one backend's COPY rate from the
// raw dump's server CPU, the task's CPU from the default export's.
func TestWindowSection(t *testing.T) {
	res := &Results{Main: &Phase{DBSize: 1e9, Rows: []Row{
		{ID: "raw-z0", Stats: Stats{ServerCPU: 4}},
		{ID: "ae-default", Stats: Stats{CPUSeconds: 8}, ArchiveBytes: 250e6},
	}}}
	var w strings.Builder
	res.windowSection(func(f string, a ...any) { fmt.Fprintf(&w, f+"\n", a...) })
	out := w.String()
	for _, want := range []string{"about 250 MB/s here, 10.8 TB in 12 hours", "16 vCPU keep up with 2000 MB/s", "carries 500 MB/s of database"} {
		if !strings.Contains(out, want) {
			t.Errorf("estimate lacks %q:\n%s", want, out)
		}
	}
	if p := os.Getenv("WINDOW_OUT"); p != "" {
		// The committed docs' numbers (2026-12-02 run), to print the section.
		res.Main = &Phase{DBSize: 986e6, Rows: []Row{{ID: "raw-z0", Stats: Stats{ServerCPU: 4.3}},
			{ID: "ae-default", Stats: Stats{CPUSeconds: 8.0}, ArchiveBytes: 245.1e6}}}
		w.Reset()
		res.windowSection(func(f string, a ...any) { fmt.Fprintf(&w, f+"\n", a...) })
		_ = os.WriteFile(p, []byte(w.String()), 0o644)
	}
}
