package export

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/advana-export/terraform-aws-advana-export/task/manifest"
	"github.com/advana-export/terraform-aws-advana-export/task/pgdump"
	"github.com/advana-export/terraform-aws-advana-export/task/s3upload"
)

// streamCustom pipes pg_dump -Fc into one multipart upload, feeding the
// same bytes to pg_restore --list. The upload is completed only after
// pg_dump exited 0 and the archive verified.
func (r *run) streamCustom(ctx context.Context) ([]manifest.Object, *manifest.Verification, string, error) {
	dctx, stopDump := context.WithCancel(ctx)
	defer stopDump()

	table := &atomic.Value{}
	table.Store("")
	dump, err := r.tools.Start(dctx, r.cfg.DB.Env(), r.dumpOptions(""), trackTable(table))
	if err != nil {
		return nil, nil, "", fail(KindConfig, "%w", err)
	}
	var src io.Reader = dump.Stdout
	var ver *pgdump.Verifier
	if r.cfg.Verify {
		if ver, err = r.tools.StartVerifier(dctx); err != nil {
			stopDump()
			_ = dump.Wait()
			return nil, nil, "", fail(KindConfig, "%w", err)
		}
		src = io.TeeReader(src, ver)
	}
	gate := &eofGate{r: src}
	var toc pgdump.TOC
	var dumpErr, verErr error
	gate.atEOF = func() error {
		if dumpErr = dump.Wait(); dumpErr != nil {
			return dumpErr
		}
		if ver != nil {
			if toc, verErr = ver.Finish(); verErr != nil {
				return verErr
			}
		}
		return nil
	}

	name := keySafe(r.cfg.DB.DBName) + ".dump"
	key := path.Join(r.prefix, name)
	counter := &s3upload.Counter{}
	stopProgress := r.progress(counter, table)
	obj, upErr := r.up.Stream(ctx, key, gate, counter)
	stopProgress()

	if !gate.finished() {
		// The upload stopped before the end of the stream: stop pg_dump and
		// collect both children so none outlives the run.
		stopDump()
		_, _ = io.Copy(io.Discard, dump.Stdout)
		dumpErr = dump.Wait()
		if ver != nil {
			_, _ = ver.Finish()
		}
	}
	switch {
	case upErr == nil:
	case ctx.Err() != nil:
		return nil, nil, "", &Error{Kind: KindInterrupted, Err: fmt.Errorf("interrupted during the dump: %w", upErr)}
	case verErr != nil:
		return nil, nil, "", &Error{Kind: KindDump, Err: fmt.Errorf("archive failed verification: %w", verErr)}
	case gate.finished() && dumpErr != nil:
		return nil, nil, "", &Error{Kind: KindDump, Err: dumpErr}
	default:
		return nil, nil, "", &Error{Kind: KindStorage, Err: upErr}
	}

	var v *manifest.Verification
	if ver != nil {
		v = &manifest.Verification{Tool: "pg_restore --list", TOCEntries: toc.Entries, TableDataEntries: toc.TableDataEntries}
	}
	restore := fmt.Sprintf("pg_restore --dbname=\"$TARGET_DATABASE_URL\" --no-owner --no-privileges --exit-on-error --jobs=2 %s", name)
	return []manifest.Object{{Key: obj.Key, Path: name, Size: obj.Size, SHA256: obj.SHA256}}, v, restore, nil
}

func (r *run) dumpOptions(outDir string) pgdump.Options {
	return pgdump.Options{
		Format: r.cfg.Format, Compress: r.cfg.Compression.PgDumpLevel(), Jobs: r.cfg.Jobs, OutDir: outDir,
		Schemas: r.cfg.Schemas, ExcludeTables: r.cfg.ExcludeTables, ExcludeTableData: r.cfg.ExcludeTableData,
	}
}

// eofGate passes reads through but turns the source's io.EOF into the
// result of atEOF: the stream only ends cleanly if the producer succeeded.
type eofGate struct {
	r     io.Reader
	atEOF func() error
	once  sync.Once
	err   error
	done  atomic.Bool
}

func (g *eofGate) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	if errors.Is(err, io.EOF) {
		g.once.Do(func() {
			if e := g.atEOF(); e != nil {
				g.err = e
			} else {
				g.err = io.EOF
			}
			g.done.Store(true)
		})
		return n, g.err
	}
	return n, err
}

func (g *eofGate) finished() bool { return g.done.Load() }

// trackTable remembers the table pg_dump --verbose says it is dumping.
func trackTable(v *atomic.Value) func(string) {
	const marker = "dumping contents of table "
	return func(line string) {
		if i := strings.Index(line, marker); i >= 0 {
			v.Store(strings.Trim(line[i+len(marker):], `"`))
		}
	}
}

// progress logs bytes, rate and parts every ProgressInterval until stopped.
func (r *run) progress(c *s3upload.Counter, table *atomic.Value) (stop func()) {
	if r.cfg.ProgressInterval <= 0 {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(r.cfg.ProgressInterval)
		defer t.Stop()
		start := time.Now()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				n := c.Bytes()
				r.log.WithFields(logrus.Fields{
					"event": "progress", "bytes": n, "parts": n / r.partSize,
					"mb_per_s": round2(mbps(n, time.Since(start).Seconds())), "table": table.Load(),
				}).Info("dumping")
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}
