package export

import (
	"errors"
	"io"
	"strings"
	"testing"
)

func TestEOFGateTurnsEOFIntoProducerResult(t *testing.T) {
	calls := 0
	g := &eofGate{r: strings.NewReader("abc"), atEOF: func() error { calls++; return errors.New("pg_dump: exit status 1") }}
	b, err := io.ReadAll(g)
	if string(b) != "abc" || err == nil || !strings.Contains(err.Error(), "exit status 1") {
		t.Fatalf("read %q err %v", b, err)
	}
	if _, err := g.Read(make([]byte, 1)); err == nil || calls != 1 {
		t.Fatalf("second read after the end: err %v, atEOF called %d times", err, calls)
	}
	ok := &eofGate{r: strings.NewReader("x"), atEOF: func() error { return nil }}
	if b, err := io.ReadAll(ok); err != nil || string(b) != "x" || !ok.finished() {
		t.Fatalf("clean end: %q %v", b, err)
	}
}

func TestKeySafe(t *testing.T) {
	for in, want := range map[string]string{"app": "app", "My DB/x": "My_DB_x", "..": "_", "": "_", "a.b-c_d": "a.b-c_d"} {
		if got := keySafe(in); got != want {
			t.Errorf("keySafe(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestKindOf(t *testing.T) {
	if KindOf(fail(KindDump, "x")) != KindDump || KindOf(errors.New("plain")) != KindStorage {
		t.Fatal("KindOf")
	}
}
