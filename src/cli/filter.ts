/**
 * The record filter of `--since`, `--until` and `--agent`. Pure.
 *
 * @module
 */
import { startMs, type InvocationMetric } from '../record.js';

/** What to keep. Every criterion given must hold. */
export interface RecordFilter {
  /** Keep records that start at or after this instant (epoch ms, inclusive). */
  sinceMs?: number;
  /** Keep records that start before this instant (epoch ms, exclusive). */
  untilMs?: number;
  /** Keep records of these agents only (exact names). */
  agents?: readonly string[];
}

/**
 * Builds the predicate of a filter. Time criteria look at the record's start only: an invocation that
 * starts before `--until` and ends after it is kept whole (its cost and tokens are not split), which is
 * what makes the filter of consecutive windows partition a run.
 *
 * @param filter - The criteria.
 * @returns A predicate; `undefined` when the filter keeps everything (so the caller can skip it).
 */
export function createRecordFilter(filter: RecordFilter): ((record: InvocationMetric) => boolean) | undefined {
  const { sinceMs, untilMs } = filter;
  const agents = filter.agents !== undefined && filter.agents.length > 0 ? new Set(filter.agents) : undefined;
  if (sinceMs === undefined && untilMs === undefined && agents === undefined) return undefined;
  return (record) => {
    if (agents !== undefined && !agents.has(record.agent)) return false;
    if (sinceMs === undefined && untilMs === undefined) return true;
    const start = startMs(record);
    return (sinceMs === undefined || start >= sinceMs) && (untilMs === undefined || start < untilMs);
  };
}
