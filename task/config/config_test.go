package config

import (
	"io"
	"slices"
	"strings"
	"testing"
)

func getenv(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func validEnv() map[string]string {
	return map[string]string{
		EnvBucket: "my-exports", EnvKMSKeyID: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
		"AWS_REGION": "us-east-1", "PGHOST": "db.internal", "PGUSER": "exporter", "PGDATABASE": "app",
		"PGPASSWORD": "s3cr3t-Pa55",
	}
}

func TestLoadValid(t *testing.T) {
	c, err := Load(nil, getenv(validEnv()), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Prefix != DefaultPrefix || c.Format != FormatCustom || c.Compression != DefaultCompression || !c.Verify || c.DB.Port != 5432 || c.DB.SSLMode != "require" {
		t.Fatalf("defaults not applied: %+v", c)
	}
}

func TestLoadSecretAndOverrides(t *testing.T) {
	env := validEnv()
	delete(env, "PGHOST")
	delete(env, "PGUSER")
	delete(env, "PGPASSWORD")
	env[EnvDBSecret] = `{"username":"u","password":"p\"w","host":"h.rds.amazonaws.com","port":"6543","dbname":"secretdb","engine":"postgres"}`
	c, err := Load([]string{"--schema", "a", "--schema", "b", "--exclude-table-data", "audit.*"}, getenv(env), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.DB.User != "u" || c.DB.Password != `p"w` || c.DB.Host != "h.rds.amazonaws.com" || c.DB.Port != 6543 {
		t.Fatalf("secret not applied: %+v", c.DB)
	}
	if c.DB.DBName != "app" {
		t.Fatalf("PGDATABASE should override the secret's dbname, got %q", c.DB.DBName)
	}
	if strings.Join(c.Schemas, ",") != "a,b" || strings.Join(c.ExcludeTableData, ",") != "audit.*" {
		t.Fatalf("lists: %v %v", c.Schemas, c.ExcludeTableData)
	}
	if strings.Contains(c.DB.String(), `p"w`) {
		t.Fatal("Conn.String leaks the password")
	}
}

func TestLoadInvalid(t *testing.T) {
	tests := []struct {
		name  string
		set   map[string]string
		args  []string
		field string
	}{
		{"missing bucket", map[string]string{EnvBucket: ""}, nil, EnvBucket},
		{"bad bucket", map[string]string{EnvBucket: "My_Bucket"}, nil, EnvBucket},
		{"missing kms key", map[string]string{EnvKMSKeyID: ""}, nil, EnvKMSKeyID},
		{"bad kms key", map[string]string{EnvKMSKeyID: "arn:aws:s3:::nope"}, nil, EnvKMSKeyID},
		{"bad prefix", map[string]string{EnvPrefix: "a//b"}, nil, EnvPrefix},
		{"dot prefix (bucket root)", map[string]string{EnvPrefix: "."}, nil, EnvPrefix},
		{"dot segment", map[string]string{EnvPrefix: "a/./b"}, nil, EnvPrefix},
		{"dot-dot segment", map[string]string{EnvPrefix: "a/.."}, nil, EnvPrefix},
		{"negative stall timeout", nil, []string{"--stall-timeout", "-1s"}, EnvStallTimeout},
		{"bad replication wait", map[string]string{EnvReplicationWait: "soon"}, nil, EnvReplicationWait},
		{"object lock mode unknown", map[string]string{EnvObjectLockMode: "LEGAL", EnvObjectLockDays: "30"}, nil, EnvObjectLockMode},
		{"object lock days without mode", map[string]string{EnvObjectLockDays: "30"}, nil, EnvObjectLockMode},
		{"object lock mode without days", map[string]string{EnvObjectLockMode: "GOVERNANCE"}, nil, EnvObjectLockDays},
		{"object lock days past S3's limit", nil, []string{"--object-lock-mode", "COMPLIANCE", "--object-lock-days", "36501"}, EnvObjectLockDays},
		{"missing region", map[string]string{"AWS_REGION": ""}, nil, "AWS_REGION"},
		{"bad format", nil, []string{"--format", "tar"}, EnvFormat},
		{"jobs without directory", nil, []string{"--jobs", "4"}, EnvJobs},
		{"parquet jobs out of range", nil, []string{"--format", "parquet", "--jobs", "65"}, EnvJobs},
		{"parquet row group too small", nil, []string{"--format", "parquet", "--parquet-row-group-mib", "0"}, EnvParquetRowGroup},
		{"bad compression", map[string]string{EnvCompression: "brotli"}, nil, EnvCompression},
		{"zstd with directory", map[string]string{EnvFormat: "directory", EnvCompression: "zstd:3"}, nil, EnvCompression},
		{"tiny part size", nil, []string{"--part-size-mib", "1"}, EnvPartSize},
		{"zero concurrency", nil, []string{"--concurrency", "0"}, EnvConcurrency},
		{"bad port", map[string]string{"PGPORT": "five"}, nil, "PGPORT"},
		{"missing host", map[string]string{"PGHOST": ""}, nil, "PGHOST"},
		{"bad sslmode", map[string]string{"PGSSLMODE": "always"}, nil, "PGSSLMODE"},
		{"iam without tls", map[string]string{EnvRDSIAM: "true", "PGSSLMODE": "disable"}, nil, "PGSSLMODE"},
		{"malformed secret", map[string]string{EnvDBSecret: `{"password":"hunter2-xyz",`}, nil, EnvDBSecret},
		{"bad bool", map[string]string{EnvVerify: "maybe"}, nil, EnvVerify},
		{"flag-looking schema", nil, []string{"--schema=--file=/etc/passwd"}, EnvSchemas},
		{"stray argument", nil, []string{"extra"}, "arguments"},
		{"unknown flag", nil, []string{"--nope"}, "flags"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := validEnv()
			for k, v := range tt.set {
				env[k] = v
			}
			_, err := Load(tt.args, getenv(env), io.Discard)
			if err == nil {
				t.Fatal("accepted")
			}
			if !IsConfigError(err) {
				t.Fatalf("not a config error: %v", err)
			}
			if !strings.Contains(err.Error(), tt.field) {
				t.Fatalf("error does not name %s: %v", tt.field, err)
			}
			for _, secret := range []string{"s3cr3t-Pa55", "hunter2-xyz"} {
				if strings.Contains(err.Error(), secret) {
					t.Fatalf("error leaks a password: %v", err)
				}
			}
		})
	}
}

// A password inside a connection URI given as PGDATABASE is a secret like
// PGPASSWORD: registered for redaction and never in Conn.String.
func TestURIPasswordIsASecret(t *testing.T) {
	env := validEnv()
	env["PGDATABASE"] = "postgresql://app:Uri-Pa55-9x@db.internal:5432/app"
	c, err := Load(nil, getenv(env), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(c.Secrets(), "Uri-Pa55-9x") {
		t.Errorf("Secrets() = %v, want the URI's password", c.Secrets())
	}
	if s := c.DB.String(); strings.Contains(s, "Uri-Pa55-9x") || !strings.Contains(s, "db.internal") {
		t.Errorf("Conn.String() = %q", s)
	}
}

func TestDurationsDefault(t *testing.T) {
	c, err := Load(nil, getenv(validEnv()), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.StallTimeout != DefaultStallTimeout || c.ReplicationWait != 0 || c.ReplicationPoll != DefaultReplicationPoll {
		t.Fatalf("defaults: stall %v, replication wait %v, poll %v", c.StallTimeout, c.ReplicationWait, c.ReplicationPoll)
	}
}

// Object Lock is off unless both settings are given; the mode is
// case-insensitive, as the module writes it upper-case.
func TestObjectLockSettings(t *testing.T) {
	c, err := Load(nil, getenv(validEnv()), io.Discard)
	if err != nil || c.ObjectLockMode != "" || c.ObjectLockDays != 0 {
		t.Fatalf("default: mode %q days %d, %v; want off", c.ObjectLockMode, c.ObjectLockDays, err)
	}
	env := validEnv()
	env[EnvObjectLockMode], env[EnvObjectLockDays] = "governance", "365"
	if c, err = Load(nil, getenv(env), io.Discard); err != nil || c.ObjectLockMode != "GOVERNANCE" || c.ObjectLockDays != 365 {
		t.Fatalf("mode %q days %d, %v; want GOVERNANCE 365", c.ObjectLockMode, c.ObjectLockDays, err)
	}
}

func TestParseCompression(t *testing.T) {
	for in, want := range map[string]string{"none": "none", "gzip": "gzip:1", "gzip:9": "gzip:9", "GZIP:0": "none", "zstd": "zstd:3", "zstd:1": "zstd:1", "zstd:19": "zstd:19"} {
		got, err := ParseCompression(in)
		if err != nil || got.String() != want {
			t.Errorf("ParseCompression(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
	for _, in := range []string{"gzip:10", "zip", "gzip:x", "zstd:0", "zstd:20", "none:1"} {
		if _, err := ParseCompression(in); err == nil {
			t.Errorf("ParseCompression(%q) accepted", in)
		}
	}
}

// Parallel jobs are for the formats that read tables at once: directory and
// parquet take them, custom (one pg_dump stream) refuses them.
func TestJobsPerFormat(t *testing.T) {
	for _, tt := range []struct {
		env map[string]string
		ok  bool
	}{
		{map[string]string{EnvFormat: FormatParquet, EnvJobs: "4"}, true},
		{map[string]string{EnvFormat: FormatDirectory, EnvJobs: "4"}, true},
		{map[string]string{EnvFormat: FormatCustom, EnvJobs: "4"}, false},
		{map[string]string{EnvFormat: FormatCustom, EnvJobs: "1"}, true},
	} {
		env := validEnv()
		for k, v := range tt.env {
			env[k] = v
		}
		c, err := Load(nil, getenv(env), io.Discard)
		if (err == nil) != tt.ok {
			t.Errorf("%v: err %v, want ok=%v", tt.env, err, tt.ok)
		}
		if err == nil && tt.env[EnvFormat] == FormatParquet &&
			(c.Jobs != 4 || c.ParquetRowGroup != DefaultParquetRowGroupMiB*MiB || c.ParquetFileSize != DefaultParquetFileMiB*MiB) {
			t.Errorf("parquet settings: %+v", c)
		}
	}
}
