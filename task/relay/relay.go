// Package relay moves a producer's pipe (pg_dump's stdout) into a new pipe
// that a consumer (the `zstd` program, or the upload) reads, copying it on
// the way into a second consumer (pg_restore --list) for as long as that
// one reads. On Linux the bytes never enter this process: splice(2) moves
// pages from pipe to pipe and tee(2) duplicates them into the verifier's
// pipe; elsewhere, or if the kernel refuses splice, it copies through a
// buffer. Measured on the bench (docs/profile.md), the copy cost a Read and
// a Write syscall plus a goroutine wake-up per 32 KiB of the whole raw
// archive, which the shell's `pg_dump | zstd` does not pay.
//
// The relay knows nothing of what the bytes are; whether the stream that
// ended is complete (pg_dump exited 0, the verifier accepted it) is for its
// caller to decide after Wait.
package relay

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"time"
)

// PipeBytes is the buffer asked for on the pipes the relay touches (Linux's
// default is 64 KiB): the producer can run that far ahead while the
// consumer is busy, and each splice moves more per call. The kernel may
// give less (fs.pipe-max-size for an unprivileged process); that only costs
// speed.
const PipeBytes = 1 << 20

// Relay is a running relay.
type Relay struct {
	src     *os.File
	dst     *os.File // the write end of the pipe Start returns the read end of
	tee     *os.File
	n       atomic.Int64
	waiting atomic.Int64 // unix nanos since the relay waits for src, 0 if it does not
	done    chan struct{}
	err     error
	ended   atomic.Bool // stopped at src's end, not at an error
}

// Start relays src (a pipe's read end, which it takes over and closes) into
// a new pipe and returns that pipe's read end. tee, if not nil, is a pipe's
// write end that gets a copy of the bytes until its reader goes away (the
// write fails); the relay does not close it. Everything is moved before
// the returned pipe ends: at src's end, or at the first error, the relay
// closes its side, and Wait says which it was.
func Start(src, tee *os.File) (*os.File, *Relay, error) {
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, nil, fmt.Errorf("relay pipe: %w", err)
	}
	r := &Relay{src: src, dst: pw, tee: tee, done: make(chan struct{})}
	go r.run()
	return pr, r, nil
}

func (r *Relay) run() {
	defer close(r.done)
	err := errNoSplice
	if !copyOnly {
		err = r.splice()
	}
	if errors.Is(err, errNoSplice) {
		err = r.copy()
	}
	r.err = err
	r.ended.Store(err == nil)
	r.src.Close()
	r.dst.Close()
}

// copyOnly makes every relay copy, as on a kernel without splice (tests).
var copyOnly = false

// errNoSplice: splice(2) is not available (not Linux, or refused before
// the first byte moved); the relay copies instead.
var errNoSplice = errors.New("splice not available")

// Wait waits for the relay to stop and returns nil if it moved everything
// up to src's end, or why it stopped before.
func (r *Relay) Wait() error {
	<-r.done
	return r.err
}

// Ended reports, without waiting, whether the relay has already stopped at
// src's end (not at an error).
func (r *Relay) Ended() bool { return r.ended.Load() }

// Bytes is how many bytes have reached the returned pipe so far.
func (r *Relay) Bytes() int64 { return r.n.Load() }

// Idle is how long the relay has been waiting for src to have something:
// the producer's silence, not the consumer's back-pressure (a full
// destination pipe does not count).
func (r *Relay) Idle() time.Duration {
	if since := r.waiting.Load(); since != 0 {
		return time.Since(time.Unix(0, since))
	}
	return 0
}

// copy is the portable relay: through a buffer, one Read and up to two
// Writes per chunk.
func (r *Relay) copy() error {
	buf := make([]byte, 256<<10)
	tee := r.tee
	for {
		r.waiting.Store(time.Now().UnixNano())
		n, err := r.src.Read(buf)
		r.waiting.Store(0)
		if n > 0 {
			if tee != nil {
				if _, werr := tee.Write(buf[:n]); werr != nil {
					tee = nil // the verifier stopped reading; its exit status says why
				}
			}
			if _, werr := r.dst.Write(buf[:n]); werr != nil {
				return fmt.Errorf("relay: write: %w", werr)
			}
			r.n.Add(int64(n))
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("relay: read: %w", err)
		}
	}
}
