/**
 * Runs the exact SQL of `invocation-metrics sql` in one engine, in this process, and prints the aggregate's
 * JSON: the child process `sql-scale.ts` measures (wall time and peak RSS under `/usr/bin/time -v`).
 *
 * Usage: `tsx bench/sql-engine.ts duckdb|clickhouse <glob>`. DuckDB comes from the root devDependency
 * `@duckdb/node-api`; chDB from scripts/install-chdb.sh (IM_CHDB_DIR or ~/.cache/invocation-metrics/chdb).
 *
 * @module
 */
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { buildAggregateSql } from '../src/sql/aggregate-sql.js';

const [dialect, from] = process.argv.slice(2);
if ((dialect !== 'duckdb' && dialect !== 'clickhouse') || from === undefined) {
  console.error('usage: tsx bench/sql-engine.ts duckdb|clickhouse <glob>');
  process.exit(2);
}
const sql = buildAggregateSql({ dialect, from });
if (dialect === 'duckdb') {
  const instance = await DuckDBInstance.create(':memory:');
  const reader = await (await instance.connect()).runAndReadAll(sql);
  process.stdout.write(`${String(reader.getRows()[0]![0])}\n`);
} else {
  const dir = process.env.IM_CHDB_DIR ?? path.join(homedir(), '.cache/invocation-metrics/chdb');
  const chdb = createRequire(path.join(dir, 'node_modules/index.js'))('chdb') as { query: (q: string, f: string) => string };
  process.stdout.write(chdb.query(sql, 'TSVRaw'));
}
