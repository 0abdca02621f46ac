// Package compress compresses a stream with zstd on the way to the upload,
// using every core: pg_dump's own gzip runs on one core and, measured here,
// costs more time for a larger archive than zstd level 1.
package compress

import (
	"fmt"
	"io"
	"runtime"

	"github.com/klauspost/compress/zstd"
)

// Extension is the file name suffix of a zstd-compressed archive.
const Extension = ".zst"

// Reader compresses what it reads from src. Read returns io.EOF only after
// src returned io.EOF and the zstd frame is complete; any error from src is
// passed on, so a failed producer never looks like a finished archive.
type Reader struct {
	pr   *io.PipeReader
	done chan struct{}
}

// NewZstd starts compressing src at level (1-19, zstd's scale) with one
// encoder goroutine per core.
func NewZstd(src io.Reader, level int) (*Reader, error) {
	pr, pw := io.Pipe()
	enc, err := zstd.NewWriter(pw, zstd.WithEncoderLevel(zstd.EncoderLevelFromZstd(level)),
		zstd.WithEncoderConcurrency(runtime.GOMAXPROCS(0)))
	if err != nil {
		return nil, fmt.Errorf("start zstd encoder: %w", err)
	}
	r := &Reader{pr: pr, done: make(chan struct{})}
	go func() {
		defer close(r.done)
		if _, err := io.Copy(enc, src); err != nil {
			enc.Close()
			pw.CloseWithError(err)
			return
		}
		if err := enc.Close(); err != nil {
			pw.CloseWithError(fmt.Errorf("finish zstd frame: %w", err))
			return
		}
		pw.Close()
	}()
	return r, nil
}

func (r *Reader) Read(p []byte) (int, error) { return r.pr.Read(p) }

// Close stops the encoder (if the reader gave up early) and waits for it.
// src must stop blocking for Close to return: the caller ends the producer
// first.
func (r *Reader) Close() error {
	r.pr.CloseWithError(io.ErrClosedPipe)
	<-r.done
	return nil
}
