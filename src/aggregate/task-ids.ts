/**
 * The task ids of an aggregator, through their whole life: interned by bytes (key-table.ts) as records
 * come in; appended without interning in a worker's shard (deferred); held as pending shards in the thread
 * that merges those shards, interned all at once only when the state is read (merge-keys.ts), and told
 * apart for `result()` only as far as retries need (provisional-task-ids.ts).
 *
 * @module
 */
import { KeyTable, type KeyTableData } from './key-table.js';
import { mergeKeyTables } from './merge-keys.js';
import { ProvisionalTaskIds, type PendingKeys } from './provisional-task-ids.js';
import type { RecordColumns } from './record-columns.js';

/** Task ids told apart for `result()`: a column for all rows, and the number of ids it uses. */
export interface TaskIdColumn {
  taskId: Int32Array;
  size: number;
}

/** The task id table of one aggregator, and its rows' `taskId` column (owned by the aggregator). */
export class TaskIds {
  readonly #columns: RecordColumns;
  #table = new KeyTable();
  /** Shards whose task ids are not interned yet: their keys, and their rows [start, start + count). */
  readonly #pending: PendingKeys[] = [];
  /**
   * Task ids are appended as read, not interned ({@link defer}): the table may hold a key twice and rows
   * hold the key's position. Only a worker's shard is in this mode; anything but appending rows and
   * exporting the shard first turns its table into a pending shard ({@link undefer}).
   */
  #deferred = false;
  /** The retries' task ids of the pending shards, gathered as they are merged (see provisional-task-ids.ts). */
  #index: ProvisionalTaskIds | undefined;
  /** `result()`'s task id column while shards are pending; dropped by {@link changed}. */
  #provisional: TaskIdColumn | undefined;

  /** @param columns - The aggregator's rows (their `taskId` column holds ids of this table). */
  constructor(columns: RecordColumns) {
    this.#columns = columns;
  }

  /** Number of interned task ids (pending shards not counted). */
  get size(): number {
    return this.#table.size;
  }

  /** Whether shards' task ids wait to be interned. */
  get pending(): boolean {
    return this.#pending.length > 0;
  }

  /** Whether task ids are appended without interning ({@link defer}). */
  get deferred(): boolean {
    return this.#deferred;
  }

  /**
   * Task ids from now on are appended as read, without looking for an equal one: a worker's shard, whose
   * ids the merging thread interns anyway. Only while there are no rows.
   */
  defer(): void {
    if (this.#columns.length === 0 && this.#table.size === 0) this.#deferred = true;
  }

  /** Leaves the deferred mode: the table read so far becomes a pending shard of all rows. */
  undefer(): void {
    if (!this.#deferred) return;
    this.#deferred = false;
    const keys = this.#table.data(true);
    this.#table = new KeyTable();
    this.#pending.push({ keys, start: 0, count: this.#columns.length });
  }

  /** The rows changed: what was computed for `result()` is dropped. */
  changed(): void {
    this.#provisional = undefined;
  }

  /**
   * Id of a task id string for a new row.
   *
   * @param value - The task id.
   * @returns Its id.
   */
  idOfString(value: string): number {
    // Pending shards' task ids are interned before a new one, so that ids stay in order of first sight.
    if (this.#pending.length > 0) this.settle();
    return this.#deferred ? this.#table.appendString(value) : this.#table.idOfString(value);
  }

  /**
   * Id of a task id given as its UTF-8 bytes, for a new row (as {@link idOfString}).
   *
   * @param view - The bytes.
   * @param start - First byte.
   * @param end - Index after the last byte.
   * @param hash - Their `hashBytes` hash.
   * @returns Its id.
   */
  idOfBytes(view: DataView, start: number, end: number, hash: number): number {
    if (this.#pending.length > 0) this.settle();
    return this.#deferred ? this.#table.appendKey(view, start, end, hash) : this.#table.idOfBytes(view, start, end, hash);
  }

  /**
   * Makes room for `count` task ids.
   *
   * @param count - Task ids expected in all.
   */
  reserve(count: number): void {
    if (this.#deferred) this.#table.reserveKeys(count);
    else this.#table.reserve(count);
  }

  /**
   * Takes the task ids of a shard whose rows were just appended with the shard's own key ids.
   *
   * @param keys - The shard's key table.
   * @param start - Its first row.
   * @param count - Its rows.
   */
  addShard(keys: KeyTableData, start: number, count: number): void {
    this.undefer();
    this.#pending.push({ keys, start, count });
    this.#indexPending();
  }

  /** Interns the task ids of the pending shards, and translates their rows' ids. */
  settle(): void {
    this.undefer();
    if (this.#pending.length === 0) return;
    const pending = this.#pending.splice(0);
    this.#index = undefined;
    const maps = mergeKeyTables(this.#table, pending.map((p) => p.keys));
    const column = this.#columns.taskId;
    pending.forEach((p, k) => {
      const map = maps[k]!;
      for (let i = p.start, end = p.start + p.count; i < end; i++) {
        const id = column[i]!;
        if (id >= 0) column[i] = map[id]!;
      }
    });
  }

  /**
   * The task ids as `result()` needs them: the rows' own column when nothing is pending, else the
   * provisional one (computed once until the rows change; in shared memory when the columns are).
   *
   * @returns The column and the number of ids it uses.
   */
  forResult(): TaskIdColumn {
    this.undefer();
    if (this.#pending.length === 0) return { taskId: this.#columns.taskId.subarray(0, this.#columns.length), size: this.#table.size };
    return (this.#provisional ??= this.#indexPending().resolve(this.#columns, this.#columns.shared));
  }

  /**
   * Interns another aggregator's task id strings (pending shards stay pending).
   *
   * @param values - Its task ids, by its id.
   * @returns `map[theirId] = ourId`.
   */
  idMapOfStrings(values: readonly string[]): Int32Array {
    const map = new Int32Array(values.length);
    for (let i = 0; i < map.length; i++) map[i] = this.#table.idOfString(values[i]!);
    return map;
  }

  /**
   * Interns the task ids of another aggregator's table (pending shards stay pending).
   *
   * @param other - Its data.
   * @returns `map[theirId] = ourId`.
   */
  idMap(other: KeyTableData): Int32Array {
    return this.#table.idMap(other);
  }

  /**
   * The table as data (pending shards not included: {@link settle} first; a deferred table as it is).
   *
   * @param copy - Fresh buffers or views.
   * @returns The data.
   */
  data(copy: boolean): KeyTableData {
    return this.#table.data(copy);
  }

  /** @returns The interned task ids as strings, by id ({@link settle} first). */
  strings(): string[] {
    return this.#table.strings();
  }

  /** The index of the pending shards' retry task ids, brought up to date (remade if the table changed). */
  #indexPending(): ProvisionalTaskIds {
    let index = this.#index;
    if (index === undefined || index.existing !== this.#table.size) index = this.#index = new ProvisionalTaskIds(this.#table);
    while (index.shards < this.#pending.length) index.add(this.#pending[index.shards]!, this.#columns);
    return index;
  }
}
