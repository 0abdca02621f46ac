package export

import (
	"math"
	"runtime/debug"
	"testing"

	"github.com/advana-export/terraform-aws-advana-export/task/parquet"
)

// The limit is the runtime plus, per job, a row group, its batches and the
// upload's parts; a limit already in force (GOMEMLIMIT) is kept.
func TestParquetMemoryLimit(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	opts := parquet.Options{RowGroupBytes: 64 << 20}
	got := parquetMemoryLimit(opts, 2, 2, 8<<20)
	if want := int64(64<<20 + 2*(64<<20+3*4<<20+3*8<<20)); got != want || debug.SetMemoryLimit(-1) != want {
		t.Fatalf("limit %d, in force %d, want %d", got, debug.SetMemoryLimit(-1), want)
	}
	debug.SetMemoryLimit(1 << 30)
	if got := parquetMemoryLimit(opts, 8, 1, 100<<20); got != 1<<30 || debug.SetMemoryLimit(-1) != 1<<30 {
		t.Fatalf("an operator's limit was replaced: %d", got)
	}
}

// A streamed export's limit is its parts in flight plus the runtime's
// allowance, growing with the part size; GOMEMLIMIT is kept.
func TestStreamMemoryLimit(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	got, restore := streamMemoryLimit(4, 8<<20)
	if want := int64(32<<20 + 5*8<<20); got != want || debug.SetMemoryLimit(-1) != want {
		t.Fatalf("limit %d, in force %d, want %d", got, debug.SetMemoryLimit(-1), want)
	}
	if restore(); debug.SetMemoryLimit(-1) != math.MaxInt64 {
		t.Fatalf("the previous limit was not put back: %d", debug.SetMemoryLimit(-1))
	}
	if got, restore := streamMemoryLimit(4, 114<<20); got != int64(32<<20+5*114<<20) {
		t.Fatalf("limit at 114 MiB parts %d, want %d", got, int64(32<<20+5*114<<20))
	} else {
		restore()
	}
	debug.SetMemoryLimit(1 << 30)
	got, restore = streamMemoryLimit(4, 8<<20)
	if restore(); got != 1<<30 || debug.SetMemoryLimit(-1) != 1<<30 {
		t.Fatalf("an operator's limit was replaced: %d", got)
	}
}
