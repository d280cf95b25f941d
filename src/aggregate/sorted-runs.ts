/**
 * The sorting parts of `result()` (the parallelism sweep over sorted starts and ends; the duration
 * percentiles, overall and per agent) as jobs that can run ahead in other threads while this one does
 * the rest: the CLI's scanner runs them in its workers, once the last shard is merged, while the main
 * thread interns the task ids. The same functions on the same values as `result()` would run: the
 * output is identical. The inputs are what the sorts need and no more (sorted in place by the jobs).
 *
 * @module
 */
import { intervalEvents, sweepEvents, type IntervalEvents, type Parallelism } from './parallelism.js';
import { durationStats, groupValues, mergeSortedGroups, sortGroups } from './percentiles.js';
import type { DurationStats } from './types.js';

/** Duration statistics without the mean (the mean is a sum in input order: the caller's). */
export type OrderStats = Omit<DurationStats, 'mean'>;

/** Durations grouped by agent id (each group in row order), agent a at [offsets[a], offsets[a + 1]). */
export interface GroupedDurations {
  sorted: Float64Array;
  offsets: Int32Array;
}

/** The inputs of the two jobs (fresh buffers: they may be transferred). */
export interface AheadJobs {
  events: IntervalEvents;
  durations: GroupedDurations;
}

/** What the jobs computed. */
export interface Ahead {
  /** `computeParallelism` of the rows. */
  parallelism: Parallelism;
  /** Per agent id: its durations' statistics (`null`: no rows). */
  durationByAgent: (OrderStats | null)[];
  /** All durations' statistics (`null`: no rows). */
  duration: OrderStats | null;
}

/**
 * The jobs' inputs for rows (at least one).
 *
 * @param start - Start column.
 * @param durationMs - Duration column.
 * @param agent - Agent id column.
 * @param count - Rows (> 0).
 * @param agents - Agent ids.
 * @returns The inputs.
 */
export function aheadJobs(start: Float64Array, durationMs: Float64Array, agent: Int32Array, count: number, agents: number): AheadJobs {
  const counts = new Float64Array(agents);
  for (let i = 0; i < count; i++) counts[agent[i]!]! += 1;
  return { events: intervalEvents(start, durationMs, count), durations: groupValues(durationMs.subarray(0, count), agent, counts) };
}

/**
 * The parallelism job (sorts `events` in place).
 *
 * @param events - From {@link aheadJobs}.
 * @param bucketMs - Bucket width.
 * @returns The parallelism.
 */
export function parallelismAhead(events: IntervalEvents, bucketMs: number): Parallelism {
  return sweepEvents(events, bucketMs);
}

const orderStats = (sorted: Float64Array): OrderStats | null => {
  if (sorted.length === 0) return null;
  const { count, min, p50, p90, p95, p99, max } = durationStats(sorted, 0);
  return { count, min, p50, p90, p95, p99, max };
};

/**
 * The duration job (sorts `durations` in place).
 *
 * @param durations - From {@link aheadJobs}.
 * @returns The statistics per agent and overall.
 */
export function durationsAhead(durations: GroupedDurations): Pick<Ahead, 'durationByAgent' | 'duration'> {
  const { sorted, offsets } = durations;
  sortGroups(sorted, offsets);
  const durationByAgent: (OrderStats | null)[] = [];
  for (let a = 0; a + 1 < offsets.length; a++) durationByAgent.push(orderStats(sorted.subarray(offsets[a]!, offsets[a + 1]!)));
  return { durationByAgent, duration: orderStats(mergeSortedGroups(sorted, offsets)) };
}

/**
 * Both jobs, in this thread (tests, and the reference for the threaded run).
 *
 * @param jobs - From {@link aheadJobs}.
 * @param bucketMs - Bucket width.
 * @returns What `result()` can take ahead.
 */
export function computeAhead(jobs: AheadJobs, bucketMs: number): Ahead {
  return { parallelism: parallelismAhead(jobs.events, bucketMs), ...durationsAhead(jobs.durations) };
}
