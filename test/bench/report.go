package main

import (
	"fmt"
	"strings"
)

// markdown renders docs/benchmarks.md from the results.
func (res *Results) markdown(chart string) string {
	var w strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&w, format+"\n", args...) }
	m := res.Main
	z1 := m.row("raw-z1")
	p("# Benchmarks")
	p("")
	p("Written by `make bench` (the program in [`test/bench/`](../test/bench)) on %s; rerun it rather than edit this file.",
		res.Started.Format("2006-01-02 15:04 UTC"))
	p("One run: every contender %d× on the same database, interleaved (round 1 of each, then round 2, …); "+
		"figures are medians, peak RSS the largest of the runs. Ratios below compare rows of this same run.", res.Config.Repeat)
	p("")
	p("![wall time, MB/s and peak RSS per contender](%s)", chart)
	p("")
	p("## Targets (issues #8, #15 and #23)")
	p("")
	p("A target not met says why in the last column, from this run's numbers. A target whose size did not run counts as not met.")
	p("")
	p("| Target | Wanted | Measured | Met | Why (this run's numbers) |")
	p("|---|---|---|---|---|")
	for _, t := range res.targets() {
		met, why := "**no**", t.Why
		if t.Met {
			met, why = "yes", ""
		}
		p("| %s | %s | %s | %s | %s |", cell(t.Name), cell(t.Want), cell(t.Got), met, cell(why))
	}
	p("")
	res.readingSection(p)
	res.windowSection(p)
	p("## Machine")
	p("")
	mc := res.Machine
	p("- %d × %s, %.0f GiB RAM, %s. The machine is shared with other work: load average %s at the start of this run "+
		"and %s at its end (1, 5, 15 min). With more runnable processes than cores, every row is slower and noisier than on an "+
		"idle machine (see the min–max ranges); interleaving spreads that over all contenders, so the ratios hold better "+
		"than the absolute figures.", mc.CPUs, mc.CPU, mc.MemoryGiB, mc.Kernel, mc.LoadStart, mc.LoadEnd)
	if len(mc.Loads) > 0 {
		var marks []string
		for _, l := range mc.Loads {
			marks = append(marks, fmt.Sprintf("%s: %s", l.At, l.Load))
		}
		p("- Load average at each phase boundary: %s.", strings.Join(marks, "; "))
	}
	p("- PostgreSQL 15 server (throwaway cluster from `test/harness/testenv`, `shared_buffers=128MB`, fsync off) and `%s`, on loopback.", mc.PgDump)
	p("- S3: versitygw %s (`versitygw --access K --secret S --port 127.0.0.1:PORT posix DIR`) on the same disk; it accepts "+
		"SSE-KMS headers without encrypting. Each run's objects are deleted once measured.", versitygwVersion)
	p("- %s; advana-export built from this tree with %s; warm page cache (a probe dump runs before round 1).", mc.AWSCLI, mc.GoVersion)
	p("")
	res.databaseSection(p)
	p("## Export")
	p("")
	p("MB/s is of the database's size on disk (%s). Peak RSS is the largest single process of the command's tree "+
		"(`/usr/bin/time -v`, `ru_maxrss` of the children): advana-export itself, not pg_dump beside it. CPU is user + system of "+
		"the whole tree; the PostgreSQL backends that serve `COPY` are not in it: their CPU is the server column "+
		"(the postmaster's reaped children, from `/proc`). The versitygw server's CPU is in neither. With %d cores shared by "+
		"the database, pg_dump, the exporter and the S3 server, a run cannot be shorter than (CPU + server CPU + S3 work) ÷ %[2]d.",
		mb(m.DBSize), res.Machine.CPUs)
	p("")
	p("| Contender | Wall s (min–max) | MB/s | Archive MB | Peak RSS MiB | CPU s | Server CPU s | Wall ÷ pg_dump -Z1 |")
	p("|---|---|---|---|---|---|---|---|")
	for _, r := range m.benchRows() {
		rss, cpu, server := fmt.Sprintf("%.0f", mib(r.Stats.MaxRSSKiB)), fmt.Sprintf("%.1f", r.Stats.CPUSeconds), fmt.Sprintf("%.1f", r.Stats.ServerCPU)
		if r.Group == "upload alone" {
			rss, cpu, server = "–", "–", "–"
		}
		p("| %s | %.2f (%.2f–%.2f) | %.0f | %.1f | %s | %s | %s | %.2f |", cell(r.Label), secs(r.Stats.Wall), secs(r.Stats.MinWall), secs(r.Stats.MaxWall),
			float64(m.DBSize)/1e6/secs(r.Stats.Wall), float64(r.ArchiveBytes)/1e6, rss, cpu, server, secs(r.Stats.Wall)/secs(z1.Stats.Wall))
	}
	p("")
	p("Commands, as run (bash, `set -euo pipefail`; `PG*` point at the database, `AWS_ENDPOINT_URL` at versitygw):")
	p("")
	p("```sh")
	for _, r := range m.benchRows() {
		if r.Group == "upload alone" {
			continue
		}
		p("# %s", r.Label)
		p("%s", r.Command)
	}
	p("```")
	p("")
	p("\"Upload alone\" uploads the very archive the streamed export produced, from a local file, with the task's own uploader " +
		"(`s3upload.Uploader`, the same part size and concurrency 4), timed in the bench's process: the other bound of the overlap target.")
	p("")
	res.partnerSection(p)
	res.appSection(p)
	res.oneTableSection(p)
	res.memorySection(p)
	runningSection(p)
	return w.String()
}

func runningSection(p func(string, ...any)) {
	p("## Running it")
	p("")
	p("```sh")
	p("make bench                                   # both data sets at about 1 GB, 3 runs each; the targets' rows again at 4 GB")
	p("make bench BENCH_SCALE=4 BENCH_MEM_SCALE=0    # another size; BENCH_REPEAT, BENCH_MEM_REPEAT")
	p("```")
	p("")
	p("It needs what `make test` needs (Go, PostgreSQL 15 binaries, `zstd`, the aws CLI, GNU time at `/usr/bin/time`) and "+
		"disk for the database and a few archives. On first use it builds versitygw %s into `test/bench/.bin/` (gitignored) with "+
		"`go install` — about 1.5 minutes with a cold module cache, seconds after that — and fails with the reason if the "+
		"Go module proxy cannot provide it. It starts PostgreSQL and versitygw itself and stops them, whatever happens.", versitygwVersion)
	p("")
	p("`make test` runs the whole bench once at about 20 MB with one run per contender (`test/bench/bench_test.go`): it checks that " +
		"every contender on both data sets, upload alone, every partner format and the second size produced a result and that the report and " +
		"the chart were written, never a timing. It uses versitygw too, not moto, so the path `make bench` takes is the one " +
		"tested; the cost is the one-off versitygw build on a fresh machine. The run itself takes about 70 s here (68 s measured with both data sets).")
	p("")
}

func (res *Results) databaseSection(p func(string, ...any)) {
	m := res.Main
	p("## The data sets")
	p("")
	p("Two databases, both generated by the bench. Every row runs on the first; the rows issue #23's speed targets need " +
		"(pg_dump -Fc -Z0, pg_dump -Fc -Z0 | zstd -3 -T0, the default export, `--compression none` and its upload alone) also " +
		"run on the second, in the same rounds, interleaved with the rest.")
	p("")
	p("- **bench data** (database `%s`, `test/bench/dataset.go`): logistics rows, described below.", database)
	p("- **app data** (database `%s`, `test/bench/appdata.go`): the shape of an application database, text-heavy: a help desk's "+
		"`accounts`, `tickets` (subject, a free-text body of 60–600 words from a 256-word vocabulary, status, text[] tags, jsonb "+
		"metadata, numeric cost, three timestamptz), three `comments` per ticket (10–120 words) and a jsonb `documents` row "+
		"(an invoice of 20–160 line items) for one ticket in four; every key a uuid, primary keys on every table. Bodies above "+
		"about 2 KB and most documents pass PostgreSQL's TOAST threshold and are stored pglz-compressed, so the dump is larger "+
		"than the database on disk and the server decompresses them while it serves `COPY`.", appDatabase)
	p("")
	p("### bench data")
	p("")
	p("Generated by `test/bench/dataset.go` with `generate_series` and `random()`, two sessions in parallel: a wide `shipments` table " +
		"(text, jsonb addresses and attributes, numeric, timestamptz, free-text notes from a 64-word vocabulary), an `events` log " +
		"(jsonb payloads), a narrow `ledger` (the pgbench-like part: ints, numeric, short text) and `documents` with 1 KiB of random " +
		"bytea for one shipment in eight; primary keys on every table; `vacuum (freeze, analyze)` after the load. " +
		"Nothing is wide enough to be TOAST-compressed, so the size on disk is the data's.")
	p("")
	raw0, raw1, zs := m.row("raw-z0"), m.row("raw-z1"), m.row("ae-default")
	p("| | bytes | database ÷ it | uncompressed archive ÷ it |")
	p("|---|---|---|---|")
	p("| database on disk (`pg_database_size`) | %s | 1.00 | |", mb(m.DBSize))
	for _, r := range []*Row{raw0, raw1, m.row("raw-z6"), zs} {
		if r == nil {
			continue
		}
		p("| %s archive | %s | %.2f | %.2f |", cell(r.Label), mb(r.ArchiveBytes), float64(m.DBSize)/float64(r.ArchiveBytes), float64(raw0.ArchiveBytes)/float64(r.ArchiveBytes))
	}
	p("")
	p("The data compresses %.1f:1 with pg_dump's gzip -Z1 and %.1f:1 with zstd level 1 (uncompressed archive ÷ compressed).",
		float64(raw0.ArchiveBytes)/float64(raw1.ArchiveBytes), float64(raw0.ArchiveBytes)/float64(zs.ArchiveBytes))
	if res.Large != nil {
		p("The memory rows also ran at a second size, %s, after loading more of the same rows.", mb(res.Large.DBSize))
	}
	p("")
}

func (res *Results) partnerSection(p func(string, ...any)) {
	m := res.Main
	p("## The partner's side")
	p("")
	p("For each archive format: download every object of the export with `aws s3 cp --recursive`, then run the restore command " +
		"(for advana-export, the manifest's `restore_command`) into a fresh database, with bash in the download folder. " +
		"The archive is the one the last export round produced.")
	p("")
	p("| Format | Archive MB | Download + restore s (min–max) | Restore command |")
	p("|---|---|---|---|")
	for _, r := range m.Partner {
		p("| %s | %.1f | %.2f (%.2f–%.2f) | `%s` |", r.Format, float64(r.ArchiveBytes)/1e6, secs(r.Stats.Wall), secs(r.Stats.MinWall),
			secs(r.Stats.MaxWall), cell(r.Restore))
	}
	p("")
	p("### End to end (export + download + restore)")
	p("")
	p("| Format | Export s | Partner s | Total s |")
	p("|---|---|---|---|")
	for _, e := range res.endToEnd() {
		p("| %s | %.2f | %.2f | %.2f |", e.Format, secs(e.Export), secs(e.Partner), secs(e.Total))
	}
	p("")
}

func (res *Results) memorySection(p func(string, ...any)) {
	p("## Memory at two sizes")
	p("")
	if res.Large == nil {
		p("Not run: `BENCH_MEM_SCALE` was not above `BENCH_SCALE`.")
		p("")
		return
	}
	a, b := res.Main, res.Large
	p("The rows marked for it ran again (%d×) after the database grew from %s to %s. advana-export's part size stays 8 MiB "+
		"up to a 36 GB database, so its buffers do not grow.", res.Config.MemRepeat, mb(a.DBSize), mb(b.DBSize))
	p("")
	p("| Contender | Wall s at %s | Peak RSS MiB | Wall s at %s | Peak RSS MiB | RSS growth |", mb(a.DBSize), mb(b.DBSize))
	p("|---|---|---|---|---|---|")
	for _, rb := range b.benchRows() {
		ra := a.row(rb.ID)
		if ra == nil {
			continue
		}
		p("| %s | %.2f | %.0f | %.2f | %.0f | %.2f× |", cell(rb.Label), secs(ra.Stats.Wall), mib(ra.Stats.MaxRSSKiB),
			secs(rb.Stats.Wall), mib(rb.Stats.MaxRSSKiB), float64(rb.Stats.MaxRSSKiB)/float64(ra.Stats.MaxRSSKiB))
	}
	p("")
}

// oneTableSection is issue #23 item 3's phase: one big table.
func (res *Results) oneTableSection(p func(string, ...any)) {
	ph := res.OneTable
	p("## One big table")
	p("")
	if ph == nil {
		p("Not run.")
		p("")
		return
	}
	p("A second database, `%s`: one table of the bench's shipments rows, %s on disk, nothing else. The custom and "+
		"directory formats give a table to one pg_dump worker whatever `--jobs` says; Parquet with `--jobs 2` reads it in "+
		"two block ranges of its heap at once, inside the same snapshot (a table at least `--parquet-split-mib`, default "+
		"256 MiB, and larger than the database ÷ jobs; PostgreSQL 14 or later).", oneTableDatabase, mb(ph.DBSize))
	p("")
	p("| Contender | Wall s (min–max) | MB/s | Archive MB | Peak RSS MiB | CPU s | Server CPU s |")
	p("|---|---|---|---|---|---|---|")
	for _, r := range ph.Rows {
		p("| %s | %.2f (%.2f–%.2f) | %.0f | %.1f | %.0f | %.1f | %.1f |", cell(r.Label), secs(r.Stats.Wall), secs(r.Stats.MinWall),
			secs(r.Stats.MaxWall), float64(ph.DBSize)/1e6/secs(r.Stats.Wall), float64(r.ArchiveBytes)/1e6, mib(r.Stats.MaxRSSKiB),
			r.Stats.CPUSeconds, r.Stats.ServerCPU)
	}
	p("")
}

// cell escapes the pipes of a shell command inside a Markdown table cell.
func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// readingSection puts the figures that explain the targets side by side:
// the CPU each row needed on a machine of few cores, and the sizes other
// zstd settings reach on this data.
func (res *Results) readingSection(p func(string, ...any)) {
	m := res.Main
	cores := float64(res.Machine.CPUs)
	p("How to read them: on %d cores the database's backends, pg_dump, the exporter and the S3 server share the CPU, so a "+
		"row's wall time is at least its total CPU ÷ %[1]d; a row that needs more CPU in total cannot overlap its way under one "+
		"that needs less. Total CPU (client + server), and that floor:", res.Machine.CPUs)
	p("")
	for _, id := range []string{"raw-z0", "raw-z1", "raw-zstd1", "raw-zstd3", "ae-default", "ae-zstd1", "ae-gzip1", "ae-none", "ae-dir2"} {
		r := m.row(id)
		if r == nil {
			continue
		}
		total := r.Stats.CPUSeconds + r.Stats.ServerCPU
		p("- %s: %.1f + %.1f = %.1f CPU s, floor %.2f s, measured %.2f s", r.Label, r.Stats.CPUSeconds, r.Stats.ServerCPU,
			total, total/cores, secs(r.Stats.Wall))
	}
	z1, cli, go1, def := m.row("raw-z1"), m.row("raw-zstd1"), m.row("ae-zstd1"), m.row("ae-default")
	if z1 != nil && cli != nil && go1 != nil && def != nil && z1.ArchiveBytes > 0 {
		p("")
		p("Archive size against `-Z1` on this data: advana-export's default zstd:3 %.2f×, advana-export zstd:1 %.2f×, the zstd "+
			"CLI at level 1 %.2f×. zstd:1 maps to the Go encoder's fastest level, which compresses less than the C library's "+
			"level 1; that is why the default is level 3 (the Go encoder's default level).",
			float64(def.ArchiveBytes)/float64(z1.ArchiveBytes), float64(go1.ArchiveBytes)/float64(z1.ArchiveBytes),
			float64(cli.ArchiveBytes)/float64(z1.ArchiveBytes))
	}
	p("")
}

// appSection is the second data set's rows (#23 item 1) at each size that
// ran, beside each other.
func (res *Results) appSection(p func(string, ...any)) {
	p("## The second data set (app data)")
	p("")
	for _, sz := range res.sizes() {
		ph := sz.ph
		if ph == nil || ph.AppDBSize == 0 {
			p("At the %s: not run (BENCH_MEM_SCALE %g is not above BENCH_SCALE %g).", sz.name, res.Config.MemScale, res.Config.Scale)
			p("")
			continue
		}
		z3 := ph.row("app-zstd3")
		p("At the %s: `%s` is %s on disk; the bench data beside it in the same rounds is %s. MB/s is of the app database's size.",
			sz.name, appDatabase, mb(ph.AppDBSize), mb(ph.DBSize))
		p("")
		p("| Contender | Wall s (min–max) | MB/s | Archive MB | Peak RSS MiB | CPU s | Server CPU s | Wall ÷ pg_dump \\| zstd -3 |")
		p("|---|---|---|---|---|---|---|---|")
		for _, r := range ph.Rows {
			if r.Dataset != "app" {
				continue
			}
			rss, cpu, server := fmt.Sprintf("%.0f", mib(r.Stats.MaxRSSKiB)), fmt.Sprintf("%.1f", r.Stats.CPUSeconds), fmt.Sprintf("%.1f", r.Stats.ServerCPU)
			if r.Group == "upload alone" {
				rss, cpu, server = "–", "–", "–"
			}
			ratio := "–"
			if z3 != nil {
				ratio = fmt.Sprintf("%.2f", secs(r.Stats.Wall)/secs(z3.Stats.Wall))
			}
			p("| %s | %.2f (%.2f–%.2f) | %.0f | %.1f | %s | %s | %s | %s |", cell(r.Label), secs(r.Stats.Wall), secs(r.Stats.MinWall),
				secs(r.Stats.MaxWall), float64(ph.AppDBSize)/1e6/secs(r.Stats.Wall), float64(r.ArchiveBytes)/1e6, rss, cpu, server, ratio)
		}
		p("")
		if z0, d := ph.row("app-z0"), ph.row("app-default"); z0 != nil && d != nil && d.ArchiveBytes > 0 && z0.ArchiveBytes > 0 {
			p("The uncompressed archive is %.2f× the database on disk and the default export's archive 1/%.1f of the uncompressed one; "+
				"on the bench data %s.", float64(z0.ArchiveBytes)/float64(ph.AppDBSize), float64(z0.ArchiveBytes)/float64(d.ArchiveBytes),
				benchRatio(ph))
			p("")
		}
	}
}

// benchRatio is the bench data's compression ratio in a phase, for prose.
func benchRatio(ph *Phase) string {
	z0, d := ph.row("raw-z0"), ph.row("ae-default")
	if z0 == nil || d == nil || d.ArchiveBytes == 0 || ph.DBSize == 0 {
		return "not measured"
	}
	return fmt.Sprintf("%.2f× and 1/%.1f", float64(z0.ArchiveBytes)/float64(ph.DBSize), float64(z0.ArchiveBytes)/float64(d.ArchiveBytes))
}
