/**
 * The reference for the OpenTelemetry mirror's tests: what every exported instrument must hold after a
 * set of records, computed by hand from shared/DESIGN.md with plain loops (a brute-force previous attempt,
 * a linear bucket search), independently of src/otel. Names, attributes and buckets are written out here
 * as the spec gives them, not imported, so that a wrong constant in src/otel fails the tests.
 *
 * The form is `metric name -> attribute key -> value`, where a value is a number (counters, the in-flight
 * up-down counter) or a histogram. Every counter has a point for every series, zeros included (the
 * mirror's documented behaviour, see src/otel/series.ts); histograms only for attribute sets with values.
 */
import type { InvocationMetric } from '../../src/record.js';

/** Attribute set. */
export type Attrs = Readonly<Record<string, string>>;
/** An explicit-bucket histogram: per-bucket counts (not cumulative), `bounds.length + 1` of them. */
export interface HistogramValue {
  count: number;
  sum: number;
  counts: number[];
}
/** A point value. */
export type PointValue = number | HistogramValue;
/** metric name -> attribute key -> { attributes, value }. */
export type MetricTable = Map<string, Map<string, { attributes: Attrs; value: PointValue }>>;

/** The GenAI token buckets (semantic-conventions-genai gen-ai-metrics.md): 1, 4, ..., 4^13. */
export const TOKEN_BOUNDS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
/** The duration buckets (seconds) of shared/DESIGN.md: 0.1, 0.2, ..., 409.6. */
export const DURATION_BOUNDS = [0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8, 25.6, 51.2, 102.4, 204.8, 409.6];

/**
 * Every instrument by OTel name, its kind and unit, as the issue and the GenAI conventions name them
 * (gen-ai-metrics.md for the default names; gen-ai-inference-usage-metrics.md at semantic-conventions-genai
 * ef678ba for the latest).
 */
export const SPEC = {
  'gen_ai.client.token.usage': { kind: 'histogram', unit: '{token}' },
  'gen_ai.client.inference.usage.input_tokens': { kind: 'histogram', unit: '{token}' },
  'gen_ai.client.inference.usage.output_tokens': { kind: 'histogram', unit: '{token}' },
  'gen_ai.client.inference.usage.detailed.input_tokens': { kind: 'counter', unit: '{token}' },
  'gen_ai.client.inference.usage.detailed.output_tokens': { kind: 'counter', unit: '{token}' },
  'gen_ai.client.inference.usage.detailed.cache_read.input_tokens': { kind: 'counter', unit: '{token}' },
  'gen_ai.invoke_agent.duration': { kind: 'histogram', unit: 's' },
  'invocation_metrics.invocations': { kind: 'counter', unit: '{invocation}' },
  'invocation_metrics.cost': { kind: 'counter', unit: '{USD}' },
  'invocation_metrics.tokens': { kind: 'counter', unit: '{token}' },
  'invocation_metrics.cached_tokens': { kind: 'counter', unit: '{token}' },
  'invocation_metrics.retries': { kind: 'counter', unit: '{retry}' },
  'invocation_metrics.escalations': { kind: 'counter', unit: '{escalation}' },
  'invocation_metrics.output_parse_failures': { kind: 'counter', unit: '{invocation}' },
  'invocation_metrics.active': { kind: 'updowncounter', unit: '{invocation}' },
} as const;
/** An OTel instrument name of the mirror. */
export type MetricName = keyof typeof SPEC;

/** The naming modes (`OTEL_SEMCONV_STABILITY_OPT_IN`: unset, `gen_ai_latest_experimental`, `gen_ai_latest_experimental/dup`). */
export const MODES = ['default', 'latest', 'both'] as const;
/** A naming mode. */
export type Mode = (typeof MODES)[number];

const DEFAULT_ONLY: readonly MetricName[] = ['gen_ai.client.token.usage'];
const LATEST_ONLY: readonly MetricName[] = [
  'gen_ai.client.inference.usage.input_tokens',
  'gen_ai.client.inference.usage.output_tokens',
  'gen_ai.client.inference.usage.detailed.input_tokens',
  'gen_ai.client.inference.usage.detailed.output_tokens',
  'gen_ai.client.inference.usage.detailed.cache_read.input_tokens',
];

/** The instruments a mode exports. */
export function specOf(mode: Mode): MetricName[] {
  return (Object.keys(SPEC) as MetricName[]).filter(
    (n) => (mode !== 'latest' || !DEFAULT_ONLY.includes(n)) && (mode !== 'default' || !LATEST_ONLY.includes(n)),
  );
}

/** A stable key of an attribute set (sorted keys). */
export const attrKey = (a: Attrs): string =>
  JSON.stringify(
    Object.keys(a)
      .sort()
      .map((k) => [k, a[k]]),
  );

/**
 * The Prometheus name of an OTel instrument as an OTel Collector's Prometheus exporters and Prometheus's
 * OTLP receiver (default `UnderscoreEscapingWithSuffixes`) write it, by the OTel-to-Prometheus
 * compatibility spec: dots to underscores, the unit's suffix (`s` → `_seconds`; `{...}` annotations none),
 * then `_total` on monotonic counters. Written out from the spec, not imported from src.
 */
export function prometheusName(name: MetricName): string {
  const base = name.replace(/[^a-zA-Z0-9_]/g, '_');
  const withUnit = SPEC[name].unit === 's' ? `${base}_seconds` : base;
  return SPEC[name].kind === 'counter' ? `${withUnit}_total` : withUnit;
}

function bucketOf(bounds: readonly number[], v: number): number {
  for (let i = 0; i < bounds.length; i++) if (v <= bounds[i]!) return i;
  return bounds.length;
}

/**
 * The previous attempt of `records[i]` by shared/DESIGN.md: same agent, phase and taskId (missing is its
 * own value), attempt one less, started latest at or before the retry (ties: later in input order).
 * With `seenOnly`, only records before the retry in input order are candidates.
 */
export function previousAttempt(records: readonly InvocationMetric[], i: number, options: { seenOnly?: boolean } = {}): InvocationMetric | undefined {
  const r = records[i]!;
  const start = Date.parse(r.timestamp);
  let best: InvocationMetric | undefined;
  let bestStart = -Infinity;
  // seenOnly: among the records before r in input order (what an online mirror can know).
  for (const a of options.seenOnly === true ? records.slice(0, i) : records) {
    if (a.agent !== r.agent || a.phase !== r.phase || a.taskId !== r.taskId || a.attempt !== r.attempt - 1) continue;
    const s = Date.parse(a.timestamp);
    if (s > start) continue;
    if (best === undefined || s >= bestStart) {
      best = a;
      bestStart = s;
    }
  }
  return best;
}

/** Whether a retry changed its routing level from `prev` (tier where both have one, else model where both have one). */
export function escalated(prev: InvocationMetric, r: InvocationMetric): boolean {
  if (prev.tier !== undefined && r.tier !== undefined) return prev.tier !== r.tier;
  if (prev.model !== undefined && r.model !== undefined) return prev.model !== r.model;
  return false;
}

/** The series attributes of a record (or of `begin()` fields). */
export function seriesAttributes(r: Pick<InvocationMetric, 'agent' | 'phase' | 'model' | 'tier'>): Attrs {
  const a: Record<string, string> = { 'gen_ai.agent.name': r.agent, 'invocation_metrics.phase': String(r.phase) };
  if (r.model !== undefined) a['gen_ai.request.model'] = r.model;
  if (r.tier !== undefined) a['invocation_metrics.tier'] = r.tier;
  return a;
}

/** The `gen_ai.provider.name` of a record: its `provider` when a non-empty string, else `_OTHER`. */
export function providerOf(r: InvocationMetric): string {
  const p = (r as { provider?: unknown }).provider;
  return typeof p === 'string' && p !== '' ? p : '_OTHER';
}

/**
 * What the mirror must export after `records` (and `open` invocations still in flight).
 *
 * @param records - Records, in record order.
 * @param open - `begin()` fields of invocations not yet ended.
 * @param options - `seenOnly`: previous attempts among earlier records only (see {@link previousAttempt});
 * `mode`: the naming mode (default `default`).
 */
export function expectedTable(
  records: readonly InvocationMetric[],
  open: readonly Pick<InvocationMetric, 'agent' | 'phase' | 'model' | 'tier'>[] = [],
  options: { seenOnly?: boolean; mode?: Mode } = {},
): MetricTable {
  const mode = options.mode ?? 'default';
  const table: MetricTable = new Map(specOf(mode).map((n) => [n, new Map()]));
  const add = (name: MetricName, attributes: Attrs, delta: number): void => {
    const m = table.get(name)!;
    const k = attrKey(attributes);
    const seen = m.get(k);
    if (seen === undefined) m.set(k, { attributes, value: delta });
    else seen.value = (seen.value as number) + delta;
  };
  const observe = (name: MetricName, bounds: readonly number[], attributes: Attrs, v: number): void => {
    const m = table.get(name)!;
    const k = attrKey(attributes);
    let h = m.get(k);
    if (h === undefined) m.set(k, (h = { attributes, value: { count: 0, sum: 0, counts: new Array<number>(bounds.length + 1).fill(0) } }));
    const hv = h.value as HistogramValue;
    hv.count++;
    hv.sum += v;
    hv.counts[bucketOf(bounds, v)]!++;
  };
  const touch = (a: Attrs): void => {
    add('invocation_metrics.invocations', { ...a, 'invocation_metrics.outcome': 'success' }, 0);
    for (const name of ['invocation_metrics.cost', 'invocation_metrics.tokens', 'invocation_metrics.cached_tokens', 'invocation_metrics.escalations', 'invocation_metrics.output_parse_failures', 'invocation_metrics.active'] as const)
      add(name, a, 0);
    add('invocation_metrics.retries', { ...a, 'invocation_metrics.retry.kind': 'infra' }, 0);
    add('invocation_metrics.retries', { ...a, 'invocation_metrics.retry.kind': 'code' }, 0);
  };
  for (const o of open) {
    const a = seriesAttributes(o);
    touch(a);
    add('invocation_metrics.active', a, 1);
  }
  records.forEach((r, i) => {
    const a = seriesAttributes(r);
    touch(a);
    const errorType = r.success ? undefined : r.errorClass !== undefined && r.errorClass !== '' ? r.errorClass : '_OTHER';
    if (errorType === undefined) add('invocation_metrics.invocations', { ...a, 'invocation_metrics.outcome': 'success' }, 1);
    else add('invocation_metrics.invocations', { ...a, 'invocation_metrics.outcome': 'failure', 'error.type': errorType }, 1);
    add('invocation_metrics.cost', a, r.cost);
    add('invocation_metrics.tokens', a, r.tokens);
    add('invocation_metrics.cached_tokens', a, r.cachedTokens ?? 0);
    add('invocation_metrics.output_parse_failures', a, r.outputParsed ? 0 : 1);
    if (r.attempt > 1) {
      const prev = previousAttempt(records, i, options);
      const infra = prev !== undefined && prev.errorClass !== undefined && prev.errorClass !== '';
      add('invocation_metrics.retries', { ...a, 'invocation_metrics.retry.kind': infra ? 'infra' : 'code' }, 1);
      add('invocation_metrics.escalations', a, prev !== undefined && escalated(prev, r) ? 1 : 0);
    }
    const durationAttrs: Attrs = errorType === undefined ? { 'gen_ai.agent.name': r.agent } : { 'gen_ai.agent.name': r.agent, 'error.type': errorType };
    observe('gen_ai.invoke_agent.duration', DURATION_BOUNDS, durationAttrs, r.durationMs / 1000);
    const tokenBase: Attrs = {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.provider.name': providerOf(r),
      ...(r.model === undefined ? {} : { 'gen_ai.request.model': r.model }),
    };
    if (mode !== 'latest') {
      if (r.inputTokens !== undefined) observe('gen_ai.client.token.usage', TOKEN_BOUNDS, { ...tokenBase, 'gen_ai.token.type': 'input' }, r.inputTokens);
      if (r.outputTokens !== undefined) observe('gen_ai.client.token.usage', TOKEN_BOUNDS, { ...tokenBase, 'gen_ai.token.type': 'output' }, r.outputTokens);
    }
    if (mode !== 'default') {
      if (r.inputTokens !== undefined) observe('gen_ai.client.inference.usage.input_tokens', TOKEN_BOUNDS, tokenBase, r.inputTokens);
      if (r.outputTokens !== undefined) observe('gen_ai.client.inference.usage.output_tokens', TOKEN_BOUNDS, tokenBase, r.outputTokens);
      if (r.inputTokens !== undefined || r.outputTokens !== undefined || r.cachedTokens !== undefined) {
        const c = { ...tokenBase, 'gen_ai.token.modality': 'unknown' };
        add('gen_ai.client.inference.usage.detailed.input_tokens', c, r.inputTokens ?? 0);
        add('gen_ai.client.inference.usage.detailed.output_tokens', c, r.outputTokens ?? 0);
        add('gen_ai.client.inference.usage.detailed.cache_read.input_tokens', c, r.cachedTokens ?? 0);
      }
    }
  });
  return table;
}

/** Sum of a counter's points whose attributes match `where`. */
export function total(table: MetricTable, name: MetricName, where: Attrs = {}): number {
  let sum = 0;
  for (const { attributes, value } of table.get(name)?.values() ?? [])
    if (Object.entries(where).every(([k, v]) => attributes[k] === v)) sum += typeof value === 'number' ? value : value.count;
  return sum;
}

/**
 * The Prometheus samples a table becomes: `name{sorted labels}` -> value; histograms as `_count`, `_sum`
 * and cumulative `_bucket{le}`, labels sanitized (dots to underscores).
 */
export function prometheusSamples(table: MetricTable): Map<string, number> {
  const out = new Map<string, number>();
  for (const [name, points] of table) {
    const prom = prometheusName(name as MetricName);
    const bounds = name === 'gen_ai.invoke_agent.duration' ? DURATION_BOUNDS : TOKEN_BOUNDS;
    for (const { attributes, value } of points.values()) {
      const labels: Record<string, string> = {};
      for (const [k, v] of Object.entries(attributes)) labels[k.replace(/[^a-zA-Z0-9_]/g, '_')] = v;
      if (typeof value === 'number') {
        out.set(sampleKey(prom, labels), value);
        continue;
      }
      out.set(sampleKey(`${prom}_count`, labels), value.count);
      out.set(sampleKey(`${prom}_sum`, labels), value.sum);
      let cumulative = 0;
      value.counts.forEach((n, i) => {
        cumulative += n;
        out.set(sampleKey(`${prom}_bucket`, { ...labels, le: i < bounds.length ? String(bounds[i]) : '+Inf' }), cumulative);
      });
    }
  }
  return out;
}

/** `name{k="v",...}` with sorted label names: the key of one Prometheus sample. */
export function sampleKey(name: string, labels: Readonly<Record<string, string>>): string {
  const body = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(',');
  return `${name}{${body}}`;
}
