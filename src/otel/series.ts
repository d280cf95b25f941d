/**
 * One series of the store: the counters of one (agent, phase, model, tier) attribute set, and how they
 * become snapshot points at collection time (never on the record path).
 *
 * @module
 */
import { ATTR_ERROR_TYPE, ATTR_OUTCOME, ATTR_RETRY_KIND, INSTRUMENTS } from './names.js';
import type { MetricSnapshot, PointAttributes, SumPoint } from './snapshot.js';

/** The counters of one (agent, phase, model, tier) attribute set. */
export interface Series {
  /** `gen_ai.agent.name`, `invocation_metrics.phase`, and `gen_ai.request.model` / `invocation_metrics.tier` when present. */
  readonly attributes: PointAttributes;
  /** Successful invocations. */
  successes: number;
  /** Failed invocations by `error.type`. */
  readonly failures: Map<string, number>;
  /** Sum of `cost` (USD). */
  cost: number;
  /** Sum of `tokens`. */
  tokens: number;
  /** Sum of `cachedTokens`. */
  cachedTokens: number;
  /** Records with `outputParsed === false`. */
  parseFailures: number;
  /** Retries whose previous attempt failed with an error class. */
  infraRetries: number;
  /** Other retries. */
  codeRetries: number;
  /** Retries that changed tier (else model). */
  escalations: number;
  /** Invocations in flight. */
  active: number;
}

const point = (attributes: PointAttributes, value: number): SumPoint => ({ attributes, value });

/**
 * Builds the counter and up-down-counter snapshots of every series. Every counter gets a point for every
 * series, zeros included: a series that appears with its first increment loses that increment in
 * Prometheus's `rate()`.
 *
 * @param series - All series.
 * @returns One snapshot per instrument.
 */
export function sumSnapshots(series: readonly Series[]): MetricSnapshot[] {
  const invocations: SumPoint[] = [];
  const cost: SumPoint[] = [];
  const tokens: SumPoint[] = [];
  const cached: SumPoint[] = [];
  const retries: SumPoint[] = [];
  const escalations: SumPoint[] = [];
  const parseFailures: SumPoint[] = [];
  const active: SumPoint[] = [];
  for (const s of series) {
    const a = s.attributes;
    invocations.push(point({ ...a, [ATTR_OUTCOME]: 'success' }, s.successes));
    for (const [errorType, n] of s.failures) invocations.push(point({ ...a, [ATTR_OUTCOME]: 'failure', [ATTR_ERROR_TYPE]: errorType }, n));
    cost.push(point(a, s.cost));
    tokens.push(point(a, s.tokens));
    cached.push(point(a, s.cachedTokens));
    retries.push(point({ ...a, [ATTR_RETRY_KIND]: 'infra' }, s.infraRetries), point({ ...a, [ATTR_RETRY_KIND]: 'code' }, s.codeRetries));
    escalations.push(point(a, s.escalations));
    parseFailures.push(point(a, s.parseFailures));
    active.push(point(a, s.active));
  }
  return [
    { spec: INSTRUMENTS.invocations, points: invocations },
    { spec: INSTRUMENTS.cost, points: cost },
    { spec: INSTRUMENTS.tokens, points: tokens },
    { spec: INSTRUMENTS.cachedTokens, points: cached },
    { spec: INSTRUMENTS.retries, points: retries },
    { spec: INSTRUMENTS.escalations, points: escalations },
    { spec: INSTRUMENTS.parseFailures, points: parseFailures },
    { spec: INSTRUMENTS.active, points: active },
  ];
}
