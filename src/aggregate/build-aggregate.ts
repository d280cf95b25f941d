/**
 * `result()`: turns an aggregator's state into a {@link MetricsAggregate}. Reads the state, never
 * changes it, so `result()` can be called again after more records.
 *
 * @module
 */
import { BucketLimitError, InvalidMetricError } from '../errors.js';
import { COST_EXPECTED, DURATION_EXPECTED, MAX_COST_USD, MAX_TIME_MS } from '../record.js';
import { fittingBucketMs, MAX_BUCKETS } from './bucket-limit.js';
import { durationStats, groupValues } from './percentiles.js';
import { computeParallelism } from './parallelism.js';
import { findPreviousAttempts } from './previous-attempt.js';
import type { Ahead, OrderStats } from './ahead-jobs.js';
import { countRetryOutcomes } from './retry-outcomes.js';
import { sortedNameMap, sortedPhaseMap } from './sorted-map.js';
import { tally } from './tallies.js';
import type { AggregatorColumns, AggregatorState, CountMap, DurationStats, MetricsAggregate } from './types.js';

/** The key of records without a model, and of failures without an error class. */
export const NONE_KEY = '(none)';

/**
 * Computes the aggregate.
 *
 * @param state - The records (views are fine: nothing is written); only the number of task ids is read.
 * @param preferredBucketMs - Bucket width of the parallelism series.
 * @param ahead - The parts computed ahead, if they were (see ahead-jobs.ts; ids as the state's).
 * @param fitBuckets - When given, the width is widened (see `fittingBucketMs`) so that the series holds
 *   at most this many buckets, instead of failing.
 * @throws `BucketLimitError` when the width does not fit the span (without `fitBuckets`);
 *   `InvalidMetricError` for records that validation would have refused (an end past the last date, a
 *   cost sum that overflows).
 * @returns The aggregate.
 */
export function buildAggregate(
  state: Omit<AggregatorState, 'taskIds'> & { taskIds: { length: number } },
  preferredBucketMs: number,
  ahead?: Ahead,
  fitBuckets?: number,
): MetricsAggregate {
  const { count, columns, agents, phases, models, tokens } = state;
  const t = ahead?.tallies ?? tally(columns, count, { agents: agents.length, phases: phases.length, models: models.length, errorClasses: state.errorClasses });
  const retries =
    ahead?.retries ??
    countRetryOutcomes(columns, findPreviousAttempts(columns, count, { agents: agents.length, phases: phases.length, taskIds: state.taskIds.length }), {
      agents: agents.length,
      models,
      tiers: state.tiers,
      errorClasses: state.errorClasses,
    });
  checkSums(t, columns, count);
  // With `fitBuckets`, a wider width when the preferred one needs more buckets (the parallelism computed
  // ahead, for the preferred width, is then not used).
  const bucketMs = fitBuckets === undefined || count === 0 ? preferredBucketMs : fittingBucketMs(t.firstStart, t.lastEnd, preferredBucketMs, fitBuckets);
  const parallelism = (bucketMs === preferredBucketMs ? ahead?.parallelism : undefined) ?? computeParallelism(columns.start, columns.durationMs, count, bucketMs);
  const problem = parallelism.problem;
  if (problem !== undefined)
    throw new BucketLimitError(bucketMs, problem.buckets, MAX_BUCKETS, problem.spanStart, problem.spanEnd, problem.suggestedBucketMs);

  // Tables may hold values no record uses (a hand-made state): only ids with records become keys.
  const agentIds = [...agents.keys()].filter((a) => t.agentCount[a]! > 0);
  const phaseIds = [...phases.keys()].filter((p) => t.phaseCount[p]! > 0);
  const retryAgentIds = agentIds.filter((a) => t.agentRetries[a]! > 0);
  const byAgent = (ids: number[], value: (a: number) => number): CountMap => sortedNameMap(ids.map((a) => [agents[a]!, value(a)]));
  const byPhase = (ids: number[], value: (p: number) => number): CountMap => sortedPhaseMap(ids.map((p) => [phases[p]!, value(p)]));
  const modelName = (slot: number): string => (slot === 0 ? NONE_KEY : models[slot - 1]!);
  const byModel = (values: ArrayLike<number>): CountMap =>
    sortedNameMap(keyed(t.modelCount.length, modelName, values, (slot) => t.modelCount[slot]! > 0));
  const errorName = (slot: number): string => (slot === 0 ? NONE_KEY : state.errorClasses[slot - 1]!);

  let durationByAgent: Record<string, DurationStats>;
  let duration: DurationStats | null;
  if (ahead === undefined) {
    // A copy grouped by agent; durationStats permutes what it is given (each agent's segment, then all).
    const grouped = groupValues(columns.durationMs, columns.agent, t.agentCount);
    durationByAgent = sortedNameMap<DurationStats>(
      agentIds.map((a) => [agents[a]!, durationStats(grouped.sorted.subarray(grouped.offsets[a]!, grouped.offsets[a + 1]!), t.agentDuration[a]!)]),
    );
    duration = count === 0 ? null : durationStats(grouped.sorted, t.totalDuration);
  } else {
    // The same statistics, computed ahead; the means are sums in input order, from the tallies.
    durationByAgent = sortedNameMap<DurationStats>(agentIds.map((a) => [agents[a]!, withMean(ahead.durationByAgent[a]!, t.agentDuration[a]!)]));
    duration = ahead.duration === null ? null : withMean(ahead.duration, t.totalDuration);
  }
  const firstStart = count === 0 ? null : new Date(t.firstStart).toISOString();

  return {
    totalInvocations: count,
    invocationsByAgent: byAgent(agentIds, (a) => t.agentCount[a]!),
    invocationsByPhase: byPhase(phaseIds, (p) => t.phaseCount[p]!),
    totalRetries: t.retries,
    retriesByAgent: byAgent(retryAgentIds, (a) => t.agentRetries[a]!),
    retriesByPhase: byPhase(
      phaseIds.filter((p) => t.phaseRetries[p]! > 0),
      (p) => t.phaseRetries[p]!,
    ),
    infraRetries: retries.infra,
    codeRetries: t.retries - retries.infra,
    escalationCount: retries.escalations,
    totalTokens: tokens.total,
    totalCost: t.totalCost,
    totalCachedTokens: tokens.cached,
    tokensByAgent: byAgent(agentIds, (a) => tokens.byAgent[a]!),
    costByAgent: byAgent(agentIds, (a) => t.agentCost[a]!),
    totalDurationMs: t.totalDuration,
    avgDurationByAgent: byAgent(agentIds, (a) => t.agentDuration[a]! / t.agentCount[a]!),
    successRate: count === 0 ? 0 : t.successes / count,
    peakParallelInvocations: parallelism.peak,
    parallelismOverTime: parallelism.buckets,
    bucketMs,
    totalSuccesses: t.successes,
    successesByAgent: byAgent(agentIds, (a) => t.agentSuccesses[a]!),
    infraRetriesByAgent: byAgent(retryAgentIds, (a) => retries.infraByAgent[a]!),
    codeRetriesByAgent: byAgent(retryAgentIds, (a) => t.agentRetries[a]! - retries.infraByAgent[a]!),
    durationByAgent,
    duration,
    costByPhase: byPhase(phaseIds, (p) => t.phaseCost[p]!),
    tokensByPhase: byPhase(phaseIds, (p) => tokens.byPhase[p]!),
    invocationsByModel: byModel(t.modelCount),
    costByModel: byModel(t.modelCost),
    tokensByModel: byModel(tokens.byModel),
    totalInputTokens: tokens.input,
    totalOutputTokens: tokens.output,
    cacheHitShare: tokens.input === 0 ? 0 : tokens.cachedWithInput / tokens.input,
    failuresByErrorClass: sortedNameMap(keyed(t.failuresByError.length, errorName, t.failuresByError, (slot) => t.failuresByError[slot]! > 0)),
    outputParseFailures: t.outputParseFailures,
    escalationsByTier: sortedNameMap(retries.transitions),
    firstStart,
    // Floor, not the truncation `Date` applies, so that a fractional end before 1970 is not rounded up.
    lastEnd: count === 0 ? null : new Date(Math.floor(t.lastEnd)).toISOString(),
    wallClockSpanMs: count === 0 ? 0 : t.lastEnd - t.firstStart,
  };
}

/**
 * The aggregate's own check of what validation guarantees, for records that were not validated (the
 * aggregator trusts its input; a hand-made state is checked by `mergeState`): an end past the last
 * valid date, or costs whose sum overflows, throw the `InvalidMetricError` that validation gives for the
 * first such record, rather than a `RangeError` or an `Infinity` total. O(1) unless it throws.
 */
function checkSums(t: { lastEnd: number; totalCost: number }, columns: AggregatorColumns, count: number): void {
  if (count > 0 && !(t.lastEnd <= MAX_TIME_MS)) {
    const { start, durationMs } = columns;
    let i = 0;
    while (i < count - 1 && start[i]! + durationMs[i]! <= MAX_TIME_MS) i++;
    throw new InvalidMetricError('durationMs', DURATION_EXPECTED, durationMs[i]);
  }
  if (!(t.totalCost <= Number.MAX_VALUE)) {
    const { cost } = columns;
    let i = 0;
    while (i < count - 1 && cost[i]! <= MAX_COST_USD) i++;
    throw new InvalidMetricError('cost', COST_EXPECTED, cost[i]);
  }
}

/** Order statistics computed ahead, with the mean of `sum` (the key order of {@link durationStats}). */
function withMean(stats: OrderStats, sum: number): DurationStats {
  return { ...stats, mean: sum / stats.count };
}

/**
 * Sums values under their output key: two slots can share a key (a model literally named `(none)` and
 * the records without a model).
 */
function keyed(slots: number, name: (slot: number) => string, values: ArrayLike<number>, include: (slot: number) => boolean): Map<string, number> {
  const sums = new Map<string, number>();
  for (let slot = 0; slot < slots; slot++) {
    if (include(slot)) sums.set(name(slot), (sums.get(name(slot)) ?? 0) + values[slot]!);
  }
  return sums;
}
