package main

// windowHours is the export window a run must fit in (docs/task.md).
const windowHours = 12

// windowSection is issue #23's estimate on paper: what one Fargate task
// exports in the window, from this run's per-gigabyte costs, and what stops
// it first. It is arithmetic on the rows above, not a measurement.
func (res *Results) windowSection(p func(string, ...any)) {
	m := res.Main
	z0, def := m.row("raw-z0"), m.row("ae-default")
	if z0 == nil || def == nil || m.DBSize == 0 {
		return
	}
	gb := float64(m.DBSize) / 1e9
	serverPerGB := z0.Stats.ServerCPU / gb   // one backend's COPY, per GB on disk
	clientPerGB := def.Stats.CPUSeconds / gb // pg_dump, zstd, hashing, upload, verifier
	ratio := float64(m.DBSize) / float64(def.ArchiveBytes)
	streamMBs := 1e3 / serverPerGB // one COPY at a time: one backend's core
	window := float64(windowHours * 3600)
	p("## One task in the %d-hour window (on paper)", windowHours)
	p("")
	p("Arithmetic on this run's rows, not a measurement; rerun `make bench` on hardware like yours and the figures follow. Per GB of database on disk:")
	p("")
	p("- The database's side: one backend serving `COPY` spent %.1f CPU s per GB (pg_dump -Fc -Z0's server CPU). The default export (custom format) "+
		"reads one table at a time through one backend, so it cannot read faster than one core of the database server: about %.0f MB/s here, "+
		"%.1f TB in %d hours. Storage comes first on RDS when the pages are not cached: gp3 below 400 GiB reads 125 MiB/s unless more throughput "+
		"is provisioned (%.1f TB in %d hours), 500 MiB/s from 400 GiB (%.1f TB), and the instance class's EBS bandwidth caps both.",
		serverPerGB, streamMBs, streamMBs*window/1e6, windowHours, 125*1.048576*window/1e6, windowHours, 500*1.048576*window/1e6)
	p("- The task's side: the default export spent %.1f CPU s per GB (pg_dump, zstd level 3, the SHA-256, the upload, pg_restore --list). "+
		"zstd uses every vCPU, so 16 vCPU keep up with %.0f MB/s of database, more than one backend sends; 2 vCPU keep up with %.0f MB/s.",
		clientPerGB, 16*1e3/clientPerGB, 2*1e3/clientPerGB)
	p("- The network: the archive is 1/%.1f of the database on this data, so 1 Gbit/s (125 MB/s) of upload carries %.0f MB/s of database; "+
		"the uncompressed archive (`--compression none`) is larger than the database and needs the full rate in upload bandwidth.",
		ratio, 125*ratio)
	p("")
	p("So one task with the default settings exports about min(database read rate, %.0f MB/s per backend core like these) × %d h. "+
		"Where that is less than the database, `--format directory --jobs N` or `--format parquet --jobs N` read N tables at once "+
		"(N backends, N × the rate) until storage or the task's vCPUs stop them. A single table larger than one backend reads in the window "+
		"(%.1f TB here) is read by every job at once only as Parquet (block ranges of its heap, PostgreSQL 14+; see \"One big table\"); "+
		"pg_dump's formats give it one backend, so for them that is the limit.", streamMBs, windowHours, streamMBs*window/1e6)
	p("")
}
