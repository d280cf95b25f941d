/**
 * Interning: each distinct value gets a dense integer id, so that per-record state holds small integers in
 * typed arrays instead of references to strings, and per-group sums are arrays indexed by id.
 *
 * @module
 */

/** Assigns dense ids 0, 1, 2... to distinct values, in order of first sight. */
export class Interner<T extends string | number> {
  readonly #ids = new Map<T, number>();
  readonly #values: T[] = [];

  /** Distinct values, by id. */
  get values(): readonly T[] {
    return this.#values;
  }

  /** Number of distinct values. */
  get size(): number {
    return this.#values.length;
  }

  /**
   * Id of `value`, assigning the next one on first sight.
   *
   * @param value - The value.
   * @returns Its id.
   */
  id(value: T): number {
    let id = this.#ids.get(value);
    if (id === undefined) {
      id = this.#values.length;
      this.#ids.set(value, id);
      this.#values.push(value);
    }
    return id;
  }

  /**
   * Interns every value of another table and returns, for each of its ids, the id in this one: the map
   * that translates a shard's id columns into this aggregator's ids.
   *
   * @param values - The other table, by id.
   * @returns `map[otherId] = thisId`.
   */
  idMap(values: ArrayLike<T>): Int32Array {
    const map = new Int32Array(values.length);
    for (let i = 0; i < values.length; i++) map[i] = this.id(values[i]!);
    return map;
  }
}
