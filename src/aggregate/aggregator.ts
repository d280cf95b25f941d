/**
 * The aggregator: the streaming fold behind `computeAggregate()`. `add()` is the hot path (a million
 * records per run, or per CLI file): it parses the timestamp, interns five strings and writes one row of
 * typed arrays; everything that needs all records (previous attempts, the parallelism sweep, percentiles,
 * input-order float sums) waits for `result()`.
 *
 * @module
 */
import type { InvocationMetric } from '../record.js';
import { checkState, STATE_FORMAT } from './aggregator-state.js';
import { buildAggregate } from './build-aggregate.js';
import { Interner } from './interner.js';
import { resolveAggregateOptions } from './options.js';
import { OUTPUT_PARSED, RecordColumns, SUCCESS } from './record-columns.js';
import { TokenSums } from './token-sums.js';
import type { AggregateOptions, Aggregator, AggregatorState, MetricsAggregate } from './types.js';

class ColumnarAggregator implements Aggregator {
  readonly #bucketMs: number;
  readonly #columns = new RecordColumns();
  readonly #agents = new Interner<string>();
  readonly #phases = new Interner<number>();
  readonly #taskIds = new Interner<string>();
  readonly #models = new Interner<string>();
  readonly #tiers = new Interner<string>();
  readonly #errorClasses = new Interner<string>();
  readonly #tokens = new TokenSums();

  constructor(bucketMs: number) {
    this.#bucketMs = bucketMs;
  }

  get count(): number {
    return this.#columns.length;
  }

  add(record: InvocationMetric): void {
    const c = this.#columns;
    c.reserve(1);
    const i = c.length;
    const agent = this.#agents.id(record.agent);
    const phase = this.#phases.id(record.phase);
    const model = record.model === undefined ? -1 : this.#models.id(record.model);
    c.start[i] = Date.parse(record.timestamp);
    c.durationMs[i] = record.durationMs;
    c.cost[i] = record.cost;
    c.attempt[i] = record.attempt;
    c.agent[i] = agent;
    c.phase[i] = phase;
    c.taskId[i] = record.taskId === undefined ? -1 : this.#taskIds.id(record.taskId);
    c.model[i] = model;
    c.tier[i] = record.tier === undefined ? -1 : this.#tiers.id(record.tier);
    c.errorClass[i] = record.errorClass === undefined ? -1 : this.#errorClasses.id(record.errorClass);
    c.flags[i] = (record.success ? SUCCESS : 0) | (record.outputParsed ? OUTPUT_PARSED : 0);
    c.length = i + 1;
    this.#tokens.add(agent, phase, model, record.tokens, record.inputTokens, record.outputTokens, record.cachedTokens);
  }

  merge(other: Aggregator): void {
    // Another instance of this class lends views of its buffers (no copy); anything else, including this
    // aggregator itself (whose buffers grow while appending), goes through a copy.
    this.#append(other instanceof ColumnarAggregator && other !== this ? other.#state(false) : other.serialize());
  }

  mergeState(state: AggregatorState): void {
    checkState(state);
    this.#append(state);
  }

  serialize(): AggregatorState {
    return this.#state(true);
  }

  result(): MetricsAggregate {
    return buildAggregate(this.#state(false), this.#bucketMs);
  }

  #state(copy: boolean): AggregatorState {
    const strings = (interner: Interner<string>): string[] => interner.values.slice();
    return {
      format: STATE_FORMAT,
      count: this.#columns.length,
      agents: strings(this.#agents),
      phases: Float64Array.from(this.#phases.values),
      taskIds: strings(this.#taskIds),
      models: strings(this.#models),
      tiers: strings(this.#tiers),
      errorClasses: strings(this.#errorClasses),
      columns: copy ? this.#columns.copy() : this.#columns.view(),
      tokens: this.#tokens.toState(this.#agents.size, this.#phases.size, this.#models.size, copy),
    };
  }

  #append(state: AggregatorState): void {
    const agent = this.#agents.idMap(state.agents);
    const phase = this.#phases.idMap(state.phases);
    const model = this.#models.idMap(state.models);
    const maps = { agent, phase, model, taskId: this.#taskIds.idMap(state.taskIds), tier: this.#tiers.idMap(state.tiers), errorClass: this.#errorClasses.idMap(state.errorClasses) };
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
