/**
 * The counting pass of `result()`: one walk over the columns in input order that yields every count and
 * every floating-point sum. Summing here, in input order, rather than while folding, is what makes an
 * aggregate of merged shards bit-identical to the aggregate of the concatenated input.
 *
 * @module
 */
import { OUTPUT_PARSED, SUCCESS } from './record-columns.js';
import type { AggregatorColumns } from './types.js';

/** Counts and sums per id, and totals. Per-id arrays are indexed by id (models and errors: id + 1). */
export interface Tallies {
  agentCount: Float64Array;
  agentCost: Float64Array;
  agentDuration: Float64Array;
  agentSuccesses: Float64Array;
  agentRetries: Float64Array;
  phaseCount: Float64Array;
  phaseCost: Float64Array;
  phaseRetries: Float64Array;
  /** Index 0: no model. */
  modelCount: Float64Array;
  /** Index 0: no model. */
  modelCost: Float64Array;
  /** Failures per error class id + 1; index 0: absent or empty error class. */
  failuresByError: Float64Array;
  totalCost: number;
  totalDuration: number;
  successes: number;
  retries: number;
  outputParseFailures: number;
  /** Earliest start; `Infinity` when there are no records. */
  firstStart: number;
  /** Latest start + durationMs; `-Infinity` when there are no records. */
  lastEnd: number;
}

/** Sizes of the id tables. */
export interface TallySizes {
  readonly agents: number;
  readonly phases: number;
  readonly models: number;
  readonly errorClasses: readonly string[];
}

/**
 * Walks the records once, in input order.
 *
 * @param c - The columns.
 * @param count - Number of records.
 * @param sizes - Table sizes (and the error class names, to tell empty ones).
 * @returns The tallies.
 */
export function tally(c: AggregatorColumns, count: number, sizes: TallySizes): Tallies {
  const t: Tallies = {
    agentCount: new Float64Array(sizes.agents),
    agentCost: new Float64Array(sizes.agents),
    agentDuration: new Float64Array(sizes.agents),
    agentSuccesses: new Float64Array(sizes.agents),
    agentRetries: new Float64Array(sizes.agents),
    phaseCount: new Float64Array(sizes.phases),
    phaseCost: new Float64Array(sizes.phases),
    phaseRetries: new Float64Array(sizes.phases),
    modelCount: new Float64Array(sizes.models + 1),
    modelCost: new Float64Array(sizes.models + 1),
    failuresByError: new Float64Array(sizes.errorClasses.length + 1),
    totalCost: 0,
    totalDuration: 0,
    successes: 0,
    retries: 0,
    outputParseFailures: 0,
    firstStart: Infinity,
    lastEnd: -Infinity,
  };
  // An empty error class says nothing about the failure: it counts with the absent ones.
  const errorSlot = Int32Array.from(sizes.errorClasses, (name, id) => (name === '' ? 0 : id + 1));
  for (let i = 0; i < count; i++) {
    const agent = c.agent[i]!;
    const phase = c.phase[i]!;
    const model = c.model[i]! + 1;
    const cost = c.cost[i]!;
    const duration = c.durationMs[i]!;
    const start = c.start[i]!;
    const flags = c.flags[i]!;
    t.agentCount[agent]! += 1;
    t.agentCost[agent]! += cost;
    t.agentDuration[agent]! += duration;
    t.phaseCount[phase]! += 1;
    t.phaseCost[phase]! += cost;
    t.modelCount[model]! += 1;
    t.modelCost[model]! += cost;
    t.totalCost += cost;
    t.totalDuration += duration;
    if ((flags & SUCCESS) !== 0) {
      t.successes++;
      t.agentSuccesses[agent]! += 1;
    } else {
      const error = c.errorClass[i]!;
      t.failuresByError[error < 0 ? 0 : errorSlot[error]!]! += 1;
    }
    if ((flags & OUTPUT_PARSED) === 0) t.outputParseFailures++;
    if (c.attempt[i]! > 1) {
      t.retries++;
      t.agentRetries[agent]! += 1;
      t.phaseRetries[phase]! += 1;
    }
    if (start < t.firstStart) t.firstStart = start;
    if (start + duration > t.lastEnd) t.lastEnd = start + duration;
  }
  return t;
}
