/**
 * The cardinality cap of one attribute: the first `max` distinct values are kept, later new values fold
 * into `_OTHER` with one warning. A metric backend pays per series, and an attribute fed with unbounded
 * values (an agent name with a run id in it) would otherwise grow without limit.
 *
 * The cap maps each raw value straight to what the store hangs off it (the exported string, or the
 * agent's node), so that a record pays one map lookup per attribute.
 *
 * @module
 */
import { OTHER } from './names.js';
import type { WarnOnce } from './warn-once.js';

/** Maps raw attribute values to per-value state, keeping at most `max` distinct values. */
export class CappedMap<T> {
  // Only kept values are remembered: folded values are not stored, so memory stays bounded by `max`.
  readonly #kept = new Map<string | number, T>();
  readonly #attribute: string;
  readonly #max: number;
  readonly #warn: WarnOnce;
  readonly #make: (exported: string) => T;
  #overflow: T | undefined;

  /**
   * @param attribute - The attribute key (for the warning).
   * @param max - Distinct values kept.
   * @param warn - Warns once per attribute.
   * @param make - Builds the state of a kept value from its exported string (called once per value).
   */
  constructor(attribute: string, max: number, warn: WarnOnce, make: (exported: string) => T) {
    this.#attribute = attribute;
    this.#max = max;
    this.#warn = warn;
    this.#make = make;
  }

  /**
   * @param raw - The raw value (numbers are exported as their decimal string).
   * @returns The state of the value, or the shared `_OTHER` state once the cap is reached.
   */
  get(raw: string | number): T {
    const kept = this.#kept.get(raw);
    if (kept !== undefined) return kept;
    if (this.#kept.size < this.#max) {
      const exported = String(raw);
      // A raw `_OTHER` shares the overflow state: two states with one exported value would be one series twice.
      const state = exported === OTHER ? this.#other() : this.#make(exported);
      this.#kept.set(raw, state);
      return state;
    }
    this.#warn(
      `cap:${this.#attribute}`,
      `invocation-metrics: attribute ${this.#attribute} reached ${this.#max} distinct values; ` +
        `later values are exported as ${OTHER} (raise maxAttributeValues to keep more)`,
    );
    return this.#other();
  }

  #other(): T {
    return (this.#overflow ??= this.#make(OTHER));
  }
}
