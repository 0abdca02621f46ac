package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Contender is one way of getting the database out (or, for the raw
// pg_dump rows, the limit any way is measured against).
type Contender struct {
	ID    string // short, stable: keys the results and the chart
	Label string // what the tables show
	Group string // raw pg_dump, advana-export, aws CLI
	// Script is the shell command as documented; run fills in the live
	// parts (paths, bucket, key) through the bench's environment.
	Script string
	// Probe, for the raw rows, writes the same archive to stdout so its
	// size can be counted once (the timed run writes to /dev/null).
	Probe string
	// Flags are advana-export's flags, for the advana-export rows.
	Flags []string
	// Format is the archive the partner restores, if this row's archive is
	// one the partner side is measured for.
	Format string
	// Memory marks the rows also run at the second, larger size: the
	// memory targets' rows and the speed targets' (#23 item 1) at 4 GB.
	Memory bool
	// Database, when set, is the database the row exports instead of the
	// bench's (the second data set, the one-big-table phase).
	Database string
	// Dataset is "app" for the rows on the second data set (appdata.go).
	Dataset string
}

// dbEnv points libpq at the row's own database, if it has one (after the
// bench's environment: the last one wins).
func (c Contender) dbEnv() []string {
	if c.Database == "" {
		return nil
	}
	return []string{"PGDATABASE=" + c.Database}
}

// Outcome is one run of a contender.
type Outcome struct {
	Sample
	ArchiveBytes int64
	Archive      *Archive // where the archive is and how to restore it
}

// Archive is what the partner downloads and restores.
type Archive struct {
	Format   string
	Prefix   string // every object under it belongs to this archive
	Restore  string // run in the download folder with TARGET_DATABASE_URL set
	Bytes    int64
	Manifest string // the manifest key, for advana-export archives
}

const (
	dumpFlags  = `pg_dump -Fc --no-sync -f /dev/null`
	sseFlags   = `--sse aws:kms --sse-kms-key-id "$KMS_KEY" --only-show-errors`
	awsRestore = `pg_restore --dbname="$TARGET_DATABASE_URL" --no-owner --no-privileges --exit-on-error --jobs=2 bench.dump`
)

// contenders is every row of the bench, in the order each round runs them.
func contenders() []Contender {
	return []Contender{
		{ID: "raw-z0", Group: "raw pg_dump", Label: "pg_dump -Fc -Z0", Script: `pg_dump -Fc -Z0 --no-sync -f /dev/null`,
			Probe: `pg_dump -Fc -Z0 | wc -c`, Memory: true}, // the uncompressed target at both sizes
		{ID: "raw-z1", Group: "raw pg_dump", Label: "pg_dump -Fc -Z1", Script: `pg_dump -Fc -Z1 --no-sync -f /dev/null`,
			Probe: `pg_dump -Fc -Z1 | wc -c`, Memory: true},
		{ID: "raw-z6", Group: "raw pg_dump", Label: "pg_dump -Fc (default -Z6)", Script: dumpFlags,
			Probe: `pg_dump -Fc | wc -c`},
		{ID: "raw-zstd1", Group: "raw pg_dump", Label: "pg_dump -Fc -Z0 | zstd -1 -T0", Script: `pg_dump -Fc -Z0 | zstd -q -1 -T0 > /dev/null`,
			Probe: `pg_dump -Fc -Z0 | zstd -q -1 -T0 | wc -c`},
		{ID: "raw-zstd3", Group: "raw pg_dump", Label: "pg_dump -Fc -Z0 | zstd -3 -T0", Script: `pg_dump -Fc -Z0 | zstd -q -3 -T0 > /dev/null`,
			Probe: `pg_dump -Fc -Z0 | zstd -q -3 -T0 | wc -c`, Memory: true}, // #23 compares the default with it at both sizes
		{ID: "ae-default", Group: "advana-export", Label: "advana-export (default: zstd:3)", Format: "custom zstd:3 (streamed)", Memory: true},
		{ID: "ae-zstd1", Group: "advana-export", Label: "advana-export --compression zstd:1", Flags: []string{"--compression", "zstd:1"}},
		{ID: "ae-gzip1", Group: "advana-export", Label: "advana-export --compression gzip:1", Flags: []string{"--compression", "gzip:1"},
			Format: "custom gzip:1 (streamed)"},
		{ID: "ae-none", Group: "advana-export", Label: "advana-export --compression none", Flags: []string{"--compression", "none"},
			Format: "custom none (streamed)", Memory: true},
		{ID: "ae-dir2", Group: "advana-export", Label: "advana-export --format directory --jobs 2",
			Flags: []string{"--format", "directory", "--jobs", "2"}, Format: "directory gzip:1"},
		{ID: "ae-parquet2", Group: "advana-export", Label: "advana-export --format parquet --jobs 2",
			Flags: []string{"--format", "parquet", "--jobs", "2"}, Memory: true},
		{ID: "ae-part114", Group: "advana-export", Label: "advana-export --part-size-mib 114", Flags: []string{"--part-size-mib", "114"}},
		{ID: "aws-file", Group: "aws CLI", Label: "pg_dump -Z1 -f file; aws s3 cp file",
			Script: `pg_dump -Fc -Z1 --no-sync -f "$SCRATCH/bench.dump" && aws --endpoint-url "$AWS_ENDPOINT_URL" s3 cp "$SCRATCH/bench.dump" "s3://$BUCKET/$KEY" ` + sseFlags,
			Format: "custom -Z1 (file)", Memory: true},
		{ID: "aws-pipe", Group: "aws CLI", Label: "pg_dump -Z1 | aws s3 cp -",
			Script: `pg_dump -Fc -Z1 | aws --endpoint-url "$AWS_ENDPOINT_URL" s3 cp - "s3://$BUCKET/$KEY" ` + sseFlags, Memory: true},
	}
}

// appContenders are the rows issue #23 item 1 needs on the second data set,
// at both sizes: the default export against pg_dump -Z0 | zstd -3, and the
// uncompressed export against the raw dump (and its upload alone). They
// run in the same rounds as the bench's rows, interleaved with them.
func appContenders() []Contender {
	var out []Contender
	for _, c := range contenders() {
		id, ok := map[string]string{"raw-z0": "app-z0", "raw-zstd3": "app-zstd3", "ae-default": "app-default", "ae-none": "app-none"}[c.ID]
		if !ok {
			continue
		}
		c.ID, c.Database, c.Dataset, c.Format, c.Memory = id, appDatabase, "app", "", true
		out = append(out, c)
	}
	return out
}

// oneTableContenders is issue #23 item 3's phase: the database that is one
// big table, exported by one job and by two, as Parquet (the table is read
// in block ranges by both jobs) and as a directory (pg_dump cannot split a
// table, shown for comparison).
func oneTableContenders() []Contender {
	return []Contender{
		{ID: "one-parquet1", Group: "advana-export", Label: "advana-export --format parquet --jobs 1", Database: oneTableDatabase,
			Flags: []string{"--format", "parquet", "--jobs", "1"}},
		{ID: "one-parquet2", Group: "advana-export", Label: "advana-export --format parquet --jobs 2", Database: oneTableDatabase,
			Flags: []string{"--format", "parquet", "--jobs", "2"}},
		{ID: "one-dir1", Group: "advana-export", Label: "advana-export --format directory --jobs 1", Database: oneTableDatabase,
			Flags: []string{"--format", "directory", "--jobs", "1"}},
		{ID: "one-dir2", Group: "advana-export", Label: "advana-export --format directory --jobs 2", Database: oneTableDatabase,
			Flags: []string{"--format", "directory", "--jobs", "2"}},
	}
}

// advanaScript is the advana-export command line for a row.
func advanaScript(c Contender) string {
	s := `advana-export export`
	for _, f := range c.Flags {
		s += " " + f
	}
	return s
}

// command is the row's command as the report shows it.
func (c Contender) command() string {
	if c.Group == "advana-export" {
		return advanaScript(c)
	}
	return c.Script
}

// runContender runs c once and collects what it produced. prefix is a
// fresh key prefix for this run.
func (b *Bench) runContender(ctx context.Context, c Contender, prefix string) (Outcome, error) {
	switch c.Group {
	case "raw pg_dump":
		s, err := b.measure(ctx, c.dbEnv(), c.Script)
		return Outcome{Sample: s, ArchiveBytes: b.probed[c.ID]}, err
	case "advana-export":
		return b.runAdvana(ctx, c, prefix)
	default:
		return b.runAWS(ctx, c, prefix)
	}
}

func (b *Bench) runAdvana(ctx context.Context, c Contender, prefix string) (Outcome, error) {
	scratch, err := os.MkdirTemp(b.work, "scratch-")
	if err != nil {
		return Outcome{}, err
	}
	defer os.RemoveAll(scratch)
	env := append([]string{"ADVANA_EXPORT_PREFIX=" + prefix, "ADVANA_EXPORT_SCRATCH_DIR=" + scratch}, c.dbEnv()...)
	s, err := b.measure(ctx, env, b.binary+" export "+shellJoin(c.Flags))
	if err != nil {
		return Outcome{}, err
	}
	ev, err := succeeded(s.Stdout)
	if err != nil {
		return Outcome{}, fmt.Errorf("%s: %w", c.Label, err)
	}
	m, err := b.manifest(ctx, ev.ManifestKey)
	if err != nil {
		return Outcome{}, err
	}
	restore := m.RestoreCommand
	if m.Format == "directory" {
		// restore_command is one transaction, so one connection. A large
		// export into a new database is restored in parallel instead
		// (docs/task.md says how), and that is what this row measures.
		restore = strings.Replace(restore, "--single-transaction", "--jobs=2", 1)
	}
	a := &Archive{Format: c.Format, Prefix: path.Dir(ev.ManifestKey) + "/", Restore: restore,
		Bytes: m.TotalBytes, Manifest: ev.ManifestKey}
	return Outcome{Sample: s, ArchiveBytes: m.TotalBytes, Archive: a}, nil
}

func (b *Bench) runAWS(ctx context.Context, c Contender, prefix string) (Outcome, error) {
	scratch, err := os.MkdirTemp(b.work, "scratch-")
	if err != nil {
		return Outcome{}, err
	}
	defer os.RemoveAll(scratch)
	key := prefix + "/bench.dump"
	s, err := b.measure(ctx, []string{"SCRATCH=" + scratch, "KEY=" + key}, c.Script)
	if err != nil {
		return Outcome{}, err
	}
	size, err := b.objectSize(ctx, key)
	if err != nil {
		return Outcome{}, err
	}
	a := &Archive{Format: c.Format, Prefix: prefix + "/", Restore: awsRestore, Bytes: size}
	return Outcome{Sample: s, ArchiveBytes: size, Archive: a}, nil
}

// successEvent is the part of advana-export's last log line the bench reads.
type successEvent struct {
	Event       string `json:"event"`
	Bytes       int64  `json:"bytes"`
	ManifestKey string `json:"manifest_key"`
}

func succeeded(stdout string) (successEvent, error) {
	sc := bufio.NewScanner(strings.NewReader(stdout))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var ev successEvent
		if json.Unmarshal(sc.Bytes(), &ev) == nil && ev.Event == "export_succeeded" {
			return ev, nil
		}
	}
	return successEvent{}, fmt.Errorf("no export_succeeded event in the log:\n%s", tail(stdout, 2000))
}

// shellJoin quotes flags for bash; the bench's own flags need no escaping
// beyond single quotes.
func shellJoin(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return strings.Join(q, " ")
}

// scratchPath is a path under the bench's work folder.
func (b *Bench) scratchPath(name string) string { return filepath.Join(b.work, name) }
