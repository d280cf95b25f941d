/**
 * A bounded multimap: at most `maxKeys` keys (the oldest key by first appearance is forgotten first) and
 * at most `perKey` values per key (the oldest value of the key makes room). Part of the record() hot path.
 *
 * Eviction goes through a ring of keys: evicting with `map.keys().next()` instead would scan the map's
 * deleted slots and cost microseconds per insertion once the map is full. A key with one value (most
 * keys) stores the value itself, so that remembering a record allocates nothing.
 *
 * @module
 */

class Slot<V> {
  readonly values: V[];
  // Where the next value goes once `values` is full (the oldest value's position).
  oldest = 0;

  constructor(first: V, second: V) {
    this.values = [first, second];
  }
}

/** A multimap bounded in keys and in values per key. Values must not be `Slot`s or `undefined`. */
export class BoundedIndex<V extends object> {
  readonly #map = new Map<string, V | Slot<V>>();
  readonly #ring: (string | undefined)[];
  readonly #perKey: number;
  #next = 0;

  /**
   * @param maxKeys - Keys kept.
   * @param perKey - Values kept per key (at least 2).
   */
  constructor(maxKeys: number, perKey: number) {
    this.#ring = new Array<string | undefined>(maxKeys).fill(undefined);
    this.#perKey = Math.max(2, perKey);
  }

  /**
   * @param key - The key.
   * @returns Its values in insertion order (a new array), or `undefined`.
   */
  get(key: string): readonly V[] | undefined {
    const entry = this.#map.get(key);
    if (entry === undefined) return undefined;
    if (!(entry instanceof Slot)) return [entry];
    const { values, oldest } = entry;
    return oldest === 0 ? values.slice() : [...values.slice(oldest), ...values.slice(0, oldest)];
  }

  /**
   * @param key - The key.
   * @param value - A value to remember under it.
   */
  add(key: string, value: V): void {
    const entry = this.#map.get(key);
    if (entry === undefined) {
      const evicted = this.#ring[this.#next];
      if (evicted !== undefined) this.#map.delete(evicted);
      this.#ring[this.#next] = key;
      this.#next = (this.#next + 1) % this.#ring.length;
      this.#map.set(key, value);
    } else if (!(entry instanceof Slot)) {
      this.#map.set(key, new Slot(entry, value));
    } else if (entry.values.length < this.#perKey) {
      entry.values.push(value);
    } else {
      entry.values[entry.oldest] = value;
      entry.oldest = (entry.oldest + 1) % this.#perKey;
    }
  }
}
