/**
 * What the exact SQL cannot reproduce (README, "Exact SQL"), each written as the behaviour it has, so that
 * a change in an engine shows here: lines JSON.parse and the engines read differently. And what it does
 * reproduce although the engines' JSON functions differ from JSON.parse (duplicate keys: the last wins).
 * One test file per engine (`limits-duckdb.test.ts`, `limits-clickhouse.test.ts`), so that the two run
 * side by side.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadLog } from '../../../src/log/reader.js';
import { serializeMetric } from '../../../src/serialize.js';
import { buildAggregateSql } from '../../../src/sql/aggregate-sql.js';
import { metric, tempDir } from '../../helpers/records.js';
import { findChdb, runChdb, runDuckDb } from './engines.js';

const TIMEOUT = 300_000;

let n = 0;
const line = (patch: Record<string, unknown>): string => serializeMetric(metric({ invocationId: `i${n}`, ...patch }));
/** A valid line and one whose agent holds the byte 0xFF (not UTF-8: the loader reads it as U+FFFD). */
const notUtf8 = (): Buffer => {
  const [head, tail] = line({ agent: 'AGENT' }).split('AGENT');
  return Buffer.concat([Buffer.from(`${line({})}\n${head!}`), Buffer.from([0x61, 0xff]), Buffer.from(`${tail!}\n`)]);
};

type Engine = { name: 'duckdb' | 'clickhouse'; skip?: string; run: (sql: string) => Promise<string> };

/** The SQL's totalInvocations and the loader's record count for the same file. */
async function counts(engine: Engine, file: string): Promise<{ sql: number; loader: number }> {
  const got = JSON.parse(await engine.run(buildAggregateSql({ dialect: engine.name, from: file }))) as { totalInvocations: number };
  return { sql: got.totalInvocations, loader: (await loadLog(file)).records.length };
}

/**
 * Defines the limits tests for one engine.
 *
 * @param name - The engine: `duckdb` (always present) or `clickhouse` (chDB, skipped with its install
 *   command where absent, a failure under REQUIRE_SERVERS=1).
 */
export function limitsSuite(name: Engine['name']): void {
  // The suite's own folder: a module-level one would be removed by the first file that ends when test
  // files share a worker (vitest.config.ts).
  const dir = tempDir(`im-sql-limits-${name}-`);
  afterAll(() => dir.cleanup());
  const log = (content: string | Buffer): string => {
    const file = path.join(dir.dir, `log-${n++}.jsonl`);
    writeFileSync(file, content);
    return file;
  };
  const chdb = name === 'clickhouse' ? findChdb() : {};
  const engine: Engine =
    name === 'duckdb' ? { name, run: runDuckDb } : { name, ...(chdb.skip === undefined ? {} : { skip: chdb.skip }), run: async (sql) => runChdb(chdb.query!, sql) };
  describe(`limits of the exact SQL on ${name}`, () => {
    const test = engine.skip === undefined ? it : it.skip;
    const title = (t: string): string => (engine.skip === undefined ? t : `${t}; skipped: ${engine.skip}`);

    test(title('reads duplicate keys as JSON.parse does: the last value wins'), async () => {
      const dup = line({ agent: 'first', tier: 'small' }).replace('"tier":"small"', '"tier":"small","agent":"last","tier":"large"');
      const file = log(`${dup}\n`);
      const got = JSON.parse(await engine.run(buildAggregateSql({ dialect: engine.name, from: file }))) as { invocationsByAgent: Record<string, number> };
      expect(got.invocationsByAgent).toEqual({ last: 1 });
      expect((await loadLog(file)).records[0]!.agent).toBe('last');
    }, TIMEOUT);

    test(title('skips a record with an escaped lone surrogate, which JSON.parse keeps'), async () => {
      const file = log(`${line({})}\n${line({ taskId: 'X' }).replace('"taskId":"X"', '"taskId":"\\ud800"')}\n`);
      expect(await counts(engine, file)).toEqual({ sql: 1, loader: 2 });
    }, TIMEOUT);

    if (engine.name === 'duckdb') {
      test(title('fails the query on bytes that are not UTF-8, which the loader reads as U+FFFD'), async () => {
        const file = log(notUtf8());
        expect((await loadLog(file)).records.map((r) => r.agent)).toEqual(['coder', 'a\ufffd']);
        await expect(engine.run(buildAggregateSql({ dialect: engine.name, from: file }))).rejects.toThrow(/UTF-8/i);
      }, TIMEOUT);

      test(title('keeps a line with NaN or a trailing comma, which JSON.parse refuses'), async () => {
        const nan = line({}).replace(/}$/, ',"extra":NaN}');
        const comma = line({}).replace(/}$/, ',}');
        expect(await counts(engine, log(`${nan}\n${comma}\n`))).toEqual({ sql: 2, loader: 0 });
      }, TIMEOUT);
    } else {
      test(title('skips a line with bytes that are not UTF-8, which the loader reads as U+FFFD'), async () => {
        expect(await counts(engine, log(notUtf8()))).toEqual({ sql: 1, loader: 2 });
      }, TIMEOUT);

      test(title('skips a line with a number out of range or an integer past 2^64 in another field, which JSON.parse keeps'), async () => {
        const huge = line({}).replace(/}$/, ',"extra":1e400}');
        const big = line({}).replace(/}$/, ',"extra":100000000000000000000}');
        expect(await counts(engine, log(`${huge}\n${big}\n`))).toEqual({ sql: 0, loader: 2 });
      }, TIMEOUT);
    }
  });
}
