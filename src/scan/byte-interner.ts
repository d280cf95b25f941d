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
const QUOTE = 0x22;
/** Slots of the cache of {@link ByteInterner.guess}: 2^GUESS_BITS. */
const GUESS_BITS = 6;
const GUESS_SLOTS = 1 << GUESS_BITS;

const unset = (): number => -1;

/** Byte-keyed cache of string ids. */
export class ByteInterner {
  /** Written twice from the start (see the LineScanner's fields): never treated as a constant by V8. */
  #intern: (value: string) => number = unset;
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
   * Hands the ids over to another interner (a worker's next task, with a fresh aggregator): the byte
   * table stays (values seen before are still recognized), and each entry gets its new id the first time
   * it is asked for, so ids are assigned in order of first use, as for a fresh table.
   *
   * @param intern - Gives the id of a decoded string from now on.
   */
  retarget(intern: (value: string) => number): void {
    this.#intern = intern;
    this.#ids.fill(-1, 0, this.#count);
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
   * Direct-mapped cache of values by the 8 bytes where they start in a line (for a value shorter than 8
   * bytes: with the bytes that follow it there, its closing quote first). Slot s holds, from 4s: those
   * two words, entry + 1 (0 = empty) and the length. Filled by {@link remember}, read by {@link guess}.
   */
  readonly #guesses = new Int32Array(4 * GUESS_SLOTS);

  /**
   * The entry of the JSON string body that starts at `start`, when it is one of the values seen before
   * (recorded by {@link remember}): found from its first 8 bytes, then checked byte for byte and followed
   * by its closing quote, so no scan of the string is needed. Sound because a remembered value was a
   * valid string body (no quote, no escape, no control byte): the same bytes then a quote are that string.
   *
   * @param buf - The bytes.
   * @param view - A `DataView` of the same bytes.
   * @param start - Index after the opening quote.
   * @param end - End of the line.
   * @returns The entry (its value ends at `start + lengthOf(entry)`, the closing quote), or -1.
   */
  guess(buf: Buffer, view: DataView, start: number, end: number): number {
    if (start + 8 > end) return -1;
    const a = view.getInt32(start, true);
    const b = view.getInt32(start + 4, true);
    const g = this.#guesses;
    const k = (Math.imul(a ^ Math.imul(b, 0x9e3779b1), 0x85ebca6b) >>> (32 - GUESS_BITS)) * 4;
    if (g[k] !== a || g[k + 1] !== b || g[k + 2] === 0) return -1;
    const e = g[k + 2]! - 1;
    const length = g[k + 3]!;
    const close = start + length;
    // Bytes [0, 8) are equal (a value shorter than that lies wholly in them); the rest is compared.
    if (close >= end || buf[close] !== QUOTE || (length > 8 && !equalBytes(view, start + 8, this.#poolView, this.#offsets[e]! + 8, length - 8))) return -1;
    return e;
  }

  /**
   * The entry of the string body `buf[start, close)` (a valid one: no quote, escape or control byte; its
   * closing quote at `close`), like {@link lookup}, and remembered for {@link guess}.
   *
   * @param buf - The bytes.
   * @param view - A `DataView` of the same bytes.
   * @param start - First byte.
   * @param close - Index of the closing quote.
   * @param end - End of the line.
   * @returns The entry.
   */
  remember(buf: Buffer, view: DataView, start: number, close: number, end: number): number {
    const e = this.lookup(buf, view, start, close);
    if (start + 8 <= end) {
      const a = view.getInt32(start, true);
      const b = view.getInt32(start + 4, true);
      const g = this.#guesses;
      const k = (Math.imul(a ^ Math.imul(b, 0x9e3779b1), 0x85ebca6b) >>> (32 - GUESS_BITS)) * 4;
      g[k] = a;
      g[k + 1] = b;
      g[k + 2] = e + 1;
      g[k + 3] = close - start;
    }
    return e;
  }

  /**
   * The length in bytes of an entry's value.
   *
   * @param entry - From {@link entry}, {@link lookup}, {@link guess} or {@link remember}.
   * @returns The length.
   */
  lengthOf(entry: number): number {
    return this.#lengths[entry]!;
  }

  /**
   * The aggregator's id of the bytes `buf[start, end)`: `idOf(lookup(...))`.
   *
   * @param buf - The bytes.
   * @param view - A `DataView` of the same bytes.
   * @param start - First byte.
   * @param end - Index after the last byte.
   * @returns The id.
   */
  id(buf: Buffer, view: DataView, start: number, end: number): number {
    return this.idOf(this.lookup(buf, view, start, end));
  }

  /**
   * The aggregator's id of an entry.
   *
   * @param entry - From {@link entry}.
   * @returns The id.
   */
  idOf(entry: number): number {
    const id = this.#ids[entry]!;
    return id >= 0 ? id : (this.#ids[entry] = this.#intern(this.strings[entry]!));
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
