package config

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

var (
	bucketRe = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	prefixRe = regexp.MustCompile(`^[A-Za-z0-9!_.*'()=-]+(/[A-Za-z0-9!_.*'()=-]+)*$`)
	kmsRe    = regexp.MustCompile(`^(arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key/[A-Za-z0-9-]+|alias/[A-Za-z0-9/_-]+)|(mrk-)?[0-9a-f]{8}-?[0-9a-f-]*|alias/[A-Za-z0-9/_-]+)$`)
	sslModes = map[string]bool{"disable": true, "allow": true, "prefer": true, "require": true, "verify-ca": true, "verify-full": true}
)

func validate(c *Config, p *problems) {
	switch {
	case c.Bucket == "":
		p.add(EnvBucket+" (--bucket)", "is required", "set it to the export bucket's name (module output bucket_name)")
	case !bucketRe.MatchString(c.Bucket):
		p.add(EnvBucket+" (--bucket)", fmt.Sprintf("%q is not a valid S3 bucket name", c.Bucket), "use 3-63 lower-case letters, digits, dots and hyphens")
	}
	c.Prefix = strings.Trim(c.Prefix, "/")
	// "." and ".." segments would be folded away when keys are joined, so
	// "." writes to the bucket root, outside the replication rule, the
	// lifecycle rules and the task role's own prefix.
	if c.Prefix == "" || !prefixRe.MatchString(c.Prefix) || slices.ContainsFunc(strings.Split(c.Prefix, "/"), isDotSegment) {
		p.add(EnvPrefix+" (--prefix)", fmt.Sprintf("%q is not a usable key prefix", c.Prefix), "use path segments of letters, digits and - _ . separated by /, e.g. exports")
	}
	switch {
	case c.KMSKeyID == "":
		p.add(EnvKMSKeyID+" (--kms-key-id)", "is required: every object is written with SSE-KMS", "set it to the bucket key's ARN (module output kms_key_arn)")
	case !kmsRe.MatchString(c.KMSKeyID):
		p.add(EnvKMSKeyID+" (--kms-key-id)", fmt.Sprintf("%q is not a KMS key ARN, key id or alias", c.KMSKeyID), "use arn:aws:kms:REGION:ACCOUNT:key/ID")
	}
	if c.Region == "" {
		p.add("AWS_REGION (--region)", "is required", "set AWS_REGION to the bucket's region")
	}
	switch c.Format {
	case FormatCustom:
		if c.Jobs != 1 {
			p.add(EnvJobs+" (--jobs)", "parallel jobs need the directory or parquet format", "set "+EnvFormat+"=directory or parquet, or drop --jobs")
		}
	case FormatDirectory:
		if c.Jobs < 1 || c.Jobs > 64 {
			p.add(EnvJobs+" (--jobs)", fmt.Sprintf("%d is out of range", c.Jobs), "use 1-64, about the task's vCPU count")
		}
		if c.Compression.Zstd() {
			p.add(EnvCompression+" (--compression)", "zstd applies to the custom (streamed) format only", "use gzip:N with the directory format (pg_dump compresses each file)")
		}
		if !strings.HasPrefix(c.ScratchDir, "/") {
			p.add(EnvScratchDir+" (--scratch-dir)", fmt.Sprintf("%q is not an absolute path", c.ScratchDir), "use the scratch volume's mount point, /scratch")
		}
	case FormatParquet:
		if c.Jobs < 1 || c.Jobs > 64 {
			p.add(EnvJobs+" (--jobs)", fmt.Sprintf("%d is out of range", c.Jobs), "use 1-64, about the task's vCPU count")
		}
		if c.ParquetRowGroup < MiB || c.ParquetRowGroup > 1024*MiB {
			p.add(EnvParquetRowGroup+" (--parquet-row-group-mib)", fmt.Sprintf("%d MiB is out of range", c.ParquetRowGroup/MiB), "use 1-1024; peak memory is about 64 MiB + jobs × max(this, half this + 30 MiB)")
		}
		if c.ParquetSplit < 0 {
			p.add(EnvParquetSplit+" (--parquet-split-mib)", fmt.Sprintf("%d MiB is negative", c.ParquetSplit/MiB), "use 0 (never split a table) or a size in MiB, e.g. 256")
		}
		if c.ParquetFileSize < MiB || c.ParquetFileSize > 1024*1024*MiB {
			p.add(EnvParquetFileSize+" (--parquet-file-mib)", fmt.Sprintf("%d MiB is out of range", c.ParquetFileSize/MiB), "use 1-1048576, e.g. 1024")
		}
	default:
		p.add(EnvFormat+" (--format)", fmt.Sprintf("%q is not a format", c.Format), "use custom (streamed, default), directory or parquet")
	}
	if c.PartSize != 0 && (c.PartSize < MinPartSize || c.PartSize > MaxPartSize) {
		p.add(EnvPartSize+" (--part-size-mib)", fmt.Sprintf("%d MiB is outside S3's part size limits", c.PartSize/MiB), "use 0 (automatic) or 5-5120")
	}
	if c.Concurrency < 1 || c.Concurrency > 64 {
		p.add(EnvConcurrency+" (--concurrency)", fmt.Sprintf("%d is out of range", c.Concurrency), "use 1-64; memory is about concurrency × part size")
	}
	if c.StallTimeout < 0 {
		p.add(EnvStallTimeout+" (--stall-timeout)", "must not be negative", "use e.g. 10m, or 0 to turn the watchdog off")
	}
	if c.ReplicationWait < 0 {
		p.add(EnvReplicationWait+" (--replication-wait)", "must not be negative", "use e.g. 3h, or 0 when no replication rule covers the prefix")
	}
	if c.ReplicationPoll <= 0 {
		p.add(EnvReplicationPoll+" (--replication-poll-interval)", "must be positive", "use e.g. 15s")
	}
	validateObjectLock(c, p)
	if c.ProgressInterval < 0 {
		p.add(EnvProgress+" (--progress-interval)", "must not be negative", "use e.g. 5s, or 0 to turn progress off")
	}
	for _, l := range []struct {
		name string
		vals []string
	}{{EnvSchemas + " (--schema)", c.Schemas}, {EnvExcludeTables + " (--exclude-table)", c.ExcludeTables}, {EnvExcludeTableData + " (--exclude-table-data)", c.ExcludeTableData}} {
		for _, v := range l.vals {
			if strings.HasPrefix(v, "-") || strings.ContainsAny(v, "\x00\n") {
				p.add(l.name, fmt.Sprintf("%q is not a table or schema pattern", v), "give a name or pattern such as public.audit_*")
			}
		}
	}
	db := c.DB
	if db.Host == "" {
		p.add("PGHOST", "no database host", "set PGHOST or give host in "+EnvDBSecret)
	}
	if db.User == "" {
		p.add("PGUSER", "no database user", "set PGUSER or give username in "+EnvDBSecret)
	}
	if db.DBName == "" {
		p.add("PGDATABASE", "no database name", "set PGDATABASE or give dbname in "+EnvDBSecret)
	}
	if db.Port < 1 || db.Port > 65535 {
		p.add("PGPORT", fmt.Sprintf("%d is not a TCP port", db.Port), "use 1-65535")
	}
	if !sslModes[db.SSLMode] {
		p.add("PGSSLMODE", fmt.Sprintf("%q is not a libpq sslmode", db.SSLMode), "use require, verify-ca or verify-full (or disable for a local server)")
	}
	if c.RDSIAM && (db.SSLMode == "disable" || db.SSLMode == "allow") {
		p.add("PGSSLMODE", "RDS IAM authentication needs TLS", "use require or verify-full with "+EnvRDSIAM)
	}
}

// maxObjectLockDays is S3's longest retention period (100 years).
const maxObjectLockDays = 36500

// validateObjectLock: both settings or neither; a lock without a period, or
// a period without a mode, would commit runs the operator believes locked.
func validateObjectLock(c *Config, p *problems) {
	c.ObjectLockMode = strings.ToUpper(c.ObjectLockMode)
	switch {
	case c.ObjectLockMode == "" && c.ObjectLockDays == 0:
	case c.ObjectLockMode != "GOVERNANCE" && c.ObjectLockMode != "COMPLIANCE":
		p.add(EnvObjectLockMode+" (--object-lock-mode)", fmt.Sprintf("%q is not an Object Lock mode", c.ObjectLockMode), "use GOVERNANCE or COMPLIANCE (module input object_lock.mode), or leave both object lock settings unset")
	case c.ObjectLockDays < 1 || c.ObjectLockDays > maxObjectLockDays:
		p.add(EnvObjectLockDays+" (--object-lock-days)", fmt.Sprintf("%d days is not a retention period", c.ObjectLockDays), fmt.Sprintf("use 1-%d (module input object_lock.days) with %s", maxObjectLockDays, EnvObjectLockMode))
	}
}

func isDotSegment(s string) bool { return s == "." || s == ".." }
