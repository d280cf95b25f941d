/**
 * The exact SQL against `summarize --json` (the built CLI) on generated fleets, run for real in one engine:
 * DuckDB (@duckdb/node-api) or ClickHouse (chDB, installed by scripts/install-chdb.sh): every field equal,
 * floats within 1e-9 relative, map keys compared as sets. One test file per engine
 * (`exact-sql-duckdb.test.ts`, `exact-sql-clickhouse.test.ts`), so that the two run side by side.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAggregateSql, type AggregateSqlOptions } from '../../../src/sql/aggregate-sql.js';
import { ensureBuilt, runBuiltCli } from '../../cli/helpers/built-cli.js';
import { tempDir } from '../../helpers/records.js';
import { differences } from './compare.js';
import { findChdb, runChdb, runDuckDb } from './engines.js';
import { fleetFiles } from './fleet.js';

/** The SQL is slow next to summarize, and ClickHouse plans it slowly: a few seconds a query, more on a loaded machine. */
const TIMEOUT = 300_000;

type Engine = { name: 'duckdb' | 'clickhouse'; skip?: string; run: (sql: string) => Promise<string> };

/**
 * Defines the exact-SQL tests for one engine.
 *
 * @param name - The engine: `duckdb` (always present) or `clickhouse` (chDB, skipped with its install
 *   command where absent, a failure under REQUIRE_SERVERS=1).
 */
export function exactSqlSuite(name: 'duckdb' | 'clickhouse'): void {
  const chdb = name === 'clickhouse' ? findChdb() : {};
  const engine: Engine =
    name === 'duckdb' ? { name, run: runDuckDb } : { name, ...(chdb.skip === undefined ? {} : { skip: chdb.skip }), run: async (sql) => runChdb(chdb.query!, sql) };
  const dir = tempDir(`im-sql-${name}-`);
  afterAll(() => dir.cleanup());
  beforeAll(() => ensureBuilt(), 180_000);
  /** Writes a fleet's files, sorted by name as the SQL orders them. */
  function writeFleet(prefix: string, texts: string[]): string[] {
    return texts.map((text, i) => {
      const file = path.join(dir.dir, `${prefix}-${String(i).padStart(2, '0')}.jsonl`);
      writeFileSync(file, text);
      return file;
    });
  }

  async function summarize(files: string[], bucket?: string): Promise<unknown> {
    const run = await runBuiltCli(['summarize', ...files, '--json', ...(bucket === undefined ? [] : ['--bucket', bucket])]);
    expect(run.code, run.stderr).toBe(0);
    return JSON.parse(run.stdout);
  }

  describe(`exact SQL on ${name}`, () => {
    const dialect: NonNullable<AggregateSqlOptions['dialect']> = engine.name;
    const test = engine.skip === undefined ? it : it.skip;
    const title = (t: string): string => (engine.skip === undefined ? t : `${t}; skipped: ${engine.skip}`);

    test.each([
      // Each fleet is a query of a few seconds (ClickHouse plans this SQL slowly): two fleets cover several
      // files, a bucket that is not whole seconds, the default bucket's arithmetic (60 s, in the parquet
      // test) and, in the second, the epoch: negative instants, floor divisions and dates before 1970.
      { seed: 1, files: 3, perFile: 400, bucket: '1500ms' },
      { seed: 4, files: 2, perFile: 300, bucket: '7s', base: '1969-12-31T23:57:00.000Z' },
    ])(title('equals summarize --json on fleet seed $seed ($files files, bucket $bucket)'), async ({ seed, files, perFile, bucket, base }) => {
      const paths = writeFleet(`${engine.name}-fleet-${seed}`, fleetFiles(seed, files, perFile, base));
      const expected = await summarize(paths, bucket);
      const bucketMs = bucket.endsWith('ms') ? Number(bucket.slice(0, -2)) : Number(bucket.slice(0, -1)) * 1000;
      const sql = buildAggregateSql({ dialect, from: path.join(dir.dir, `${engine.name}-fleet-${seed}-*.jsonl`), bucketMs });
      const got: unknown = JSON.parse(await engine.run(sql));
      expect(differences(expected, got)).toEqual([]);
    }, TIMEOUT);

    test(title('equals summarize --json from Parquet files with a line column'), async () => {
      const [jsonl] = writeFleet(`${engine.name}-pq`, fleetFiles(6, 1, 500));
      const parquet = path.join(dir.dir, `${engine.name}-pq.parquet`);
      // DuckDB writes the Parquet file for both engines, lines in file order (the last, torn one included).
      await runDuckDb(`COPY (SELECT unnest(string_split(content, chr(10))) AS line FROM read_text('${jsonl}')) TO '${parquet}' (FORMAT parquet)`);
      const expected = await summarize([jsonl!]);
      const got: unknown = JSON.parse(await engine.run(buildAggregateSql({ dialect, from: parquet, format: 'parquet' })));
      expect(differences(expected, got)).toEqual([]);
    }, TIMEOUT);

    test(title('gives the aggregate of no records for a log without a valid line'), async () => {
      const [file] = writeFleet(`${engine.name}-empty`, ['not json\n{}\n\n']);
      const got = JSON.parse(await engine.run(buildAggregateSql({ dialect, from: file! }))) as Record<string, unknown>;
      expect(got).toMatchObject({ totalInvocations: 0, duration: null, firstStart: null, lastEnd: null, parallelismOverTime: [], invocationsByAgent: {}, successRate: 0 });
    }, TIMEOUT);

    test(title('fails with a message past 100,000 buckets'), async () => {
      const [file] = writeFleet(`${engine.name}-wide`, [fleetFiles(5, 1, 50)[0]!.split('\n').slice(0, 50).join('\n')]);
      await expect(engine.run(buildAggregateSql({ dialect, from: file!, bucketMs: 1 }))).rejects.toThrow(/more than 100000 buckets/);
    }, TIMEOUT);
  });
}
