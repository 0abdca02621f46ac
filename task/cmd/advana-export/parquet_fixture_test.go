package main

import (
	"fmt"
	"strings"
)

// warehouseDB holds every type family the Parquet mapping names, NULLs,
// an empty table, a partitioned table, a 1,000-column table and names that
// need quoting (the ones RDS snapshot export skips).
const warehouseDB = "warehouse"

var warehouseSQL = `
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN posint AS integer CHECK (VALUE > 0);
CREATE DOMAIN money2 AS numeric(10,2);
CREATE TYPE pair AS (a int, b text);

CREATE TABLE every_type (
  id int PRIMARY KEY,
  i2 smallint, i4 integer, i8 bigint,
  n_dec numeric(12,3), n_38 numeric(38,0), n_wide numeric(50,10), n_free numeric,
  f4 real, f8 double precision,
  b boolean, t text, vc varchar(20), ch char(5), nm name,
  by bytea, u uuid, d date, tm time, tmtz timetz, ts timestamp, tstz timestamptz, iv interval,
  j json, jb jsonb,
  a_int int[], a_text text[], a_ts timestamptz[], a_num numeric(6,2)[], a_uuid uuid[], a_bool bool[],
  e mood, dom posint, dom_dec money2, ip inet, net cidr, mac macaddr,
  r int4range, tr tstzrange, c pair, m money, bits varbit, pt point, bx box[], x xml, o oid
);
INSERT INTO every_type VALUES
 (1, 1, 2, 3, 1.5, 12345678901234567890123456789012345678, 1234567890123456789012345678901234567890.0123456789, 3.14159265358979323846264338327950288,
  1.5, 2.25, true, 'plain', 'short', 'ab', 'nm',
  '\xdeadbeef', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '2024-02-29', '13:45:56.789', '13:45:56+02', '2024-02-29 13:45:56.123456', '2024-02-29 13:45:56.123456+00', '1 year 2 mons 3 days 04:05:06.789',
  '{"k": [1, 2, {"n": null}]}', '{"b": 2, "a": 1}',
  '{1,2,3}', '{a,"b c","with \"quote\"","back\\slash"}', '{"2024-01-01 00:00:00+00"}', '{1.25,-3.50}', '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}', '{t,f}',
  'happy', 7, 12.34, '192.168.1.5/24', '10.0.0.0/8', '08:00:2b:01:02:03',
  '[1,5)', '["2024-01-01 00:00+00","2024-02-01 00:00+00")', '(1,"x y")', 12.34, B'1011', '(1.5,2)', '{(1,1),(0,0);(3,3),(2,2)}', '<a>x</a>', 42),
 (2, -32768, -2147483648, -9223372036854775808, -0.001, -99999999999999999999999999999999999999, -0.0000000001, 'NaN',
  'NaN', '-Infinity', false, E'tab\there\nnewline\\ back é ü 漢字 🙂', '', '     ', '',
  '\x', '00000000-0000-0000-0000-000000000000', '0044-03-15 BC', '00:00:00', '00:00:00-05', '0044-03-15 12:00:00 BC', '1970-01-01 00:00:00+00', '-1 days +00:00:00.000001',
  '[]', '"scalar"',
  '{NULL,1,NULL}', '{NULL,"NULL",""}', '{}', '{NULL}', '{NULL}', '{NULL,t}',
  'sad', 1, -0.01, '::1', '::/0', 'ff:ff:ff:ff:ff:ff',
  'empty', '(,)', '(,)', -1, B'', '(-0,0)', '{}', '', 0),
 (3, 32767, 2147483647, 9223372036854775807, 999999999.999, 0, 0, 'Infinity',
  'Infinity', 1e308, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, 'infinity', '23:59:59.999999', NULL, 'infinity', '-infinity', NULL,
  'null', 'null',
  NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 1.17549435e-38, 4.9e-324, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, '-infinity', NULL, NULL, '-infinity', 'infinity', NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);

CREATE TABLE empty_table (id int, note text, at timestamptz);

CREATE TABLE measurements (city int NOT NULL, at date NOT NULL, reading double precision) PARTITION BY RANGE (at);
CREATE TABLE measurements_2023 PARTITION OF measurements FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE measurements_2024 PARTITION OF measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
INSERT INTO measurements SELECT g % 7, date '2023-01-01' + g, g / 3.0 FROM generate_series(0, 700) g;

CREATE SCHEMA "Sales-EU";
CREATE TABLE "Sales-EU"."Order Lines!" ("Customer ID" int, "a.b" text, "weird""quote" text, "ÜmlautCol" numeric(5,1), "select" bool);
INSERT INTO "Sales-EU"."Order Lines!" VALUES (1, 'x', 'y', 1.5, true), (2, NULL, 'z', NULL, false);
CREATE TABLE "Sales-EU".order_lines (id int);
INSERT INTO "Sales-EU".order_lines SELECT generate_series(1, 10000);

CREATE TABLE skipped_rows (id int, secret text);
INSERT INTO skipped_rows VALUES (1, 'not exported');
CREATE TABLE skipped_table (id int);
` + wideTableSQL(1000)

// wideTableSQL is a table of n int columns with a few rows, some NULL.
func wideTableSQL(n int) string {
	cols := make([]string, n)
	vals := make([]string, n)
	for i := range cols {
		cols[i] = fmt.Sprintf("c%04d int", i+1)
		vals[i] = fmt.Sprintf("g * %d", i+1)
		if i%10 == 9 {
			vals[i] = "NULL"
		}
	}
	return fmt.Sprintf("CREATE TABLE wide (%s);\nINSERT INTO wide SELECT %s FROM generate_series(1, 50) g;\n",
		strings.Join(cols, ", "), strings.Join(vals, ", "))
}
