/**
 * The ordering parts of `result()` (the parallelism sweep over starts and ends ordered by bucket; the
 * duration percentiles, overall and per agent, by selection) as jobs that can run ahead in other threads
 * while this one does the rest: the CLI's scanner runs them in its workers, once the last shard is merged,
 * while the main thread interns the task ids. The same functions on the same values as `result()` would
 * run: the output is identical. The inputs are what the jobs need and no more (the jobs use them as
 * scratch space: their contents afterwards are unspecified).
 *
 * @module
 */
import { intervalEvents, sweepEvents, type IntervalEvents, type Parallelism } from './parallelism.js';
import { groupedOrderStats, groupValues, type OrderStats } from './percentiles.js';

export type { OrderStats };

/** Durations grouped by agent id (each group in row order), agent a at [offsets[a], offsets[a + 1]). */
export interface GroupedDurations {
  /** The grouped durations (the name predates selection: they are not sorted). */
  sorted: Float64Array;
  /** Group bounds: agent a at [offsets[a], offsets[a + 1]). */
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
 * The parallelism job (overwrites `events`' arrays).
 *
 * @param events - From {@link aheadJobs}.
 * @param bucketMs - Bucket width.
 * @returns The parallelism.
 */
export function parallelismAhead(events: IntervalEvents, bucketMs: number): Parallelism {
  return sweepEvents(events, bucketMs);
}

/**
 * The duration job (permutes `durations.sorted` within and across groups).
 *
 * @param durations - From {@link aheadJobs}.
 * @returns The statistics per agent and overall.
 */
export function durationsAhead(durations: GroupedDurations): Pick<Ahead, 'durationByAgent' | 'duration'> {
  const { byGroup, all } = groupedOrderStats(durations.sorted, durations.offsets);
  return { durationByAgent: byGroup, duration: all };
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
