/**
 * The records of a byte range as the collector's store holds them, built by a scan worker for
 * `loadFromDisk()` without a record object: a row per record, in line order, in the columns of
 * `src/record-store.ts` (numbers, string ids into a table of the range's own, flags), with the UTF-8 bytes of
 * its `invocationId`, `taskId` and `timestamp` (which the store keeps as bytes); and, for every other record
 * (a line the fast path does not take, or with fields the columns do not hold), a row flagged `F_OBJECT`
 * and the line's text, parsed again by the thread that keeps it: `JSON.parse` of the same text gives the
 * same object. Everything is sized by the range's bytes, which the caller bounds.
 *
 * @module
 */
import type { FastLine } from './fast-line.js';

/** Numbers per row, in the store's order: phase, durationMs, tokens, inputTokens, outputTokens, cachedTokens, cost, exitCode, attempt. */
export const ROW_NUMBERS = 9;
/** String ids per row, in the store's order: agent, model, tier, errorClass, provider, costSource, priceTable (0 = absent). */
export const ROW_STRINGS = 7;
/** Flag bits, the store's: success, outputParsed, and which optional counts are present. */
export const F_SUCCESS = 1;
export const F_PARSED = 2;
export const F_INPUT = 4;
export const F_OUTPUT = 8;
export const F_CACHED = 16;
/** The row has a `taskId` (among its bytes). */
export const F_TASK = 32;
/** The row is a record held as an object: a line that came as text (its columns are unused). */
export const F_OBJECT = 64;
/** Most distinct strings of one block's table (ids are 16 bits, 0 = absent); a row that needs more travels as text. */
const MAX_TABLE = 0xffff;

/** A range's records, as transferred to the thread that keeps them. */
export interface ColumnBlock {
  /** Rows: the records, in line order. */
  rows: number;
  /** `rows * ROW_NUMBERS` numbers (a longer buffer: the capacity is transferred as it is). */
  numbers: Float64Array;
  /** `rows * ROW_STRINGS` ids into {@link ColumnBlock.table}, 0 for an absent field. */
  strings: Uint16Array;
  /** Per row, the `F_*` bits. */
  flags: Uint8Array;
  /** The UTF-8 bytes of each row's invocationId, taskId and timestamp, one after another. */
  bytes: Uint8Array;
  /** Per row, the ends in {@link ColumnBlock.bytes} of its three strings (an absent taskId is empty). */
  ends: Uint32Array;
  /** The block's strings: id `k` is `table[k]` (`table[0]`, the empty string, is unused: 0 is absent). */
  table: string[];
  /** The lines of the rows flagged `F_OBJECT`, decoded (valid records: the scan checked them). */
  texts: string[];
  /** Ascending: the row of each of {@link ColumnBlock.texts}. */
  textAt: number[];
}

/** What a line scanner's `columns` target receives. */
export interface ColumnSink {
  /** The block's id of a string (from 1), or -1 when its table is full. */
  intern(value: string): number;
  /**
   * A line the fast path accepted, without fields beyond the columns'.
   *
   * `agent`, `model`, `tier` and `errorClass` are ids of {@link ColumnSink.intern} (0 absent, -1 when the
   * table was full: the line then travels as text); `buf[pos, nl)` is the line, `nl` its `\n`.
   */
  addFast(buf: Buffer, l: FastLine, agent: number, model: number, tier: number, errorClass: number, pos: number, nl: number): void;
  /** Any other valid record's line, decoded. */
  addText(text: string): void;
}

/** Builds a {@link ColumnBlock}; the line scanner's `columns` target. */
export class ColumnWriter implements ColumnSink {
  #rows = 0;
  #numbers: Float64Array;
  #strings: Uint16Array;
  #flags: Uint8Array;
  #bytes: Uint8Array;
  #used = 0;
  #ends: Uint32Array;
  readonly #table: string[] = [''];
  readonly #index = new Map<string, number>();
  readonly #texts: string[] = [];
  readonly #textAt: number[] = [];

  /** @param rows - Rows to make room for at first (they grow as needed). */
  constructor(rows: number) {
    const n = Math.max(16, rows);
    this.#numbers = new Float64Array(n * ROW_NUMBERS);
    this.#strings = new Uint16Array(n * ROW_STRINGS);
    this.#flags = new Uint8Array(n);
    this.#ends = new Uint32Array(n * 3);
    this.#bytes = new Uint8Array(n * 56);
  }

  intern(value: string): number {
    const known = this.#index.get(value);
    if (known !== undefined) return known;
    const id = this.#table.length;
    if (id > MAX_TABLE) return -1;
    this.#table.push(value);
    this.#index.set(value, id);
    return id;
  }

  addText(text: string): void {
    const r = this.#rows;
    if (r === this.#flags.length) this.#grow();
    this.#flags[r] = F_OBJECT;
    const e = r * 3;
    this.#ends[e] = this.#ends[e + 1] = this.#ends[e + 2] = this.#used;
    this.#textAt.push(r);
    this.#texts.push(text);
    this.#rows = r + 1;
  }

  addFast(buf: Buffer, l: FastLine, agent: number, model: number, tier: number, errorClass: number, pos: number, nl: number): void {
    if (agent < 0 || model < 0 || tier < 0 || errorClass < 0) return this.addText(buf.toString('utf8', pos, buf[nl - 1] === 0x0d ? nl - 1 : nl));
    const r = this.#rows;
    if (r === this.#flags.length) this.#grow();
    const s = r * ROW_STRINGS;
    const strings = this.#strings;
    strings[s] = agent;
    strings[s + 1] = model;
    strings[s + 2] = tier;
    strings[s + 3] = errorClass;
    const n = r * ROW_NUMBERS;
    const numbers = this.#numbers;
    numbers[n] = l.phase;
    numbers[n + 1] = l.durationMs;
    numbers[n + 2] = l.tokens;
    numbers[n + 3] = l.inputTokens < 0 ? 0 : l.inputTokens;
    numbers[n + 4] = l.outputTokens < 0 ? 0 : l.outputTokens;
    numbers[n + 5] = l.cachedTokens < 0 ? 0 : l.cachedTokens;
    numbers[n + 6] = l.cost;
    numbers[n + 7] = l.exitCode;
    numbers[n + 8] = l.attempt;
    this.#flags[r] =
      (l.success ? F_SUCCESS : 0) |
      (l.outputParsed ? F_PARSED : 0) |
      (l.inputTokens < 0 ? 0 : F_INPUT) |
      (l.outputTokens < 0 ? 0 : F_OUTPUT) |
      (l.cachedTokens < 0 ? 0 : F_CACHED) |
      (l.taskIdStart < 0 ? 0 : F_TASK);
    const e = r * 3;
    const ends = this.#ends;
    ends[e] = this.#copy(buf, l.invocationIdStart, l.invocationIdEnd);
    ends[e + 1] = l.taskIdStart < 0 ? this.#used : this.#copy(buf, l.taskIdStart, l.taskIdEnd);
    ends[e + 2] = this.#copy(buf, l.timestampStart, l.timestampEnd);
    this.#rows = r + 1;
  }

  /** Appends `buf[start, end)` to the bytes: their new end. */
  #copy(buf: Buffer, start: number, end: number): number {
    const length = end - start;
    if (this.#used + length > this.#bytes.length) {
      const bigger = new Uint8Array(Math.max(this.#bytes.length * 2, this.#used + length));
      bigger.set(this.#bytes.subarray(0, this.#used));
      this.#bytes = bigger;
    }
    const bytes = this.#bytes;
    let at = this.#used;
    // Short values: a loop beats the native copy's call.
    for (let i = start; i < end; i++) bytes[at++] = buf[i]!;
    return (this.#used = at);
  }

  #grow(): void {
    this.#resize(this.#flags.length * 2);
  }

  /** Moves the rows into arrays of `n` rows (n >= rows). */
  #resize(n: number): void {
    const grow = <T extends Float64Array | Uint16Array | Uint8Array | Uint32Array>(a: T, size: number, make: (size: number) => T): T => {
      const b = make(size);
      b.set(a.subarray(0, Math.min(a.length, size)) as never);
      return b;
    };
    this.#numbers = grow(this.#numbers, n * ROW_NUMBERS, (k) => new Float64Array(k));
    this.#strings = grow(this.#strings, n * ROW_STRINGS, (k) => new Uint16Array(k));
    this.#flags = grow(this.#flags, n, (k) => new Uint8Array(k));
    this.#ends = grow(this.#ends, n * 3, (k) => new Uint32Array(k));
  }

  /** The block, and its buffers to transfer (the writer is done with them). */
  finish(): { block: ColumnBlock; transfer: ArrayBuffer[] } {
    // The store keeps these arrays as they are: more than a quarter unused is given back (a copy).
    const rows = this.#rows;
    if (this.#flags.length - rows > rows / 4) this.#resize(rows);
    if (this.#bytes.length - this.#used > this.#used / 4) this.#bytes = this.#bytes.slice(0, this.#used);
    const block: ColumnBlock = {
      rows: this.#rows,
      numbers: this.#numbers,
      strings: this.#strings,
      flags: this.#flags,
      bytes: this.#bytes,
      ends: this.#ends,
      table: this.#table,
      texts: this.#texts,
      textAt: this.#textAt,
    };
    const transfer = [block.numbers.buffer, block.strings.buffer, block.flags.buffer, block.bytes.buffer, block.ends.buffer] as ArrayBuffer[];
    return { block, transfer };
  }
}
