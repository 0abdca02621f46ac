package compress

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"

	"github.com/advana-export/terraform-aws-advana-export/test/harness/testenv"
)

func TestZstdRoundTripAndErrorPassThrough(t *testing.T) {
	// The zstd program (as in the image) and the Go encoder (without it).
	for _, program := range []string{"zstd", "no-such-zstd-program"} {
		t.Run(program, func(t *testing.T) {
			if program == "zstd" {
				testenv.SkipShort(t, "the zstd program")
				if _, err := exec.LookPath(program); err != nil {
					t.Fatalf("the zstd program is needed (as in the image): %v", err)
				}
			}
			old := Program
			Program = program
			t.Cleanup(func() { Program = old })
			testRoundTripAndErrorPassThrough(t)
			testPipe(t)
		})
	}
}

func testRoundTripAndErrorPassThrough(t *testing.T) {
	data := []byte(strings.Repeat("COPY public.t (id, v) FROM stdin;\n1\tabc\n", 50000))
	r, err := NewZstd(bytes.NewReader(data), 1)
	if err != nil {
		t.Fatal(err)
	}
	compressed, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	if len(compressed) >= len(data)/10 {
		t.Errorf("compressed %d of %d bytes: not compressing", len(compressed), len(data))
	}
	dec, _ := zstd.NewReader(bytes.NewReader(compressed))
	back, err := io.ReadAll(dec)
	if err != nil || !bytes.Equal(back, data) {
		t.Fatalf("round trip: %v", err)
	}

	boom := errors.New("pg_dump: exit status 1")
	r, _ = NewZstd(io.MultiReader(bytes.NewReader(data), &errReader{boom}), 1)
	if _, err := io.ReadAll(r); !errors.Is(err, boom) {
		t.Fatalf("producer error became %v", err)
	}
	r.Close()

	// A reader that gives up early (a failed upload) stops the compressor.
	r, _ = NewZstd(bytes.NewReader(data), 1)
	if _, err := r.Read(make([]byte, 10)); err != nil {
		t.Fatal(err)
	}
	r.Close()
}

type errReader struct{ err error }

func (e *errReader) Read([]byte) (int, error) { return 0, e.err }

// testPipe: a source that is a pipe ends cleanly only if Done says so, and
// a reader that gives up early closes the pipe, so its writer (the relay)
// is not left blocked.
func testPipe(t *testing.T) {
	data := []byte(strings.Repeat("COPY public.t (id, v) FROM stdin;\n1\tabc\n", 50000))
	// source writes data into a pipe, times over (a pg_dump that goes on).
	source := func(t *testing.T, times int) (*os.File, <-chan error) {
		pr, pw, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		wrote := make(chan error, 1)
		go func() {
			var err error
			for i := 0; i < times && err == nil; i++ {
				_, err = pw.Write(data)
			}
			pw.Close()
			wrote <- err
		}()
		return pr, wrote
	}
	boom := errors.New("pg_dump: exit status 1")
	for _, tc := range []struct {
		name string
		done error
	}{{"producer succeeded", nil}, {"producer failed", boom}} {
		t.Run(tc.name, func(t *testing.T) {
			f, _ := source(t, 1)
			calls := 0
			r, err := NewZstdPipe(Pipe{File: f, Done: func() error { calls++; return tc.done }}, 1)
			if err != nil {
				t.Fatal(err)
			}
			compressed, err := io.ReadAll(r)
			r.Close()
			if !errors.Is(err, tc.done) || calls != 1 {
				t.Fatalf("ReadAll error %v after %d calls of Done, want %v after 1", err, calls, tc.done)
			}
			if tc.done != nil {
				return
			}
			dec, _ := zstd.NewReader(bytes.NewReader(compressed))
			back, err := io.ReadAll(dec)
			if err != nil || !bytes.Equal(back, data) {
				t.Fatalf("round trip: %v", err)
			}
		})
	}
	t.Run("reader gives up", func(t *testing.T) {
		f, wrote := source(t, 1<<30)
		r, err := NewZstdPipe(Pipe{File: f, Done: func() error { return nil }}, 1)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.Read(make([]byte, 10)); err != nil {
			t.Fatal(err)
		}
		r.Close()
		if err := <-wrote; err == nil {
			t.Fatal("the writer finished into a pipe nobody reads any more; want a broken pipe")
		}
	})
}
