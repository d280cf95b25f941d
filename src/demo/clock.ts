/**
 * The demo's clock: simulated time for the collector's `begin()`/`end()`, advanced by the replay as it
 * fires the plan's events in compressed wall time.
 *
 * @module
 */
import type { Clock } from '../collector.js';

/**
 * A discrete-event clock over simulated time. The replay maps wall time to simulated time (one wall
 * millisecond is `scale` simulated ones) and, when the wall timer of an event fires, advances this clock
 * to the event's planned simulated instant before calling `begin()` or `end()`. Reading the event's
 * planned instant rather than `wall elapsed * scale` keeps timer jitter (multiplied by `scale`, seconds
 * of simulated time under load) out of the records: a replay records exactly the plan, whatever the
 * machine's load, while the in-flight gauge still moves in real time.
 */
export class ReplayClock implements Clock {
  /** Epoch milliseconds of simulated time 0 (the run's start). */
  readonly baseMs: number;
  #simMs = 0;

  /** @param baseMs - Epoch milliseconds of the run's simulated start; a whole number keeps timestamps exact. */
  constructor(baseMs: number) {
    this.baseMs = baseMs;
  }

  /** Simulated milliseconds since the run's start. */
  get simMs(): number {
    return this.#simMs;
  }

  /**
   * Moves simulated time forward; never backwards (the collector's clock contract).
   *
   * @param simMs - Simulated milliseconds since the run's start.
   */
  advanceTo(simMs: number): void {
    if (simMs > this.#simMs) this.#simMs = simMs;
  }

  /** @returns The current simulated instant, epoch milliseconds. */
  now(): number {
    return this.baseMs + this.#simMs;
  }
}
