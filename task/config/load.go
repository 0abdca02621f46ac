package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Environment variables the task reads. Flags of the same name (without the
// prefix, lower-case, dashes) win over them.
const (
	EnvBucket           = "ADVANA_EXPORT_BUCKET"
	EnvPrefix           = "ADVANA_EXPORT_PREFIX"
	EnvKMSKeyID         = "ADVANA_EXPORT_KMS_KEY_ID"
	EnvFormat           = "ADVANA_EXPORT_FORMAT"
	EnvCompression      = "ADVANA_EXPORT_COMPRESSION"
	EnvJobs             = "ADVANA_EXPORT_JOBS"
	EnvScratchDir       = "ADVANA_EXPORT_SCRATCH_DIR"
	EnvPartSize         = "ADVANA_EXPORT_PART_SIZE_MIB"
	EnvParquetRowGroup  = "ADVANA_EXPORT_PARQUET_ROW_GROUP_MIB"
	EnvParquetFileSize  = "ADVANA_EXPORT_PARQUET_FILE_MIB"
	EnvParquetSplit     = "ADVANA_EXPORT_PARQUET_SPLIT_MIB"
	EnvConcurrency      = "ADVANA_EXPORT_CONCURRENCY"
	EnvVerify           = "ADVANA_EXPORT_VERIFY"
	EnvDryRun           = "ADVANA_EXPORT_DRY_RUN"
	EnvSchemas          = "ADVANA_EXPORT_SCHEMAS"
	EnvExcludeTables    = "ADVANA_EXPORT_EXCLUDE_TABLES"
	EnvExcludeTableData = "ADVANA_EXPORT_EXCLUDE_TABLE_DATA"
	EnvProgress         = "ADVANA_EXPORT_PROGRESS_INTERVAL"
	EnvPGBinDir         = "ADVANA_EXPORT_PG_BIN_DIR"
	EnvDBSecret         = "ADVANA_EXPORT_DB_SECRET"
	EnvRDSIAM           = "ADVANA_EXPORT_RDS_IAM"
	EnvPathStyle        = "ADVANA_EXPORT_S3_FORCE_PATH_STYLE"
	EnvStallTimeout     = "ADVANA_EXPORT_STALL_TIMEOUT"
	EnvReplicationWait  = "ADVANA_EXPORT_REPLICATION_WAIT"
	EnvReplicationPoll  = "ADVANA_EXPORT_REPLICATION_POLL_INTERVAL"
	EnvObjectLockMode   = "ADVANA_EXPORT_OBJECT_LOCK_MODE"
	EnvObjectLockDays   = "ADVANA_EXPORT_OBJECT_LOCK_DAYS"
	EnvRegion           = "AWS_REGION"
	EnvDefaultRegion    = "AWS_DEFAULT_REGION"
)

// LibpqEnvVars are the standard libpq variables the task reads; each
// overrides the same field of the database secret.
var LibpqEnvVars = []string{"PGHOST", "PGPORT", "PGDATABASE", "PGUSER", "PGPASSWORD", "PGSSLMODE"}

// SecretKeys are the keys of the ADVANA_EXPORT_DB_SECRET JSON the task uses
// (the RDS / Secrets Manager database secret format; others are ignored).
var SecretKeys = []string{"username", "password", "host", "port", "dbname"}

// EnvVars returns every environment variable Load reads, flags' first, in
// the order the help lists them.
func EnvVars() []string {
	return append([]string{
		EnvBucket, EnvPrefix, EnvKMSKeyID, EnvRegion, EnvDefaultRegion, EnvPathStyle, EnvFormat,
		EnvCompression, EnvJobs, EnvParquetRowGroup, EnvParquetFileSize, EnvParquetSplit, EnvScratchDir, EnvPartSize,
		EnvConcurrency, EnvVerify, EnvDryRun, EnvSchemas, EnvExcludeTables, EnvExcludeTableData,
		EnvProgress, EnvStallTimeout, EnvReplicationWait, EnvReplicationPoll, EnvObjectLockMode,
		EnvObjectLockDays, EnvPGBinDir, EnvRDSIAM,
		EnvDBSecret,
	}, LibpqEnvVars...)
}

// Defaults.
const (
	DefaultPrefix      = "exports"
	DefaultConcurrency = 4
	// A row group of 64 MiB of text is a few MiB to tens of MiB of Parquet,
	// in the range Spark and DuckDB read well; files of 1 GiB keep a large
	// table to a manageable number of objects.
	DefaultJobs               = 1 // the module's dump.jobs default too
	DefaultParquetRowGroupMiB = 64
	DefaultParquetFileMiB     = 1024
	// DefaultParquetSplitMiB: below this a table reads in seconds and a
	// split would only add files.
	DefaultParquetSplitMiB = 256
	DefaultScratchDir      = "/scratch"
	DefaultProgress        = 5 * time.Second
	DefaultSSLMode         = "require"
	// DefaultStallTimeout: a COPY of a healthy table never pauses this long;
	// a frozen connection (failover, a dropped NAT entry) otherwise hangs the
	// task until someone stops it.
	DefaultStallTimeout    = 10 * time.Minute
	DefaultReplicationPoll = 15 * time.Second
)

// Load builds the Config for the export subcommand from args and the
// environment (getenv), then validates it. Flag parsing errors are written to
// usage; -h or --help returns flag.ErrHelp and prints nothing (the command
// prints the whole help, PrintFlags included).
func Load(args []string, getenv func(string) string, usage io.Writer) (Config, error) {
	var p problems
	var c Config
	var compression, partMiB string
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(usage)
	fs.Usage = func() {}
	var rowGroupMiB, fileMiB, splitMiB int64
	defineFlags(fs, &c, &compression, &partMiB, &rowGroupMiB, &fileMiB, &splitMiB, getenv, &p)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return Config{}, flag.ErrHelp
		}
		return Config{}, &Error{Fields: []*FieldError{{Field: "flags", Problem: err.Error(), Fix: "run advana-export --help"}}}
	}
	c.ParquetRowGroup, c.ParquetFileSize, c.ParquetSplit = rowGroupMiB*MiB, fileMiB*MiB, splitMiB*MiB
	if fs.NArg() > 0 {
		p.add("arguments", fmt.Sprintf("unexpected %q", fs.Args()), "the export subcommand takes flags only")
	}

	if compression == "" {
		compression = DefaultCompression.String()
		if c.Format == FormatDirectory {
			compression = DirectoryDefaultCompression.String()
		}
	}
	if cmp, err := ParseCompression(compression); err != nil {
		p.add(EnvCompression+" (--compression)", err.Error(), "use zstd:3 (default), zstd:N, gzip:N or none")
	} else {
		c.Compression = cmp
	}
	if n, err := strconv.ParseInt(partMiB, 10, 64); err != nil {
		p.add(EnvPartSize+" (--part-size-mib)", fmt.Sprintf("%q is not a whole number", partMiB), "")
	} else {
		c.PartSize = n * MiB
	}

	c.DB = loadConn(getenv, &p)
	if c.RDSIAM && c.DB.SSLMode == "" {
		c.DB.SSLMode = "require" // RDS accepts IAM tokens over TLS only
	}
	if c.DB.SSLMode == "" {
		c.DB.SSLMode = DefaultSSLMode
	}
	validate(&c, &p)
	return c, p.err()
}

// PrintFlags writes the export subcommand's flags with their built-in
// defaults and environment variables, as the help shows them.
func PrintFlags(w io.Writer) {
	var p problems
	var c Config
	var compression, partMiB string
	var rowGroupMiB, fileMiB, splitMiB int64
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	defineFlags(fs, &c, &compression, &partMiB, &rowGroupMiB, &fileMiB, &splitMiB, func(string) string { return "" }, &p)
	fs.SetOutput(w)
	fs.PrintDefaults()
}

// defineFlags declares every export flag, each defaulting to its
// environment variable (read through getenv) and then to the built-in value.
func defineFlags(fs *flag.FlagSet, c *Config, compression, partMiB *string, rowGroupMiB, fileMiB, splitMiB *int64, getenv func(string) string, p *problems) {
	env := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	envBool := func(name string, def bool) bool {
		v := env(name, "")
		if v == "" {
			return def
		}
		b, err := strconv.ParseBool(v)
		if err != nil {
			p.add(name, fmt.Sprintf("%q is not a boolean", v), "use true or false")
			return def
		}
		return b
	}
	envInt := func(name string, def int) int {
		v := env(name, "")
		if v == "" {
			return def
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			p.add(name, fmt.Sprintf("%q is not a whole number", v), "")
			return def
		}
		return n
	}

	fs.StringVar(&c.Bucket, "bucket", env(EnvBucket, ""), "S3 bucket to write the export to ("+EnvBucket+")")
	fs.StringVar(&c.Prefix, "prefix", env(EnvPrefix, DefaultPrefix), "key prefix inside the bucket ("+EnvPrefix+")")
	fs.StringVar(&c.KMSKeyID, "kms-key-id", env(EnvKMSKeyID, ""), "KMS key (ARN, id or alias) for SSE-KMS on every object ("+EnvKMSKeyID+")")
	fs.StringVar(&c.Region, "region", env(EnvRegion, env(EnvDefaultRegion, "")), "AWS region ("+EnvRegion+", else "+EnvDefaultRegion+")")
	fs.BoolVar(&c.S3ForcePathStyle, "s3-force-path-style", envBool(EnvPathStyle, false), "path-style S3 addressing, for S3-compatible servers ("+EnvPathStyle+")")
	fs.StringVar(&c.Format, "format", env(EnvFormat, FormatCustom), "archive format: custom (streamed), directory or parquet ("+EnvFormat+")")
	fs.StringVar(compression, "compression", env(EnvCompression, ""), "zstd[:1-19] (by the task), gzip[:0-9] (by pg_dump) or none; default zstd:3, gzip:1 for directory ("+EnvCompression+")")
	fs.IntVar(&c.Jobs, "jobs", envInt(EnvJobs, DefaultJobs), "parallel jobs (tables read at once), directory and parquet formats ("+EnvJobs+")")
	fs.Int64Var(rowGroupMiB, "parquet-row-group-mib", int64(envInt(EnvParquetRowGroup, DefaultParquetRowGroupMiB)), "parquet: a row group ends at this many MiB of text; each job holds one, compressed, so peak memory is about 64 MiB + jobs × max(this, half this + 30 MiB) ("+EnvParquetRowGroup+")")
	fs.Int64Var(fileMiB, "parquet-file-mib", int64(envInt(EnvParquetFileSize, DefaultParquetFileMiB)), "parquet: a table's files are split past this size ("+EnvParquetFileSize+")")
	fs.Int64Var(splitMiB, "parquet-split-mib", int64(envInt(EnvParquetSplit, DefaultParquetSplitMiB)), "parquet: a table this large, and larger than total ÷ jobs, is read by every job at once in block ranges of its heap (PostgreSQL 14+); 0 never splits ("+EnvParquetSplit+")")
	fs.StringVar(&c.ScratchDir, "scratch-dir", env(EnvScratchDir, DefaultScratchDir), "scratch volume for directory format ("+EnvScratchDir+")")
	fs.StringVar(partMiB, "part-size-mib", env(EnvPartSize, "0"), "multipart part size in MiB, 0 = chosen from the database size ("+EnvPartSize+")")
	fs.IntVar(&c.Concurrency, "concurrency", envInt(EnvConcurrency, DefaultConcurrency), "parts uploaded at once ("+EnvConcurrency+")")
	fs.BoolVar(&c.Verify, "verify", envBool(EnvVerify, true), "check the archive's table of contents with pg_restore --list before the manifest ("+EnvVerify+")")
	fs.BoolVar(&c.DryRun, "dry-run", envBool(EnvDryRun, false), "check configuration, database and bucket, upload nothing ("+EnvDryRun+")")
	fs.Var(newListFlag(&c.Schemas, env(EnvSchemas, "")), "schema", "dump only this schema (pattern), repeatable ("+EnvSchemas+", comma-separated)")
	fs.Var(newListFlag(&c.ExcludeTables, env(EnvExcludeTables, "")), "exclude-table", "leave out this table (pattern), repeatable ("+EnvExcludeTables+")")
	fs.Var(newListFlag(&c.ExcludeTableData, env(EnvExcludeTableData, "")), "exclude-table-data", "dump this table's definition but not its rows, repeatable ("+EnvExcludeTableData+")")
	fs.DurationVar(&c.ProgressInterval, "progress-interval", parseDurationOr(EnvProgress, env(EnvProgress, ""), DefaultProgress, p), "how often to log progress ("+EnvProgress+")")
	fs.DurationVar(&c.StallTimeout, "stall-timeout", parseDurationOr(EnvStallTimeout, env(EnvStallTimeout, ""), DefaultStallTimeout, p), "fail when pg_dump sends nothing for this long, 0 = never ("+EnvStallTimeout+")")
	fs.DurationVar(&c.ReplicationWait, "replication-wait", parseDurationOr(EnvReplicationWait, env(EnvReplicationWait, ""), 0, p), "before the manifest, wait up to this long for every object to report replication COMPLETED, 0 = do not wait ("+EnvReplicationWait+")")
	fs.DurationVar(&c.ReplicationPoll, "replication-poll-interval", parseDurationOr(EnvReplicationPoll, env(EnvReplicationPoll, ""), DefaultReplicationPoll, p), "how often to ask S3 for replication status ("+EnvReplicationPoll+")")
	fs.StringVar(&c.ObjectLockMode, "object-lock-mode", env(EnvObjectLockMode, ""), "at the commit, lock every object version of the run in this S3 Object Lock mode, GOVERNANCE or COMPLIANCE; empty = no lock ("+EnvObjectLockMode+")")
	fs.IntVar(&c.ObjectLockDays, "object-lock-days", envInt(EnvObjectLockDays, 0), "days the commit locks the run's versions for, with --object-lock-mode ("+EnvObjectLockDays+")")
	fs.StringVar(&c.PGBinDir, "pg-bin-dir", env(EnvPGBinDir, ""), "directory with pg_dump, pg_restore and psql; empty = PATH ("+EnvPGBinDir+")")
	fs.BoolVar(&c.RDSIAM, "rds-iam", envBool(EnvRDSIAM, false), "authenticate with an RDS IAM token instead of a password ("+EnvRDSIAM+")")
}

func parseDurationOr(name, s string, def time.Duration, p *problems) time.Duration {
	if s == "" {
		return def
	}
	if s == "0" {
		return 0
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		p.add(name, fmt.Sprintf("%q is not a duration", s), "use e.g. 30s, 10m or 3h")
		return def
	}
	return d
}

// listFlag is a repeatable flag seeded from a comma-separated env value; the
// first use on the command line replaces the env value.
type listFlag struct {
	dst  *[]string
	seen bool
}

func newListFlag(dst *[]string, envValue string) *listFlag {
	for _, v := range strings.Split(envValue, ",") {
		if v = strings.TrimSpace(v); v != "" {
			*dst = append(*dst, v)
		}
	}
	return &listFlag{dst: dst}
}

func (l *listFlag) String() string {
	if l == nil || l.dst == nil {
		return ""
	}
	return strings.Join(*l.dst, ",")
}

func (l *listFlag) Set(v string) error {
	if !l.seen {
		*l.dst, l.seen = nil, true
	}
	*l.dst = append(*l.dst, v)
	return nil
}
