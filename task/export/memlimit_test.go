package export

import (
	"math"
	"runtime/debug"
	"testing"

	"github.com/apache/arrow-go/v18/parquet/compress"

	"github.com/advana-export/terraform-aws-advana-export/task/parquet"
)

// The limit keeps RSS within the documented budget (64 MiB + jobs × row
// group) less the binary's pages, unless the jobs need more (no
// compression, large parts); a limit already in force (GOMEMLIMIT) is kept.
func TestParquetMemoryLimit(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	opts := parquet.Options{RowGroupBytes: 64 << 20, Codec: compress.Codecs.Zstd}
	got, restore := parquetMemoryLimit(opts, 2, 2, 5<<20)
	if want := int64(192<<20 - programBytes); got != want || debug.SetMemoryLimit(-1) != want {
		t.Fatalf("limit %d, in force %d, want %d", got, debug.SetMemoryLimit(-1), want)
	}
	if restore(); debug.SetMemoryLimit(-1) != math.MaxInt64 {
		t.Fatalf("the previous limit was not put back: %d", debug.SetMemoryLimit(-1))
	}
	if ParquetBudget(64<<20, 2) != 192<<20 {
		t.Fatalf("budget %d, want 192 MiB", ParquetBudget(64<<20, 2))
	}
	opts.Codec = compress.Codecs.Uncompressed
	got, restore = parquetMemoryLimit(opts, 2, 2, 5<<20)
	restore()
	if want := int64(runtimeBytes - programBytes + 2*(parquet.HeldBytes(opts)+3*5<<20)); got != want || want <= 192<<20-programBytes {
		t.Fatalf("limit without compression %d, want %d (above the budget)", got, want)
	}
	debug.SetMemoryLimit(1 << 30)
	got, restore = parquetMemoryLimit(opts, 8, 1, 100<<20)
	if restore(); got != 1<<30 || debug.SetMemoryLimit(-1) != 1<<30 {
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
