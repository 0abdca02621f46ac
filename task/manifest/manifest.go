// Package manifest defines manifest.json, the file that makes an export
// complete: it is written last, only after every object it lists is in
// place, so a consumer that finds it may trust the export, and a consumer
// that does not find it must ignore the folder.
package manifest

import (
	"encoding/json"
	"fmt"
	"path"
	"time"
)

// FileName is the manifest's name inside a run's folder.
const FileName = "manifest.json"

// SchemaVersion changes when a field changes meaning or goes away.
const SchemaVersion = 1

// Manifest describes one complete export.
type Manifest struct {
	SchemaVersion int       `json:"schema_version"`
	RunID         string    `json:"run_id"`
	Database      string    `json:"database"`
	ServerVersion string    `json:"server_version"`
	PgDumpVersion string    `json:"pg_dump_version"`
	Format        string    `json:"format"`      // custom | directory | parquet
	Compression   string    `json:"compression"` // none | gzip:N
	StartedAt     time.Time `json:"started_at"`
	FinishedAt    time.Time `json:"finished_at"`
	DatabaseSize  int64     `json:"database_size_bytes"`
	Objects       []Object  `json:"objects"`
	// TotalBytes is the sum of Objects' sizes.
	TotalBytes int64 `json:"total_bytes"`
	// Verification is what pg_restore --list read from the archive, when
	// verification ran.
	Verification *Verification `json:"verification,omitempty"`
	// RestoreCommand restores this export after its objects are downloaded
	// into the current directory under their base names (or their paths
	// relative to the run folder, for the directory format).
	RestoreCommand string      `json:"restore_command"`
	Filters        Filters     `json:"filters"`
	Tool           ToolVersion `json:"tool"`
	// Snapshot is the instant every table was read at (parquet format).
	Snapshot *Snapshot `json:"snapshot,omitempty"`
	// SchemaFile is the path of the relational schema (pg_dump
	// --schema-only), for formats that carry data only (parquet).
	SchemaFile string `json:"schema_file,omitempty"`
	// Tables describes every exported table (parquet format).
	Tables []Table `json:"tables,omitempty"`
}

// Snapshot is the database state an export shows.
type Snapshot struct {
	TakenAt time.Time `json:"taken_at"` // the exporting transaction's start
	WALLSN  string    `json:"wal_lsn"`  // WAL position (on a standby, the last replayed)
}

// Table is one table of a per-table export. The section is written for any
// engine that writes one table as Parquet files (this task, or RDS snapshot
// export for databases beyond one task): names as in PostgreSQL, types as
// PostgreSQL declares them and as the files store them, counts and files.
type Table struct {
	Schema      string   `json:"schema"`
	Name        string   `json:"name"`
	Partitioned bool     `json:"partitioned,omitempty"` // rows of every partition, read through the root
	Columns     []Column `json:"columns"`
	Rows        int64    `json:"rows"`
	// DataExcluded: --exclude-table-data left the rows out on purpose;
	// the table has no files and Rows is 0.
	DataExcluded bool `json:"data_excluded,omitempty"`
	// PrimaryKey names the primary key's columns in the key's order
	// (absent when the table has none), for a loader's MERGE.
	PrimaryKey []string `json:"primary_key,omitempty"`
	// PlaceholderColumn: the table has no columns; its files hold this
	// one BOOLEAN column (true in every row) to carry the row count.
	PlaceholderColumn string      `json:"placeholder_column,omitempty"`
	Files             []TableFile `json:"files"`
}

// Column is one column of a table.
type Column struct {
	Name        string `json:"name"`
	PGType      string `json:"pg_type"`      // format_type(), e.g. numeric(12,2), a domain's name
	ParquetType string `json:"parquet_type"` // physical and logical type, e.g. INT64 Timestamp(...)
	Nullable    bool   `json:"nullable"`
	// TextFallback, when set, is why this run wrote the column as its
	// PostgreSQL text form (ParquetType BYTE_ARRAY String) instead of its
	// usual type: a value that type cannot hold.
	TextFallback string `json:"text_fallback,omitempty"`
}

// TableFile is one data file of a table; it is also listed in Objects.
type TableFile struct {
	Path   string `json:"path"` // relative to the run folder
	Rows   int64  `json:"rows"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Object is one object of the export.
type Object struct {
	Key    string `json:"key"`
	Path   string `json:"path"` // relative to the run folder
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Verification records the archive check.
type Verification struct {
	Tool             string `json:"tool"`
	TOCEntries       int    `json:"toc_entries"`
	TableDataEntries int    `json:"table_data_entries"`
}

// Filters records what was left out, so a partial dump is never mistaken
// for a whole one.
type Filters struct {
	Schemas          []string `json:"schemas,omitempty"`
	ExcludeTables    []string `json:"exclude_tables,omitempty"`
	ExcludeTableData []string `json:"exclude_table_data,omitempty"`
}

// ToolVersion names the program that wrote the export.
type ToolVersion struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// RunPrefix is the folder of one run:
// PREFIX/DATABASE/YYYY-MM-DD/RUN_ID (UTC date of the start).
func RunPrefix(prefix, database string, started time.Time, runID string) string {
	return path.Join(prefix, database, started.UTC().Format("2006-01-02"), runID)
}

// NewRunID returns a sortable, unique id: the UTC start time to the second
// and a random suffix.
func NewRunID(started time.Time, random string) string {
	return started.UTC().Format("20060102T150405Z") + "-" + random
}

// Marshal renders the manifest as indented JSON.
func (m *Manifest) Marshal() ([]byte, error) {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode manifest: %w", err)
	}
	return append(b, '\n'), nil
}

// Parse reads a manifest and checks that it is one this version understands.
func Parse(b []byte) (*Manifest, error) {
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("decode manifest: %w", err)
	}
	if m.SchemaVersion != SchemaVersion {
		return nil, fmt.Errorf("manifest schema_version %d, want %d", m.SchemaVersion, SchemaVersion)
	}
	if len(m.Objects) == 0 {
		return nil, fmt.Errorf("manifest lists no objects")
	}
	return &m, nil
}
