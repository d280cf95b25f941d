/**
 * The two engines the exact SQL runs on in the tests: DuckDB through `@duckdb/node-api` (a devDependency)
 * and ClickHouse through chDB, which is not a dependency (its engine is about 550 MB): it is installed by
 * `scripts/install-chdb.sh` into a side folder. Where chDB is absent its tests are skipped with that
 * command (the install-hint reporter prints it), and fail under REQUIRE_SERVERS=1, as in CI.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { INSTALL_PREFIX } from '../../helpers/servers.js';

/** Runs a query in a fresh in-memory DuckDB and returns the first column of its first row. */
export async function runDuckDb(sql: string): Promise<string> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  try {
    const connection = await instance.connect();
    const reader = await connection.runAndReadAll(sql);
    return String(reader.getRows()[0]![0]);
  } finally {
    instance.closeSync();
  }
}

/** The chDB module's query function. */
export type ChdbQuery = (sql: string, format?: string) => string;

/** Where scripts/install-chdb.sh puts chDB. */
export const CHDB_DIR = process.env.IM_CHDB_DIR ?? path.join(homedir(), '.cache/invocation-metrics/chdb');

/** chDB's `query`, or the reason to skip (with the install command); throws when absent under REQUIRE_SERVERS=1. */
export function findChdb(): { query?: ChdbQuery; skip?: string } {
  const modules = path.join(CHDB_DIR, 'node_modules');
  if (existsSync(path.join(modules, 'chdb/package.json'))) {
    const require = createRequire(path.join(modules, 'index.js'));
    const chdb = require('chdb') as { query: ChdbQuery };
    return { query: (sql, format) => chdb.query(sql, format) };
  }
  const reason = `chDB not found in ${CHDB_DIR}; ${INSTALL_PREFIX}scripts/install-chdb.sh`;
  if (process.env.REQUIRE_SERVERS === '1') throw new Error(`REQUIRE_SERVERS=1 but ${reason}`);
  return { skip: reason };
}

/** Runs a query in chDB and returns its single value as raw text. */
export function runChdb(query: ChdbQuery, sql: string): string {
  return query(sql, 'TSVRaw').replace(/\n$/, '');
}
