package export

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/advana-export/terraform-aws-advana-export/task/compress"
	"github.com/advana-export/terraform-aws-advana-export/task/manifest"
	"github.com/advana-export/terraform-aws-advana-export/task/pgdump"
	"github.com/advana-export/terraform-aws-advana-export/task/relay"
	"github.com/advana-export/terraform-aws-advana-export/task/s3upload"
)

// streamCustom pipes pg_dump -Fc into one multipart upload, feeding the
// same bytes to pg_restore --list. The upload is completed only after
// pg_dump exited 0 and the archive verified.
//
// pg_dump's stdout goes through a relay (task/relay) into a pipe that the
// `zstd` program reads, or the upload when pg_dump compresses: on Linux the
// raw archive is spliced from pipe to pipe and tee'd into the verifier's
// stdin, never copied through this process.
func (r *run) streamCustom(ctx context.Context) ([]manifest.Object, *manifest.Verification, string, error) {
	limit, restoreLimit := streamMemoryLimit(r.cfg.Concurrency, r.partSize)
	defer restoreLimit()
	r.log.WithFields(logrus.Fields{"event": "memory_limit", "bytes": limit}).Info("garbage collector's soft memory limit (GOMEMLIMIT overrides it)")
	dctx, stopDump := context.WithCancel(ctx)
	defer stopDump()

	table := &atomic.Value{}
	table.Store("")
	dump, err := r.tools.Start(dctx, r.cfg.DB.Env(), r.dumpOptions(""), trackTable(table))
	if err != nil {
		return nil, nil, "", fail(KindConfig, "%w", err)
	}
	var ver *pgdump.Verifier
	var tee *os.File
	if r.cfg.Verify {
		if ver, err = r.tools.StartVerifier(dctx); err != nil {
			stopDump()
			dump.Stdout.Close()
			_ = dump.Wait()
			return nil, nil, "", fail(KindConfig, "%w", err)
		}
		tee = ver.Pipe()
	}
	out, rel, err := relay.Start(dump.Stdout, tee)
	if err != nil {
		stopDump()
		dump.Stdout.Close()
		_ = dump.Wait()
		if ver != nil {
			_, _ = ver.Finish()
		}
		return nil, nil, "", fail(KindConfig, "%w", err)
	}
	var stalled atomic.Bool
	stopWatchdog := watchdog(r.cfg.StallTimeout, rel.Idle, func() { stalled.Store(true); stopDump() })
	defer stopWatchdog()

	// finish collects the relay, pg_dump and the verifier, once; the stream
	// is complete only if it returns nil. It runs when the stream reaches
	// its end, or after the upload stopped early.
	var toc pgdump.TOC
	var relayErr, dumpErr, verErr error
	var once sync.Once
	finish := func() error {
		once.Do(func() {
			relayErr = rel.Wait()
			dumpErr = dump.Wait()
			if ver != nil {
				toc, verErr = ver.Finish()
			}
		})
		switch {
		case dumpErr != nil:
			return dumpErr
		case relayErr != nil:
			return relayErr
		}
		return verErr
	}

	name := keySafe(r.cfg.DB.DBName) + ".dump"
	var body io.Reader = &eofGate{r: out, atEOF: finish}
	var zr *compress.Reader
	if r.cfg.Compression.Zstd() {
		if zr, err = compress.NewZstdPipe(compress.Pipe{File: out, Done: finish}, r.cfg.Compression.Level); err != nil {
			stopDump()
			_ = finish()
			return nil, nil, "", fail(KindConfig, "%w", err)
		}
		body = zr
		name += compress.Extension
	}
	key := path.Join(r.prefix, name)
	uploaded := &s3upload.Counter{}
	stopProgress := r.progress(rel.Bytes, uploaded, table)
	obj, upErr := r.up.Stream(ctx, key, body, uploaded)
	stopProgress()
	stopWatchdog()

	// Collect every child before deciding anything, so none outlives the run.
	// producerDone: the relay reached pg_dump's end before the upload
	// stopped, so a dump or verify error is the cause, not a consequence.
	// Otherwise stop pg_dump (and the verifier), and stop reading the
	// relay's pipe, so that the relay ends whichever side it waits on.
	producerDone := rel.Ended()
	if !producerDone {
		stopDump()
	}
	if zr != nil {
		zr.Close()
	} else {
		out.Close()
	}
	_ = finish()

	switch {
	case upErr == nil:
	case ctx.Err() != nil && producerDone:
		return nil, nil, "", &Error{Kind: KindInterrupted, Err: fmt.Errorf("interrupted after the dump, while completing the upload: %w", upErr)}
	case ctx.Err() != nil:
		return nil, nil, "", &Error{Kind: KindInterrupted, Err: fmt.Errorf("interrupted during the dump: %w", upErr)}
	case stalled.Load():
		return nil, nil, "", &Error{Kind: KindDump, Err: stallError(r.cfg.StallTimeout, "pg_dump sent nothing while the upload waited for it")}
	case producerDone && dumpErr != nil:
		return nil, nil, "", &Error{Kind: KindDump, Err: dumpErr}
	case producerDone && verErr != nil:
		return nil, nil, "", &Error{Kind: KindDump, Err: fmt.Errorf("archive failed verification: %w", verErr)}
	default:
		return nil, nil, "", &Error{Kind: KindStorage, Err: upErr}
	}

	var v *manifest.Verification
	if ver != nil {
		v = &manifest.Verification{Tool: "pg_restore --list", TOCEntries: toc.Entries, TableDataEntries: toc.TableDataEntries}
	}
	restore := restoreCommand(name)
	if zr != nil {
		// Decompress to a file first: a streamed custom archive has no data
		// offsets, and pg_restore seeks through the file to find each block.
		// -f and no --rm: a second attempt finds the archive and overwrites
		// the first attempt's output.
		restore = fmt.Sprintf("zstd -d -f -q %s && %s", name, restoreCommand(strings.TrimSuffix(name, compress.Extension)))
	}
	return []manifest.Object{{Key: obj.Key, Path: name, Size: obj.Size, SHA256: obj.SHA256}}, v, restore, nil
}

// restoreCommand restores archive into $TARGET_DATABASE_URL, which should
// be an empty database, in one transaction: if any statement fails (say, an
// object already exists) or pg_restore is stopped, nothing of the archive
// stays, so the command never leaves a half-restored database and can run
// again. Without --clean, restoring over an earlier restore is refused
// whole; advana-export restore is the re-runnable one (docs/partner.md).
func restoreCommand(archive string) string {
	return fmt.Sprintf(`pg_restore --dbname="$TARGET_DATABASE_URL" --no-owner --no-privileges --exit-on-error --single-transaction %s`, archive)
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

// progress logs, every ProgressInterval until stopped, how much pg_dump has
// written, how much of it (compressed) the upload has taken, and the rate.
func (r *run) progress(dumped func() int64, uploaded *s3upload.Counter, table *atomic.Value) (stop func()) {
	return r.everyInterval(func(elapsed time.Duration) {
		n, up := dumped(), uploaded.Bytes()
		r.log.WithFields(logrus.Fields{
			"event": "progress", "dump_bytes": n, "uploaded_bytes": up, "parts": up / r.partSize,
			"mb_per_s": round2(mbps(n, elapsed.Seconds())), "table": table.Load(),
		}).Info("dumping")
	})
}
