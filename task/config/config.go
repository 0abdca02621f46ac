// Package config turns flags, the environment and the database secret into
// a validated Config. It knows nothing of S3 or pg_dump; every error names
// the setting (environment variable and flag) and the fix.
package config

import (
	"time"
)

// Formats the task can write.
const (
	FormatCustom    = "custom"    // pg_dump -Fc streamed into one object
	FormatDirectory = "directory" // pg_dump -Fd -j N on the scratch volume, files uploaded in parallel
	FormatParquet   = "parquet"   // every table as Parquet from one snapshot, streamed (docs/warehouse.md)
)

// Size limits S3 puts on multipart uploads.
const (
	MiB         = int64(1) << 20
	MinPartSize = 5 * MiB
	MaxPartSize = 5 * 1024 * MiB
)

// Config is everything one export run needs.
type Config struct {
	Bucket           string
	Prefix           string
	KMSKeyID         string
	Region           string
	S3ForcePathStyle bool

	Format      string
	Compression Compression
	Jobs        int
	ScratchDir  string

	// Parquet format: the text size that ends a row group, and the size past which
	// a table's next row group starts a new file.
	ParquetRowGroup int64
	ParquetFileSize int64
	// ParquetSplit: a table at least this large (on disk), and larger than
	// its share of the database (total ÷ jobs), is read by all jobs at once
	// in block ranges of its heap; 0 never splits a table.
	ParquetSplit int64

	PartSize    int64 // 0: chosen from the database size
	Concurrency int
	Verify      bool
	DryRun      bool

	Schemas          []string
	ExcludeTables    []string
	ExcludeTableData []string

	ProgressInterval time.Duration
	PGBinDir         string

	// StallTimeout fails the run when pg_dump sends nothing for this long
	// while the task waits for it (0: off).
	StallTimeout time.Duration
	// ReplicationWait bounds the wait for every archive object to report
	// replication COMPLETED before the manifest is written (0: no wait).
	ReplicationWait time.Duration
	ReplicationPoll time.Duration
	// ObjectLockMode ("" = off) and ObjectLockDays: the retention the
	// commit puts on every object version of the run (docs/contract.md).
	ObjectLockMode string
	ObjectLockDays int

	DB     Conn
	RDSIAM bool
}

// Conn is a libpq connection. Password is only ever passed to child
// processes through the environment (PGPASSWORD), never argv.
type Conn struct {
	Host     string
	Port     int
	User     string
	Password string `json:"-"`
	DBName   string
	SSLMode  string
}

// Secrets returns the values that must never be logged.
func (c Config) Secrets() []string {
	var s []string
	for _, v := range []string{c.DB.Password, uriPassword(c.DB.DBName)} {
		if v != "" {
			s = append(s, v)
		}
	}
	return s
}
