/**
 * The exact SQL against `summarize --json` (the built CLI) on generated fleets, run for real in DuckDB
 * (@duckdb/node-api) and in ClickHouse (chDB, installed by scripts/install-chdb.sh): every field equal,
 * floats within 1e-9 relative, map keys compared as sets.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAggregateSql, type AggregateSqlOptions } from '../../src/sql/aggregate-sql.js';
import { ensureBuilt, runBuiltCli } from '../cli/helpers/built-cli.js';
import { tempDir } from '../helpers/records.js';
import { differences } from './helpers/compare.js';
import { findChdb, runChdb, runDuckDb } from './helpers/engines.js';
import { fleetFiles } from './helpers/fleet.js';

const chdb = findChdb();
/** The SQL is slow next to summarize, and ClickHouse plans it slowly: a few seconds a query, more on a loaded machine. */
const TIMEOUT = 300_000;
const dir = tempDir('im-sql-');
afterAll(() => dir.cleanup());
beforeAll(() => ensureBuilt(), 180_000);

/** Writes a fleet's files, sorted by name as the SQL orders them. */
function writeFleet(name: string, texts: string[]): string[] {
  return texts.map((text, i) => {
    const file = path.join(dir.dir, `${name}-${String(i).padStart(2, '0')}.jsonl`);
    writeFileSync(file, text);
    return file;
  });
}

async function summarize(files: string[], bucket?: string): Promise<unknown> {
  const run = await runBuiltCli(['summarize', ...files, '--json', ...(bucket === undefined ? [] : ['--bucket', bucket])]);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout);
}

type Engine = { name: string; skip?: string; run: (sql: string) => Promise<string> };
const ENGINES: Engine[] = [
  { name: 'duckdb', run: runDuckDb },
  { name: 'clickhouse', ...(chdb.skip === undefined ? {} : { skip: chdb.skip }), run: async (sql) => runChdb(chdb.query!, sql) },
];

describe.each(ENGINES)('exact SQL on $name', (engine) => {
  const dialect = engine.name as NonNullable<AggregateSqlOptions['dialect']>;
  const test = engine.skip === undefined ? it : it.skip;
  const title = (t: string): string => (engine.skip === undefined ? t : `${t}; skipped: ${engine.skip}`);

  test.each([
    { seed: 1, files: 3, perFile: 400, bucket: undefined },
    { seed: 2, files: 2, perFile: 700, bucket: '7s' },
    { seed: 3, files: 1, perFile: 300, bucket: '1500ms' },
    // Across the epoch: negative instants, floor divisions and dates before 1970.
    { seed: 4, files: 2, perFile: 200, bucket: '7s', base: '1969-12-31T23:57:00.000Z' },
  ])(title('equals summarize --json on fleet seed $seed ($files files, bucket $bucket)'), async ({ seed, files, perFile, bucket, base }) => {
    const paths = writeFleet(`${engine.name}-fleet-${seed}`, fleetFiles(seed, files, perFile, base));
    const expected = await summarize(paths, bucket);
    const bucketMs = bucket === undefined ? 60_000 : bucket.endsWith('ms') ? Number(bucket.slice(0, -2)) : Number(bucket.slice(0, -1)) * 1000;
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
