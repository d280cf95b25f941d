/**
 * The records half of the exact SQL: the log's lines as the loader reads them (src/log/lines.ts,
 * reader.ts), validated as `findMetricProblem` validates (src/record.ts), as one CTE `recs` of typed
 * columns. JSON.parse keeps the last of duplicate keys, so every field is looked up in the object's keys
 * reversed.
 *
 * @module
 */
import { DEFAULT_MAX_LINE_BYTES } from '../log/lines.js';
import { FIELD_ORDER } from '../serialize.js';
import type { Dialect, SqlFormat } from './dialect.js';

/** The timestamp grammar of `parseTimestamp` (src/record.ts): minutes required, seconds and 1-9 fraction digits optional, a zone required. */
const TIMESTAMP_RE = '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,9})?)?(Z|[+-][0-9]{2}:[0-9]{2})';

/**
 * The CTEs up to `recs(ord, agent, phase, task, dur, tokens, input, output, cached, cost, success,
 * attempt, parsed, model, tier, start, err)`: one row per valid record; `ord` orders them as the input
 * (file, then line); `task`, `model`, `tier`, `err` are NULL when absent.
 *
 * @param d - The dialect.
 * @param from - Files (a path or glob) or a table name.
 * @param format - What `from` is.
 * @returns `name AS (...)` items of a WITH clause, comma-separated.
 */
export function recordCtes(d: Dialect, from: string, format: SqlFormat): string {
  const raw = (f: string): string => `r_${f}`;
  const type = (f: string): string => `t_${f}`;
  const lookups = FIELD_ORDER.map((f) => `${d.element('rv', d.position('rk', f))} AS ${raw(f)}`).join(',\n    ');
  const types = FIELD_ORDER.map((f) => `${d.jsonType(raw(f))} AS ${type(f)}`).join(',\n    ');
  const num = (f: string): string => `CASE WHEN ${type(f)} = 'n' THEN ${d.jsonNumber(raw(f))} END`;
  const str = (f: string): string => `CASE WHEN ${type(f)} = 's' THEN ${d.jsonString(raw(f))} END`;
  const isInt = (x: string): string => `(${d.isFinite(x)} AND ${x} = floor(${x}))`;
  const count = (x: string): string => `(${isInt(x)} AND ${x} >= 0 AND ${x} <= 9007199254740991)`;
  const optional = (f: string, check: string): string => `(${type(f)} IS NULL OR (${check}))`;
  const optString = (f: string): string => optional(f, `${type(f)} = 's'`);
  const optCount = (f: string): string => optional(f, `${type(f)} = 'n' AND ${count(`n_${f}`)}`);
  const ts = 'ts';
  // DuckDB inlines each step into the next and its expressions grow with every step: it computes them once
  // only when they are materialized. ClickHouse keeps common subexpressions, and materializing costs memory.
  const step = d.name === 'duckdb' ? 'MATERIALIZED ' : '';
  const part = (start: number, len: number): string => `CAST(substr(${ts}, ${start}, ${len}) AS INTEGER)`;
  return `src AS (
  ${d.lines(from, format)}
),
objects AS (
  SELECT fidx, n, line FROM (SELECT fidx, n, ${d.stripCr('line')} AS line FROM src WHERE ${d.bytes('line')} <= ${DEFAULT_MAX_LINE_BYTES} AND ${d.validText('line')})
  WHERE NOT ${d.startsWithBom('line')} AND ${d.isObject('line')}
),
kv AS (
  SELECT fidx, n, ${d.reversedKeys('line')} AS rk, ${d.reversedValues('line')} AS rv FROM objects
),
raw AS ${step}(
  SELECT fidx, n,
    ${lookups}
  FROM kv
),
typed AS (
  SELECT *,
    ${types}
  FROM raw
),
vals AS ${step}(
  SELECT fidx, n, t_taskId, t_model, t_tier, t_errorClass, t_inputTokens, t_outputTokens, t_cachedTokens, t_costSource,
    t_provider, t_priceTable,
    ${str('invocationId')} AS s_invocationId, ${str('agent')} AS agent, ${num('phase')} AS phase, ${str('taskId')} AS task,
    ${num('durationMs')} AS dur, ${num('tokens')} AS tokens, ${num('inputTokens')} AS n_inputTokens,
    ${num('outputTokens')} AS n_outputTokens, ${num('cachedTokens')} AS n_cachedTokens, ${num('cost')} AS cost,
    ${num('exitCode')} AS exit_code, CASE WHEN t_success = 'b' THEN ${d.jsonTrue('r_success')} END AS success,
    ${num('attempt')} AS attempt, CASE WHEN t_outputParsed = 'b' THEN ${d.jsonTrue('r_outputParsed')} END AS parsed,
    ${str('model')} AS model, ${str('tier')} AS tier, ${str('timestamp')} AS ts, ${str('errorClass')} AS err,
    ${str('costSource')} AS cost_source
  FROM typed
),
timed AS (
  SELECT *,
    CASE WHEN ts IS NOT NULL AND ${d.fullMatch(ts, TIMESTAMP_RE)} THEN 1 ELSE 0 END AS ts_ok
  FROM vals
),
clock AS ${step}(
  SELECT *,
    ${part(1, 4)} AS yr, ${part(6, 2)} AS mo, ${part(9, 2)} AS dy, ${part(12, 2)} AS hh, ${part(15, 2)} AS mi,
    CASE WHEN substr(${ts}, 17, 1) = ':' THEN ${part(18, 2)} ELSE 0 END AS ss,
    CAST(rpad(substr(${d.extract(ts, '\\.([0-9]+)')}, 1, 3), 3, '0') AS INTEGER) AS ms,
    ${d.extract(ts, '([+-])[0-9]{2}:[0-9]{2}$')} AS zs, ${d.extract(ts, '[+-]([0-9]{2}):[0-9]{2}$')} AS zh,
    ${d.extract(ts, '[+-][0-9]{2}:([0-9]{2})$')} AS zm
  FROM timed WHERE ts_ok = 1
),
dated AS (
  SELECT *,
    CASE WHEN zh = '' THEN 0 ELSE CAST(zh AS INTEGER) END AS zone_h, CASE WHEN zm = '' THEN 0 ELSE CAST(zm AS INTEGER) END AS zone_m,
    CASE WHEN (yr % 4 = 0 AND yr % 100 <> 0) OR yr % 400 = 0 THEN 1 ELSE 0 END AS leap,
    CASE WHEN mo <= 2 THEN yr - 1 ELSE yr END AS cy
  FROM clock
),
civil AS (
  SELECT *,
    floor(cy / 400.0) AS era,
    cy - floor(cy / 400.0) * 400 AS yoe,
    floor((153 * ((mo + 9) % 12) + 2) / 5.0) + dy - 1 AS doy
  FROM dated
),
stamped AS ${step}(
  SELECT *,
    CAST((era * 146097 + (yoe * 365 + floor(yoe / 4.0) - floor(yoe / 100.0) + doy) - 719468) AS DOUBLE) * 86400000
      + CAST((((hh * 60 + mi - (CASE WHEN zs = '-' THEN -1 ELSE 1 END) * (zone_h * 60 + zone_m)) * 60 + ss) * 1000 + ms) AS DOUBLE) AS start
  FROM civil
  WHERE mo BETWEEN 1 AND 12 AND dy >= 1
    AND dy <= CASE WHEN mo = 2 THEN 28 + leap WHEN mo IN (4, 6, 9, 11) THEN 30 ELSE 31 END
    AND hh <= 23 AND mi <= 59 AND ss <= 59 AND zone_h <= 23 AND zone_m <= 59
),
recs AS MATERIALIZED (
  SELECT fidx * 4294967296 + n AS ord, agent, phase, task, dur, tokens,
    coalesce(n_inputTokens, 0) AS input, coalesce(n_outputTokens, 0) AS output, coalesce(n_cachedTokens, 0) AS cached,
    CASE WHEN t_inputTokens IS NULL THEN 0 ELSE 1 END AS has_input,
    cost, success, attempt, parsed, model, tier, start, err
  FROM stamped
  WHERE s_invocationId <> '' AND agent <> ''
    AND ${isInt('phase')} AND phase >= 0
    AND ${optString('taskId')}
    AND ${d.isFinite('dur')} AND dur >= 0
    AND ${count('tokens')}
    AND ${optCount('inputTokens')} AND ${optCount('outputTokens')} AND ${optCount('cachedTokens')}
    AND ${d.isFinite('cost')} AND cost >= 0 AND cost <= 1e15
    AND ${isInt('exit_code')}
    AND success IS NOT NULL
    AND ${isInt('attempt')} AND attempt >= 1
    AND parsed IS NOT NULL
    AND ${optString('model')} AND ${optString('tier')}
    AND start + dur <= 8.64e15
    AND ${optString('errorClass')} AND ${optString('provider')}
    AND ${optional('costSource', `cost_source IN ('provider', 'table', 'none')`)}
    AND ${optString('priceTable')}
)`;
}
