package s3upload

// S3 limits for multipart uploads.
const (
	MaxParts    = 10000
	MinPartSize = int64(5) << 20
	MaxPartSize = int64(5) << 30
	// DefaultPartSize is the smallest part size chosen automatically: parts
	// this big keep the request count low and memory at (concurrency+1)×8 MiB.
	DefaultPartSize = int64(8) << 20
	// targetParts leaves a tenth of S3's part limit as headroom for an
	// archive larger than the estimate.
	targetParts = 9000
	// archiveBoundFactor: an uncompressed archive's text form can exceed the
	// database's size on disk (bytea is written as hex, twice its size), so
	// the estimate allows for twice the database size.
	archiveBoundFactor = 2
)

// PartSize chooses a part size for a database of dbSize bytes so that the
// archive fits in targetParts parts even if it is archiveBoundFactor times the
// database's size. A 500 GiB database gets 114 MiB parts.
func PartSize(dbSize int64) int64 {
	const mib = int64(1) << 20
	bound := dbSize * archiveBoundFactor
	size := (bound + targetParts - 1) / targetParts
	size = (size + mib - 1) / mib * mib // whole MiB
	return min(max(size, DefaultPartSize), MaxPartSize)
}

// ObjectPartSize chooses a part size for one object of at most maxBytes
// (a Parquet file, which ends after the row group that takes it past
// --parquet-file-mib): the smallest part S3 allows unless the object needs
// larger ones to fit in targetParts. Unlike PartSize it does not grow with
// the database, so the parts in flight, (concurrency+1) × part size per
// upload, stay 15 MiB at concurrency 2 whatever the database's size.
func ObjectPartSize(maxBytes int64) int64 {
	const mib = int64(1) << 20
	size := (maxBytes + targetParts - 1) / targetParts
	size = (size + mib - 1) / mib * mib // whole MiB
	return min(max(size, MinPartSize), MaxPartSize)
}
