package relay

import (
	"bytes"
	"crypto/rand"
	"io"
	"os"
	"testing"
	"time"
)

// producer writes data into a new pipe (the way pg_dump writes its stdout)
// and returns the read end.
func producer(t *testing.T, data []byte, chunk int, pause time.Duration) *os.File {
	t.Helper()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		defer pw.Close()
		for off := 0; off < len(data); off += chunk {
			if _, err := pw.Write(data[off:min(off+chunk, len(data))]); err != nil {
				return
			}
			if pause > 0 {
				time.Sleep(pause)
			}
		}
	}()
	return pr
}

func randomBytes(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// verifier reads a tee pipe: all of it, or only limit bytes and then stops
// (closes its end), as pg_restore --list does after the table of contents.
func verifier(t *testing.T, limit int) (*os.File, <-chan []byte) {
	t.Helper()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan []byte, 1)
	go func() {
		var r io.Reader = pr
		if limit >= 0 {
			r = io.LimitReader(pr, int64(limit))
		}
		b, _ := io.ReadAll(r)
		pr.Close()
		got <- b
	}()
	return pw, got
}

// bothWays runs a test with splice (where the kernel has it) and with the
// portable copy.
func bothWays(t *testing.T, f func(t *testing.T)) {
	for _, copying := range []bool{false, true} {
		name := "splice"
		if copying {
			name = "copy"
		}
		t.Run(name, func(t *testing.T) {
			copyOnly = copying
			defer func() { copyOnly = false }()
			f(t)
		})
	}
}

func TestRelayMovesEverythingAndTees(t *testing.T) { bothWays(t, testMovesEverythingAndTees) }

func testMovesEverythingAndTees(t *testing.T) {
	for _, tc := range []struct {
		name      string
		size      int
		chunk     int
		teeLimit  int // -1: the verifier reads all; else it stops after this many bytes
		withTee   bool
		slowRead  bool
		pauseEach time.Duration
	}{
		{name: "no verifier", size: 5 << 20, chunk: 100_000},
		{name: "verifier reads all", size: 5 << 20, chunk: 77_777, withTee: true, teeLimit: -1},
		{name: "verifier stops early", size: 5 << 20, chunk: 4096, withTee: true, teeLimit: 300_000},
		{name: "verifier stops at once", size: 1 << 20, chunk: 4096, withTee: true, teeLimit: 0},
		{name: "small writes, slow consumer", size: 3 << 20, chunk: 1000, withTee: true, teeLimit: 1 << 20, slowRead: true},
		{name: "empty", size: 0, chunk: 1, withTee: true, teeLimit: -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := randomBytes(t, tc.size)
			var tee *os.File
			var teeGot <-chan []byte
			if tc.withTee {
				tee, teeGot = verifier(t, tc.teeLimit)
				defer tee.Close()
			}
			out, r, err := Start(producer(t, data, tc.chunk, tc.pauseEach), tee)
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			buf := make([]byte, 40_000)
			for {
				n, err := out.Read(buf)
				got.Write(buf[:n])
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				if tc.slowRead {
					time.Sleep(200 * time.Microsecond)
				}
			}
			if err := r.Wait(); err != nil {
				t.Fatalf("Wait: %v", err)
			}
			if !r.Ended() || r.Bytes() != int64(len(data)) || !bytes.Equal(got.Bytes(), data) {
				t.Fatalf("ended %v, %d bytes counted, %d read, equal %v; want %d", r.Ended(), r.Bytes(), got.Len(), bytes.Equal(got.Bytes(), data), len(data))
			}
			if tc.withTee {
				tee.Close() // as Verifier.Finish does
				v := <-teeGot
				want := data
				if tc.teeLimit >= 0 && tc.teeLimit < len(data) {
					want = data[:tc.teeLimit]
				}
				if !bytes.Equal(v, want) {
					t.Fatalf("verifier got %d bytes, want the first %d", len(v), len(want))
				}
			}
		})
	}
}

// When the consumer goes away (zstd killed, the upload stopped), the relay
// stops with an error, not as if the source had ended, and closes the
// source so the producer stops too.
func TestRelayConsumerGone(t *testing.T) { bothWays(t, testConsumerGone) }

func testConsumerGone(t *testing.T) {
	src := producer(t, randomBytes(t, 8<<20), 64<<10, 0)
	tee, _ := verifier(t, -1)
	defer tee.Close()
	out, r, err := Start(src, tee)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(out, make([]byte, 100_000)); err != nil {
		t.Fatal(err)
	}
	out.Close()
	done := make(chan error, 1)
	go func() { done <- r.Wait() }()
	select {
	case err := <-done:
		if err == nil || r.Ended() {
			t.Fatalf("Wait = %v, Ended %v: want an error and not ended", err, r.Ended())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the relay did not stop when its consumer went away")
	}
}

// Idle counts only the producer's silence: a relay held up by a consumer
// that does not read is not idle (the stall watchdog must not fire because
// S3 is slow).
func TestRelayIdle(t *testing.T) { bothWays(t, testIdle) }

func testIdle(t *testing.T) {
	t.Run("producer silent", func(t *testing.T) {
		pr, pw, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		out, r, err := Start(pr, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer out.Close()
		time.Sleep(300 * time.Millisecond)
		if idle := r.Idle(); idle < 200*time.Millisecond {
			t.Errorf("Idle = %s after 300 ms of silence", idle)
		}
		if _, err := pw.Write([]byte("x")); err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(out, make([]byte, 1)); err != nil {
			t.Fatal(err)
		}
		pw.Close()
		if _, err := io.ReadAll(out); err != nil {
			t.Fatal(err)
		}
		if err := r.Wait(); err != nil || r.Bytes() != 1 {
			t.Fatalf("Wait = %v, %d bytes", err, r.Bytes())
		}
	})
	t.Run("consumer slow", func(t *testing.T) {
		out, r, err := Start(producer(t, randomBytes(t, 16<<20), 64<<10, 0), nil)
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(300 * time.Millisecond) // nobody reads out: the relay waits for room
		if idle := r.Idle(); idle != 0 {
			t.Errorf("Idle = %s while the consumer held the relay up", idle)
		}
		if _, err := io.Copy(io.Discard, out); err != nil {
			t.Fatal(err)
		}
		if err := r.Wait(); err != nil || r.Bytes() != 16<<20 {
			t.Fatalf("Wait = %v, %d bytes", err, r.Bytes())
		}
	})
}
