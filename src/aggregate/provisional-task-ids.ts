/**
 * Task ids told apart only as far as previous attempts need them, for `result()` over shards whose task
 * ids are not interned (a large read's worker shards: a million keys, most of them distinct, interned
 * only by a `serialize()`).
 *
 * Why it is exact: a record can be a retry, or a retry's previous attempt, only if its task id is the
 * task id of some retry. So every task id that no retry has may share one id (no retry has it, so
 * `findPreviousAttempts` never looks at its records), and only the retries' task ids must be interned:
 * typically a few per cent of the keys. Each pending key gets its id in the interned table if it is there
 * (the rows outside the pending shards carry those ids), else its id among the retries' keys, else the
 * shared id. `findPreviousAttempts` compares task ids only for equality, so it gives the same answer as
 * with every key interned.
 *
 * Shards are indexed as they are merged, while the workers still read: their retries' keys join the
 * retry keys, and each of their keys is matched against the retry keys known by then. The end only matches
 * what is left against the retry keys that came after its shard, mostly answered by a bit set that fits in
 * the cache.
 *
 * @module
 */
import { KeyTable, type KeyTableData } from './key-table.js';

/** A shard whose task ids are not interned yet: its key table, and its rows `[start, start + count)`. */
export interface PendingKeys {
  keys: KeyTableData;
  start: number;
  count: number;
}

/** Rows as this index reads them (the shard's rows hold the shard's own key ids). */
export interface TaskIdRows {
  /** The column; its length is the room reserved for rows (used to size the retry keys' table). */
  readonly taskId: Int32Array;
  readonly attempt: Float64Array;
  readonly length: number;
}

/** A key not looked at yet. */
const UNKNOWN = -2;
/** A key no retry key matched when its shard was indexed: shared, unless a retry key indexed later does. */
const LATER = -3;
const FILTER_BITS = 22;
/** Rows indexed before the retry keys' table is sized from their share of retries ({@link ProvisionalTaskIds}). */
const EXPECT_AFTER_ROWS = 8192;
const MASK = (1 << FILTER_BITS) - 1;

const viewOf = (bytes: Uint8Array): DataView => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** Sets the bit of a hash in a filter of {@link FILTER_BITS} bits. */
const mark = (filter: Int32Array, hash: number): void => {
  const bit = hash & MASK;
  filter[bit >>> 5]! |= 1 << (bit & 31);
};

/**
 * The retries' task ids of pending shards, gathered shard by shard, and every key of each shard matched
 * against the retry keys known by then; {@link resolve} matches the rest against the retry keys indexed
 * after their shard, and gives the column.
 */
export class ProvisionalTaskIds {
  /** The interned table's size when this index was made: valid while it stays so. */
  readonly existing: number;
  readonly #table: KeyTable;
  readonly #retryKeys = new KeyTable();
  /** A bit per hash (low bits) of each retry key: most keys are no retry's, and are answered here. */
  readonly #filter = new Int32Array(1 << (FILTER_BITS - 5));
  /** Per indexed shard: each key's id, or {@link LATER}. */
  readonly #maps: Int32Array[] = [];
  readonly #shards: PendingKeys[] = [];
  /** Per indexed shard: how many retry keys there were once it was indexed (later ones have larger ids). */
  readonly #retryKeysAt: number[] = [];
  /** The retry keys' table was sized for all the rows ({@link expect}). */
  #expected = false;

  /** @param table - The interned task ids (not changed). */
  constructor(table: KeyTable) {
    this.#table = table;
    this.existing = table.size;
  }

  /** Number of shards indexed. */
  get shards(): number {
    return this.#shards.length;
  }

  /**
   * Indexes a shard: its retries' task ids join the retry keys, then each of its keys gets its id if it
   * is in the interned table or among the retry keys so far (else it waits for {@link resolve}).
   *
   * @param shard - The shard (its rows appended to `rows` already).
   * @param rows - All rows.
   */
  add(shard: PendingKeys, rows: TaskIdRows): void {
    const map = new Int32Array(shard.keys.count).fill(UNKNOWN);
    this.#indexRetries(shard, rows, map);
    if (!this.#expected) this.#expect(shard, rows);
    this.#match(shard, map, this.#filter, UNKNOWN, LATER, true);
    this.#maps.push(map);
    this.#shards.push(shard);
    this.#retryKeysAt.push(this.#retryKeys.size);
  }

  /**
   * Gives each key of `shard` whose map entry is `which` its id: in the interned table (when `inTable`),
   * else among the retry keys whose hash bit is in `filter`, else `otherwise`.
   */
  #match(shard: PendingKeys, map: Int32Array, filter: Int32Array, which: number, otherwise: number, inTable: boolean): void {
    const existing = this.existing;
    const { offsets, lengths, hashes } = shard.keys;
    const view = viewOf(shard.keys.pool);
    for (let j = 0; j < map.length; j++) {
      if (map[j] !== which) continue;
      const hash = hashes[j]!;
      const from = offsets[j]!;
      const to = from + lengths[j]!;
      let id = inTable && existing > 0 ? this.#table.find(view, from, to, hash) : -1;
      if (id < 0) {
        const bit = hash & MASK;
        const r = (filter[bit >>> 5]! & (1 << (bit & 31))) === 0 ? -1 : this.#retryKeys.find(view, from, to, hash);
        id = r < 0 ? otherwise : existing + r;
      }
      map[j] = id;
    }
  }

  /**
   * Sizes the retry keys' table once, after the first {@link EXPECT_AFTER_ROWS} rows, for as many rows as
   * the columns have room for (a scan reserves them from a shard's density): growing it step by step rehashed about
   * twice its keys, at a cache miss each (50 ms of the merging thread on the 1M-record benchmark).
   */
  #expect(shard: PendingKeys, rows: TaskIdRows): void {
    const seen = shard.start + shard.count;
    // Enough rows for the share of retries to be a fair estimate (a worker's small first task is not).
    if (seen < EXPECT_AFTER_ROWS) return;
    this.#expected = true;
    const room = rows.taskId.length;
    if (room > seen) this.#retryKeys.reserve(Math.ceil((this.#retryKeys.size * room * 1.2) / seen));
  }

  /** The loop of {@link add} over the retries, on its own so that the engine's on-stack compilation of it ends with it. */
  #indexRetries(shard: PendingKeys, rows: TaskIdRows, map: Int32Array): void {
    const { taskId, attempt } = rows;
    const { offsets, lengths, hashes } = shard.keys;
    const view = viewOf(shard.keys.pool);
    for (let i = shard.start, end = shard.start + shard.count; i < end; i++) {
      const j = taskId[i]!;
      if (j < 0 || attempt[i]! <= 1 || map[j] !== UNKNOWN) continue;
      const from = offsets[j]!;
      const to = from + lengths[j]!;
      const hash = hashes[j]!;
      const found = this.existing === 0 ? -1 : this.#table.find(view, from, to, hash);
      if (found >= 0) map[j] = found;
      else {
        const size = this.#retryKeys.size;
        const r = this.#retryKeys.idOfBytes(view, from, to, hash);
        if (r === size) mark(this.#filter, hash);
        map[j] = this.existing + r;
      }
    }
  }

  /**
   * The task id column of all rows, the indexed shards' rows translated (a copy: the rows are not changed).
   * The keys that matched nothing when their shard was indexed are matched against the retry keys indexed
   * after it (shards from the last to the first, so that the filter of later keys only grows).
   *
   * @param rows - All rows.
   * @param inSharedMemory - Make the column in a `SharedArrayBuffer` (for other threads to read). @default false
   * @returns The column, and the number of ids it uses (ids are in `[0, size)`).
   */
  resolve(rows: TaskIdRows, inSharedMemory = false): { taskId: Int32Array; size: number } {
    const retryKeys = this.#retryKeys;
    const shared = this.existing + retryKeys.size;
    const taskId = inSharedMemory ? new Int32Array(new SharedArrayBuffer(4 * rows.length) as unknown as ArrayBuffer) : new Int32Array(rows.length);
    taskId.set(rows.taskId.subarray(0, rows.length));
    const later = new Int32Array(1 << (FILTER_BITS - 5));
    let marked = retryKeys.size;
    for (let s = this.#shards.length - 1; s >= 0; s--) {
      const shard = this.#shards[s]!;
      for (let k = this.#retryKeysAt[s]!; k < marked; k++) mark(later, retryKeys.hashOf(k));
      marked = this.#retryKeysAt[s]!;
      // A copy: a key no retry has yet may be a retry's in a shard indexed later.
      const map = this.#maps[s]!.slice();
      this.#match(shard, map, later, LATER, shared, false);
      translate(taskId, shard.start, shard.count, map);
    }
    return { taskId, size: shared + 1 };
  }
}

/** Rows `[start, start + count)` of `taskId`: shard key ids to ids (-1 stays -1). */
function translate(taskId: Int32Array, start: number, count: number, map: Int32Array): void {
  for (let i = start, end = start + count; i < end; i++) {
    const j = taskId[i]!;
    if (j >= 0) taskId[i] = map[j]!;
  }
}
