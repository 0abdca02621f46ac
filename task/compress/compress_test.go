package compress

import (
	"bytes"
	"errors"
	"io"
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
