// Reads Parquet files back with DuckDB, as the partner's warehouse would.
// Usage: node read.mjs JOB.json. JOB is {"queries": [{"sql": "...", "out": "file.json"}]};
// each query's rows (every column already cast to text by the SQL) are
// written to "out" as a JSON array of arrays of strings or nulls.
import { readFileSync, writeFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const job = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
await conn.run("SET TimeZone = 'UTC'");
for (const q of job.queries) {
  const reader = await conn.runAndReadAll(q.sql);
  writeFileSync(q.out, JSON.stringify(reader.getRowsJS()));
}
