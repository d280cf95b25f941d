/**
 * The parts of `result()` that read every row (the parallelism sweep; the duration percentiles, overall
 * and per agent; the counting pass of tallies.ts; previous attempts and what retries say about them) as
 * jobs that can run ahead in other threads: the CLI's scanner runs them in its workers, on the merged
 * columns in shared memory, once the last shard is merged (the retries job once this thread has given the
 * task ids their provisional ids). The same functions on the same values as `result()` would run: the
 * output is identical. The jobs only read the columns.
 *
 * @module
 */
import { intervalEvents, sweepEvents, type Parallelism } from './parallelism.js';
import { groupedOrderStats, groupValues, type OrderStats } from './percentiles.js';
import { findPreviousAttempts } from './previous-attempt.js';
import { countRetryOutcomes, type RetryOutcomes } from './retry-outcomes.js';
import { tally, type Tallies, type TallySizes } from './tallies.js';
import type { AggregatorColumns } from './types.js';

export type { OrderStats };

/** The rows the jobs read, and the sizes of the id tables. */
export interface AheadInput {
  /** The columns (views; `SharedArrayBuffer`-backed when the jobs run in other threads). */
  columns: AggregatorColumns;
  /** Rows, at least one. */
  count: number;
  /** Sizes of the id tables (and the error class names, to tell empty ones). */
  sizes: TallySizes;
  /** For the retries job: the number of task ids (`columns.taskId` in [0, taskIds) or -1), and the names. */
  retryTables?: { taskIds: number; models: readonly string[]; tiers: readonly string[] };
}

/** The jobs. */
export type AheadJob = 'parallelism' | 'durations' | 'tallies' | 'retries';

/** What the jobs computed. */
export interface Ahead {
  /** `computeParallelism` of the rows. */
  parallelism: Parallelism;
  /** Per agent id: its durations' statistics (`null`: no rows). */
  durationByAgent: (OrderStats | null)[];
  /** All durations' statistics (`null`: no rows). */
  duration: OrderStats | null;
  /** `tally` of the rows. */
  tallies: Tallies;
  /** Previous attempts resolved and counted (`countRetryOutcomes`), when the input had `retryTables`. */
  retries?: RetryOutcomes;
}

/**
 * Runs one job.
 *
 * @param job - Which.
 * @param input - The rows.
 * @param bucketMs - Bucket width (the parallelism job).
 * @returns The job's fields of {@link Ahead}.
 */
export function runAheadJob(job: AheadJob, input: AheadInput, bucketMs: number): Partial<Ahead> {
  const { columns, count, sizes } = input;
  if (job === 'parallelism') return { parallelism: sweepEvents(intervalEvents(columns.start, columns.durationMs, count), bucketMs) };
  if (job === 'tallies') return { tallies: tally(columns, count, sizes) };
  if (job === 'retries') {
    const tables = input.retryTables;
    if (tables === undefined) throw new Error('the retries job needs retryTables');
    const previous = findPreviousAttempts(columns, count, { agents: sizes.agents, phases: sizes.phases, taskIds: tables.taskIds });
    return { retries: countRetryOutcomes(columns, previous, { agents: sizes.agents, models: tables.models, tiers: tables.tiers, errorClasses: sizes.errorClasses }) };
  }
  const counts = new Float64Array(sizes.agents);
  for (let i = 0; i < count; i++) counts[columns.agent[i]!]! += 1;
  const grouped = groupValues(columns.durationMs.subarray(0, count), columns.agent, counts);
  const { byGroup, all } = groupedOrderStats(grouped.sorted, grouped.offsets);
  return { durationByAgent: byGroup, duration: all };
}

/**
 * Every job, in this thread (tests, and the reference for the threaded run).
 *
 * @param input - The rows.
 * @param bucketMs - Bucket width.
 * @returns What `result()` can take ahead.
 */
export function computeAhead(input: AheadInput, bucketMs: number): Ahead {
  const jobs: AheadJob[] = input.retryTables === undefined ? ['parallelism', 'durations', 'tallies'] : ['parallelism', 'durations', 'tallies', 'retries'];
  return Object.assign({}, ...jobs.map((job) => runAheadJob(job, input, bucketMs))) as Ahead;
}

/**
 * Whether `ahead` was computed for rows of these sizes (a cheap check against stale results).
 *
 * @param ahead - The jobs' results.
 * @param count - Rows held now.
 * @param agents - Agent ids now.
 * @param phases - Phase ids now.
 * @returns Whether the sizes agree.
 */
export function aheadFits(ahead: Ahead, count: number, agents: number, phases: number): boolean {
  const t = ahead.tallies;
  return ahead.durationByAgent.length === agents && (ahead.duration?.count ?? 0) === count && t.agentCount.length === agents && t.phaseCount.length === phases;
}
