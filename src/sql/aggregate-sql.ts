/**
 * The exact aggregate as one SQL query (`invocation-metrics sql`): the records of `record-sql.ts`, then
 * every field of `MetricsAggregate` as docs/aggregate.md defines it, assembled into one JSON text (one row,
 * one column `aggregate`) that parses to what `summarize --json` prints, map keys in the engine's byte
 * order. What SQL cannot reproduce is listed in the README ("Exact SQL").
 *
 * @module
 */
import { dialectOf, type Dialect, type SqlDialect, type SqlFormat } from './dialect.js';
import { isoItems } from './iso-sql.js';
import { recordCtes } from './record-sql.js';

/** Options of {@link buildAggregateSql}. */
export interface AggregateSqlOptions {
  /**
   * The SQL dialect.
   * @default 'duckdb'
   */
  dialect?: SqlDialect;
  /**
   * What to read: a path or glob of JSONL files (`logs/*.jsonl`; ClickHouse also `s3://...`), of Parquet
   * files with a `line` column, or a table name (with a `line` column), as `format` says.
   * @default 'invocations.jsonl'
   */
  from?: string;
  /**
   * What `from` names.
   * @default 'jsonl'
   */
  format?: SqlFormat;
  /**
   * Width of the `parallelismOverTime` buckets, ms; a positive safe integer (as `summarize --bucket`).
   * @default 60000
   */
  bucketMs?: number;
}

/** Largest number of buckets (the aggregate's `MAX_BUCKETS`). */
const MAX_BUCKETS = 100_000;

/**
 * Writes the query.
 *
 * @param options - See {@link AggregateSqlOptions}.
 * @returns The SQL text: one statement, no trailing semicolon.
 * @example
 * ```ts
 * const sql = buildAggregateSql({ dialect: 'duckdb', from: 'logs/*.jsonl' });
 * // duckdb -noheader -list -c "$sql" prints the aggregate as JSON
 * ```
 */
export function buildAggregateSql(options: AggregateSqlOptions = {}): string {
  const d = dialectOf(options.dialect ?? 'duckdb');
  const w = options.bucketMs ?? 60_000;
  return `WITH ${recordCtes(d, options.from ?? 'invocations.jsonl', options.format ?? 'jsonl')},
${retryCtes(d)},
${parallelismCtes(d, w)},
${durationCtes()}
SELECT ${assemble(d, w)} AS aggregate${d.suffix}`;
}

/** Previous attempts (a window over candidates and retries per key and attempt level), infra retries, escalations. */
function retryCtes(d: Dialect): string {
  return `attempts AS (
  SELECT r.ord, r.agent, r.phase, r.task IS NULL AS no_task, coalesce(r.task, '') AS task_key, r.attempt - k.kind AS lvl, r.start, k.kind,
    CASE WHEN k.kind = 0 THEN r.ord END AS cand, r.tier, r.model
  FROM recs r CROSS JOIN (SELECT 0 AS kind UNION ALL SELECT 1 AS kind) k
  WHERE k.kind = 0 OR r.attempt > 1
),
previous AS (
  SELECT ord, agent, tier, model,
    ${d.lastNonNull('cand')} OVER (PARTITION BY agent, phase, no_task, task_key, lvl ORDER BY start, kind, cand ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS prev_ord,
    kind
  FROM attempts
),
retries AS (
  SELECT q.agent,
    CASE WHEN p.ord IS NOT NULL AND p.err IS NOT NULL AND p.err <> '' THEN 1 ELSE 0 END AS infra,
    CASE WHEN p.ord IS NULL THEN NULL
      WHEN p.tier IS NOT NULL AND q.tier IS NOT NULL THEN CASE WHEN p.tier <> q.tier THEN p.tier || ' -> ' || q.tier END
      WHEN p.model IS NOT NULL AND q.model IS NOT NULL AND p.model <> q.model THEN p.model || ' -> ' || q.model END AS move
  FROM (SELECT * FROM previous WHERE kind = 1) q LEFT JOIN recs p ON p.ord = q.prev_ord
)`;
}

/** `bucketOf` and `bucketBefore` of src/aggregate/epoch-buckets.ts: a floor division corrected by exact products. */
function bucketOf(t: string, w: number): string {
  const k = `floor((${t}) / ${w})`;
  return `(CASE WHEN ${k} * ${w} > (${t}) THEN ${k} - 1 WHEN (${k} + 1) * ${w} <= (${t}) THEN ${k} + 1 ELSE ${k} END)`;
}
function bucketBefore(e: string, w: number): string {
  const k = `(ceil((${e}) / ${w}) - 1)`;
  return `(CASE WHEN ${k} * ${w} >= (${e}) THEN ${k} - 1 WHEN (${k} + 1) * ${w} < (${e}) THEN ${k} + 1 ELSE ${k} END)`;
}

/**
 * The sweep: +1 at each start and -1 at each end of the intervals of positive length; f(t), the number
 * running at instant t, is the running sum over distinct times. A bucket's `concurrent` is the largest f
 * at its first instant (f at the last event before it, unless an event falls on it) or at an event inside.
 */
function parallelismCtes(d: Dialect, w: number): string {
  const positive = '(start + dur > start)';
  return `events AS (
  SELECT start AS t, 1 AS delta FROM recs WHERE ${positive}
  UNION ALL
  SELECT start + dur AS t, -1 AS delta FROM recs WHERE ${positive}
),
levels AS (
  SELECT t, sum(net) OVER (ORDER BY t ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS f
  FROM (SELECT t, sum(delta) AS net FROM events GROUP BY t) x
),
bounds AS (
  SELECT count(*) AS n, min(start) AS first_start, max(start + dur) AS last_end,
    max(CASE WHEN ${positive} THEN start + dur END) AS last_pos_end,
    max(CASE WHEN NOT ${positive} THEN start END) AS last_zero_start
  FROM recs
),
edges AS (
  SELECT n, first_start, last_end, ${bucketOf('first_start', w)} AS first_k,
    CASE WHEN last_pos_end IS NULL THEN ${bucketOf('last_zero_start', w)}
      WHEN last_zero_start IS NULL THEN ${bucketBefore('last_pos_end', w)}
      WHEN ${bucketBefore('last_pos_end', w)} > ${bucketOf('last_zero_start', w)} THEN ${bucketBefore('last_pos_end', w)}
      ELSE ${bucketOf('last_zero_start', w)} END AS last_k
  FROM bounds
),
checked AS (
  SELECT *, ${d.failIf(`n > 0 AND last_k - first_k + 1 > ${MAX_BUCKETS}`, `parallelismOverTime would need more than ${MAX_BUCKETS} buckets of ${w} ms: choose a wider bucket`)} AS too_many
  FROM edges
),
bucket_keys AS (
  ${d.series('first_k', 'last_k', 'checked', 'n > 0 AND too_many = 0')}
),
bucket_events AS (
  SELECT ${d.int(bucketOf('t', w))} AS k, max(f) AS maxf, min(t) AS mint, ${d.argMax('f', 't')} AS endf FROM levels GROUP BY ${d.int(bucketOf('t', w))}
),
carried AS (
  SELECT b.k, e.maxf, e.mint,
    ${d.lastNonNull('e.endf')} OVER (ORDER BY b.k ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS carry
  FROM bucket_keys b LEFT JOIN bucket_events e ON e.k = b.k
),
buckets AS (
  SELECT k,
    CASE WHEN coalesce(maxf, 0) > (CASE WHEN mint = k * ${w} THEN 0 ELSE coalesce(carry, 0) END) THEN coalesce(maxf, 0)
      ELSE (CASE WHEN mint = k * ${w} THEN 0 ELSE coalesce(carry, 0) END) END AS concurrent,
    ${isoItems(d, `k * ${w}`, 'b_')}
  FROM carried
),
span AS (
  SELECT n, first_start, last_end,
    ${isoItems(d, 'CASE WHEN n > 0 THEN first_start ELSE 0 END', 'f_')},
    ${isoItems(d, 'CASE WHEN n > 0 THEN floor(last_end) ELSE 0 END', 'l_')}
  FROM bounds
)`;
}

/** Nearest-rank percentiles: the value at 1-based rank max(1, ceil(p * n / 100)) of the sorted durations. */
function durationCtes(): string {
  const rank = (p: number): string => `(CASE WHEN ceil(${p} * cnt / 100.0) < 1 THEN 1 ELSE ceil(${p} * cnt / 100.0) END)`;
  const stats = `count(*) AS cnt_all, min(dur) AS dmin, max(dur) AS dmax, sum(dur) AS dsum,
    max(CASE WHEN rn = ${rank(50)} THEN dur END) AS p50, max(CASE WHEN rn = ${rank(90)} THEN dur END) AS p90,
    max(CASE WHEN rn = ${rank(95)} THEN dur END) AS p95, max(CASE WHEN rn = ${rank(99)} THEN dur END) AS p99`;
  return `ranked_agent AS (
  SELECT agent, dur, row_number() OVER (PARTITION BY agent ORDER BY dur) AS rn, count(*) OVER (PARTITION BY agent) AS cnt FROM recs
),
duration_agent AS (
  SELECT agent, ${stats} FROM ranked_agent GROUP BY agent
),
ranked_all AS (
  SELECT dur, row_number() OVER (ORDER BY dur) AS rn, count(*) OVER () AS cnt FROM recs
),
duration_all AS (
  SELECT ${stats} FROM ranked_all
)`;
}

/** The final JSON text. */
function assemble(d: Dialect, w: number): string {
  const num = d.numText;
  const dbl = (x: string): string => `CAST(${x} AS DOUBLE)`;
  const scalar = (expr: string, from = 'recs'): string => `(SELECT ${expr} FROM ${from})`;
  /** A JSON object from a query giving text keys `k` and JSON value texts `v`. */
  const object = (query: string): string => `(SELECT '{' || ${d.joinAgg(`${d.jsonQuote('k')} || ':' || v`, 'k')} || '}' FROM (${query}) m)`;
  const grouped = (key: string, value: string, where = 'true', from = 'recs'): string =>
    object(`SELECT ${key} AS k, ${value} AS v FROM ${from} WHERE ${where} GROUP BY ${key}`);
  const phaseKey = `CASE WHEN phase <= 9007199254740991 THEN ${d.text(d.int('phase'))} ELSE ${num('phase')} END`;
  const modelKey = `coalesce(model, '(none)')`;
  const statsJson = (p: string): string =>
    `'{"count":' || ${num(`${p}cnt_all`)} || ',"min":' || ${num(`${p}dmin`)} || ',"p50":' || ${num(`${p}p50`)} || ',"p90":' || ${num(`${p}p90`)} ||
      ',"p95":' || ${num(`${p}p95`)} || ',"p99":' || ${num(`${p}p99`)} || ',"max":' || ${num(`${p}dmax`)} || ',"mean":' || ${num(`${p}dsum / ${p}cnt_all`)} || '}'`;
  const fields: [string, string][] = [
    ['totalInvocations', scalar(num('count(*)'))],
    ['invocationsByAgent', grouped('agent', num('count(*)'))],
    ['invocationsByPhase', grouped(phaseKey, num('count(*)'))],
    ['totalRetries', scalar(num('count(*)'), 'retries')],
    ['retriesByAgent', grouped('agent', num('count(*)'), 'attempt > 1')],
    ['retriesByPhase', grouped(phaseKey, num('count(*)'), 'attempt > 1')],
    ['infraRetries', scalar(num('coalesce(sum(infra), 0)'), 'retries')],
    ['codeRetries', scalar(num('count(*) - coalesce(sum(infra), 0)'), 'retries')],
    ['escalationCount', scalar(num('count(move)'), 'retries')],
    ['totalTokens', scalar(num(`coalesce(${d.bigSum('tokens')}, 0)`))],
    ['totalCost', scalar(num(`coalesce(sum(cost), 0)`))],
    ['totalCachedTokens', scalar(num(`coalesce(${d.bigSum('cached')}, 0)`))],
    ['tokensByAgent', grouped('agent', num(d.bigSum('tokens')))],
    ['costByAgent', grouped('agent', num('sum(cost)'))],
    ['totalDurationMs', scalar(num('coalesce(sum(dur), 0)'))],
    ['avgDurationByAgent', grouped('agent', num('sum(dur) / count(*)'))],
    ['successRate', scalar(num(`CASE WHEN count(*) = 0 THEN 0 ELSE ${dbl('sum(CASE WHEN success THEN 1 ELSE 0 END)')} / count(*) END`))],
    ['peakParallelInvocations', scalar(num('coalesce(max(f), 0)'), 'levels')],
    [
      'parallelismOverTime',
      `(SELECT '[' || ${d.joinAgg(`'{"bucketStart":"' || b_iso || '","concurrent":' || ${num('concurrent')} || '}'`, 'k')} || ']' FROM buckets)`,
    ],
    ['bucketMs', `'${w}'`],
    ['totalSuccesses', scalar(num('sum(CASE WHEN success THEN 1 ELSE 0 END)'))],
    ['successesByAgent', grouped('agent', num('sum(CASE WHEN success THEN 1 ELSE 0 END)'))],
    ['infraRetriesByAgent', grouped('agent', num('sum(infra)'), 'true', 'retries')],
    ['codeRetriesByAgent', grouped('agent', num('count(*) - sum(infra)'), 'true', 'retries')],
    ['durationByAgent', object(`SELECT agent AS k, ${statsJson('')} AS v FROM duration_agent`)],
    ['duration', `(SELECT CASE WHEN cnt_all = 0 THEN 'null' ELSE ${statsJson('')} END FROM duration_all)`],
    ['costByPhase', grouped(phaseKey, num('sum(cost)'))],
    ['tokensByPhase', grouped(phaseKey, num(d.bigSum('tokens')))],
    ['invocationsByModel', grouped(modelKey, num('count(*)'))],
    ['costByModel', grouped(modelKey, num('sum(cost)'))],
    ['tokensByModel', grouped(modelKey, num(d.bigSum('tokens')))],
    ['totalInputTokens', scalar(num(`coalesce(${d.bigSum('input')}, 0)`))],
    ['totalOutputTokens', scalar(num(`coalesce(${d.bigSum('output')}, 0)`))],
    [
      'cacheHitShare',
      scalar(
        num(`CASE WHEN coalesce(${d.bigSum('input')}, 0) = 0 THEN 0 ELSE ${dbl(d.bigSum('CASE WHEN has_input = 1 THEN cached ELSE 0 END'))} / ${dbl(d.bigSum('input'))} END`),
      ),
    ],
    ['failuresByErrorClass', grouped(`CASE WHEN err IS NULL OR err = '' THEN '(none)' ELSE err END`, num('count(*)'), 'NOT success')],
    ['outputParseFailures', scalar(num('sum(CASE WHEN parsed THEN 0 ELSE 1 END)'))],
    ['escalationsByTier', grouped('move', num('count(*)'), 'move IS NOT NULL', 'retries')],
    ['firstStart', scalar(`CASE WHEN n = 0 THEN 'null' ELSE '"' || f_iso || '"' END`, 'span')],
    ['lastEnd', scalar(`CASE WHEN n = 0 THEN 'null' ELSE '"' || l_iso || '"' END`, 'span')],
    ['wallClockSpanMs', scalar(num('CASE WHEN n = 0 THEN 0 ELSE last_end - first_start END'), 'span')],
  ];
  return `'{' ||\n  ${fields.map(([name, value]) => `'"${name}":' || ${value}`).join(" || ',' ||\n  ")} ||\n  '}'`;
}
