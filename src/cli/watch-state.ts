/**
 * What `watch` knows: every record read so far in one streaming aggregator (the exact aggregate of the
 * summary, retries infra vs code and escalations included), the last minute's window, the skipped lines
 * and the latest notices. The files feed it through {@link WatchState.sink}; the screen reads
 * {@link WatchState.snapshot}.
 *
 * `result()` of the aggregator is O(n log n) in the records held (previous attempts and the parallelism
 * sweep need them all), so it runs only when records arrived, and at most once per four times its own
 * last duration: on a log of about a million records its figures (retries, escalations, peak
 * parallelism, the tables) refresh every few seconds, and the view spends at most a fifth of its time on
 * them. The headline counts (invocations, successes, cost, tokens) are running sums, O(1) per record,
 * current at every refresh; reading stays proportional to what was appended.
 *
 * @module
 */
import { createAggregator, resultFitting } from '../aggregate/aggregator.js';
import type { Aggregator, MetricsAggregate } from '../aggregate/types.js';
import type { InvocationMetric } from '../record.js';
import type { TailSink } from './watch-tail.js';
import { RateWindow, type WindowTotals } from './watch-window.js';

/** Notices kept for the screen. */
const NOTICES = 3;
/** Buckets of the (unshown) parallelism series: widened past this, so that no span of records is refused. */
const MAX_BUCKETS = 1000;

/** Everything one frame shows. */
export interface WatchSnapshot {
  /** The aggregate of every record read (`undefined` before the first). */
  aggregate: MetricsAggregate | undefined;
  /** Records read so far. */
  records: number;
  /** Running sums over the records read: current at every refresh (the cost summed in the aggregate's order). */
  totals: { successes: number; cost: number; tokens: number };
  /** Records the aggregate covers: fewer than `records` while it lags (see the module's note). */
  aggregatedRecords: number;
  /** Lines skipped (malformed, invalid, too long). */
  skipped: number;
  /** The last minute. */
  window: WindowTotals;
  /** The latest notices (rotations, truncations, skipped lines), oldest first. */
  notices: string[];
}

/** The state of a watch. */
export class WatchState {
  readonly #aggregator: Aggregator = createAggregator();
  readonly #window = new RateWindow();
  readonly #clock: () => number;
  readonly #onNotice: (text: string) => void;
  #records = 0;
  #totals = { successes: 0, cost: 0, tokens: 0 };
  #skipped = 0;
  #notices: string[] = [];
  #aggregate: MetricsAggregate | undefined;
  #aggregatedCount = 0;
  /** Monotonic time before which the aggregate is not computed again, and its last cost. */
  #nextResultAt = 0;
  #aggregateError: string | undefined;

  /**
   * @param clock - Epoch ms (`Date.now`).
   * @param onNotice - Also receives each notice as it comes (stderr, when it is not the screen).
   */
  constructor(clock: () => number = Date.now, onNotice: (text: string) => void = () => {}) {
    this.#clock = clock;
    this.#onNotice = onNotice;
  }

  /** Where the files' records, skipped lines and notices go. */
  readonly sink: TailSink = {
    record: (record: InvocationMetric) => {
      this.#aggregator.add(record);
      this.#window.add(record, this.#clock());
      this.#records++;
      if (record.success) this.#totals.successes++;
      this.#totals.cost += record.cost;
      this.#totals.tokens += record.tokens;
    },
    skipped: (file, line, reason) => {
      this.#skipped++;
      this.#notice(`${file}:${line}: ${reason}`);
    },
    notice: (text) => this.#notice(text),
  };

  /**
   * The current figures. Computes the aggregate again when records arrived and its throttle allows.
   *
   * @param force - Compute the aggregate now whatever the throttle (`--once`).
   * @param defer - Do not compute it unless forced: the files are still being read to their end, and an
   *   aggregate of part of them would only slow that down.
   * @returns The snapshot.
   */
  snapshot(force = false, defer = false): WatchSnapshot {
    const now = performance.now();
    if (this.#records !== this.#aggregatedCount && (force || (!defer && now >= this.#nextResultAt))) {
      try {
        this.#aggregate = resultFitting(this.#aggregator, MAX_BUCKETS);
        this.#aggregateError = undefined;
      } catch (error) {
        // Valid records always aggregate; this is only a guard for the screen.
        this.#aggregateError = (error as Error).message;
      }
      this.#aggregatedCount = this.#records;
      const took = performance.now() - now;
      this.#nextResultAt = performance.now() + 4 * took;
    }
    const notices = this.#aggregateError === undefined ? this.#notices : [...this.#notices, `cannot aggregate: ${this.#aggregateError}`];
    return {
      aggregate: this.#aggregate,
      records: this.#records,
      totals: { ...this.#totals },
      aggregatedRecords: this.#aggregatedCount,
      skipped: this.#skipped,
      window: this.#window.totals(this.#clock()),
      notices,
    };
  }

  #notice(text: string): void {
    this.#notices = [...this.#notices.slice(-(NOTICES - 1)), text];
    this.#onNotice(text);
  }
}
