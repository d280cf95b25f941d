/**
 * The per-record values the tests of `diff` need, taken from an aggregator's state: the aggregate holds
 * percentiles and sums only, but the state (`Aggregator.serialize()`, and the state files of `summarize
 * --state`) keeps every record's `durationMs` and `cost` as columns. So the tests see every record, not
 * a sample: no reservoir, no seed, the same p-values on every run.
 *
 * Token counts are not among the state's columns (it keeps their sums only), so tokens are tested
 * without per-record values (see `compare.ts`).
 *
 * @module
 */
import type { AggregatorState } from '../aggregate/types.js';

/** One group's per-record values, in input order. */
export interface GroupSamples {
  /** `durationMs` of each record. */
  durations: Float64Array;
  /** `cost` of each record (USD). */
  costs: Float64Array;
}

/** The per-record values of one side of a diff, overall and grouped. */
export interface DiffSamples {
  /** Every record. */
  all: GroupSamples;
  /** By agent name. */
  byAgent: Map<string, GroupSamples>;
  /** By phase, keyed as the aggregate keys phases (`String(phase)`). */
  byPhase: Map<string, GroupSamples>;
}

/** The part of an {@link AggregatorState} that {@link samplesOfState} reads. */
export type SampleSource = Pick<AggregatorState, 'count' | 'agents' | 'phases' | 'columns'>;

function group(count: number, ids: Int32Array, groups: number, durations: Float64Array, costs: Float64Array): GroupSamples[] {
  const sizes = new Int32Array(groups);
  for (let i = 0; i < count; i++) sizes[ids[i]!]!++;
  const out = Array.from(sizes, (size) => ({ durations: new Float64Array(size), costs: new Float64Array(size) }));
  const filled = new Int32Array(groups);
  for (let i = 0; i < count; i++) {
    const id = ids[i]!;
    const at = filled[id]!++;
    out[id]!.durations[at] = durations[i]!;
    out[id]!.costs[at] = costs[i]!;
  }
  return out;
}

/**
 * Groups a state's per-record durations and costs by agent and by phase. Memory: two numbers per record
 * for `all` and two for each grouping, beside the state itself.
 *
 * @param state - An aggregator's state (`aggregator.serialize()`), or any object with its `count`,
 *   `agents`, `phases` and `columns`.
 * @returns The values, overall and grouped.
 */
export function samplesOfState(state: SampleSource): DiffSamples {
  const { count, columns } = state;
  const durations = columns.durationMs.subarray(0, count);
  const costs = columns.cost.subarray(0, count);
  const byAgent = new Map<string, GroupSamples>();
  group(count, columns.agent, state.agents.length, durations, costs).forEach((g, id) => {
    if (g.durations.length > 0) byAgent.set(state.agents[id]!, g);
  });
  const byPhase = new Map<string, GroupSamples>();
  group(count, columns.phase, state.phases.length, durations, costs).forEach((g, id) => {
    if (g.durations.length > 0) byPhase.set(String(state.phases[id]!), g);
  });
  return { all: { durations: Float64Array.from(durations), costs: Float64Array.from(costs) }, byAgent, byPhase };
}
