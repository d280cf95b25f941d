/**
 * Interning straight from bytes: a hash table keyed by a string's raw UTF-8 bytes, so that a value seen
 * before (an agent name, a model, a task id...) costs a byte comparison and no string allocation. A new
 * byte sequence is decoded once and handed to the aggregator's own interner, which stays the authority:
 * two byte sequences that decode to the same string (invalid UTF-8 becomes U+FFFD) get the same id.
 *
 * @module
 */

import { equalBytes, hashBytes } from '../aggregate/key-table.js';

const EMPTY = 0;

/** Byte-keyed cache of string ids. */
export class ByteInterner {
  readonly #intern: (value: string) => number;
  /** Decoded strings, by entry. */
  readonly strings: string[] = [];
  #ids = new Int32Array(64);
  #hashes = new Int32Array(64);
  #offsets = new Int32Array(64);
  #lengths = new Int32Array(64);
  #pool = Buffer.allocUnsafe(4096);
  #poolView = new DataView(this.#pool.buffer, this.#pool.byteOffset, this.#pool.length);
  #poolUsed = 0;
  /** Open addressing; slot value = entry + 1, 0 = empty. */
  #slots = new Int32Array(256);
  #count = 0;

  /**
   * @param intern - Gives the id of a decoded string (the aggregator's interner).
   */
  constructor(intern: (value: string) => number) {
    this.#intern = intern;
  }

  /**
   * The entry of the bytes `buf[start, end)`, adding it on first sight.
   *
   * @param buf - The bytes.
   * @param view - A `DataView` of the same bytes.
   * @param start - First byte.
   * @param end - Index after the last byte.
   * @param hash - Their hash (from the scan that found them).
   * @returns The entry: `idOf(entry)` and `strings[entry]` give the id and the string.
   */
  entry(buf: Buffer, view: DataView, start: number, end: number, hash: number): number {
    const length = end - start;
    const mask = this.#slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const e = this.#slots[slot]! - 1;
      if (e < 0) break;
      if (this.#hashes[e] === hash && this.#lengths[e] === length && equalBytes(view, start, this.#poolView, this.#offsets[e]!, length)) return e;
    }
    return this.#add(buf, start, end, hash);
  }

  /** A small direct-mapped cache in front of the table: entry + 1 by a cheap key of the bytes, 0 = empty. */
  readonly #recent = new Int32Array(64);

  /**
   * The entry of the bytes `buf[start, end)` like {@link entry}, hashing them only when a small cache of
   * recent values (keyed by length, first and last byte; checked byte for byte) does not hold them:
   * agents, models, tiers and error classes take few values.
   *
   * @param buf - The bytes.
   * @param view - A `DataView` of the same bytes.
   * @param start - First byte.
   * @param end - Index after the last byte.
   * @returns The entry.
   */
  lookup(buf: Buffer, view: DataView, start: number, end: number): number {
    const length = end - start;
    // For an empty value both bytes are its quotes: still in the line.
    const c = (length * 31 + buf[start]! * 7 + buf[end - 1]!) & 63;
    const recent = this.#recent[c]! - 1;
    if (recent >= 0 && this.#lengths[recent] === length && equalBytes(view, start, this.#poolView, this.#offsets[recent]!, length)) return recent;
    const e = this.entry(buf, view, start, end, hashBytes(buf, start, end));
    this.#recent[c] = e + 1;
    return e;
  }

  /**
   * The aggregator's id of an entry.
   *
   * @param entry - From {@link entry}.
   * @returns The id.
   */
  idOf(entry: number): number {
    return this.#ids[entry]!;
  }

  #add(buf: Buffer, start: number, end: number, hash: number): number {
    const length = end - start;
    const e = this.#count++;
    if (e === this.#ids.length) this.#growEntries();
    if (this.#poolUsed + length > this.#pool.length) {
      const pool = Buffer.allocUnsafe(Math.max(this.#pool.length * 2, this.#poolUsed + length));
      this.#pool.copy(pool, 0, 0, this.#poolUsed);
      this.#pool = pool;
      this.#poolView = new DataView(pool.buffer, pool.byteOffset, pool.length);
    }
    buf.copy(this.#pool, this.#poolUsed, start, end);
    const value = buf.toString('utf8', start, end);
    this.strings.push(value);
    this.#ids[e] = this.#intern(value);
    this.#hashes[e] = hash;
    this.#offsets[e] = this.#poolUsed;
    this.#lengths[e] = length;
    this.#poolUsed += length;
    if (this.#count * 2 > this.#slots.length) this.#rehash();
    else this.#place(e, hash);
    return e;
  }

  #place(e: number, hash: number): void {
    const mask = this.#slots.length - 1;
    let slot = hash & mask;
    while (this.#slots[slot] !== EMPTY) slot = (slot + 1) & mask;
    this.#slots[slot] = e + 1;
  }

  #rehash(): void {
    this.#slots = new Int32Array(this.#slots.length * 2);
    for (let e = 0; e < this.#count; e++) this.#place(e, this.#hashes[e]!);
  }

  #growEntries(): void {
    const grow = (a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> => {
      const b = new Int32Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.#ids = grow(this.#ids);
    this.#hashes = grow(this.#hashes);
    this.#offsets = grow(this.#offsets);
    this.#lengths = grow(this.#lengths);
  }
}
