/**
 * A bounded multimap: at most `maxKeys` keys (the oldest key by first appearance is forgotten first) and
 * at most `perKey` values per key (the oldest value of the key makes room). Part of the record() hot path:
 * every mirrored record is added under its taskId.
 *
 * It is an open-addressing hash table (linear probing, at most half full, backward-shift deletion) over a
 * ring of key slots, rather than a `Map`: a record whose key is new costs one probe sequence and no `Map`
 * deletion of the evicted key, and the table is a small typed array (cache-friendly at 10,000 keys).
 * The hash is seeded at random per process (FNV-1a with a final mix), so that keys chosen by a caller
 * cannot be made to collide on purpose; and no probe goes further than {@link MAX_PROBE} slots from its
 * key's home: a key that would is simply not remembered (its later retries then count as `code`), so a
 * lookup never costs more than that. A key with one value (most keys) stores the value itself, so that
 * remembering a record allocates nothing.
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

/** Longest probe sequence: a key whose home is further than this from a free slot is not remembered. */
export const MAX_PROBE = 64;

const SEED = (Math.random() * 0x1_0000_0000) | 0;
const EMPTY = -1;

/**
 * A seeded 32-bit hash of a string's UTF-16 units (FNV-1a, then the murmur3 finalizer so that the low
 * bits, which pick the slot, depend on every unit).
 *
 * @param key - The string.
 * @returns The hash.
 */
export function hashKey(key: string): number {
  let h = SEED;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x0100_0193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85eb_ca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2_ae35);
  return h ^ (h >>> 16);
}

/** A multimap bounded in keys and in values per key. Values must not be `Slot`s or `undefined`. */
export class BoundedIndex<V extends object> {
  readonly #maxKeys: number;
  readonly #perKey: number;
  /** Slot of the ring held at each table position, or {@link EMPTY}. Grows (doubling) up to twice `maxKeys`. */
  #table = new Int32Array(16).fill(EMPTY);
  #mask = 15;
  /** The ring: key, hash and value (or `Slot`) of each slot, in first-appearance order; grown up to `maxKeys`. */
  readonly #keys: (string | undefined)[] = [];
  readonly #values: (V | Slot<V> | undefined)[] = [];
  #hashes = new Int32Array(8);
  /** The ring slot the next new key takes (the oldest key's, once the ring is full). */
  #next = 0;

  /**
   * @param maxKeys - Keys kept.
   * @param perKey - Values kept per key (at least 2).
   */
  constructor(maxKeys: number, perKey: number) {
    this.#maxKeys = maxKeys;
    this.#perKey = Math.max(2, perKey);
  }

  /**
   * @param key - The key.
   * @param hash - `hashKey(key)`, when the caller has it already.
   * @returns Its values in insertion order (a new array), or `undefined`.
   */
  get(key: string, hash = hashKey(key)): readonly V[] | undefined {
    const at = this.#find(key, hash);
    if (at < 0) return undefined;
    const entry = this.#values[this.#table[at]!]!;
    if (!(entry instanceof Slot)) return [entry];
    const { values, oldest } = entry;
    return oldest === 0 ? values.slice() : [...values.slice(oldest), ...values.slice(0, oldest)];
  }

  /**
   * @param key - The key.
   * @param value - A value to remember under it.
   * @param hash - `hashKey(key)`, when the caller has it already.
   */
  add(key: string, value: V, hash = hashKey(key)): void {
    const at = this.#find(key, hash);
    if (at >= 0) {
      const slot = this.#table[at]!;
      const entry = this.#values[slot]!;
      if (!(entry instanceof Slot)) this.#values[slot] = new Slot(entry, value);
      else if (entry.values.length < this.#perKey) entry.values.push(value);
      else {
        entry.values[entry.oldest] = value;
        entry.oldest = (entry.oldest + 1) % this.#perKey;
      }
      return;
    }
    const slot = this.#next;
    const full = this.#keys.length === this.#maxKeys;
    if (full) this.#remove(slot);
    else if (this.#keys.length * 2 >= this.#table.length) this.#grow();
    const free = this.#free(hash);
    if (free < 0) {
      // No free position within MAX_PROBE of the key's home (not expected with a random seed): the key is
      // not remembered, and its ring slot stays free for the next new key.
      if (full) {
        this.#keys[slot] = undefined;
        this.#values[slot] = undefined;
      }
      return;
    }
    this.#table[free] = slot;
    if (full) {
      this.#keys[slot] = key;
      this.#values[slot] = value;
    } else {
      this.#keys.push(key);
      this.#values.push(value);
      if (slot >= this.#hashes.length) this.#growHashes();
    }
    this.#hashes[slot] = hash;
    this.#next = slot + 1 === this.#maxKeys ? 0 : slot + 1;
  }

  /** The table position of `key`, or `-1`. */
  #find(key: string, hash: number): number {
    const table = this.#table;
    const mask = this.#mask;
    let at = hash & mask;
    for (let probe = 0; probe <= MAX_PROBE; probe++) {
      const slot = table[at]!;
      if (slot === EMPTY) return -1;
      if (this.#hashes[slot] === hash && this.#keys[slot] === key) return at;
      at = (at + 1) & mask;
    }
    return -1;
  }

  /** The first free table position from `hash`'s home, or `-1` past {@link MAX_PROBE}. */
  #free(hash: number): number {
    const table = this.#table;
    const mask = this.#mask;
    let at = hash & mask;
    for (let probe = 0; probe <= MAX_PROBE; probe++) {
      if (table[at] === EMPTY) return at;
      at = (at + 1) & mask;
    }
    return -1;
  }

  /** Frees the table position of ring slot `slot` (if it holds a key), shifting later entries of its cluster back. */
  #remove(slot: number): void {
    if (this.#keys[slot] === undefined) return; // a key that was never placed (see `add`)
    const table = this.#table;
    const mask = this.#mask;
    let hole = this.#hashes[slot]! & mask;
    while (table[hole] !== slot) hole = (hole + 1) & mask;
    // Backward-shift deletion: move back every later entry of the cluster whose home is not between the
    // hole and its position, so that every key stays reachable from its home without tombstones.
    let at = hole;
    for (;;) {
      at = (at + 1) & mask;
      const other = table[at]!;
      if (other === EMPTY) break;
      const home = this.#hashes[other]! & mask;
      if (((at - home) & mask) >= ((at - hole) & mask)) {
        table[hole] = other;
        hole = at;
      }
    }
    table[hole] = EMPTY;
  }

  /** Doubles the table (while it is not yet twice `maxKeys`) and places every key again. */
  #grow(): void {
    const size = this.#table.length * 2;
    const table = new Int32Array(size).fill(EMPTY);
    const mask = size - 1;
    for (let slot = 0; slot < this.#keys.length; slot++) {
      if (this.#keys[slot] === undefined) continue;
      let at = this.#hashes[slot]! & mask;
      while (table[at] !== EMPTY) at = (at + 1) & mask;
      table[at] = slot;
    }
    this.#table = table;
    this.#mask = mask;
  }

  /** Doubles the ring's hashes (up to `maxKeys`). */
  #growHashes(): void {
    const hashes = new Int32Array(Math.min(this.#maxKeys, this.#hashes.length * 2));
    hashes.set(this.#hashes);
    this.#hashes = hashes;
  }
}
