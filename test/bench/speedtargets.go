package main

import "fmt"

// dataSet names one data set's rows: the bench's own (dataset.go) and the
// second, text-heavy one (appdata.go). Issue #23 item 1's targets are
// checked on both, at both sizes.
type dataSet struct {
	name                         string
	z0, zstd3, def, none, upNone string
	size                         func(*Phase) int64
}

var dataSets = []dataSet{
	{name: "bench data", z0: "raw-z0", zstd3: "raw-zstd3", def: "ae-default", none: "ae-none", upNone: "up-none",
		size: func(p *Phase) int64 { return p.DBSize }},
	{name: "app data", z0: "app-z0", zstd3: "app-zstd3", def: "app-default", none: "app-none", upNone: "app-up-none",
		size: func(p *Phase) int64 { return p.AppDBSize }},
}

// sizes is each phase of the two sizes with what to call it when it did
// not run.
func (res *Results) sizes() []struct {
	name string
	ph   *Phase
} {
	return []struct {
		name string
		ph   *Phase
	}{{"first size", res.Main}, {"second size", res.Large}}
}

// notRun is a target the run did not measure: not met, and why.
func (res *Results) notRun(name, want string) Target {
	return Target{Name: name, Want: want, Got: "not run",
		Why: fmt.Sprintf("not measured: the second size runs only when BENCH_MEM_SCALE (%g) is above BENCH_SCALE (%g)",
			res.Config.MemScale, res.Config.Scale)}
}

// speedTargets are issue #23 item 1's cells: the default export against
// pg_dump -Fc -Z0 | zstd -3 -T0, and the uncompressed export against
// max(raw dump, upload alone), for each data set at each size.
func (res *Results) speedTargets() []Target {
	var zs, ns []Target
	zWant := fmt.Sprintf("≤ %.2f× pg_dump -Fc -Z0 | zstd -3 -T0", zstdWallLimit)
	nWant := fmt.Sprintf("≤ %.2f× max(raw dump, upload alone)", noneLimit)
	for _, sz := range res.sizes() {
		for _, ds := range dataSets {
			if sz.ph == nil || sz.ph.row(ds.def) == nil {
				zs = append(zs, res.notRun("Default at zstd's speed, "+ds.name+", "+sz.name, zWant))
				ns = append(ns, res.notRun("Uncompressed (#23), "+ds.name+", "+sz.name, nWant))
				continue
			}
			at := ds.name + ", " + mb(ds.size(sz.ph))
			if t, ok := res.zstdCell(sz.ph, ds, at, zWant); ok {
				zs = append(zs, t)
			}
			if t, ok := res.noneCell(sz.ph, ds, at, nWant); ok {
				ns = append(ns, t)
			}
		}
	}
	return append(zs, ns...)
}

func (res *Results) zstdCell(ph *Phase, ds dataSet, at, want string) (Target, bool) {
	d, z := ph.row(ds.def), ph.row(ds.zstd3)
	if d == nil || z == nil {
		return Target{}, false
	}
	r := secs(d.Stats.Wall) / secs(z.Stats.Wall)
	why := res.cpuWhy(d, z, "the default", "pg_dump | zstd -3")
	if n, z0 := ph.row(ds.none), ph.row(ds.z0); n != nil && z0 != nil {
		why += fmt.Sprintf(". Where it goes (client CPU): compressing %.1f s here (default − --compression none) vs %.1f s in "+
			"the zstd program (its row − pg_dump -Z0); the rest of the export (SHA-256, upload, copies, pg_restore --list: "+
			"--compression none − pg_dump -Z0) %.1f s",
			d.Stats.CPUSeconds-n.Stats.CPUSeconds, z.Stats.CPUSeconds-z0.Stats.CPUSeconds, n.Stats.CPUSeconds-z0.Stats.CPUSeconds)
	}
	return Target{Name: "Default at zstd's speed, " + at, Want: want,
		Got: fmt.Sprintf("%.2f× (%.2f s vs %.2f s)", r, secs(d.Stats.Wall), secs(z.Stats.Wall)),
		Why: why, Met: r <= zstdWallLimit}, true
}

func (res *Results) noneCell(ph *Phase, ds dataSet, at, want string) (Target, bool) {
	ratio, detail := ph.overlap(ds.none, ds.z0, ds.upNone)
	if detail == "" {
		return Target{}, false
	}
	return Target{Name: "Uncompressed (#23), " + at, Want: want, Got: fmt.Sprintf("%.2f× (%s)", ratio, detail),
		Why: res.overlapWhy(ph, ds.none, ds.z0, ds.upNone), Met: ratio <= noneLimit}, true
}

// floor is a row's total CPU (client + server) and the shortest wall that
// CPU allows on the run's cores.
func (res *Results) floor(r *Row) (total, floor float64) {
	total = r.Stats.CPUSeconds + r.Stats.ServerCPU
	return total, total / float64(max(res.Machine.CPUs, 1))
}

// cpuWhy compares two rows' CPU: how much more a spent than b, and what
// that difference alone costs in wall time on this machine's cores.
func (res *Results) cpuWhy(a, b *Row, an, bn string) string {
	ta, fa := res.floor(a)
	tb, fb := res.floor(b)
	gap := secs(a.Stats.Wall) - secs(b.Stats.Wall)
	s := fmt.Sprintf("CPU (client + server): %s %.1f + %.1f = %.1f s, %s %.1f + %.1f = %.1f s (%+.1f s); on %d cores the floors are "+
		"%.2f s and %.2f s", an, a.Stats.CPUSeconds, a.Stats.ServerCPU, ta, bn, b.Stats.CPUSeconds, b.Stats.ServerCPU, tb, ta-tb,
		res.Machine.CPUs, fa, fb)
	switch {
	case gap <= 0:
		return s
	case fa-fb >= gap:
		return s + fmt.Sprintf(": the extra CPU alone accounts for the whole %.2f s gap", gap)
	case fa-fb > 0:
		return s + fmt.Sprintf(": the extra CPU accounts for %.2f s of the %.2f s gap, the rest is waiting", fa-fb, gap)
	default:
		return s + fmt.Sprintf(": not CPU (%s needs no more); the %.2f s gap is waiting", an, gap)
	}
}

// overlapWhy says, for a streamed row against its raw dump and its upload
// alone, whether the two overlapped at all and what the CPU allowed.
func (res *Results) overlapWhy(ph *Phase, stream, raw, up string) string {
	s, r, u := ph.row(stream), ph.row(raw), ph.row(up)
	if s == nil || r == nil || u == nil {
		return ""
	}
	serial := secs(r.Stats.Wall) + secs(u.Stats.Wall)
	ts, fs := res.floor(s)
	tr, fr := res.floor(r)
	return fmt.Sprintf("one after the other, the raw dump and the upload alone take %.2f s; the stream took %.2f s (%.2f× of that, "+
		"1.00× is no overlap at all). CPU (client + server): the stream %.1f s, floor %.2f s on %d cores; the raw dump %.1f s, "+
		"floor %.2f s; the upload alone's CPU and the S3 server's are not measured and share the same cores",
		serial, secs(s.Stats.Wall), secs(s.Stats.Wall)/serial, ts, fs, res.Machine.CPUs, tr, fr)
}

// oneTableWhy says whether the CPU on this machine leaves room for two
// jobs to be faster than one: the floor of each row against the target.
func (res *Results) oneTableWhy(one, two *Row, limit float64) string {
	t1, f1 := res.floor(one)
	t2, f2 := res.floor(two)
	s := fmt.Sprintf("CPU (client + server): --jobs 1 %.1f + %.1f = %.1f s, floor %.2f s; --jobs 2 %.1f + %.1f = %.1f s, floor %.2f s "+
		"on %d cores; the target is %.2f s", one.Stats.CPUSeconds, one.Stats.ServerCPU, t1, f1, two.Stats.CPUSeconds, two.Stats.ServerCPU,
		t2, f2, res.Machine.CPUs, limit*secs(one.Stats.Wall))
	if f2 > limit*secs(one.Stats.Wall) {
		return s + ": the CPU alone needs more than the target, so no parallel reading can reach it on this machine"
	}
	return s + fmt.Sprintf(": the CPU allows it; --jobs 2 waited %.2f s beyond its floor", secs(two.Stats.Wall)-f2)
}
