/**
 * The last minute of a `watch`: invocations, cost and tokens per minute, and the slowest calls, over a
 * sliding window of 60 one-second slots. Pure (the caller gives the times); each record costs O(1), and a
 * query reads the 60 slots.
 *
 * A record counts at its end (start + `durationMs`), or at the time it appeared in the log when that is
 * earlier: a log read at start counts the records that ended in the last minute, and a record whose clock
 * runs ahead (another host; the demo's simulated times) counts when it was seen, never in the future.
 *
 * @module
 */
import type { InvocationMetric } from '../record.js';

/** Width of the window, in ms. */
export const WINDOW_MS = 60_000;
const SLOTS = 60;
const SLOT_MS = WINDOW_MS / SLOTS;
/** Slowest calls kept per slot (and shown). */
export const SLOWEST = 3;

/** A call among the slowest of the window. */
export interface SlowCall {
  agent: string;
  phase: number;
  taskId: string | undefined;
  durationMs: number;
  success: boolean;
}

/** The window's sums at one instant. */
export interface WindowTotals {
  /** Records counted in the last 60 s. */
  invocations: number;
  /** Their cost, USD. */
  cost: number;
  /** Their tokens. */
  tokens: number;
  /** The slowest of them, longest first (at most {@link SLOWEST}). */
  slowest: SlowCall[];
}

interface Slot {
  /** The slot's second (epoch ms / 1000, floored); -1 when unused. */
  second: number;
  invocations: number;
  cost: number;
  tokens: number;
  slowest: SlowCall[];
}

/** A sliding one-minute window of records. */
export class RateWindow {
  readonly #slots: Slot[] = Array.from({ length: SLOTS }, () => ({ second: -1, invocations: 0, cost: 0, tokens: 0, slowest: [] }));

  /**
   * Counts a record.
   *
   * @param record - A valid record.
   * @param seenMs - When it was read (epoch ms).
   */
  add(record: InvocationMetric, seenMs: number): void {
    const atMs = Math.min(Date.parse(record.timestamp) + record.durationMs, seenMs);
    if (!(atMs > seenMs - WINDOW_MS)) return;
    const second = Math.floor(atMs / SLOT_MS);
    const slot = this.#slots[second % SLOTS]!;
    if (slot.second !== second) Object.assign(slot, { second, invocations: 0, cost: 0, tokens: 0, slowest: [] });
    slot.invocations++;
    slot.cost += record.cost;
    slot.tokens += record.tokens;
    insertSlow(slot.slowest, { agent: record.agent, phase: record.phase, taskId: record.taskId, durationMs: record.durationMs, success: record.success });
  }

  /**
   * The window ending at `nowMs`: records counted in (now - 60 s, now].
   *
   * @param nowMs - The instant (epoch ms).
   * @returns The sums and the slowest calls.
   */
  totals(nowMs: number): WindowTotals {
    const newest = Math.floor(nowMs / SLOT_MS);
    const out: WindowTotals = { invocations: 0, cost: 0, tokens: 0, slowest: [] };
    for (const slot of this.#slots) {
      if (slot.second <= newest - SLOTS || slot.second > newest) continue;
      out.invocations += slot.invocations;
      out.cost += slot.cost;
      out.tokens += slot.tokens;
      for (const call of slot.slowest) insertSlow(out.slowest, call);
    }
    return out;
  }
}

function insertSlow(list: SlowCall[], call: SlowCall): void {
  if (list.length === SLOWEST && list[SLOWEST - 1]!.durationMs >= call.durationMs) return;
  let i = list.length;
  while (i > 0 && list[i - 1]!.durationMs < call.durationMs) i--;
  list.splice(i, 0, call);
  if (list.length > SLOWEST) list.pop();
}
