package compress

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
)

func TestZstdRoundTripAndErrorPassThrough(t *testing.T) {
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
}

type errReader struct{ err error }

func (e *errReader) Read([]byte) (int, error) { return 0, e.err }
