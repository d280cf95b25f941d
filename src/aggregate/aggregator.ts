/**
 * The aggregator: the streaming fold behind `computeAggregate()`. `add()` is the hot path (a million
 * records per run, or per CLI file): it parses the timestamp, interns five strings and writes one row of
 * typed arrays; everything that needs all records (previous attempts, the parallelism sweep, percentiles,
 * input-order float sums) waits for `result()`.
 *
 * @module
 */
import type { InvocationMetric } from '../record.js';
import { checkState, STATE_FORMAT, stateTransferList } from './aggregator-state.js';
import { buildAggregate } from './build-aggregate.js';
import { Interner } from './interner.js';
import type { KeyTableData } from './key-table.js';
import { TaskIds } from './task-ids.js';
import { resolveAggregateOptions } from './options.js';
import { aheadFits, type Ahead, type AheadInput } from './ahead-jobs.js';
import { OUTPUT_PARSED, RecordColumns, SUCCESS } from './record-columns.js';
import { ROW_ATTEMPT, ROW_COST, ROW_DURATION_MS, ROW_START, type Row, type RowSink } from './row.js';
import { TokenSums } from './token-sums.js';
import type { AggregateOptions, Aggregator, AggregatorColumns, AggregatorState, MetricsAggregate } from './types.js';

const SMALL_PHASES = 64;

/** An aggregator's state with its task ids as a byte table ({@link KeyTableData}) instead of strings (a deferred shard's may hold a key twice). */
export type ShardState = Omit<AggregatorState, 'taskIds'> & { taskKeys: KeyTableData };


class ColumnarAggregator implements Aggregator, RowSink {
  readonly #bucketMs: number;
  readonly #columns = new RecordColumns();
  readonly #agents = new Interner<string>();
  readonly #phases = new Interner<number>();
  readonly #taskIds = new TaskIds(this.#columns);
  readonly #models = new Interner<string>();
  readonly #tiers = new Interner<string>();
  readonly #errorClasses = new Interner<string>();
  readonly #tokens = new TokenSums();
  /** Phase ids of the phases 0 to SMALL_PHASES - 1 seen so far (-1: not yet), saving a map lookup per row. */
  readonly #smallPhases = new Int32Array(SMALL_PHASES).fill(-1);
  /** The parts of `result()` done ahead for the current rows (see {@link adoptAhead}); cleared by any new row. */
  #ahead: Ahead | undefined;

  constructor(bucketMs: number) {
    this.#bucketMs = bucketMs;
  }

  get count(): number {
    return this.#columns.length;
  }

  add(record: InvocationMetric): void {
    this.#changed();
    const c = this.#columns;
    c.reserve(1);
    const i = c.length;
    const agent = this.#agents.id(record.agent);
    const phase = this.#phases.id(record.phase);
    const model = record.model === undefined ? -1 : this.#models.id(record.model);
    // First: it throws for a count that cannot be summed exactly, and the row must then not be half-written.
    this.#tokens.add(agent, phase, model, record.tokens, record.inputTokens, record.outputTokens, record.cachedTokens);
    c.start[i] = Date.parse(record.timestamp);
    c.durationMs[i] = record.durationMs;
    c.cost[i] = record.cost;
    c.attempt[i] = record.attempt;
    c.agent[i] = agent;
    c.phase[i] = phase;
    c.taskId[i] = record.taskId === undefined ? -1 : this.#taskIds.idOfString(record.taskId);
    c.model[i] = model;
    c.tier[i] = record.tier === undefined ? -1 : this.#tiers.id(record.tier);
    c.errorClass[i] = record.errorClass === undefined ? -1 : this.#errorClasses.id(record.errorClass);
    c.flags[i] = (record.success ? SUCCESS : 0) | (record.outputParsed ? OUTPUT_PARSED : 0);
    c.length = i + 1;
  }

  internAgent(value: string): number {
    return this.#agents.id(value);
  }

  taskIdOfBytes(view: DataView, start: number, end: number, hash: number): number {
    return this.#taskIds.idOfBytes(view, start, end, hash);
  }

  internModel(value: string): number {
    return this.#models.id(value);
  }

  internTier(value: string): number {
    return this.#tiers.id(value);
  }

  internErrorClass(value: string): number {
    return this.#errorClasses.id(value);
  }

  addRow(row: Row): void {
    this.#changed();
    const c = this.#columns;
    if (c.length === c.start.length) c.reserve(1);
    const i = c.length;
    const p = row.phase;
    let phase = p < SMALL_PHASES ? this.#smallPhases[p]! : -1;
    if (phase < 0) {
      phase = this.#phases.id(p);
      if (p < SMALL_PHASES && !Object.is(p, -0)) this.#smallPhases[p] = phase;
    }
    const numbers = row.numbers;
    c.start[i] = numbers[ROW_START]!;
    c.durationMs[i] = numbers[ROW_DURATION_MS]!;
    c.cost[i] = numbers[ROW_COST]!;
    c.attempt[i] = numbers[ROW_ATTEMPT]!;
    c.agent[i] = row.agent;
    c.phase[i] = phase;
    c.taskId[i] = row.taskId;
    c.model[i] = row.model;
    c.tier[i] = row.tier;
    c.errorClass[i] = row.errorClass;
    c.flags[i] = (row.success ? SUCCESS : 0) | (row.outputParsed ? OUTPUT_PARSED : 0);
    c.length = i + 1;
    this.#tokens.addCounts(row.agent, phase, row.model, row);
  }

  merge(other: Aggregator): void {
    this.#changed();
    this.#taskIds.undefer();
    // Another instance of this class lends views of its buffers (no copy); anything else, including this
    // aggregator itself (whose buffers grow while appending), goes through a copy.
    if (other instanceof ColumnarAggregator && other !== this) {
      const core = other.#core(false);
      this.#append(core, this.#taskIds.idMap(other.#taskIds.data(false)));
    }
    else this.#appendState(other.serialize());
  }

  mergeState(state: AggregatorState): void {
    checkState(state);
    this.#changed();
    this.#taskIds.undefer();
    this.#appendState(state);
  }

  serialize(): AggregatorState {
    const core = this.#core(true);
    return { ...core, taskIds: this.#taskIds.strings() };
  }

  /**
   * This aggregator's state with task ids as a byte table: the cheap form between threads of this package.
   *
   * @param move - Hand out views of this aggregator's own buffers instead of copies, for a transfer that
   *   detaches them: the aggregator must not be used afterwards (a worker's shard, dropped once sent).
   *   Saves copying the rows into fresh memory (which the kernel zero-fills page by page). @default false
   * @returns The state, whose buffers may be transferred: copies, or this aggregator's own when moved.
   */
  exportShard(move = false): ShardState {
    // A deferred table goes out as it is (keys possibly twice): the merging side interns it.
    const core = this.#core(!move, !this.#taskIds.deferred);
    return { ...core, taskKeys: this.#taskIds.data(!move) };
  }

  /**
   * Task ids from now on are appended as read, without looking for an equal one: a worker's shard, whose
   * ids the merging thread interns anyway (and, for `result()`, only as far as retries need them: see
   * {@link prepareResult}). Only for an empty aggregator.
   */
  deferTaskIds(): void {
    this.#taskIds.defer();
  }

  /** Any change to the rows drops what was computed ahead for them. */
  #changed(): void {
    this.#ahead = undefined;
    this.#taskIds.changed();
  }

  /**
   * Takes a merged shard's column buffers as this empty aggregator's (see `RecordColumns.adopt`).
   *
   * @param spare - The columns of a shard from {@link exportShard} with `move`, once merged elsewhere.
   * @returns Whether they were taken.
   */
  adoptColumns(spare: AggregatorColumns): boolean {
    return this.#columns.adopt(spare);
  }

  /**
   * Makes room for more rows and task ids, so that appending them does not grow the buffers on the way.
   *
   * @param rows - Rows expected in all.
   * @param taskIds - Distinct task ids expected in all.
   */
  reserve(rows: number, taskIds: number): void {
    this.#columns.reserve(rows - this.#columns.length);
    this.#taskIds.reserve(taskIds);
  }

  /**
   * Appends a shard from {@link exportShard} (trusted: made by this package, not checked).
   *
   * @param shard - The shard.
   */
  mergeShard(shard: ShardState): void {
    // Task ids are not interned here: the rows keep the shard's own ids (a null map). result() tells them
    // apart only as far as retries need (provisional-task-ids.ts); anything that reads the state interns
    // them all first, all shards at once (TaskIds.settle, merge-keys.ts).
    this.#changed();
    this.#taskIds.undefer();
    const start = this.#columns.length;
    this.#append(shard, null);
    this.#taskIds.addShard(shard.taskKeys, start, shard.count);
  }

  result(): MetricsAggregate {
    return this.resultFitting(undefined);
  }

  /**
   * `result()`, with the bucket width widened when needed so that the series holds at most `maxBuckets`
   * (the report's choice of width; `undefined`: the aggregator's own width, or an error).
   *
   * @param maxBuckets - The most buckets wanted, or `undefined`.
   * @returns The aggregate.
   */
  resultFitting(maxBuckets: number | undefined): MetricsAggregate {
    // With shards pending, previous attempts only need task ids told apart as far as retries go.
    const t = this.#taskIds.forResult();
    const core = this.#core(false, false);
    return buildAggregate({ ...core, columns: { ...core.columns, taskId: t.taskId }, taskIds: { length: t.size } }, this.#bucketMs, this.#ahead, maxBuckets);
  }

  /**
   * Does now what `result()` would do first with shards pending (the provisional task ids of
   * provisional-task-ids.ts), so that it can run while other threads work; the shards stay pending (a
   * later `serialize()` interns them).
   */
  prepareResult(): void {
    this.#taskIds.forResult();
  }

  /**
   * The input of the retries job of ahead-jobs.ts: {@link aheadInput} with the task id column result()
   * would use (the provisional one while shards are pending; see {@link prepareResult}, called here).
   *
   * @returns The input; `undefined` when there are no rows.
   */
  retryInput(): AheadInput | undefined {
    const input = this.aheadInput();
    if (input === undefined) return undefined;
    const t = this.#taskIds.forResult();
    const retryTables = { taskIds: t.size, models: this.#models.values.slice(), tiers: this.#tiers.values.slice() };
    return { ...input, columns: { ...input.columns, taskId: t.taskId }, retryTables };
  }

  /**
   * The input of the jobs of ahead-jobs.ts for the current rows: views of the columns (in shared memory
   * after {@link shareColumns}, so that other threads read them without a copy). Valid until a row is added.
   *
   * @returns The input; `undefined` when there are no rows.
   */
  aheadInput(): AheadInput | undefined {
    const c = this.#columns;
    if (c.length === 0) return undefined;
    const sizes = { agents: this.#agents.size, phases: this.#phases.size, models: this.#models.size, errorClasses: this.#errorClasses.values.slice() };
    return { columns: c.view(), count: c.length, sizes };
  }

  /**
   * Keeps the columns in `SharedArrayBuffer`s from now on (they move there at once).
   */
  shareColumns(): void {
    this.#columns.share();
  }

  /**
   * Takes what the jobs of ahead-jobs.ts computed from {@link aheadInput} for the current rows (trusted,
   * checked only for sizes): `result()` then runs none of them. Any new row drops it.
   *
   * @param ahead - The jobs' results.
   */
  adoptAhead(ahead: Ahead): void {
    if (aheadFits(ahead, this.#columns.length, this.#agents.size, this.#phases.size)) this.#ahead = ahead;
  }

  /** The state without its task id table (with the task ids of pending shards interned, unless `settle` is false). */
  #core(copy: boolean, settle = true): Omit<AggregatorState, 'taskIds'> {
    if (settle) this.#taskIds.settle();
    const strings = (interner: Interner<string>): string[] => interner.values.slice();
    return {
      format: STATE_FORMAT,
      count: this.#columns.length,
      agents: strings(this.#agents),
      phases: Float64Array.from(this.#phases.values),
      models: strings(this.#models),
      tiers: strings(this.#tiers),
      errorClasses: strings(this.#errorClasses),
      columns: copy ? this.#columns.copy() : this.#columns.view(),
      tokens: this.#tokens.toState(this.#agents.size, this.#phases.size, this.#models.size, copy),
    };
  }

  #appendState(state: AggregatorState): void {
    this.#append(state, this.#taskIds.idMapOfStrings(state.taskIds));
  }

  #append(state: Omit<AggregatorState, 'taskIds'>, taskId: Int32Array | null): void {
    const agent = this.#agents.idMap(state.agents);
    const phase = this.#phases.idMap(state.phases);
    const model = this.#models.idMap(state.models);
    const maps = { agent, phase, model, taskId, tier: this.#tiers.idMap(state.tiers), errorClass: this.#errorClasses.idMap(state.errorClasses) };
    this.#columns.append(state.columns, state.count, maps);
    this.#tokens.merge(state.tokens, agent, phase, model);
  }
}

/**
 * Creates an empty aggregator: `add()` records (in input order), `merge()` or `mergeState()` shards,
 * `result()` whenever needed.
 *
 * State is columnar: per record about 57 bytes of typed arrays (start, duration, cost, attempt, six
 * interned ids, two flag bits), plus one copy of each distinct string. `result()` is O(n log n).
 *
 * @param options - Options; `bucketMs` is checked here.
 * @returns The aggregator.
 * @throws `InvalidOptionError` for a bad `bucketMs`.
 * @example
 * ```ts
 * const aggregator = createAggregator({ bucketMs: 1000 });
 * for await (const record of readRecords(file)) aggregator.add(record);
 * console.log(aggregator.result().peakParallelInvocations);
 * ```
 */
export function createAggregator(options?: AggregateOptions): Aggregator {
  return new ColumnarAggregator(resolveAggregateOptions(options).bucketMs);
}

/**
 * The row entry of an aggregator made by {@link createAggregator}, for the package's scanners.
 *
 * @param aggregator - An aggregator.
 * @returns Its {@link RowSink}, or `undefined` for an aggregator of another kind.
 */
export function rowSinkOf(aggregator: Aggregator): RowSink | undefined {
  return aggregator instanceof ColumnarAggregator ? aggregator : undefined;
}

/**
 * The shard entry of an aggregator made by {@link createAggregator}: `exportShard()` in a worker,
 * `mergeShard()` in the main thread (task ids cross as bytes, never as strings).
 *
 * @param aggregator - An aggregator.
 * @returns It, typed with the shard methods, or `undefined` for an aggregator of another kind.
 */
export function shardsOf(
  aggregator: Aggregator,
): {
  exportShard(move?: boolean): ShardState;
  mergeShard(shard: ShardState): void;
  reserve(rows: number, taskIds: number): void;
  adoptColumns(spare: AggregatorColumns): boolean;
  deferTaskIds(): void;
  aheadInput(): AheadInput | undefined;
  shareColumns(): void;
  prepareResult(): void;
  retryInput(): AheadInput | undefined;
  adoptAhead(ahead: Ahead): void;
} | undefined {
  return aggregator instanceof ColumnarAggregator ? aggregator : undefined;
}

/**
 * The aggregate with a bucket width that fits: the aggregator's own when the series holds at most
 * `maxBuckets` with it, else the smallest round width that does (see `fittingBucketMs`). What the report
 * uses when no width was asked for.
 *
 * @param aggregator - An aggregator from {@link createAggregator} (any other gives its plain `result()`).
 * @param maxBuckets - The most buckets wanted.
 * @returns The aggregate; its `bucketMs` says the width used.
 */
export function resultFitting(aggregator: Aggregator, maxBuckets: number): MetricsAggregate {
  return aggregator instanceof ColumnarAggregator ? aggregator.resultFitting(maxBuckets) : aggregator.result();
}

/**
 * A merged shard's columns, to hand back to the thread that made it for reuse (`adoptColumns`).
 *
 * @param shard - A shard from `exportShard(true)`, merged (its columns are not read again here).
 * @returns Its columns; `undefined` when one of them is in shared memory (never moved, so never handed back).
 */
export function spareColumnsOf(shard: ShardState): AggregatorColumns | undefined {
  const columns = shard.columns;
  return Object.values(columns).every((column: { buffer: ArrayBufferLike }) => column.buffer instanceof ArrayBuffer) ? columns : undefined;
}

/**
 * The buffers of a shard, to transfer it with `postMessage`.
 *
 * @param shard - A shard from `exportShard()`.
 * @returns Its distinct `ArrayBuffer`s.
 */
export function shardTransferList(shard: ShardState): ArrayBuffer[] {
  const { taskKeys } = shard;
  const buffers = new Set(stateTransferList({ ...shard, taskIds: [] }));
  for (const view of [taskKeys.pool, taskKeys.offsets, taskKeys.lengths, taskKeys.hashes]) if (view.buffer instanceof ArrayBuffer) buffers.add(view.buffer);
  return [...buffers];
}
