/**
 * The per-record state of an aggregator: one growable typed array per field (a column store), so a
 * million records take about 57 bytes each instead of a few hundred for record objects, and the result
 * pass reads contiguous memory.
 *
 * @module
 */
import type { AggregatorColumns } from './types.js';

/** Bit of `flags`: `success`. */
export const SUCCESS = 1;
/** Bit of `flags`: `outputParsed`. */
export const OUTPUT_PARSED = 2;

/** Names of the `Float64Array` columns. */
export const FLOAT_COLUMNS = ['start', 'durationMs', 'cost', 'attempt'] as const;
/** Names of the `Int32Array` id columns (-1 = absent for the optional fields). */
export const ID_COLUMNS = ['agent', 'phase', 'taskId', 'model', 'tier', 'errorClass'] as const;
/** Names of every column. */
export const COLUMN_NAMES = [...FLOAT_COLUMNS, ...ID_COLUMNS, 'flags'] as const;

const INITIAL_CAPACITY = 1024;

/** Id translation tables for appending another aggregator's columns: `map[theirId] = ourId`. */
export type IdMaps = Record<(typeof ID_COLUMNS)[number], Int32Array | null>;

type Cut<A> = (column: A) => A;

/** Growable columns; rows [0, length) are records in input order. */
export class RecordColumns implements AggregatorColumns {
  /** Number of rows in use. */
  length = 0;
  start: Float64Array = new Float64Array(INITIAL_CAPACITY);
  durationMs: Float64Array = new Float64Array(INITIAL_CAPACITY);
  cost: Float64Array = new Float64Array(INITIAL_CAPACITY);
  attempt: Float64Array = new Float64Array(INITIAL_CAPACITY);
  agent: Int32Array = new Int32Array(INITIAL_CAPACITY);
  phase: Int32Array = new Int32Array(INITIAL_CAPACITY);
  taskId: Int32Array = new Int32Array(INITIAL_CAPACITY);
  model: Int32Array = new Int32Array(INITIAL_CAPACITY);
  tier: Int32Array = new Int32Array(INITIAL_CAPACITY);
  errorClass: Int32Array = new Int32Array(INITIAL_CAPACITY);
  flags: Uint8Array = new Uint8Array(INITIAL_CAPACITY);
  /** Columns live in `SharedArrayBuffer`s (see {@link share}). */
  #shared = false;

  /** Whether the columns live in `SharedArrayBuffer`s (see {@link share}). */
  get shared(): boolean {
    return this.#shared;
  }

  /**
   * Moves the columns into `SharedArrayBuffer`s, and keeps them there when they grow: other threads can
   * then read them without a copy (they are only read there; this thread alone writes).
   */
  share(): void {
    if (this.#shared) return;
    this.#shared = true;
    this.#regrow(this.start.length);
  }

  /**
   * Makes room for `extra` more rows. Capacity at least doubles, so appending n rows costs O(n) copies in all.
   *
   * @param extra - Rows about to be written at [length, length + extra).
   */
  reserve(extra: number): void {
    const needed = this.length + extra;
    const capacity = this.start.length;
    if (needed <= capacity) return;
    // Doubling keeps appends O(n) in all; a large reservation gets exactly what it asked for.
    this.#regrow(Math.max(capacity * 2, needed));
  }

  /**
   * Takes the buffers of other columns (a merged shard's, handed back for reuse) as this empty store's
   * memory, at their whole capacity. Their pages were written already: a worker that scans into them
   * does not fault fresh memory in page by page (on the 2-vCPU benchmark machine a fault costs about
   * 10 us, and a shard's columns are 57 bytes a row). Their old contents are never read: only rows
   * [0, length) are.
   *
   * @param spare - Views of unshared buffers, one per column, each buffer holding as many rows as the others.
   * @returns Whether they were taken (not when this store holds rows or is shared, or the buffers disagree).
   */
  adopt(spare: AggregatorColumns): boolean {
    if (this.length > 0 || this.#shared) return false;
    const capacity = spare.flags.buffer.byteLength;
    for (const name of COLUMN_NAMES) {
      const buffer = spare[name].buffer;
      if (!(buffer instanceof ArrayBuffer) || buffer.byteLength !== capacity * spare[name].BYTES_PER_ELEMENT) return false;
    }
    for (const name of FLOAT_COLUMNS) this[name] = new Float64Array(spare[name].buffer as ArrayBuffer);
    for (const name of ID_COLUMNS) this[name] = new Int32Array(spare[name].buffer as ArrayBuffer);
    this.flags = new Uint8Array(spare.flags.buffer as ArrayBuffer);
    return true;
  }

  #regrow(capacity: number): void {
    const memory = (bytes: number): ArrayBuffer => (this.#shared ? (new SharedArrayBuffer(bytes) as unknown as ArrayBuffer) : new ArrayBuffer(bytes));
    for (const name of FLOAT_COLUMNS) this[name] = grow(this[name], new Float64Array(memory(8 * capacity)), this.length);
    for (const name of ID_COLUMNS) this[name] = grow(this[name], new Int32Array(memory(4 * capacity)), this.length);
    this.flags = grow(this.flags, new Uint8Array(memory(capacity)), this.length);
  }

  /**
   * The rows in use, as views (no copy): valid until the next `reserve()` that grows.
   *
   * @returns Columns of length `length`.
   */
  view(): AggregatorColumns {
    const n = this.length;
    return this.#map((a) => a.subarray(0, n), (a) => a.subarray(0, n), (a) => a.subarray(0, n));
  }

  /**
   * The rows in use, copied (fresh buffers that may be transferred to another thread).
   *
   * @returns Columns of length `length`.
   */
  copy(): AggregatorColumns {
    const n = this.length;
    return this.#map((a) => a.slice(0, n), (a) => a.slice(0, n), (a) => a.slice(0, n));
  }

  /**
   * Appends `count` rows of other columns, translating their ids (-1 stays -1).
   *
   * @param other - Columns of at least `count` rows.
   * @param count - Rows to append.
   * @param maps - Id translation per id column.
   */
  append(other: AggregatorColumns, count: number, maps: IdMaps): void {
    this.reserve(count);
    const at = this.length;
    for (const name of FLOAT_COLUMNS) this[name].set(other[name].subarray(0, count), at);
    this.flags.set(other.flags.subarray(0, count), at);
    for (const name of ID_COLUMNS) {
      const source = other[name];
      const target = this[name];
      const map = maps[name];
      if (map === null || isIdentity(map)) {
        // Ids are kept as they are (-1 included): a block copy.
        target.set(source.subarray(0, count), at);
        continue;
      }
      translate(source, target, at, count, map);
    }
    this.length = at + count;
  }

  #map(float: Cut<Float64Array>, id: Cut<Int32Array>, bytes: Cut<Uint8Array>): AggregatorColumns {
    return {
      start: float(this.start),
      durationMs: float(this.durationMs),
      cost: float(this.cost),
      attempt: float(this.attempt),
      agent: id(this.agent),
      phase: id(this.phase),
      taskId: id(this.taskId),
      model: id(this.model),
      tier: id(this.tier),
      errorClass: id(this.errorClass),
      flags: bytes(this.flags),
    };
  }
}

/** `target[at + i] = map[source[i]]` (-1 stays -1): a loop in a function of its own, so that the engine's
 * on-stack compilation of it does not leave the caller's code after it unprepared. */
function translate(source: Int32Array, target: Int32Array, at: number, count: number, map: Int32Array): void {
  for (let i = 0; i < count; i++) {
    const id = source[i]!;
    target[at + i] = id < 0 ? -1 : map[id]!;
  }
}

function isIdentity(map: Int32Array): boolean {
  for (let i = 0; i < map.length; i++) if (map[i] !== i) return false;
  return true;
}

function grow<A extends Float64Array | Int32Array | Uint8Array>(from: A, to: A, length: number): A {
  to.set(from.subarray(0, length));
  return to;
}
