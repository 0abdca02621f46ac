package main

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/advana-export/terraform-aws-advana-export/task/config"
	"github.com/advana-export/terraform-aws-advana-export/task/export"
	"github.com/advana-export/terraform-aws-advana-export/task/s3upload"
)

// Results is everything one run measured; results.json holds it and the
// report is made from it.
type Results struct {
	Config   Config    `json:"config"`
	Machine  Machine   `json:"machine"`
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	Main     *Phase    `json:"main"`
	Large    *Phase    `json:"large,omitempty"`
	// OneTable is issue #23 item 3: a database that is one big table,
	// read with one job and with two.
	OneTable *Phase `json:"one_table,omitempty"`
}

// Machine is where the bench ran.
type Machine struct {
	CPU       string  `json:"cpu"`
	CPUs      int     `json:"cpus"`
	MemoryGiB float64 `json:"memory_gib"`
	Kernel    string  `json:"kernel"`
	GoVersion string  `json:"go"`
	PgDump    string  `json:"pg_dump"`
	AWSCLI    string  `json:"aws_cli"`
	// LoadStart and LoadEnd are /proc/loadavg when the run started and
	// ended: how busy the shared machine was.
	LoadStart string `json:"load_start"`
	LoadEnd   string `json:"load_end"`
	// Loads is the load average at each boundary between phases.
	Loads []LoadMark `json:"loads,omitempty"`
}

// LoadMark is /proc/loadavg at one point of the run.
type LoadMark struct {
	At   string `json:"at"`
	Load string `json:"load"`
}

// Target is one of issue #8's targets with what this run measured.
type Target struct {
	Name string
	Want string
	Got  string
	// Why explains the result from this run's own numbers (the report
	// shows it for a target not met).
	Why string
	Met bool
}

// Limits from issue #8.
const (
	overlapLimit   = 1.05
	beatWallLimit  = 0.95
	beatBytesLimit = 0.80
	rssLimitMiB    = 100  // issue #23 (was 150 in #8)
	flatLimit      = 1.10 // the larger size's peak RSS within 10% of the smaller's
	dirWallLimit   = 0.85
	nearBest       = 1.10 // "at or near the best": within 10%
	largeDatabase  = int64(500) << 30
	// Issue #15: Parquet with --jobs 2 within 1.5× the streamed pg_dump;
	// issue #23: its peak RSS within what docs/warehouse.md promises, 64 MiB
	// + jobs × row-group size (export.ParquetBudget; the bench's row runs the
	// default row group), at each size.
	parquetWallLimit = 1.5
	parquetJobs      = 2
	// Issue #23: the default export within 1.05× of pg_dump -Fc -Z0 |
	// zstd -3 -T0 at both sizes; the uncompressed one within 1.2× of
	// max(raw dump, upload alone).
	zstdWallLimit = 1.05
	noneLimit     = 1.2
	// Issue #23 item 3: one big table read by two jobs instead of one. On
	// the bench's 2 cores the database's backends and the writers share
	// the CPU, so two jobs cannot halve the time; "clearly faster" is
	// taken as at most 0.8× the one-job wall.
	oneTableLimit = 0.80
)

func (p *Phase) row(id string) *Row {
	for i := range p.Rows {
		if p.Rows[i].ID == id {
			return &p.Rows[i]
		}
	}
	return nil
}

func (p *Phase) partner(from string) *PartnerRow {
	for i := range p.Partner {
		if p.Partner[i].From == from {
			return &p.Partner[i]
		}
	}
	return nil
}

func secs(d time.Duration) float64 { return d.Seconds() }
func mib(kib int64) float64        { return float64(kib) / 1024 }

// overlap is a streamed row's wall over max(its raw dump, upload alone).
func (p *Phase) overlap(stream, raw, up string) (ratio float64, limit string) {
	s, r, u := p.row(stream), p.row(raw), p.row(up)
	if s == nil || r == nil || u == nil {
		return math.NaN(), ""
	}
	lim := max(r.Stats.Wall, u.Stats.Wall)
	name := "raw dump"
	if u.Stats.Wall > r.Stats.Wall {
		name = "upload alone"
	}
	return secs(s.Stats.Wall) / secs(lim), fmt.Sprintf("%s %.2f s, upload alone %.2f s (%s is the limit)",
		r.Label, secs(r.Stats.Wall), secs(u.Stats.Wall), name)
}

// targets checks every target of the issue against the results.
func (res *Results) targets() []Target {
	m := res.Main
	var ts []Target
	for _, o := range []struct{ stream, raw, up, name string }{
		{"ae-default", "raw-zstd3", "up-default", "Overlap, default (zstd:3)"},
		{"ae-gzip1", "raw-z1", "up-gzip1", "Overlap, gzip:1"},
		{"ae-none", "raw-z0", "up-none", "Overlap, none"},
	} {
		ratio, detail := m.overlap(o.stream, o.raw, o.up)
		ts = append(ts, Target{Name: o.name, Want: fmt.Sprintf("≤ %.2f× max(raw dump, upload alone)", overlapLimit),
			Got: fmt.Sprintf("%.2f× (%.2f s; %s)", ratio, secs(m.row(o.stream).Stats.Wall), detail),
			Why: res.overlapWhy(m, o.stream, o.raw, o.up),
			Met: ratio <= overlapLimit})
	}
	ts = append(ts, res.speedTargets()...)
	def, z1 := m.row("ae-default"), m.row("raw-z1")
	wall := secs(def.Stats.Wall) / secs(z1.Stats.Wall)
	ts = append(ts, Target{Name: "Beat pg_dump -Z1: wall", Want: fmt.Sprintf("≤ %.2f× raw pg_dump -Fc -Z1", beatWallLimit),
		Got: fmt.Sprintf("%.2f× (%.2f s vs %.2f s)", wall, secs(def.Stats.Wall), secs(z1.Stats.Wall)),
		Why: res.cpuWhy(def, z1, "the default", "pg_dump -Z1"), Met: wall <= beatWallLimit})
	size := float64(def.ArchiveBytes) / float64(z1.ArchiveBytes)
	ts = append(ts, Target{Name: "Beat pg_dump -Z1: archive", Want: fmt.Sprintf("≤ %.2f× its size", beatBytesLimit),
		Got: fmt.Sprintf("%.2f× (%s vs %s)", size, mb(def.ArchiveBytes), mb(z1.ArchiveBytes)), Why: sizeWhy(m), Met: size <= beatBytesLimit})

	ts = append(ts, res.rssTargets("ae-default", "Peak RSS at default settings", fmt.Sprintf("≤ %d MiB", rssLimitMiB), rssLimitMiB)...)
	if res.Large != nil {
		if l := res.Large.row("ae-default"); l != nil {
			growth := float64(l.Stats.MaxRSSKiB) / float64(def.Stats.MaxRSSKiB)
			ts = append(ts, Target{Name: "Peak RSS flat with size", Want: fmt.Sprintf("%s → %s: ≤ %.2f×", mb(m.DBSize), mb(res.Large.DBSize), flatLimit),
				Got: fmt.Sprintf("%.2f×", growth), Why: fmt.Sprintf("%.0f MiB → %.0f MiB", mib(def.Stats.MaxRSSKiB), mib(l.Stats.MaxRSSKiB)),
				Met: growth <= flatLimit})
		}
	} else {
		ts = append(ts, res.notRun("Peak RSS flat with size", fmt.Sprintf("≤ %.2f× from the first size to the second", flatLimit)))
	}

	dir := m.row("ae-dir2")
	dw := secs(dir.Stats.Wall) / secs(z1.Stats.Wall)
	ts = append(ts, Target{Name: "Directory --jobs 2: wall", Want: fmt.Sprintf("≤ %.2f× raw pg_dump -Fc -Z1", dirWallLimit),
		Got: fmt.Sprintf("%.2f× (%.2f s)", dw, secs(dir.Stats.Wall)), Why: res.cpuWhy(dir, z1, "--jobs 2", "pg_dump -Z1"), Met: dw <= dirWallLimit})
	if pd, pc := m.partner("ae-dir2"), m.partner("ae-gzip1"); pd != nil && pc != nil {
		pf := m.partner("aws-file")
		got := fmt.Sprintf("%.2f s vs %.2f s (custom gzip:1, streamed)", secs(pd.Stats.Wall), secs(pc.Stats.Wall))
		met := pd.Stats.Wall < pc.Stats.Wall
		if pf != nil {
			got += fmt.Sprintf(", %.2f s (custom -Z1 from a file)", secs(pf.Stats.Wall))
			met = met && pd.Stats.Wall < pf.Stats.Wall
		}
		why := fmt.Sprintf("archives of %.1f MB (directory) and %.1f MB (custom); restored with `%s` and `%s`", float64(pd.ArchiveBytes)/1e6,
			float64(pc.ArchiveBytes)/1e6, pd.Restore, pc.Restore)
		if pf != nil {
			why += fmt.Sprintf(" and, from the file, `%s`", pf.Restore)
		}
		ts = append(ts, Target{Name: "Directory --jobs 2: partner restore", Want: "download + pg_restore -j 2 faster than from the custom archive",
			Got: got, Why: why, Met: met})
	}

	ts = append(ts, res.parquetTargets()...)
	ts = append(ts, res.oneTableTargets()...)

	e2e := res.endToEnd()
	best := e2e[0]
	for _, e := range e2e {
		if e.Total < best.Total {
			best = e
		}
	}
	for _, e := range e2e {
		if e.From == "ae-default" {
			r := secs(e.Total) / secs(best.Total)
			ts = append(ts, Target{Name: "End to end: default at or near the best", Want: fmt.Sprintf("≤ %.2f× the best format", nearBest),
				Got: fmt.Sprintf("%.2f s, %.2f× the best (%s, %.2f s)", secs(e.Total), r, best.Format, secs(best.Total)),
				Why: fmt.Sprintf("export %.2f s vs %.2f s, partner's side %.2f s vs %.2f s: the partner's side is %+.2f s of the %+.2f s difference",
					secs(e.Export), secs(best.Export), secs(e.Partner), secs(best.Partner), secs(e.Partner-best.Partner), secs(e.Total-best.Total)),
				Met: r <= nearBest})
		}
	}

	ps := s3upload.PartSize(largeDatabase)
	parts := (2*largeDatabase + ps - 1) / ps
	got := fmt.Sprintf("%d MiB parts: %d parts for a 500 GiB archive, %d if it is twice the database; buffers (4+1) × %d MiB = %d MiB",
		ps>>20, (largeDatabase+ps-1)/ps, parts, ps>>20, 5*ps>>20)
	if r := m.row("ae-part114"); r != nil {
		got += fmt.Sprintf("; measured with --part-size-mib 114: %.0f MiB peak RSS, %.2f s", mib(r.Stats.MaxRSSKiB), secs(r.Stats.Wall))
	}
	ts = append(ts, Target{Name: "Part size for 500 GiB", Want: "< 10,000 parts", Got: got, Met: parts < s3upload.MaxParts})
	return ts
}

// EndToEnd is export + the partner's download and restore of one format.
type EndToEnd struct {
	Format  string
	From    string
	Export  time.Duration
	Partner time.Duration
	Total   time.Duration
	Bytes   int64
}

func (res *Results) endToEnd() []EndToEnd {
	var out []EndToEnd
	for _, p := range res.Main.Partner {
		r := res.Main.row(p.From)
		if r == nil {
			continue
		}
		out = append(out, EndToEnd{Format: p.Format, From: p.From, Export: r.Stats.Wall, Partner: p.Stats.Wall,
			Total: r.Stats.Wall + p.Stats.Wall, Bytes: p.ArchiveBytes})
	}
	return out
}

// parquetTargets: issue #15's wall target for --format parquet --jobs 2,
// and its peak RSS at both sizes: flat with the database, and within the
// documented budget (#23).
func (res *Results) parquetTargets() []Target {
	m := res.Main
	pq, z3 := m.row("ae-parquet2"), m.row("raw-zstd3")
	if pq == nil || z3 == nil {
		return nil
	}
	ratio := secs(pq.Stats.Wall) / secs(z3.Stats.Wall)
	ts := []Target{{Name: "Parquet --jobs 2: wall", Want: fmt.Sprintf("≤ %.1f× pg_dump -Fc -Z0 | zstd -3", parquetWallLimit),
		Got: fmt.Sprintf("%.2f× (%.2f s vs %.2f s; %s of Parquet)", ratio, secs(pq.Stats.Wall), secs(z3.Stats.Wall), mb(pq.ArchiveBytes)),
		Why: res.cpuWhy(pq, z3, "Parquet", "pg_dump | zstd -3"), Met: ratio <= parquetWallLimit}}
	flatWant := fmt.Sprintf("independent of table size: ≤ %.2f× from the smaller size to the larger", flatLimit)
	flat := res.notRun("Parquet --jobs 2: peak RSS flat", flatWant)
	if l := largeRow(res, "ae-parquet2"); l != nil {
		growth := float64(l.Stats.MaxRSSKiB) / float64(pq.Stats.MaxRSSKiB)
		flat = Target{Name: flat.Name, Want: flatWant, Got: fmt.Sprintf("%.0f MiB at %s, %.0f MiB at %s (%.2f×)", mib(pq.Stats.MaxRSSKiB),
			mb(m.DBSize), mib(l.Stats.MaxRSSKiB), mb(res.Large.DBSize), growth),
			Why: fmt.Sprintf("grew by %.0f MiB", mib(l.Stats.MaxRSSKiB-pq.Stats.MaxRSSKiB)), Met: growth <= flatLimit}
	}
	budget := export.ParquetBudget(config.DefaultParquetRowGroupMiB*config.MiB, parquetJobs) >> 20
	ts = append(ts, flat)
	want := fmt.Sprintf("≤ 64 MiB + jobs × row-group size (%d × %d MiB) = %d MiB, docs/warehouse.md's promise", parquetJobs, config.DefaultParquetRowGroupMiB, budget)
	return append(ts, res.rssTargets("ae-parquet2", fmt.Sprintf("Parquet --jobs %d: peak RSS bound", parquetJobs), want, budget)...)
}

// rssTargets checks one row's peak RSS against limitMiB at each size the
// bench ran, and says by how much it is under or over; a second size that
// did not run is a target not met.
func (res *Results) rssTargets(id, name, want string, limitMiB int64) []Target {
	var ts []Target
	for _, ph := range []*Phase{res.Main, res.Large} {
		if ph == nil {
			ts = append(ts, res.notRun(name+", second size", want))
			continue
		}
		r := ph.row(id)
		if r == nil {
			continue
		}
		peak := mib(r.Stats.MaxRSSKiB)
		ts = append(ts, Target{Name: name + ", " + mb(ph.DBSize), Want: want, Got: fmt.Sprintf("%.0f MiB (%s)", peak, margin(peak, float64(limitMiB))),
			Why: rssWhy(ph, id), Met: peak <= float64(limitMiB)})
	}
	return ts
}

// rssWhy puts a row's peak RSS beside the rows of the same phase that
// show where it comes from: the export without its compressor (ae-none),
// and the C programs doing the same work (pg_dump | zstd).
func rssWhy(ph *Phase, id string) string {
	var parts []string
	for _, other := range []string{"ae-none", "ae-default", "raw-zstd3"} {
		if r := ph.row(other); r != nil && other != id {
			parts = append(parts, fmt.Sprintf("%s %.0f MiB", r.Label, mib(r.Stats.MaxRSSKiB)))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "in the same phase: " + strings.Join(parts, ", ")
}

// margin says how far got is from a limit it must not pass.
func margin(got, limit float64) string {
	if got <= limit {
		return fmt.Sprintf("%.0f MiB under", limit-got)
	}
	return fmt.Sprintf("missed by %.0f MiB, %.2f×", got-limit, got/limit)
}

// largeRow is a row at the second size, nil if it did not run there.
func largeRow(res *Results, id string) *Row {
	if res.Large == nil {
		return nil
	}
	return res.Large.row(id)
}

// sizeWhy puts the archive-size target beside what every compressor the
// run measured reaches on this data, against pg_dump -Z1.
func sizeWhy(m *Phase) string {
	z1 := m.row("raw-z1")
	var parts []string
	for _, id := range []string{"raw-zstd1", "raw-zstd3", "raw-z6", "ae-zstd1", "ae-default"} {
		if r := m.row(id); r != nil && z1 != nil && z1.ArchiveBytes > 0 {
			parts = append(parts, fmt.Sprintf("%s %.2f×", r.Label, float64(r.ArchiveBytes)/float64(z1.ArchiveBytes)))
		}
	}
	return "on this data, of -Z1's size: " + strings.Join(parts, ", ")
}

// oneTableTargets: issue #23 item 3, the one-big-table database read by
// two jobs against one, for Parquet (which splits the table) and the
// directory format (pg_dump gives each table to one worker, so it cannot).
func (res *Results) oneTableTargets() []Target {
	ph := res.OneTable
	if ph == nil {
		return []Target{{Name: "One big table, --jobs 2", Want: fmt.Sprintf("≤ %.2f× --jobs 1", oneTableLimit), Got: "not run",
			Why: "not measured"}}
	}
	var ts []Target
	for _, o := range []struct{ one, two, name string }{
		{"one-parquet1", "one-parquet2", "One big table, Parquet --jobs 2"},
		{"one-dir1", "one-dir2", "One big table, directory --jobs 2"},
	} {
		a, b := ph.row(o.one), ph.row(o.two)
		if a == nil || b == nil {
			continue
		}
		r := secs(b.Stats.Wall) / secs(a.Stats.Wall)
		t := Target{Name: o.name + " (" + mb(ph.DBSize) + ")", Want: fmt.Sprintf("≤ %.2f× --jobs 1", oneTableLimit),
			Got: fmt.Sprintf("%.2f× (%.2f s vs %.2f s; peak RSS %.0f vs %.0f MiB)", r, secs(b.Stats.Wall), secs(a.Stats.Wall),
				mib(b.Stats.MaxRSSKiB), mib(a.Stats.MaxRSSKiB)), Why: res.oneTableWhy(a, b, oneTableLimit), Met: r <= oneTableLimit}
		if o.one == "one-dir1" {
			t.Want = "none: pg_dump reads a table with one worker (measured to show it)"
			t.Met = true
		}
		ts = append(ts, t)
	}
	return ts
}
