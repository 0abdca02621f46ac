package main

import (
	"context"
	"fmt"
	"strings"
)

// The bench database is mostly realistic rows, not pgbench filler: a wide
// shipments table (text, jsonb, numeric, timestamps), an event log with
// jsonb payloads, a narrow ledger (the pgbench-like part) and documents
// with random bytea. One "unit" is a shipment and what hangs off it: three
// events, four ledger lines and, for one shipment in eight, a 1 KiB
// document. Rows come from generate_series and random() in one INSERT per
// table and id range, so chunks load in parallel on every core.

// unitsPerGB is how many units make about 1 GB on disk with the primary
// keys (measured here: see docs/benchmarks.md for the size each run got).
const unitsPerGB = 450_000

const schemaSQL = `
set client_min_messages = warning;
create schema if not exists app;
create table app.shipments (
  id            bigint not null,
  reference     text not null,
  customer_name text not null,
  email         text not null,
  status        text not null,
  origin        jsonb not null,
  destination   jsonb not null,
  weight_lbs    numeric(10,2) not null,
  cost          numeric(12,2) not null,
  requested_at  timestamptz not null,
  shipped_at    timestamptz,
  notes         text not null,
  attributes    jsonb not null
);
create table app.events (
  id          bigint not null,
  shipment_id bigint not null,
  actor       text not null,
  action      text not null,
  payload     jsonb not null,
  occurred_at timestamptz not null
);
create table app.ledger (
  id          bigint not null,
  shipment_id bigint not null,
  account     integer not null,
  amount      numeric(12,2) not null,
  currency    char(3) not null,
  posted_at   timestamptz not null,
  memo        text not null
);
create table app.documents (
  id          bigint not null,
  shipment_id bigint not null,
  kind        text not null,
  filename    text not null,
  content     bytea not null,
  uploaded_at timestamptz not null
);
`

// keysSQL adds the primary keys after the load (faster than maintaining
// them row by row), one statement per table so they build in parallel.
var keysSQL = primaryKeys("app", "shipments", "events", "ledger", "documents")

// primaryKeys is one statement per table adding its primary key on id.
func primaryKeys(schema string, tables ...string) []string {
	out := make([]string, len(tables))
	for i, t := range tables {
		out[i] = fmt.Sprintf("alter table %s.%s add primary key (id)", schema, t)
	}
	return out
}

var words = []string{
	"move", "household", "goods", "pickup", "delivery", "storage", "origin", "destination",
	"weight", "estimate", "counselor", "customer", "service", "member", "orders", "entitlement",
	"crate", "pallet", "container", "vault", "inventory", "damage", "claim", "reweigh",
	"shipment", "agent", "carrier", "scheduled", "approved", "rejected", "pending", "submitted",
	"invoice", "payment", "advance", "mileage", "lodging", "temporary", "extension", "request",
	"fragile", "boxes", "furniture", "vehicle", "motorcycle", "boat", "trailer", "firearms",
	"station", "base", "overseas", "domestic", "port", "customs", "documents", "signature",
	"the", "and", "for", "with", "from", "to", "of", "on",
}

// sentence is SQL for n words drawn at random from the vocabulary: text that
// compresses about like free-form notes (the literal array is a constant).
func sentence(n int) string {
	arr := "(array['" + strings.Join(words, "','") + "'])"
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf("%s[1 + (random() * %d)::int]", arr, len(words)-1)
	}
	return strings.Join(parts, " || ' ' || ")
}

// randomBytes is SQL for n×16 random bytes.
func randomBytes(n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = "md5(random()::text)"
	}
	return "decode(" + strings.Join(parts, " || ") + ", 'hex')"
}

// chunkSQL fills units [lo, hi) of every table.
func chunkSQL(lo, hi int64) string {
	r := strings.NewReplacer("{{lo}}", fmt.Sprint(lo), "{{hi}}", fmt.Sprint(hi-1),
		"{{notes}}", sentence(14), "{{memo}}", sentence(3), "{{event}}", sentence(5),
		"{{bytes}}", randomBytes(64))
	return r.Replace(`
set client_min_messages = warning;
set synchronous_commit = off;
insert into app.shipments
select g, 'MV-' || lpad(g::text, 9, '0') || '-' || upper(substr(md5(g::text), 1, 4)),
       initcap(substr(md5((g * 7)::text), 1, 5 + g % 4)) || ' ' || initcap(substr(md5((g * 11)::text), 3, 6 + g % 5)),
       lower(substr(md5((g * 13)::text), 1, 8)) || '@' || (array['army.mil','navy.mil','us.af.mil','usmc.mil','gmail.com'])[1 + g % 5],
       (array['draft','submitted','approved','in_transit','delivered','cancelled'])[1 + (random() * 5)::int],
       jsonb_build_object('street', (g % 9000 + 1) || ' ' || initcap(substr(md5((g * 3)::text), 1, 8)) || ' St',
                          'city', (array['Arlington','Norfolk','San Diego','Tampa','Dayton','Fort Hood','Killeen','Fayetteville'])[1 + g % 8],
                          'state', (array['VA','CA','FL','OH','TX','NC','WA','GA'])[1 + g % 8],
                          'zip', lpad((g * 37 % 99999)::text, 5, '0')),
       jsonb_build_object('street', (g * 7 % 9000 + 1) || ' ' || initcap(substr(md5((g * 5)::text), 1, 9)) || ' Ave',
                          'city', (array['Anchorage','Honolulu','Ramstein','Okinawa','El Paso','Colorado Springs'])[1 + g % 6],
                          'postal', lpad((g * 53 % 99999)::text, 5, '0'), 'oconus', g % 3 = 0),
       round((500 + random() * 17500)::numeric, 2),
       round((800 + random() * 24000)::numeric, 2),
       timestamptz '2021-01-01' + (g * 61 || ' seconds')::interval,
       case when g % 6 <> 0 then timestamptz '2021-01-08' + (g * 61 + (random() * 900000)::int || ' seconds')::interval end,
       {{notes}},
       jsonb_build_object('rooms', 1 + g % 6, 'pro_gear_lbs', (random() * 2000)::int, 'pets', g % 9 = 0,
                          'gbloc', (array['KKFA','BGAC','LKNQ','AGFM','HAFC'])[1 + g % 5],
                          'tags', jsonb_build_array({{memo}}, substr(md5(g::text), 5, 6)))
from generate_series({{lo}}, {{hi}}) g;

insert into app.events
select e, e / 3, 'svc-' || (array['ghc','prime','office','customer','pricing'])[1 + e % 5],
       (array['created','updated','approved','scheduled','invoiced','viewed'])[1 + (random() * 5)::int],
       jsonb_build_object('request_id', md5(e::text), 'ip', '10.' || e % 251 || '.' || (random() * 255)::int || '.' || e % 7,
                          'changes', jsonb_build_object('field', (array['status','weight','date','address','agent'])[1 + e % 5],
                                                        'old', (random() * 1000)::int, 'new', (random() * 1000)::int),
                          'message', {{event}}),
       timestamptz '2021-01-01' + (e * 20 + (random() * 20)::int || ' seconds')::interval
from generate_series({{lo}} * 3, {{hi}} * 3 + 2) e;

insert into app.ledger
select l, l / 4, 1000 + (random() * 500)::int, round((random() * 5000 - 1000)::numeric, 2),
       (array['USD','USD','USD','EUR','JPY'])[1 + l % 5],
       timestamptz '2021-01-01' + (l * 15 || ' seconds')::interval, {{memo}}
from generate_series({{lo}} * 4, {{hi}} * 4 + 3) l;

insert into app.documents
select g / 8, g, (array['orders','weight_ticket','receipt','inventory','claim'])[1 + g % 5],
       'upload-' || md5(g::text) || '.pdf', {{bytes}},
       timestamptz '2021-01-01' + (g * 61 + 3600 || ' seconds')::interval
from generate_series({{lo}}, {{hi}}) g where g % 8 = 0;
`)
}

// shipmentsSQL is chunkSQL's shipments statement alone, for the database
// that is one table.
func shipmentsSQL(lo, hi int64) string {
	s := chunkSQL(lo, hi)
	return s[:strings.Index(s, "insert into app.events")]
}

// Executor runs SQL scripts in the bench database.
type Executor interface {
	Exec(ctx context.Context, database, script string) error
}

// createSchema makes the empty tables.
func createSchema(ctx context.Context, db Executor, database string) error {
	return db.Exec(ctx, database, schemaSQL)
}

// loadUnits fills units [from, to) in chunks on workers parallel sessions.
func loadUnits(ctx context.Context, db Executor, database string, from, to int64, workers int) error {
	const chunk = 25_000
	var scripts []string
	for lo := from; lo < to; lo += chunk {
		scripts = append(scripts, chunkSQL(lo, min(lo+chunk, to)))
	}
	return parallel(ctx, db, database, scripts, workers)
}

// finishLoad builds the primary keys (none after the first load) and
// vacuums, so the first dump does not pay for setting hint bits.
func finishLoad(ctx context.Context, db Executor, database string, keys []string, workers int) error {
	if len(keys) > 0 {
		if err := parallel(ctx, db, database, keys, workers); err != nil {
			return err
		}
	}
	return db.Exec(ctx, database, "vacuum (freeze, analyze);\ncheckpoint;")
}

// parallel runs scripts on up to workers sessions at once and returns the
// first error; the rest are cancelled.
func parallel(ctx context.Context, db Executor, database string, scripts []string, workers int) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sem := make(chan struct{}, max(workers, 1))
	errs := make(chan error, len(scripts))
	for _, s := range scripts {
		sem <- struct{}{}
		if ctx.Err() != nil {
			<-sem
			break
		}
		go func() {
			defer func() { <-sem }()
			err := db.Exec(ctx, database, s)
			if err != nil {
				cancel()
			}
			errs <- err
		}()
	}
	for range cap(sem) {
		sem <- struct{}{}
	}
	close(errs)
	for err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
