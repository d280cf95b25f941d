/**
 * The aggregate as the HTML report embeds it (its `invocation-metrics-data` block), bounded: a run with
 * a million agents would otherwise embed hundreds of megabytes, past what a string may hold.
 *
 * @module
 */
import type { CountMap, MetricsAggregate } from '../aggregate/types.js';

/** Most keys of each map of names (agents, phases, models, error classes, transitions) in the embedded data. */
export const DEFAULT_MAX_DATA_KEYS = 1000;

/** Keys left out of the embedded data, by kind; only kinds that were cut. */
export type OmittedKeys = Partial<Record<'agents' | 'phases' | 'models' | 'errorClasses' | 'transitions', number>>;

/** The embedded data: the aggregate, with `omittedKeys` when maps were cut. */
export type EmbeddedAggregate = MetricsAggregate & { omittedKeys?: OmittedKeys };

const AGENT_MAPS = [
  'invocationsByAgent',
  'retriesByAgent',
  'tokensByAgent',
  'costByAgent',
  'avgDurationByAgent',
  'successesByAgent',
  'infraRetriesByAgent',
  'codeRetriesByAgent',
  'durationByAgent',
] as const;
const PHASE_MAPS = ['invocationsByPhase', 'retriesByPhase', 'costByPhase', 'tokensByPhase'] as const;
const MODEL_MAPS = ['invocationsByModel', 'costByModel', 'tokensByModel'] as const;

/** The `max` keys of `counts` with the largest values (ties in key order); `undefined` when all fit. */
function keep(counts: CountMap, max: number): Set<string> | undefined {
  const keys = Object.keys(counts);
  if (keys.length <= max) return undefined;
  const order = keys.map((key, i) => ({ key, i, n: counts[key] ?? 0 })).sort((x, y) => y.n - x.n || x.i - y.i);
  return new Set(order.slice(0, max).map((o) => o.key));
}

/** `map` with only the kept keys, in its own order (a null-prototype object, as the aggregate's maps). */
function cut<V>(map: Record<string, V>, kept: Set<string>): Record<string, V> {
  const out = Object.create(null) as Record<string, V>;
  for (const key of Object.keys(map)) if (kept.has(key)) out[key] = map[key]!;
  return out;
}

/**
 * The aggregate with each kind of name map cut to the `maxKeys` names with the most invocations (or
 * failures, escalations), every map of a kind keeping the same names, and `omittedKeys` saying how many
 * names of each kind were left out. The aggregate itself when nothing needs cutting.
 *
 * @param a - The aggregate.
 * @param maxKeys - Most names of each kind. @default DEFAULT_MAX_DATA_KEYS
 * @returns The data to embed.
 */
export function boundedAggregateData(a: MetricsAggregate, maxKeys = DEFAULT_MAX_DATA_KEYS): EmbeddedAggregate {
  const out: Record<string, unknown> = { ...a };
  const omitted: OmittedKeys = {};
  const kinds: [keyof OmittedKeys, CountMap, readonly (keyof MetricsAggregate)[]][] = [
    ['agents', a.invocationsByAgent, AGENT_MAPS],
    ['phases', a.invocationsByPhase, PHASE_MAPS],
    ['models', a.invocationsByModel, MODEL_MAPS],
    ['errorClasses', a.failuresByErrorClass, ['failuresByErrorClass']],
    ['transitions', a.escalationsByTier, ['escalationsByTier']],
  ];
  for (const [kind, counts, maps] of kinds) {
    const kept = keep(counts, maxKeys);
    if (kept === undefined) continue;
    omitted[kind] = Object.keys(counts).length - kept.size;
    for (const name of maps) out[name] = cut(a[name] as Record<string, unknown>, kept);
  }
  if (Object.keys(omitted).length === 0) return a;
  return { ...(out as unknown as MetricsAggregate), omittedKeys: omitted };
}
