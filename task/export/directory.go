package export

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/advana-export/terraform-aws-advana-export/task/manifest"
	"github.com/advana-export/terraform-aws-advana-export/task/s3upload"
	"github.com/advana-export/terraform-aws-advana-export/task/scratch"
)

// Scratch space needed for a directory dump, as a multiple of the
// database's size: compressed archives are a fraction of it; uncompressed
// ones can exceed it (bytea as hex).
const (
	spaceFactorCompressed   = 1.2
	spaceFactorUncompressed = 2.0
)

// checkScratch is the directory format's preflight: the folder must be
// writable by this user (permissions-init ran) and have room for the dump.
func (r *run) checkScratch() error {
	if err := scratch.CheckWritable(r.cfg.ScratchDir); err != nil {
		return &Error{Kind: KindConfig, Err: err}
	}
	factor := spaceFactorCompressed
	if r.cfg.Compression.PgDumpLevel() == 0 {
		factor = spaceFactorUncompressed
	}
	need := uint64(float64(r.server.DatabaseSize) * factor)
	if err := scratch.CheckSpace(r.cfg.ScratchDir, need); err != nil {
		return &Error{Kind: KindConfig, Err: err}
	}
	return nil
}

// dumpDirectory runs pg_dump -Fd -j N into a per-run folder on the scratch
// volume, verifies its table of contents, uploads every file in parallel
// and removes the folder, on success and on failure.
func (r *run) dumpDirectory(ctx context.Context) ([]manifest.Object, *manifest.Verification, string, error) {
	runDir, cleanup, err := scratch.NewRunDir(r.cfg.ScratchDir, r.id)
	if err != nil {
		return nil, nil, "", &Error{Kind: KindConfig, Err: err}
	}
	defer func() {
		if err := cleanup(); err != nil {
			r.log.WithError(err).WithField("event", "scratch_cleanup_failed").Warn("could not remove the run's scratch folder")
		}
	}()
	name := keySafe(r.cfg.DB.DBName) + ".dir"
	out := filepath.Join(runDir, name) // pg_dump creates it

	stop := r.progressOnDisk(out)
	dctx, stopDump := context.WithCancel(ctx)
	defer stopDump()
	var stalled atomic.Bool
	stopWatchdog := watchdog(r.cfg.StallTimeout, growthTimer(func() int64 { return dirSize(out) }),
		func() { stalled.Store(true); stopDump() })
	err = r.runDirectoryDump(dctx, out)
	stopWatchdog()
	stop()
	if err != nil && stalled.Load() && ctx.Err() == nil {
		err = &Error{Kind: KindDump, Err: stallError(r.cfg.StallTimeout, "the dump folder stopped growing")}
	}
	if err != nil {
		return nil, nil, "", err
	}
	toc, err := r.tools.ListDirectory(ctx, out)
	if err != nil {
		return nil, nil, "", &Error{Kind: KindDump, Err: fmt.Errorf("archive failed verification: %w", err)}
	}
	// Files go up Concurrency at a time, each one part at a time: memory
	// stays at Concurrency × 2 parts, as in streaming mode.
	objects, err := r.uploadTree(ctx, s3upload.New(r.d.S3, r.cfg.Bucket, r.cfg.KMSKeyID, r.partSize, 1), out, name)
	if err != nil {
		return nil, nil, "", err
	}
	v := &manifest.Verification{Tool: "pg_restore --list", TOCEntries: toc.Entries, TableDataEntries: toc.TableDataEntries}
	restore := restoreCommand(name)
	return objects, v, restore, nil
}

func (r *run) runDirectoryDump(ctx context.Context, out string) error {
	dump, err := r.tools.Start(ctx, r.cfg.DB.Env(), r.dumpOptions(out), nil)
	if err != nil {
		return fail(KindConfig, "%w", err)
	}
	if err := dump.Wait(); err != nil {
		if ctx.Err() != nil {
			return &Error{Kind: KindInterrupted, Err: fmt.Errorf("interrupted during the dump: %w", err)}
		}
		return &Error{Kind: KindDump, Err: err}
	}
	return nil
}

// uploadTree uploads every file under dir to PREFIX/name/..., several at a
// time; the first failure cancels the rest.
func (r *run) uploadTree(ctx context.Context, up *s3upload.Uploader, dir, name string) ([]manifest.Object, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		return nil, &Error{Kind: KindDump, Err: fmt.Errorf("list dump files: %w", err)}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := min(r.cfg.Concurrency, len(files))
	jobs := make(chan string)
	objects := make([]manifest.Object, 0, len(files))
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range jobs {
				obj, err := r.uploadFile(ctx, up, dir, name, f)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
					cancel()
				}
				if err == nil {
					objects = append(objects, obj)
				}
				mu.Unlock()
			}
		}()
	}
	for _, f := range files {
		select {
		case jobs <- f:
		case <-ctx.Done():
		}
	}
	close(jobs)
	wg.Wait()
	if firstErr != nil {
		return nil, &Error{Kind: KindStorage, Err: firstErr}
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	sort.Slice(objects, func(i, j int) bool { return objects[i].Path < objects[j].Path })
	return objects, nil
}

func (r *run) uploadFile(ctx context.Context, up *s3upload.Uploader, dir, name, file string) (manifest.Object, error) {
	rel, err := filepath.Rel(dir, file)
	if err != nil {
		return manifest.Object{}, err
	}
	relPath := path.Join(name, filepath.ToSlash(rel))
	f, err := os.Open(file)
	if err != nil {
		return manifest.Object{}, fmt.Errorf("open %s: %w", file, err)
	}
	defer f.Close()
	obj, err := up.Stream(ctx, path.Join(r.prefix, relPath), f, nil)
	if err != nil {
		return manifest.Object{}, err
	}
	r.log.WithFields(logrus.Fields{"event": "file_uploaded", "key": obj.Key, "bytes": obj.Size}).Debug("file uploaded")
	return manifest.Object{Key: obj.Key, Path: relPath, Size: obj.Size, SHA256: obj.SHA256}, nil
}

// progressOnDisk logs the dump folder's size every ProgressInterval.
func (r *run) progressOnDisk(dir string) (stop func()) {
	return r.everyInterval(func(elapsed time.Duration) {
		n := dirSize(dir)
		r.log.WithFields(logrus.Fields{"event": "progress", "bytes_on_disk": n,
			"mb_per_s": round2(mbps(n, elapsed.Seconds())), "jobs": r.cfg.Jobs}).Info("dumping to scratch")
	})
}

func dirSize(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}
