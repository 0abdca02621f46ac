package main

import (
	"fmt"
	"strings"
)

// windowHours is the export window a run must fit in (docs/task.md).
const windowHours = 12

// windowFigures are one data set's per-gigabyte costs in the first size's
// rows.
type windowFigures struct {
	name        string
	serverPerGB float64 // one backend's COPY, CPU s per GB on disk
	clientPerGB float64 // the default export's CPU s per GB on disk
	ratio       float64 // database on disk ÷ the default archive
	streamMBs   float64 // one backend core's COPY rate, MB of database per s
}

// windowData is every data set whose rows ran, in dataSets' order.
func (res *Results) windowData() []windowFigures {
	var out []windowFigures
	for _, ds := range dataSets {
		m := res.Main
		z0, def := m.row(ds.z0), m.row(ds.def)
		size := ds.size(m)
		if z0 == nil || def == nil || size == 0 || z0.Stats.ServerCPU <= 0 || def.ArchiveBytes == 0 {
			continue
		}
		gb := float64(size) / 1e9
		f := windowFigures{name: ds.name, serverPerGB: z0.Stats.ServerCPU / gb, clientPerGB: def.Stats.CPUSeconds / gb,
			ratio: float64(size) / float64(def.ArchiveBytes)}
		f.streamMBs = 1e3 / f.serverPerGB
		out = append(out, f)
	}
	return out
}

// windowSection is issue #23's estimate on paper: what one Fargate task
// exports in the window, from this run's per-gigabyte costs on each data
// set, and what stops it first. It is arithmetic on the rows above, not a
// measurement.
func (res *Results) windowSection(p func(string, ...any)) {
	fs := res.windowData()
	if len(fs) == 0 {
		return
	}
	window := float64(windowHours * 3600)
	each := func(f func(w windowFigures) string) string {
		var parts []string
		for _, w := range fs {
			parts = append(parts, w.name+": "+f(w))
		}
		return strings.Join(parts, "; ")
	}
	slowest := fs[0]
	for _, f := range fs {
		if f.streamMBs < slowest.streamMBs {
			slowest = f
		}
	}
	p("## One task in the %d-hour window (on paper)", windowHours)
	p("")
	p("Arithmetic on this run's rows at the first size, for each data set, not a measurement; rerun `make bench` on hardware like " +
		"yours and the figures follow. Per GB of database on disk:")
	p("")
	p("- The database's side: one backend serving `COPY` (pg_dump -Fc -Z0's server CPU) spent %s. The default export (custom "+
		"format) reads one table at a time through one backend, so it cannot read faster than one core of the database server. "+
		"Storage comes first on RDS when the pages are not cached: gp3 below 400 GiB reads 125 MiB/s unless more throughput "+
		"is provisioned (%.1f TB in %d hours), 500 MiB/s from 400 GiB (%.1f TB), and the instance class's EBS bandwidth caps both.",
		each(func(w windowFigures) string {
			return fmt.Sprintf("%.1f CPU s per GB, about %.0f MB/s, %.1f TB in %d hours", w.serverPerGB, w.streamMBs, w.streamMBs*window/1e6, windowHours)
		}),
		125*1.048576*window/1e6, windowHours, 500*1.048576*window/1e6)
	p("- The task's side: the default export (pg_dump, zstd level 3, the SHA-256, the upload, pg_restore --list) spent %s. "+
		"zstd uses every vCPU, so the task's vCPUs keep up with that many MB/s of database.",
		each(func(w windowFigures) string {
			return fmt.Sprintf("%.1f CPU s per GB (16 vCPU keep up with %.0f MB/s, 2 vCPU with %.0f MB/s)", w.clientPerGB,
				16*1e3/w.clientPerGB, 2*1e3/w.clientPerGB)
		}))
	p("- The network: 1 Gbit/s (125 MB/s) of upload carries the archive of %s; the uncompressed archive (`--compression none`) "+
		"is larger than the database and needs the full rate in upload bandwidth.",
		each(func(w windowFigures) string {
			return fmt.Sprintf("%.0f MB/s of database (the archive is 1/%.1f of it)", 125*w.ratio, w.ratio)
		}))
	p("")
	p("So one task with the default settings exports about min(database read rate, one backend core's `COPY` rate) × %d h: "+
		"%.0f MB/s on the slower data set here (%s), %.1f TB in the window. Where that is less than the database, "+
		"`--format directory --jobs N` or `--format parquet --jobs N` read N tables at once (N backends, N × the rate) until "+
		"storage or the task's vCPUs stop them. A single table larger than one backend reads in the window is read by every "+
		"job at once only as Parquet (block ranges of its heap, PostgreSQL 14+; see \"One big table\"); pg_dump's formats give "+
		"it one backend, so for them that is the limit.", windowHours, slowest.streamMBs, slowest.name, slowest.streamMBs*window/1e6)
	p("")
}
