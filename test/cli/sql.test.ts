/**
 * `invocation-metrics sql`, run as the built CLI: the query it prints runs in DuckDB and equals
 * `summarize --json` on the CLI fixture; options reach the generator; bad values are usage errors (exit 2).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildAggregateSql } from '../../src/sql/aggregate-sql.js';
import { differences } from '../sql/helpers/compare.js';
import { runDuckDb } from '../sql/helpers/engines.js';
import { ensureBuilt, runBuiltCli } from './helpers/built-cli.js';

const RUN = 'test/fixtures/cli/run.jsonl';

beforeAll(async () => {
  await ensureBuilt();
}, 180_000);

describe('sql', () => {
  it('prints a DuckDB query whose result equals summarize --json', async () => {
    const sql = await runBuiltCli(['sql', '--from', RUN, '--bucket', '30s']);
    expect(sql.code, sql.stderr).toBe(0);
    const summary = await runBuiltCli(['summarize', RUN, '--json', '--bucket', '30s']);
    expect(differences(JSON.parse(summary.stdout), JSON.parse(await runDuckDb(sql.stdout)))).toEqual([]);
  }, 300_000);

  it('passes --dialect, --format and --from to the generator, with documented defaults', async () => {
    const ch = await runBuiltCli(['sql', '--dialect', 'clickhouse', '--format', 'table', '--from', 'logs.invocations']);
    expect(ch.stdout).toBe(`${buildAggregateSql({ dialect: 'clickhouse', format: 'table', from: 'logs.invocations' })}\n`);
    const defaults = await runBuiltCli(['sql']);
    expect(defaults.stdout).toBe(`${buildAggregateSql({ dialect: 'duckdb', format: 'jsonl', from: 'invocations.jsonl', bucketMs: 60_000 })}\n`);
    expect(defaults.stdout).toContain("read_text('invocations.jsonl')");
  });

  it.each([
    [['--dialect', 'postgres'], "Expected --dialect to be one of duckdb, clickhouse, got 'postgres'"],
    [['--format', 'csv'], "Expected --format to be one of jsonl, parquet, table, got 'csv'"],
    [['--format', 'table', '--from', 'x; DROP TABLE y'], "Expected --from to be a table name (name or db.name) with --format table, got 'x; DROP TABLE y'"],
    [['--bucket', '0'], "Expected --bucket to be a positive whole number of milliseconds with an optional unit (500ms, 30s, 2m, 1h), got '0'"],
    [['logs/*.jsonl'], "Unexpected argument 'logs/*.jsonl' (give the input with --from)"],
    [['--dialekt', 'duckdb'], 'unknown option --dialekt (did you mean --dialect?)'],
  ])('refuses %j with exit 2', async (args, message) => {
    const r = await runBuiltCli(['sql', ...args]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
  });

  it('escapes a path in the SQL literal of each dialect', async () => {
    const path = "logs/it's \\ here.jsonl";
    expect((await runBuiltCli(['sql', '--from', path])).stdout).toContain(`read_text('logs/it''s \\ here.jsonl')`);
    expect((await runBuiltCli(['sql', '--dialect', 'clickhouse', '--from', path])).stdout).toContain(`file('logs/it\\'s \\\\ here.jsonl', 'RawBLOB')`);
  });
});
