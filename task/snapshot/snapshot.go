// Package snapshot reads a PostgreSQL database the way pg_dump does: one
// REPEATABLE READ, READ ONLY transaction exports its snapshot, and every
// worker imports it, so all tables are read as of the same instant however
// many connections read them. Rows come out as COPY text fields; the package
// knows nothing of Parquet or S3.
package snapshot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// sessionSettings fix the text forms the reader parses, whatever the
// server's or the role's defaults: ISO dates, UTC, shortest exact floats,
// hex bytea, ISO 8601 intervals.
var sessionSettings = map[string]string{
	"application_name":   "advana-export",
	"DateStyle":          "ISO, YMD",
	"TimeZone":           "UTC",
	"IntervalStyle":      "iso_8601",
	"extra_float_digits": "1",
	"bytea_output":       "hex",
	"client_encoding":    "UTF8",
	// As pg_dump does: a row-level security policy that would filter a
	// table makes the read fail rather than return a silent subset.
	"row_security": "off",
}

// ConnConfig builds a pgx configuration from libpq settings. The password
// is set on the parsed config, never written into a connection string.
func ConnConfig(host string, port int, user, password, dbname, sslmode string) (*pgx.ConnConfig, error) {
	dsn := fmt.Sprintf("host=%s port=%d user=%s dbname=%s sslmode=%s",
		quote(host), port, quote(user), quote(dbname), quote(sslmode))
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("database connection settings: %w", err)
	}
	cfg.Password = password
	for k, v := range sessionSettings {
		cfg.RuntimeParams[k] = v
	}
	return cfg, nil
}

// quote renders a libpq keyword/value value.
func quote(s string) string {
	out := []byte{'\''}
	for i := 0; i < len(s); i++ {
		if s[i] == '\'' || s[i] == '\\' {
			out = append(out, '\\')
		}
		out = append(out, s[i])
	}
	return string(append(out, '\''))
}

// Snapshot is the exporting transaction. It must stay open until every
// worker has imported the snapshot; Close ends it.
type Snapshot struct {
	ID     string    // pg_export_snapshot()
	Time   time.Time // the transaction's start, the instant the export shows
	WALLSN string    // WAL position (on a standby: the last replayed one)
	// ServerVersion is server_version_num, e.g. 150018.
	ServerVersion int
	// ServerEncoding is the database's encoding; SQL_ASCII sends stored
	// bytes unconverted, so its text may not be UTF-8.
	ServerEncoding string
	cfg            *pgx.ConnConfig
	conn           *pgx.Conn
}

// Open connects, begins the exporting transaction and exports its snapshot.
func Open(ctx context.Context, cfg *pgx.ConnConfig) (*Snapshot, error) {
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	s := &Snapshot{cfg: cfg, conn: conn}
	if _, err := conn.Exec(ctx, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"); err != nil {
		s.Close(ctx)
		return nil, fmt.Errorf("begin the snapshot transaction: %w", err)
	}
	err = conn.QueryRow(ctx, `SELECT pg_export_snapshot(), now(),
		(CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END)::text,
		current_setting('server_version_num')::int, current_setting('server_encoding')`).
		Scan(&s.ID, &s.Time, &s.WALLSN, &s.ServerVersion, &s.ServerEncoding)
	if err != nil {
		s.Close(ctx)
		return nil, fmt.Errorf("export the snapshot: %w", err)
	}
	s.Time = s.Time.UTC()
	return s, nil
}

// Lock takes ACCESS SHARE locks on the tables, as pg_dump does, so no one
// can drop or rewrite them until the export ends; plain writes go on.
func (s *Snapshot) Lock(ctx context.Context, tables []Table) error {
	for _, t := range tables {
		if _, err := s.conn.Exec(ctx, "LOCK TABLE "+t.Ident()+" IN ACCESS SHARE MODE"); err != nil {
			return fmt.Errorf("lock %s: %w", t, err)
		}
	}
	return nil
}

// Close ends the exporting transaction and its connection.
func (s *Snapshot) Close(ctx context.Context) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	_ = s.conn.Close(ctx)
}

// Worker is one connection that reads tables as of the snapshot.
type Worker struct {
	conn *pgx.Conn
}

// Worker opens a connection and imports the snapshot into it.
func (s *Snapshot) Worker(ctx context.Context) (*Worker, error) {
	conn, err := pgx.ConnectConfig(ctx, s.cfg)
	if err != nil {
		return nil, fmt.Errorf("connect a worker: %w", err)
	}
	w := &Worker{conn: conn}
	if _, err := conn.Exec(ctx, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"); err != nil {
		w.Close(ctx)
		return nil, fmt.Errorf("begin a worker transaction: %w", err)
	}
	if _, err := conn.Exec(ctx, "SET TRANSACTION SNAPSHOT "+quoteLiteral(s.ID)); err != nil {
		w.Close(ctx)
		return nil, fmt.Errorf("import snapshot %s: %w", s.ID, err)
	}
	if s.ServerEncoding == "SQL_ASCII" {
		// A SQL_ASCII database stores bytes unchecked, and PostgreSQL
		// refuses to send one that is not UTF-8 to a UTF8 session ("invalid
		// byte sequence"), which would fail the whole run. Rows are read in
		// the database's own encoding instead, byte for byte; the Parquet
		// writer checks each STRING value (Options.CheckUTF8). pgx needs
		// UTF8 only for its simple protocol and EscapeString, which the
		// worker does not use after this point (COPY is sent as is).
		if _, err := conn.Exec(ctx, "SET client_encoding = 'SQL_ASCII'"); err != nil {
			w.Close(ctx)
			return nil, fmt.Errorf("read a SQL_ASCII database byte for byte: %w", err)
		}
	}
	return w, nil
}

// Close ends the worker's transaction and connection.
func (w *Worker) Close(ctx context.Context) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	_ = w.conn.Close(ctx)
}

// Copy streams t's rows in COPY text format; row receives each row's fields
// (nil for NULL), unescaped. The slices are reused: row must copy what it
// keeps. It returns the number of rows PostgreSQL reported.
func (w *Worker) Copy(ctx context.Context, t Table, row func(fields [][]byte) error) (int64, error) {
	return w.CopyRange(ctx, t, Blocks{}, row)
}

// Blocks is a range of a table's heap blocks, [From, To); To 0 is open:
// every block from From on, so the last range of a table also holds rows
// in blocks added after its size was read.
type Blocks struct {
	From, To int64
}

// Whole says the range is the whole table.
func (b Blocks) Whole() bool { return b.From == 0 && b.To == 0 }

// SplitBlocks cuts a heap of n blocks into k ranges of nearly equal size
// that together cover every block once, the last one open.
func SplitBlocks(n int64, k int) []Blocks {
	if k < 2 || n < int64(k) {
		return []Blocks{{}}
	}
	out := make([]Blocks, k)
	for i := range out {
		out[i] = Blocks{From: n * int64(i) / int64(k), To: n * int64(i+1) / int64(k)}
	}
	out[k-1].To = 0
	return out
}

// TIDRangeVersion is the first PostgreSQL (14) that reads a ctid range by
// a TID Range Scan of those blocks only; before it, each range would read
// the whole table.
const TIDRangeVersion = 140000

// CopyRange is Copy restricted to the rows stored in the heap blocks b, as
// of the snapshot (a row version stays in its block while the snapshot can
// see it, so ranges that cover the heap read every row exactly once).
func (w *Worker) CopyRange(ctx context.Context, t Table, b Blocks, row func(fields [][]byte) error) (int64, error) {
	p := &rowParser{ncols: len(t.Columns), row: row}
	tag, err := w.conn.PgConn().CopyTo(ctx, p, copySQL(t, b))
	if err != nil {
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "42501" && strings.Contains(pgErr.Message, "row-level security") {
			return p.rows, &RowSecurityError{Table: t.String(), Err: err}
		}
		return p.rows, fmt.Errorf("copy %s: %w", t, err)
	}
	if len(p.partial) > 0 {
		return p.rows, fmt.Errorf("copy %s: the data ended inside a row", t)
	}
	if tag.RowsAffected() != p.rows {
		return p.rows, fmt.Errorf("copy %s: PostgreSQL sent %d rows, %d were read", t, tag.RowsAffected(), p.rows)
	}
	return p.rows, nil
}

// copySQL is plain COPY t where that gives every column as stored; a
// SELECT otherwise: a partitioned table is read through its root, so every
// partition lands in one table; COPY t leaves stored generated columns
// out; money is read as its numeric value. ONLY keeps an inheritance
// parent to its own rows, as COPY t (and pg_dump) do.
func copySQL(t Table, b Blocks) string {
	var cols []string
	plain := !t.Partitioned && b.Whole()
	for _, c := range t.Columns {
		e := pgx.Identifier{c.Name}.Sanitize()
		if c.Expr != "" {
			e = c.Expr
		}
		plain = plain && !c.Generated && c.Expr == ""
		cols = append(cols, e)
	}
	if plain {
		return "COPY " + t.Ident() + " TO STDOUT"
	}
	from := "ONLY " + t.Ident()
	if t.Partitioned {
		from = t.Ident()
	}
	where := ""
	if !b.Whole() {
		where = fmt.Sprintf(" WHERE ctid >= '(%d,0)'::tid", b.From)
		if b.To != 0 {
			where += fmt.Sprintf(" AND ctid < '(%d,0)'::tid", b.To)
		}
	}
	return "COPY (SELECT " + strings.Join(cols, ", ") + " FROM " + from + where + ") TO STDOUT"
}

// RowSecurityError: a row-level security policy would have filtered the
// table's rows for this role. The session runs with row_security = off, as
// pg_dump does, so PostgreSQL refuses instead of returning a subset.
type RowSecurityError struct {
	Table string
	Err   error
}

func (e *RowSecurityError) Error() string {
	return fmt.Sprintf("copy %s: a row-level security policy would hide rows from this role, and an export must hold every row (%v); "+
		"export as a role that owns the table (or is a member of its owner role) or has BYPASSRLS (on RDS the master user is not a superuser; see docs/warehouse.md)", e.Table, e.Err)
}

func (e *RowSecurityError) Unwrap() error { return e.Err }

func quoteLiteral(s string) string {
	out := []byte{'\''}
	for i := 0; i < len(s); i++ {
		if s[i] == '\'' {
			out = append(out, '\'')
		}
		out = append(out, s[i])
	}
	return string(append(out, '\''))
}
