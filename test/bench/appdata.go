package main

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"time"
)

// The second data set (issue #23 item 1): the shape of an application
// database, text-heavy, beside the bench's logistics rows. A help desk:
// accounts, tickets with long free-text bodies, comments, and jsonb
// documents of line items; every key a uuid, timestamps, numeric. Ticket
// bodies run to about 4 KB and documents to about 20 KB, so many values
// pass PostgreSQL's 2 KB TOAST threshold and are stored compressed (pglz):
// the dump is larger than the database on disk and the server decompresses
// them while it serves COPY. One unit is a ticket and what hangs off it:
// three comments, a quarter of a document and a twentieth of an account.

// appDatabase is the second data set's database.
const appDatabase = "bench_app"

// appUnitsPerGB is how many units make about 1 GB on disk with the primary
// keys (calibrated here; the report gives the size each run got).
const appUnitsPerGB = 170_000

const appSchemaSQL = `
set client_min_messages = warning;
create schema if not exists helpdesk;
create table helpdesk.accounts (
  id         uuid not null,
  name       text not null,
  email      text not null,
  plan       text not null,
  settings   jsonb not null,
  credit     numeric(14,2) not null,
  created_at timestamptz not null
);
create table helpdesk.tickets (
  id         uuid not null,
  account_id uuid not null,
  subject    text not null,
  body       text not null,
  status     text not null,
  priority   smallint not null,
  tags       text[] not null,
  metadata   jsonb not null,
  cost       numeric(12,2),
  created_at timestamptz not null,
  updated_at timestamptz not null,
  closed_at  timestamptz
);
create table helpdesk.comments (
  id         uuid not null,
  ticket_id  uuid not null,
  author_id  uuid not null,
  body       text not null,
  edited     boolean not null,
  created_at timestamptz not null
);
create table helpdesk.documents (
  id         uuid not null,
  ticket_id  uuid not null,
  version    integer not null,
  doc        jsonb not null,
  created_at timestamptz not null
);
`

var appKeysSQL = primaryKeys("helpdesk", "accounts", "tickets", "comments", "documents")

// appVocabulary is the bench's words with four endings each: 256 forms, so
// free text compresses about as prose does (3–4:1), not as a short list.
func appVocabulary() string {
	var forms []string
	for _, suffix := range []string{"", "s", "ed", "ing"} {
		for _, w := range words {
			forms = append(forms, w+suffix)
		}
	}
	return "(array['" + strings.Join(forms, "','") + "'])"
}

// prose is SQL for free text of about min to min+spread words that depends
// on the row's key g (a correlated subquery, so every row gets its own):
// each 64-bit hash of (g, seed, i) picks eight words, which loads several
// times faster than a random() per word.
func prose(g string, seed, min, spread int) string {
	v := appVocabulary()
	picks := make([]string, 8)
	for k := range picks {
		picks[k] = fmt.Sprintf("%s[1 + ((h >> %d) & 255)::int]", v, 8*k)
	}
	return fmt.Sprintf("(select string_agg(concat_ws(' ', %s), ' ') from (select hashint8extended(%s::bigint * 1000003 + n, %d) h "+
		"from generate_series(1, (%d + (%s::bigint * 7919) %% %d)::int / 8 + 1) n) s)", strings.Join(picks, ", "), g, seed, min, g, spread+1)
}

// fewWords is SQL for n (at most 8) words picked by one hash of key, with
// no subquery: for short values in inner loops (document lines).
func fewWords(key string, seed, n int) string {
	v := appVocabulary()
	picks := make([]string, n)
	for k := range picks {
		picks[k] = fmt.Sprintf("%s[1 + ((hashint8extended(%s, %d) >> %d) & 255)::int]", v, key, seed, 8*k)
	}
	return "concat_ws(' ', " + strings.Join(picks, ", ") + ")"
}

// appChunkSQL fills units [lo, hi) of every table of the second data set.
func appChunkSQL(lo, hi int64) string {
	r := strings.NewReplacer("{{lo}}", fmt.Sprint(lo), "{{hi}}", fmt.Sprint(hi-1),
		"{{body}}", prose("g", 1, 60, 540), "{{comment}}", prose("c", 2, 10, 110),
		"{{subject}}", prose("g", 3, 4, 8), "{{docnote}}", prose("g", 4, 10, 110), "{{line}}", fewWords("g::bigint * 1000 + i", 5, 4))
	return r.Replace(`
set client_min_messages = warning;
set synchronous_commit = off;
insert into helpdesk.accounts
select md5('account' || a)::uuid, initcap(substr(md5((a * 7)::text), 1, 6)) || ' ' || initcap(substr(md5((a * 11)::text), 1, 9)),
       lower(substr(md5((a * 13)::text), 1, 10)) || '@' || (array['example.com','example.org','agency.gov','corp.example'])[1 + a % 4],
       (array['free','team','business','enterprise'])[1 + a % 4],
       jsonb_build_object('locale', (array['en-US','en-GB','de-DE','fr-FR','ja-JP'])[1 + a % 5], 'timezone', 'UTC' || (a % 25 - 12),
                          'notifications', jsonb_build_object('email', a % 2 = 0, 'sms', a % 3 = 0, 'digest', (array['daily','weekly','never'])[1 + a % 3]),
                          'seats', 1 + a % 200, 'sso', a % 5 = 0),
       round((random() * 100000)::numeric, 2),
       timestamptz '2019-01-01' + (a * 3600 + (random() * 3600)::int || ' seconds')::interval
from generate_series(({{lo}} + 19) / 20, {{hi}} / 20) a;

insert into helpdesk.tickets
select md5('ticket' || g)::uuid, md5('account' || g / 20)::uuid, {{subject}}, {{body}},
       (array['new','open','pending','on_hold','solved','closed'])[1 + (random() * 5)::int], (1 + g % 4)::smallint,
       array[(array['billing','login','export','bug','feature','urgent','api','mobile'])[1 + g % 8],
             (array['tier1','tier2','tier3'])[1 + g % 3]],
       jsonb_build_object('channel', (array['email','web','phone','chat','api'])[1 + g % 5], 'sla_hours', (array[4,8,24,72])[1 + g % 4],
                          'requester', jsonb_build_object('ip', '10.' || g % 251 || '.' || (random() * 255)::int || '.' || g % 7,
                                                          'agent', (array['Mozilla/5.0 (Windows NT 10.0)','Mozilla/5.0 (Macintosh)','okhttp/4.9','curl/8.4'])[1 + g % 4]),
                          'custom_fields', jsonb_build_object('region', (array['us-east','us-west','eu','apac'])[1 + g % 4], 'score', (random() * 100)::int)),
       case when g % 3 = 0 then round((random() * 5000)::numeric, 2) end,
       timestamptz '2021-01-01' + (g * 90 || ' seconds')::interval,
       timestamptz '2021-01-01' + (g * 90 + (random() * 864000)::int || ' seconds')::interval,
       case when g % 5 < 3 then timestamptz '2021-01-02' + (g * 90 + (random() * 1728000)::int || ' seconds')::interval end
from generate_series({{lo}}, {{hi}}) g;

insert into helpdesk.comments
select gen_random_uuid(), md5('ticket' || c / 3)::uuid, md5('account' || (c * 7) % 50000)::uuid, {{comment}}, c % 11 = 0,
       timestamptz '2021-01-01' + (c * 30 + (random() * 600)::int || ' seconds')::interval
from generate_series({{lo}} * 3, {{hi}} * 3 + 2) c;

insert into helpdesk.documents
select gen_random_uuid(), md5('ticket' || g)::uuid, 1 + g % 3,
       jsonb_build_object('number', 'INV-' || lpad(g::text, 10, '0'), 'currency', (array['USD','EUR','GBP'])[1 + g % 3],
                          'lines', (select jsonb_agg(jsonb_build_object('sku', upper(substr(md5((g::bigint * 1000 + i)::text), 1, 10)),
                                                                        'description', {{line}}, 'qty', 1 + i % 9,
                                                                        'unit_price', round((random() * 900)::numeric, 2)))
                                    from generate_series(1, 20 + g % 140) i),
                          'notes', {{docnote}}),
       timestamptz '2021-01-01' + (g * 90 + 7200 || ' seconds')::interval
from generate_series({{lo}}, {{hi}}) g where g % 4 = 0;
`)
}

// loadApp fills the second data set from fromGB to toGB (about) and returns
// its size on disk.
func (b *Bench) loadApp(ctx context.Context, fromGB, toGB float64, first bool) (int64, error) {
	from, to := int64(fromGB*appUnitsPerGB+0.5), int64(toGB*appUnitsPerGB+0.5)
	logf("loading %s: units %d to %d (about %.2f GB)", appDatabase, from, to, toGB)
	start := time.Now()
	if first {
		if err := b.pg.CreateDatabase(ctx, appDatabase); err != nil {
			return 0, err
		}
		if err := b.pg.Exec(ctx, appDatabase, appSchemaSQL); err != nil {
			return 0, err
		}
	}
	const chunk = 5_000
	var scripts []string
	for lo := from; lo < to; lo += chunk {
		scripts = append(scripts, appChunkSQL(lo, min(lo+chunk, to)))
	}
	workers := runtime.NumCPU()
	if err := parallel(ctx, b.pg, appDatabase, scripts, workers); err != nil {
		return 0, err
	}
	var keys []string
	if first {
		keys = appKeysSQL
	}
	if err := finishLoad(ctx, b.pg, appDatabase, keys, workers); err != nil {
		return 0, err
	}
	size, err := b.databaseSize(ctx, appDatabase)
	if err != nil {
		return 0, err
	}
	logf("database %s: %s on disk, loaded in %s", appDatabase, mb(size), time.Since(start).Round(time.Second))
	return size, nil
}
