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
