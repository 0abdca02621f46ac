package export

import (
	"math"
	"runtime/debug"

	"github.com/advana-export/terraform-aws-advana-export/task/parquet"
)

// runtimeBytes is what the program needs besides the tables being written:
// the runtime, the SDK, pgx, logging.
const runtimeBytes = 64 << 20

// parquetMemoryLimit sets the garbage collector's soft memory limit to what
// a Parquet export holds at most: per job, one table's row group and
// batches and its upload's parts in flight. Go's collector otherwise lets
// the heap grow to twice what is live before it collects, so RSS would be
// about twice the working set. A limit set by the operator (GOMEMLIMIT) is
// left alone. It returns the limit in force.
func parquetMemoryLimit(opts parquet.Options, jobs, uploadConcurrency int, partSize int64) int64 {
	if cur := debug.SetMemoryLimit(-1); cur != math.MaxInt64 {
		return cur
	}
	perJob := parquet.HeldBytes(opts) + int64(uploadConcurrency+1)*partSize
	limit := runtimeBytes + int64(jobs)*perJob
	debug.SetMemoryLimit(limit)
	return limit
}

// streamRuntimeBytes is what a streamed custom export needs besides its
// parts in flight: the runtime, the SDK, logging. zstd runs as its own
// process (task/compress), so no encoder windows are in this heap.
const streamRuntimeBytes = 32 << 20

// streamMemoryLimit sets the garbage collector's soft memory limit for a
// streamed custom export: the upload's parts in flight and a runtime
// allowance. Without it the collector lets the heap reach about twice the
// live parts before collecting (119 MiB peak RSS measured at 8 MiB parts,
// docs/benchmarks.md). The limit grows with the part size, so the rule that
// keeps 500 GiB under 10,000 parts never makes the collector thrash. A limit
// set by the operator (GOMEMLIMIT) is left alone. It returns the limit in
// force and a function that puts the previous limit back, so an export that
// runs after this one in the same process (tests) starts from the same state.
func streamMemoryLimit(uploadConcurrency int, partSize int64) (int64, func()) {
	if cur := debug.SetMemoryLimit(-1); cur != math.MaxInt64 {
		return cur, func() {}
	}
	limit := streamRuntimeBytes + int64(uploadConcurrency+1)*partSize
	prev := debug.SetMemoryLimit(limit)
	return limit, func() { debug.SetMemoryLimit(prev) }
}
