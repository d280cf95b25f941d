/**
 * Per-invocation data for the timeline charts (the Markdown report's Mermaid Gantt, the HTML report's
 * timeline), and the rule that picks a readable subset of a large run.
 *
 * The subset rule (documented in the reports themselves): when a run has more invocations than the
 * limit, the chart shows the `limit` that rank highest by, in order, failures first, then retries, then
 * the longest duration, then the earliest start, then input order; the chosen ones are drawn in start
 * order. Failures and retries are what people look for in a timeline, and the longest invocations are the
 * ones that shape the run's wall-clock time.
 *
 * @module
 */
import { startMs, type InvocationMetric } from '../record.js';

/** One invocation as the timeline charts need it. */
export interface GanttItem {
  /** The record's `invocationId`. */
  id: string;
  /** The record's `agent`. */
  agent: string;
  /** The record's `phase`. */
  phase: number;
  /** Start, epoch milliseconds. */
  startMs: number;
  /** The record's `durationMs`. */
  durationMs: number;
  /** The record's `success`. */
  success: boolean;
  /** The record's `attempt` (> 1 is a retry). */
  attempt: number;
  /** The record's `errorClass`, when present. */
  errorClass?: string;
}

/** Default number of invocations a timeline chart shows. */
export const DEFAULT_GANTT_LIMIT = 200;

/**
 * Projects a record to the fields the timeline charts use.
 *
 * @param record - A valid record.
 * @returns The timeline item.
 */
export function toGanttItem(record: InvocationMetric): GanttItem {
  const item: GanttItem = {
    id: record.invocationId,
    agent: record.agent,
    phase: record.phase,
    startMs: startMs(record),
    durationMs: record.durationMs,
    success: record.success,
    attempt: record.attempt,
  };
  if (record.errorClass !== undefined) item.errorClass = record.errorClass;
  return item;
}

interface Ranked {
  item: GanttItem;
  seq: number;
}

// Total order: failures, retries, longest, earliest, input order. Total, so the subset is deterministic.
function byRank(a: Ranked, b: Ranked): number {
  return (
    Number(a.item.success) - Number(b.item.success) ||
    Number(b.item.attempt > 1) - Number(a.item.attempt > 1) ||
    b.item.durationMs - a.item.durationMs ||
    a.item.startMs - b.item.startMs ||
    a.seq - b.seq
  );
}

const byStart = (a: Ranked, b: Ranked): number => a.item.startMs - b.item.startMs || a.seq - b.seq;

/** A bounded, streaming selector of timeline items: memory stays O(limit) however many are added. */
export interface GanttSampler {
  /** Offers one item. */
  add(item: GanttItem): void;
  /** The selected items (at most `limit`), in start order. */
  items(): GanttItem[];
  /** How many items were offered. */
  readonly seen: number;
}

/**
 * Creates a streaming selector that keeps the `limit` highest-ranked items (see the module comment).
 *
 * @param limit - Largest number of items kept; a non-negative integer.
 * @returns The sampler.
 */
export function createGanttSampler(limit = DEFAULT_GANTT_LIMIT): GanttSampler {
  let kept: Ranked[] = [];
  let seen = 0;
  // Pruning only when the buffer doubles keeps the cost at O(n log limit) overall.
  const prune = (): void => {
    kept.sort(byRank);
    kept = kept.slice(0, limit);
  };
  return {
    add(item) {
      kept.push({ item, seq: seen++ });
      if (kept.length >= 2 * limit + 16) prune();
    },
    items() {
      prune();
      return [...kept].sort(byStart).map((r) => r.item);
    },
    get seen() {
      return seen;
    },
  };
}

/**
 * Selects the items a chart shows: all of them when there are at most `limit`, else the subset defined
 * in the module comment. Either way the result is in start order.
 *
 * @param items - The candidate items, in input order.
 * @param limit - Largest number of items shown.
 * @returns The selected items, in start order.
 */
export function selectGanttItems(items: readonly GanttItem[], limit = DEFAULT_GANTT_LIMIT): GanttItem[] {
  const sampler = createGanttSampler(limit);
  for (const item of items) sampler.add(item);
  return sampler.items();
}
