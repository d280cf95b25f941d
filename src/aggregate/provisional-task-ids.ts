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
 * Shards are indexed as they are merged (the retries' keys, while the workers still read), so that the
 * end costs one pass over the keys, most of them answered by a bit set that fits in the cache.
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
  readonly taskId: Int32Array;
  readonly attempt: Float64Array;
  readonly length: number;
}

const UNKNOWN = -2;
const FILTER_BITS = 22;

const viewOf = (bytes: Uint8Array): DataView => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** The retries' task ids of pending shards, gathered shard by shard; {@link resolve} gives the column. */
export class ProvisionalTaskIds {
  /** The interned table's size when this index was made: valid while it stays so. */
  readonly existing: number;
  readonly #table: KeyTable;
  readonly #retryKeys = new KeyTable();
  /** Per indexed shard: each key's id, {@link UNKNOWN} until known. */
  readonly #maps: Int32Array[] = [];
  readonly #shards: PendingKeys[] = [];

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
   * Indexes a shard's retries' task ids.
   *
   * @param shard - The shard (its rows appended to `rows` already).
   * @param rows - All rows.
   */
  add(shard: PendingKeys, rows: TaskIdRows): void {
    const map = new Int32Array(shard.keys.count).fill(UNKNOWN);
    this.#indexRetries(shard, rows, map);
    this.#maps.push(map);
    this.#shards.push(shard);
  }

  /** Gives every key of a shard that {@link add} left unknown its id (see {@link resolve}). */
  #resolveKeys(shard: PendingKeys, map: Int32Array, filter: Int32Array, mask: number, shared: number): void {
    const existing = this.existing;
    const { offsets, lengths, hashes } = shard.keys;
    const view = viewOf(shard.keys.pool);
    for (let j = 0; j < map.length; j++) {
      if (map[j] !== UNKNOWN) continue;
      const hash = hashes[j]!;
      const from = offsets[j]!;
      const to = from + lengths[j]!;
      let id = existing === 0 ? -1 : this.#table.find(view, from, to, hash);
      if (id < 0) {
        const bit = hash & mask;
        const r = (filter[bit >>> 5]! & (1 << (bit & 31))) === 0 ? -1 : this.#retryKeys.find(view, from, to, hash);
        id = r < 0 ? shared : existing + r;
      }
      map[j] = id;
    }
  }

  /** The loop of {@link add}, on its own so that the engine's on-stack compilation of it ends with it. */
  #indexRetries(shard: PendingKeys, rows: TaskIdRows, map: Int32Array): void {
    const { taskId, attempt } = rows;
    const { offsets, lengths, hashes } = shard.keys;
    const view = viewOf(shard.keys.pool);
    for (let i = shard.start, end = shard.start + shard.count; i < end; i++) {
      const j = taskId[i]!;
      if (j < 0 || attempt[i]! <= 1 || map[j] !== UNKNOWN) continue;
      const from = offsets[j]!;
      const to = from + lengths[j]!;
      const found = this.existing === 0 ? -1 : this.#table.find(view, from, to, hashes[j]!);
      map[j] = found >= 0 ? found : this.existing + this.#retryKeys.idOfBytes(view, from, to, hashes[j]!);
    }
  }

  /**
   * The task id column of all rows, the indexed shards' rows translated (a copy: the rows are not changed).
   *
   * @param rows - All rows.
   * @param inSharedMemory - Make the column in a `SharedArrayBuffer` (for other threads to read). @default false
   * @returns The column, and the number of ids it uses (ids are in `[0, size)`).
   */
  resolve(rows: TaskIdRows, inSharedMemory = false): { taskId: Int32Array; size: number } {
    const existing = this.existing;
    const retryKeys = this.#retryKeys;
    const shared = existing + retryKeys.size;
    // A bit per hash (low bits) of a retry key: most keys are no retry's, and most of those are answered
    // here, without a probe of the table.
    const filter = new Int32Array(1 << (FILTER_BITS - 5));
    const mask = (1 << FILTER_BITS) - 1;
    for (let k = 0; k < retryKeys.size; k++) {
      const bit = retryKeys.hashOf(k) & mask;
      filter[bit >>> 5]! |= 1 << (bit & 31);
    }
    const taskId = inSharedMemory ? new Int32Array(new SharedArrayBuffer(4 * rows.length) as unknown as ArrayBuffer) : new Int32Array(rows.length);
    taskId.set(rows.taskId.subarray(0, rows.length));
    this.#shards.forEach((shard, s) => {
      // A copy: a key no retry has yet may be a retry's in a shard indexed later.
      const map = this.#maps[s]!.slice();
      this.#resolveKeys(shard, map, filter, mask, shared);
      for (let i = shard.start, end = shard.start + shard.count; i < end; i++) {
        const j = taskId[i]!;
        if (j >= 0) taskId[i] = map[j]!;
      }
    });
    return { taskId, size: shared + 1 };
  }
}
