package snapshot

import (
	"context"
	"fmt"
	"sort"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
)

// Table is one table to export: an ordinary table, or a partitioned
// table's root standing for all its partitions.
type Table struct {
	OID         uint32
	Schema      string
	Name        string
	Partitioned bool
	Bytes       int64 // on-disk size of its data (all partitions), for ordering
	Blocks      int64 // blocks of its heap (main fork) when listed; 0 for a partitioned table
	Columns     []Column
	// DataExcluded: the definition is exported, the rows are not
	// (--exclude-table-data).
	DataExcluded bool
	// PrimaryKey names the primary key's columns in the key's order (none
	// without one), so a loader can MERGE without parsing schema.sql.
	PrimaryKey []string
}

// Ident is the table's quoted, schema-qualified name.
func (t Table) Ident() string { return pgx.Identifier{t.Schema, t.Name}.Sanitize() }

func (t Table) String() string { return t.Ident() }

// Column is one column with its type resolved through domains.
type Column struct {
	Name    string
	PGType  string // format_type(): the type as declared (a domain's own name)
	NotNull bool
	Type    Type
	// Generated: a stored generated column. COPY table TO leaves these
	// out, so a table with one is read through a SELECT that names them.
	Generated bool
	// Expr, when set, is what the SELECT reads instead of the column
	// (money as its numeric value).
	Expr string
}

// Type is what a value's text form looks like: the base type (a domain's,
// not the domain), or for an array its element's base type.
type Type struct {
	Name    string // pg_type.typname of the base (element) type
	Builtin bool   // defined in pg_catalog
	Typmod  int32  // the base type's typmod (-1: none), e.g. numeric's precision
	Array   bool   // the column is an array of Name
	Delim   byte   // the array element delimiter (',' except for box)
	Kind    byte   // pg_type.typtype of the base type: b base, e enum, c composite, r range, m multirange
}

// Tables lists, inside the snapshot, the tables f selects, largest first.
// Partitions are left out: their rows are read through the partitioned
// root. Tables that belong to an extension are left out, as pg_dump does.
func (s *Snapshot) Tables(ctx context.Context, f Filter) ([]Table, error) {
	m, err := f.compile()
	if err != nil {
		return nil, err
	}
	if s.ServerEncoding == "SQL_ASCII" {
		// Names are stored unchecked too, and PostgreSQL refuses to send
		// one that is not UTF-8 to a UTF8 session with an error that names
		// no table. Read them byte for byte and name the one that is not
		// (checkNames); the catalog queries below use the extended protocol
		// only, which does not need UTF8 of pgx.
		if _, err := s.conn.Exec(ctx, "SET client_encoding = 'SQL_ASCII'"); err != nil {
			return nil, fmt.Errorf("read a SQL_ASCII database's names byte for byte: %w", err)
		}
		defer func() { _, _ = s.conn.Exec(ctx, "SET client_encoding = 'UTF8'") }()
	}
	rows, err := s.conn.Query(ctx, `
SELECT c.oid, n.nspname, c.relname, c.relkind = 'p',
       CASE WHEN c.relkind = 'p'
            THEN COALESCE((SELECT sum(pg_table_size(p.relid)) FROM pg_partition_tree(c.oid) p), 0)
            ELSE pg_table_size(c.oid) END::bigint,
       CASE WHEN c.relkind = 'p' THEN 0
            ELSE pg_relation_size(c.oid) / current_setting('block_size')::bigint END
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                  WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')`)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	var tables []Table
	for rows.Next() {
		var t Table
		if err := rows.Scan(&t.OID, &t.Schema, &t.Name, &t.Partitioned, &t.Bytes, &t.Blocks); err != nil {
			return nil, fmt.Errorf("list tables: %w", err)
		}
		if !m.includes(t.Schema, t.Name) {
			continue
		}
		t.DataExcluded = m.dataExcluded(t.Schema, t.Name)
		tables = append(tables, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	if err := s.columns(ctx, tables); err != nil {
		return nil, err
	}
	if err := checkNames(tables); err != nil {
		return nil, err
	}
	sort.SliceStable(tables, func(i, j int) bool {
		if tables[i].Bytes != tables[j].Bytes {
			return tables[i].Bytes > tables[j].Bytes
		}
		if tables[i].Schema != tables[j].Schema {
			return tables[i].Schema < tables[j].Schema
		}
		return tables[i].Name < tables[j].Name
	})
	return tables, nil
}

// pgType is one row of pg_type, enough to resolve domains and arrays.
type pgType struct {
	name     string
	builtin  bool
	kind     byte
	category byte
	base     uint32 // domains: the type they constrain
	typmod   int32  // domains: their typmod
	elem     uint32 // arrays: the element type
	delim    byte
}

func (s *Snapshot) columns(ctx context.Context, tables []Table) error {
	types := map[uint32]pgType{}
	rows, err := s.conn.Query(ctx, `
SELECT t.oid, t.typname, n.nspname = 'pg_catalog', t.typtype, t.typcategory, t.typbasetype, t.typtypmod, t.typelem, t.typdelim
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace`)
	if err != nil {
		return fmt.Errorf("read types: %w", err)
	}
	for rows.Next() {
		var oid uint32
		var t pgType
		var kind, cat, delim string
		if err := rows.Scan(&oid, &t.name, &t.builtin, &kind, &cat, &t.base, &t.typmod, &t.elem, &delim); err != nil {
			return fmt.Errorf("read types: %w", err)
		}
		t.kind, t.category, t.delim = kind[0], cat[0], delim[0]
		types[oid] = t
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read types: %w", err)
	}

	index := make(map[uint32]int, len(tables))
	oids := make([]uint32, len(tables))
	for i, t := range tables {
		index[t.OID] = i
		oids[i] = t.OID
	}
	// money's text carries the currency symbol and separators of the
	// session's lc_monetary; its numeric value (money::numeric) does not,
	// and has as many decimals as the database's currency (frac_digits).
	var moneyScale int32
	if err := s.conn.QueryRow(ctx, `SELECT scale('0'::money::numeric)`).Scan(&moneyScale); err != nil {
		return fmt.Errorf("read money's scale: %w", err)
	}
	rows, err = s.conn.Query(ctx, `
SELECT a.attrelid, a.attname, a.atttypid, a.atttypmod, format_type(a.atttypid, a.atttypmod), a.attnotnull,
       a.attgenerated = 's'
FROM pg_attribute a
WHERE a.attrelid = ANY($1) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum`, oids)
	if err != nil {
		return fmt.Errorf("read columns: %w", err)
	}
	for rows.Next() {
		var rel, typ uint32
		var c Column
		var typmod int32
		if err := rows.Scan(&rel, &c.Name, &typ, &typmod, &c.PGType, &c.NotNull, &c.Generated); err != nil {
			return fmt.Errorf("read columns: %w", err)
		}
		c.Type = resolve(types, typ, typmod)
		if c.Type.Builtin && c.Type.Name == "money" {
			c.Expr = pgx.Identifier{c.Name}.Sanitize() + "::numeric"
			if c.Type.Array {
				c.Expr += "[]"
			}
			// int64 minor units: at most 19 digits.
			c.Type.Name, c.Type.Typmod = "numeric", (19<<16|moneyScale)+4
		}
		t := &tables[index[rel]]
		t.Columns = append(t.Columns, c)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read columns: %w", err)
	}
	return s.primaryKeys(ctx, tables, index, oids)
}

// checkNames refuses a table or column name that is not UTF-8 (only a
// SQL_ASCII database can hold one): Parquet's schema, the S3 keys and the
// manifest must be UTF-8, and no rewriting of a name would be the partner's
// name for it. The custom and directory formats carry such names as stored.
func checkNames(tables []Table) error {
	const fix = "Parquet column names, S3 keys and the manifest must be UTF-8: rename it (ALTER ... RENAME), " +
		"leave the table out (--exclude-table), or export this database with --format custom or directory, which keep names as stored"
	for _, t := range tables {
		if !utf8.ValidString(t.Schema) || !utf8.ValidString(t.Name) {
			return fmt.Errorf("table %+q is not named in UTF-8 (the database's encoding is SQL_ASCII): %s", t.Schema+"."+t.Name, fix)
		}
		for _, c := range t.Columns {
			if !utf8.ValidString(c.Name) {
				return fmt.Errorf("column %+q of table %+q is not named in UTF-8 (the database's encoding is SQL_ASCII): %s", c.Name, t.Schema+"."+t.Name, fix)
			}
		}
	}
	return nil
}

// primaryKeys fills each table's primary key columns, in the key's order.
func (s *Snapshot) primaryKeys(ctx context.Context, tables []Table, index map[uint32]int, oids []uint32) error {
	rows, err := s.conn.Query(ctx, `
SELECT c.conrelid, a.attname
FROM pg_constraint c
CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, n)
JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
WHERE c.contype = 'p' AND c.conrelid = ANY($1)
ORDER BY c.conrelid, k.n`, oids)
	if err != nil {
		return fmt.Errorf("read primary keys: %w", err)
	}
	for rows.Next() {
		var rel uint32
		var name string
		if err := rows.Scan(&rel, &name); err != nil {
			return fmt.Errorf("read primary keys: %w", err)
		}
		t := &tables[index[rel]]
		t.PrimaryKey = append(t.PrimaryKey, name)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read primary keys: %w", err)
	}
	return nil
}

// spaceSeparated are array-like catalog types whose text is "1 2 3", not
// an array literal: they are exported as text.
var spaceSeparated = map[string]bool{"int2vector": true, "oidvector": true}

// resolve follows domains to their base type and arrays to their element.
func resolve(types map[uint32]pgType, oid uint32, typmod int32) Type {
	var out Type
	for depth := 0; depth < 32; depth++ {
		t, ok := types[oid]
		if !ok {
			break
		}
		switch {
		case t.kind == 'd':
			if typmod < 0 {
				typmod = t.typmod
			}
			oid = t.base
			continue
		case t.category == 'A' && t.elem != 0 && !out.Array && !spaceSeparated[t.name]:
			out.Array = true
			out.Delim = types[t.elem].delim
			oid = t.elem
			continue
		}
		out.Name, out.Builtin, out.Typmod, out.Kind = t.name, t.builtin, typmod, t.kind
		return out
	}
	out.Name, out.Typmod = "unknown", -1
	return out
}
