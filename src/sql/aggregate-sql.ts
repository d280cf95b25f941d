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
  const json = assemble(d, w);
  return `WITH ${recordCtes(d, options.from ?? 'invocations.jsonl', options.format ?? 'jsonl')},
${retryCtes(d)},
${parallelismCtes(d, w)},
${durationCtes()},
${json.ctes}
SELECT ${json.select}${d.suffix}`;
}

/** Previous attempts (a window over candidates and retries per key and attempt level), infra retries, escalations. */
function retryCtes(d: Dialect): string {
  return `attempts AS (
  SELECT r.ord, r.agent, r.phase, r.task IS NULL AS no_task, coalesce(r.task, '') AS task_key, r.attempt - k.kind AS lvl, r.start, k.kind,
    CASE WHEN k.kind = 0 THEN r.ord END AS cand, r.tier, r.model, r.attempt
  FROM recs r CROSS JOIN (SELECT 0 AS kind UNION ALL SELECT 1 AS kind) k
  WHERE k.kind = 0 OR r.attempt > 1
),
previous AS (
  SELECT ord, agent, tier, model,
    -- Past 2^53, attempt - 1 can round to attempt itself: no run of attempts then precedes it (as in previous-attempt.ts).
    CASE WHEN kind = 1 AND attempt - 1 = attempt THEN NULL ELSE
      ${d.lastNonNull('cand')} OVER (PARTITION BY agent, phase, no_task, task_key, lvl ORDER BY start, kind, cand ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) END AS prev_ord,
    kind
  FROM attempts
),
retries AS MATERIALIZED (
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
levels AS MATERIALIZED (
  SELECT t, sum(net) OVER (ORDER BY t ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS f
  FROM (SELECT t, sum(delta) AS net FROM events GROUP BY t) x
),
bounds AS MATERIALIZED (
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
buckets AS MATERIALIZED (
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
duration_agent AS MATERIALIZED (
  SELECT agent, ${stats} FROM ranked_agent GROUP BY agent
),
ranked_all AS (
  SELECT dur, row_number() OVER (ORDER BY dur) AS rn, count(*) OVER () AS cnt FROM recs
),
duration_all AS MATERIALIZED (
  SELECT ${stats} FROM ranked_all
)`;
}

/**
 * The final JSON text, from one-row CTEs `j_*` of JSON fragments: each groups the fields read from one
 * relation with one grouping, so that each relation is scanned once (a scalar subquery per field would
 * scan `recs` some 40 times).
 */
function assemble(d: Dialect, w: number): { ctes: string; select: string } {
  const num = d.numText;
  const dbl = (x: string): string => `CAST(${x} AS DOUBLE)`;
  /** A JSON object over the rows of a grouped relation: `k` the key text, `value` the JSON value text (NULL: no entry). */
  const object = (value: string): string => `'{' || ${d.joinAgg(`${d.jsonQuote('k')} || ':' || ${value}`, 'k')} || '}'`;
  const phaseKey = `CASE WHEN phase <= 9007199254740991 THEN ${d.text(d.int('phase'))} ELSE ${num('phase')} END`;
  const modelKey = `coalesce(model, '(none)')`;
  const stats = `'{"count":' || ${num('cnt_all')} || ',"min":' || ${num('dmin')} || ',"p50":' || ${num('p50')} || ',"p90":' || ${num('p90')} ||
      ',"p95":' || ${num('p95')} || ',"p99":' || ${num('p99')} || ',"max":' || ${num('dmax')} || ',"mean":' || ${num('dsum / cnt_all')} || '}'`;
  const successes = 'sum(CASE WHEN success THEN 1 ELSE 0 END)';
  const retried = 'sum(CASE WHEN attempt > 1 THEN 1 ELSE 0 END)';
  /** name -> [CTE query, its fields as [field, expression]]. */
  const groups: [string, string, [string, string][]][] = [
    [
      'j_totals',
      'recs',
      [
        ['totalInvocations', num('count(*)')],
        ['totalTokens', num(`coalesce(${d.bigSum('tokens')}, 0)`)],
        ['totalCost', num('coalesce(sum(cost), 0)')],
        ['totalCachedTokens', num(`coalesce(${d.bigSum('cached')}, 0)`)],
        ['totalDurationMs', num('coalesce(sum(dur), 0)')],
        ['successRate', num(`CASE WHEN count(*) = 0 THEN 0 ELSE ${dbl(successes)} / count(*) END`)],
        ['totalSuccesses', num(`coalesce(${successes}, 0)`)],
        ['totalInputTokens', num(`coalesce(${d.bigSum('input')}, 0)`)],
        ['totalOutputTokens', num(`coalesce(${d.bigSum('output')}, 0)`)],
        [
          'cacheHitShare',
          num(`CASE WHEN coalesce(${d.bigSum('input')}, 0) = 0 THEN 0 ELSE ${dbl(d.bigSum('CASE WHEN has_input = 1 THEN cached ELSE 0 END'))} / ${dbl(d.bigSum('input'))} END`),
        ],
        ['outputParseFailures', num('coalesce(sum(CASE WHEN parsed THEN 0 ELSE 1 END), 0)')],
      ],
    ],
    [
      'j_agents',
      `(SELECT agent AS k, count(*) AS c, ${d.bigSum('tokens')} AS tok, sum(cost) AS cst, sum(dur) AS du, ${successes} AS ok, ${retried} AS re FROM recs GROUP BY agent) g`,
      [
        ['invocationsByAgent', object(num('c'))],
        ['tokensByAgent', object(num('tok'))],
        ['costByAgent', object(num('cst'))],
        ['avgDurationByAgent', object(num('du / c'))],
        ['successesByAgent', object(num('ok'))],
        ['retriesByAgent', object(`CASE WHEN re > 0 THEN ${num('re')} END`)],
      ],
    ],
    [
      'j_phases',
      `(SELECT ${phaseKey} AS k, count(*) AS c, ${d.bigSum('tokens')} AS tok, sum(cost) AS cst, ${retried} AS re FROM recs GROUP BY ${phaseKey}) g`,
      [
        ['invocationsByPhase', object(num('c'))],
        ['retriesByPhase', object(`CASE WHEN re > 0 THEN ${num('re')} END`)],
        ['costByPhase', object(num('cst'))],
        ['tokensByPhase', object(num('tok'))],
      ],
    ],
    [
      'j_models',
      `(SELECT ${modelKey} AS k, count(*) AS c, ${d.bigSum('tokens')} AS tok, sum(cost) AS cst FROM recs GROUP BY ${modelKey}) g`,
      [
        ['invocationsByModel', object(num('c'))],
        ['costByModel', object(num('cst'))],
        ['tokensByModel', object(num('tok'))],
      ],
    ],
    [
      'j_failures',
      `(SELECT CASE WHEN err IS NULL OR err = '' THEN '(none)' ELSE err END AS k, count(*) AS c FROM recs WHERE NOT success GROUP BY CASE WHEN err IS NULL OR err = '' THEN '(none)' ELSE err END) g`,
      [['failuresByErrorClass', object(num('c'))]],
    ],
    [
      'j_retries',
      'retries',
      [
        ['totalRetries', num('count(*)')],
        ['infraRetries', num('coalesce(sum(infra), 0)')],
        ['codeRetries', num('count(*) - coalesce(sum(infra), 0)')],
        ['escalationCount', num('count(move)')],
      ],
    ],
    [
      'j_retry_agents',
      `(SELECT agent AS k, count(*) AS c, sum(infra) AS infra_n FROM retries GROUP BY agent) g`,
      [
        ['infraRetriesByAgent', object(num('infra_n'))],
        ['codeRetriesByAgent', object(num('c - infra_n'))],
      ],
    ],
    ['j_moves', `(SELECT move AS k, count(*) AS c FROM retries WHERE move IS NOT NULL GROUP BY move) g`, [['escalationsByTier', object(num('c'))]]],
    ['j_peak', 'levels', [['peakParallelInvocations', num('coalesce(max(f), 0)')]]],
    [
      'j_buckets',
      'buckets',
      [['parallelismOverTime', `'[' || ${d.joinAgg(`'{"bucketStart":"' || b_iso || '","concurrent":' || ${num('concurrent')} || '}'`, 'k')} || ']'`]],
    ],
    ['j_duration_agents', `(SELECT agent AS k, * FROM duration_agent) g`, [['durationByAgent', object(stats)]]],
    ['j_duration', 'duration_all', [['duration', `CASE WHEN cnt_all = 0 THEN 'null' ELSE ${stats} END`]]],
    [
      'j_span',
      'span',
      [
        ['firstStart', `CASE WHEN n = 0 THEN 'null' ELSE '"' || f_iso || '"' END`],
        ['lastEnd', `CASE WHEN n = 0 THEN 'null' ELSE '"' || l_iso || '"' END`],
        ['wallClockSpanMs', num('CASE WHEN n = 0 THEN 0 ELSE last_end - first_start END')],
      ],
    ],
  ];
  const ctes = groups.map(([name, from, fields]) => `${name} AS (\n  SELECT ${fields.map(([f, e]) => `${e} AS ${f}`).join(',\n    ')}\n  FROM ${from}\n)`);
  // The fields in the order of `MetricsAggregate` (types.ts), as summarize --json writes them.
  const order = [
    'totalInvocations', 'invocationsByAgent', 'invocationsByPhase', 'totalRetries', 'retriesByAgent', 'retriesByPhase', 'infraRetries',
    'codeRetries', 'escalationCount', 'totalTokens', 'totalCost', 'totalCachedTokens', 'tokensByAgent', 'costByAgent', 'totalDurationMs',
    'avgDurationByAgent', 'successRate', 'peakParallelInvocations', 'parallelismOverTime', 'bucketMs', 'totalSuccesses', 'successesByAgent',
    'infraRetriesByAgent', 'codeRetriesByAgent', 'durationByAgent', 'duration', 'costByPhase', 'tokensByPhase', 'invocationsByModel',
    'costByModel', 'tokensByModel', 'totalInputTokens', 'totalOutputTokens', 'cacheHitShare', 'failuresByErrorClass', 'outputParseFailures',
    'escalationsByTier', 'firstStart', 'lastEnd', 'wallClockSpanMs',
  ];
  const value = (f: string): string => (f === 'bucketMs' ? `'${w}'` : f);
  const select = `'{' ||\n  ${order.map((f) => `'"${f}":' || ${value(f)}`).join(" || ',' ||\n  ")} ||\n  '}'`;
  return { ctes: ctes.join(',\n'), select: `${select} AS aggregate\nFROM ${groups.map(([name]) => name).join(', ')}` };
}
