// Package compress compresses a stream with zstd on the way to the upload,
// using every core: pg_dump's own gzip runs on one core and, measured here,
// gives a larger archive than zstd level 3 for about the same time.
//
// It runs the `zstd` program (libzstd) when it is on PATH, as it is in the
// task image: profiled on a dump-shaped stream (docs/profile.md), the Go
// encoder spent about 1.5× the CPU of libzstd at level 3, and its windows
// and per-core block buffers sat in this process's heap. Without the
// program it falls back to the Go encoder, so a binary run outside the
// image still works, only slower.
package compress

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// Extension is the file name suffix of a zstd-compressed archive.
const Extension = ".zst"

// Program is the zstd command-line program NewZstd runs when it is on PATH;
// a test sets it to a name that is not, to take the Go encoder.
var Program = "zstd"

// Reader compresses what it reads from src. Read returns io.EOF only after
// src returned io.EOF and the zstd frame is complete; any error from src is
// passed on, so a failed producer never looks like a finished archive.
type Reader struct {
	r     io.Reader
	close func()
	wait  func() error
}

// NewZstd starts compressing src at level (1-19, zstd's scale) on every
// core the process may use.
func NewZstd(src io.Reader, level int) (*Reader, error) {
	if path, err := exec.LookPath(Program); err == nil {
		return newProgram(path, src, func() error { return nil }, level)
	}
	return newGo(src, level)
}

// Pipe is a source that is already a pipe: the `zstd` program takes File as
// its stdin, so the bytes never pass through this process. Done is called
// once File has reached its end and says whether what came through it is
// complete; an error there fails the stream as an error from an io.Reader
// source would.
type Pipe struct {
	File *os.File
	Done func() error
}

// NewZstdPipe is NewZstd for a source that is a pipe; the Reader owns File
// and closes it by its end or by Close.
func NewZstdPipe(src Pipe, level int) (*Reader, error) {
	if path, err := exec.LookPath(Program); err == nil {
		zr, err := newProgram(path, src.File, src.Done, level)
		src.File.Close() // the program has its own copy; ours would keep the pipe open
		return zr, err
	}
	zr, err := newGo(&doneReader{r: src.File, done: src.Done}, level)
	if err != nil {
		src.File.Close()
		return nil, err
	}
	stop := zr.close
	zr.close = func() { stop(); src.File.Close() } // the encoder stops reading: unblock the pipe's writer
	return zr, nil
}

// doneReader turns src's io.EOF into the result of done.
type doneReader struct {
	r    *os.File
	done func() error
	once sync.Once
	err  error
}

func (d *doneReader) Read(p []byte) (int, error) {
	n, err := d.r.Read(p)
	if err == io.EOF {
		d.once.Do(func() {
			d.r.Close()
			if d.err = d.done(); d.err == nil {
				d.err = io.EOF
			}
		})
		return n, d.err
	}
	return n, err
}

// newProgram pipes src through `zstd`. exec copies src into the program's
// stdin, or hands it over if it is a file; when src fails, the program sees
// an end of input and finishes a frame, but Wait returns src's error (or
// done does), and Read returns that error in place of io.EOF, so the
// upload is aborted, never completed.
func newProgram(path string, src io.Reader, done func() error, level int) (*Reader, error) {
	cmd := exec.Command(path, "-q", "-c", "-"+strconv.Itoa(level), "-T"+strconv.Itoa(runtime.GOMAXPROCS(0)))
	cmd.Stdin = src
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("start zstd: %w", err)
	}
	var stderr limitedBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", path, err)
	}
	var once sync.Once
	var waitErr error
	wait := func() error {
		once.Do(func() {
			if err := cmd.Wait(); err != nil {
				var exit *exec.ExitError
				if errors.As(err, &exit) {
					err = fmt.Errorf("zstd: %w: %s", err, stderr.String())
				}
				waitErr = err
				return
			}
			waitErr = done()
		})
		return waitErr
	}
	return &Reader{
		r:     out,
		close: func() { _ = cmd.Process.Kill() },
		wait:  wait,
	}, nil
}

// newGo compresses with klauspost/compress, one encoder goroutine per core.
func newGo(src io.Reader, level int) (*Reader, error) {
	pr, pw := io.Pipe()
	enc, err := zstd.NewWriter(pw, zstd.WithEncoderLevel(zstd.EncoderLevelFromZstd(level)),
		zstd.WithEncoderConcurrency(runtime.GOMAXPROCS(0)))
	if err != nil {
		return nil, fmt.Errorf("start zstd encoder: %w", err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
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
	return &Reader{
		r:     pr,
		close: func() { pr.CloseWithError(io.ErrClosedPipe) },
		wait:  func() error { <-done; return nil },
	}, nil
}

func (r *Reader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err == io.EOF {
		// The end of the output is the end of the archive only if the
		// compressor and its producer both finished cleanly.
		if werr := r.wait(); werr != nil {
			return n, werr
		}
	}
	return n, err
}

// Close stops the compressor (if the reader gave up early) and waits for
// it. src must stop blocking for Close to return: the caller ends the
// producer first.
func (r *Reader) Close() error {
	r.close()
	_ = r.wait()
	return nil
}

// limitedBuffer keeps the first 4 KiB of the program's stderr for an error.
type limitedBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if room := 4096 - len(b.buf); room > 0 {
		b.buf = append(b.buf, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

func (b *limitedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}
