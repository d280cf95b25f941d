/**
 * The plain-data form of an aggregator ({@link AggregatorState}): its format tag, the check that
 * `mergeState()` runs on a state that crossed a thread or process boundary, and the transfer list for
 * `postMessage`.
 *
 * @module
 */
import { InvalidOptionError } from '../errors.js';
import { MAX_TIME_MS } from '../record.js';
import { FLOAT_COLUMNS, ID_COLUMNS } from './record-columns.js';
import type { AggregatorState } from './types.js';

/** The format tag of {@link AggregatorState}. */
export const STATE_FORMAT = 'invocation-metrics/aggregator-state@1' as const;

/**
 * The buffers of a state, for `postMessage(state, stateTransferList(state))`: transferring instead of
 * copying moves a shard's columns to the main thread in O(1). The state is unusable in the sender after.
 *
 * @param state - A state from `serialize()` (whose buffers are its own).
 * @returns The distinct `ArrayBuffer`s it holds.
 * @example
 * ```ts
 * // worker.ts
 * const state = aggregator.serialize();
 * parentPort.postMessage(state, stateTransferList(state));
 * // main.ts
 * worker.on('message', (state) => total.mergeState(state));
 * ```
 */
export function stateTransferList(state: AggregatorState): ArrayBuffer[] {
  const views = [
    ...Object.values(state.columns),
    state.phases,
    state.tokens.byAgent,
    state.tokens.byPhase,
    state.tokens.byModel,
  ] as ArrayBufferView[];
  const buffers = new Set<ArrayBuffer>();
  for (const view of views) if (view.buffer instanceof ArrayBuffer) buffers.add(view.buffer);
  return [...buffers];
}

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
const isFiniteSum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** What each float column may hold: the record contract of the field it comes from. */
const FLOAT_DOMAINS: Record<(typeof FLOAT_COLUMNS)[number], [string, (v: number) => boolean]> = {
  start: ['an epoch time within +-8.64e15 ms', (v) => Math.abs(v) <= MAX_TIME_MS],
  durationMs: ['a finite number >= 0', isFiniteSum],
  cost: ['a finite number >= 0', isFiniteSum],
  attempt: ['an integer >= 1', (v) => Number.isInteger(v) && v >= 1],
};

function bad(field: string, expected: string, value: unknown): never {
  throw new InvalidOptionError(`state.${field}`, expected, value);
}

/**
 * Checks that `state` is a well-formed {@link AggregatorState}: the format tag, the table and column types
 * and lengths, and every id within its table, so that a corrupt or foreign state fails here with a clear
 * error instead of producing a wrong aggregate. O(count). Costs above `MAX_COST_USD` and ends past the
 * last valid date are left to `result()`, which throws for them the `InvalidMetricError` it throws for
 * records added one by one: every path reports them alike.
 *
 * @param state - The candidate.
 * @throws {@link InvalidOptionError} naming the bad field (`state.columns.agent`, ...).
 */
export function checkState(state: AggregatorState): void {
  if (typeof state !== 'object' || state === null) throw new InvalidOptionError('state', 'an AggregatorState from serialize()', state);
  if (state.format !== STATE_FORMAT) bad('format', `"${STATE_FORMAT}"`, state.format);
  const count = state.count;
  if (!Number.isSafeInteger(count) || count < 0) bad('count', 'an integer >= 0', count);
  const tables = {
    agent: state.agents,
    taskId: state.taskIds,
    model: state.models,
    tier: state.tiers,
    errorClass: state.errorClasses,
  };
  for (const [name, table] of Object.entries(tables)) if (!isStringArray(table)) bad(`${name}s table`, 'an array of strings', table);
  if (!(state.phases instanceof Float64Array) || !state.phases.every((p) => Number.isInteger(p) && p >= 0))
    bad('phases', 'a Float64Array of integers >= 0', state.phases);
  const columns = state.columns;
  if (typeof columns !== 'object' || columns === null) bad('columns', 'an object of typed arrays', columns);
  for (const name of FLOAT_COLUMNS) {
    const column = columns[name];
    if (!(column instanceof Float64Array) || column.length !== count) bad(`columns.${name}`, `a Float64Array of length ${count}`, column?.length);
    const [expected, ok] = FLOAT_DOMAINS[name];
    for (let i = 0; i < count; i++) if (!ok(column[i]!)) bad(`columns.${name}[${i}]`, expected, column[i]);
  }
  if (!(columns.flags instanceof Uint8Array) || columns.flags.length !== count)
    bad('columns.flags', `a Uint8Array of length ${count}`, columns.flags?.length);
  for (const name of ID_COLUMNS) {
    const column = columns[name];
    if (!(column instanceof Int32Array) || column.length !== count) bad(`columns.${name}`, `an Int32Array of length ${count}`, column?.length);
    const size = name === 'phase' ? state.phases.length : tables[name].length;
    // Agent and phase are required fields: -1 (absent) is allowed only for the optional ones.
    const min = name === 'agent' || name === 'phase' ? 0 : -1;
    for (let i = 0; i < count; i++) {
      const id = column[i]!;
      if (id < min || id >= size) bad(`columns.${name}[${i}]`, `an id in [${min}, ${size})`, id);
    }
  }
  const tokens = state.tokens;
  if (typeof tokens !== 'object' || tokens === null) bad('tokens', 'an object of token sums', tokens);
  // Sums are exact: safe integers, or (past 2^53) given exactly in `exact` as bigints.
  const exact = tokens.exact;
  const isSum = exact === undefined ? isCount : isFiniteSum;
  for (const name of ['total', 'input', 'output', 'cached', 'cachedWithInput'] as const) {
    if (!isSum(tokens[name])) bad(`tokens.${name}`, exact === undefined ? 'a safe integer >= 0' : 'a finite number >= 0', tokens[name]);
    if (exact !== undefined && !(typeof exact[name] === 'bigint' && exact[name] >= 0n)) bad(`tokens.exact.${name}`, 'a bigint >= 0', exact[name]);
  }
  const sizes = { byAgent: state.agents.length, byPhase: state.phases.length, byModel: state.models.length + 1 };
  for (const [name, size] of Object.entries(sizes) as [keyof typeof sizes, number][]) {
    const sums = tokens[name];
    const given = new Set<number>();
    if (exact !== undefined) {
      const entries: unknown = exact[name];
      if (!Array.isArray(entries)) bad(`tokens.exact.${name}`, 'an array of [index, bigint] pairs', entries);
      for (const entry of entries as unknown[]) {
        const [index, value] = Array.isArray(entry) ? (entry as unknown[]) : [];
        if (!Number.isSafeInteger(index) || (index as number) < 0 || (index as number) >= size || typeof value !== 'bigint' || value < 0n)
          bad(`tokens.exact.${name}`, `[index in [0, ${size}), bigint >= 0] pairs`, entry);
        given.add(index as number);
      }
    }
    if (!(sums instanceof Float64Array) || sums.length !== size || !sums.every((v, i) => (given.has(i) ? isFiniteSum(v) : isCount(v))))
      bad(`tokens.${name}`, `a Float64Array of ${size} sums, safe integers >= 0`, sums?.length);
  }
}
