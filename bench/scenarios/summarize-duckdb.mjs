// Peer of `invocation-metrics summarize`: DuckDB SQL over the same JSONL. It computes only the simple
// half of our aggregate: counts, sums and averages by agent and by phase, retries, success rate, and
// the peak parallelism by a window sweep over start/end events. No previous attempts (infra retries,
// escalations), no percentiles, no per-bucket series, no per-model tables.
//   node summarize-duckdb.mjs <file> [default|best]
//   default: DuckDB's own settings; best: `threads` set to the machine's cores (os.availableParallelism()),
//   the setting DuckDB's performance guide names first.
import os from 'node:os';
import { DuckDBInstance } from '@duckdb/node-api';

const [file, config = 'default'] = process.argv.slice(2);
const instance = await DuckDBInstance.create(':memory:', config === 'best' ? { threads: String(os.availableParallelism()) } : {});
const db = await instance.connect();
const columns = `{invocationId: 'VARCHAR', agent: 'VARCHAR', phase: 'INTEGER', taskId: 'VARCHAR', durationMs: 'DOUBLE',
  tokens: 'BIGINT', inputTokens: 'BIGINT', outputTokens: 'BIGINT', cachedTokens: 'BIGINT', cost: 'DOUBLE', exitCode: 'INTEGER',
  success: 'BOOLEAN', attempt: 'INTEGER', outputParsed: 'BOOLEAN', model: 'VARCHAR', tier: 'VARCHAR', timestamp: 'VARCHAR', errorClass: 'VARCHAR'}`;
await db.run(`CREATE TEMP TABLE r AS SELECT agent, phase, durationMs, tokens, cachedTokens, cost, success, attempt,
  epoch_ms(CAST("timestamp" AS TIMESTAMPTZ)) AS start
  FROM read_json('${file.replaceAll("'", "''")}', format = 'newline_delimited', columns = ${columns})`);
const out = {};
const rows = async (sql) => (await db.runAndReadAll(sql)).getRowObjectsJson();
const group = (key) => `SELECT ${key} AS k, count(*) AS invocations, sum(tokens) AS tokens, sum(cost) AS cost,
  avg(durationMs) AS avgDuration, count(*) FILTER (WHERE attempt > 1) AS retries FROM r GROUP BY ${key} ORDER BY ${key}`;
out.byAgent = await rows(group('agent'));
out.byPhase = await rows(group('phase'));
out.totals = await rows(`SELECT count(*) AS invocations, sum(tokens) AS tokens, sum(cost) AS cost, sum(durationMs) AS duration,
  sum(coalesce(cachedTokens, 0)) AS cached, count(*) FILTER (WHERE attempt > 1) AS retries, avg(success::INTEGER) AS successRate FROM r`);
out.peak = await rows(`SELECT max(running) AS peak FROM (
  SELECT sum(delta) OVER (ORDER BY t, delta ROWS UNBOUNDED PRECEDING) AS running FROM (
    SELECT start AS t, 1 AS delta FROM r WHERE durationMs > 0
    UNION ALL SELECT start + durationMs AS t, -1 AS delta FROM r WHERE durationMs > 0))`);
process.stdout.write(`${JSON.stringify(out).length} bytes of results, peak ${out.peak[0].peak}\n`);
