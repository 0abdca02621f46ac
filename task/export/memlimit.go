package export

import (
	"math"
	"runtime/debug"

	"github.com/advana-export/terraform-aws-advana-export/task/parquet"
)

// runtimeBytes is what the program needs besides the tables being written:
// the runtime, the SDK, pgx, logging, and the binary's own pages.
const runtimeBytes = 64 << 20

// programBytes is the part of runtimeBytes outside the collector's reach:
// the binary's code and data pages in RSS. Measured: peak RSS was the soft
// limit plus 29-36 MiB (docs/profile.md); 48 MiB leaves a margin.
const programBytes = 48 << 20

// ParquetBudget is the peak RSS the docs promise a Parquet export at most:
// runtimeBytes plus one row group per job (192 MiB with --jobs 2 and the
// defaults).
func ParquetBudget(rowGroupBytes int64, jobs int) int64 {
	return runtimeBytes + int64(jobs)*rowGroupBytes
}

// parquetMemoryLimit sets the garbage collector's soft memory limit so that
// a Parquet export's RSS stays within ParquetBudget: the budget less
// programBytes. Go's collector otherwise lets the heap grow to twice what
// is live before it collects (RSS was 293 MiB with --jobs 2 where at most
// 187 MiB was live). When what the jobs hold (per job: its row group,
// batches and page buffers, parquet.HeldBytes, and its upload's parts in
// flight) needs more than that, as with --compression none or large
// --part-size-mib, the limit is what they need, so the collector does not
// run without pause. See setSoftMemoryLimit for GOMEMLIMIT and the result.
func parquetMemoryLimit(opts parquet.Options, jobs, uploadConcurrency int, partSize int64) (int64, func()) {
	perJob := parquet.HeldBytes(opts) + int64(uploadConcurrency+1)*partSize
	need := runtimeBytes - programBytes + int64(jobs)*perJob
	return setSoftMemoryLimit(max(ParquetBudget(opts.RowGroupBytes, jobs)-programBytes, need))
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
// keeps 500 GiB under 10,000 parts never makes the collector thrash. See
// setSoftMemoryLimit for GOMEMLIMIT and the result.
func streamMemoryLimit(uploadConcurrency int, partSize int64) (int64, func()) {
	return setSoftMemoryLimit(streamRuntimeBytes + int64(uploadConcurrency+1)*partSize)
}

// setSoftMemoryLimit sets the garbage collector's soft memory limit to limit,
// unless the operator set one (GOMEMLIMIT), which is left alone. It returns
// the limit in force and a function that puts the previous limit back, so an
// export that runs after this one in the same process (tests) starts from the
// same state.
func setSoftMemoryLimit(limit int64) (int64, func()) {
	if cur := debug.SetMemoryLimit(-1); cur != math.MaxInt64 {
		return cur, func() {}
	}
	prev := debug.SetMemoryLimit(limit)
	return limit, func() { debug.SetMemoryLimit(prev) }
}
