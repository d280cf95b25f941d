/**
 * Token sums, folded as records arrive. Unlike costs and durations (floating point, summed at result time
 * in input order), token counts are integers, and their sums are kept exact, whatever their size and
 * whichever way the records were split into shards: so every path (one thread, workers, split files,
 * merged states) gives the same totals.
 *
 * Each sum is a float part, kept a safe integer (so every addition to it is exact), and a `bigint` part
 * that receives the float part when an addition would pass `Number.MAX_SAFE_INTEGER` (a comparison per
 * addition on the hot path; the `bigint` work only past 2^53 tokens). Counts are safe integers (record
 * validation). The aggregate shows the `Number` nearest to each exact sum: one rounding, the same on
 * every path.
 *
 * @module
 */
import { InvalidMetricError } from '../errors.js';
import type { AggregatorTokenSums, ExactTokenSums } from './types.js';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const TOTAL_FIELDS = ['tokens', 'inputTokens', 'outputTokens', 'cachedTokens', 'cachedTokens'] as const;

/** A record's token counts, -1 for an absent optional one (a scanned `Row` is one). */
export interface TokenCounts {
  tokens: number;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
}

/** `lo + x` exactly as a bigint, for a carry; an `x` that is not a safe integer (an unvalidated record) is refused. */
function carried(lo: number, x: number, field: string): bigint {
  if (!Number.isSafeInteger(x)) throw new InvalidMetricError(field, 'a safe integer >= 0', x);
  return BigInt(lo) + BigInt(x);
}

/** Growable per-id sums of `tokens` and the scalar token totals. */
export class TokenSums {
  /**
   * The scalar totals: total, input, output, cached, cached with input. In a typed array, not fields: a
   * field holding a small integer changes representation once the sum outgrows it, which discards the
   * optimized code of every caller (the scanner's hot loop) a few thousand lines into a read.
   */
  readonly #totals = new Float64Array(5);
  /** The carried parts of the totals (see the module comment). */
  readonly #totalsHigh: bigint[] = [0n, 0n, 0n, 0n, 0n];
  /** Sum of `tokens`. */
  get total(): number {
    return this.#total(0);
  }
  /** Sum of `inputTokens`. */
  get input(): number {
    return this.#total(1);
  }
  /** Sum of `outputTokens`. */
  get output(): number {
    return this.#total(2);
  }
  /** Sum of `cachedTokens`. */
  get cached(): number {
    return this.#total(3);
  }
  /** Sum of `cachedTokens` over records that also have `inputTokens`. */
  get cachedWithInput(): number {
    return this.#total(4);
  }
  #byAgent: Float64Array = new Float64Array(16);
  #byPhase: Float64Array = new Float64Array(16);
  /** Index 0: records without a model; model id + 1 otherwise. */
  #byModel: Float64Array = new Float64Array(16);
  /** Carried parts of the per-id sums (agents, phases, model slots), by index: only those past 2^53. */
  readonly #high: [Map<number, bigint>, Map<number, bigint>, Map<number, bigint>] = [new Map(), new Map(), new Map()];

  #total(k: number): number {
    const high = this.#totalsHigh[k]!;
    return high === 0n ? this.#totals[k]! : Number(high + BigInt(this.#totals[k]!));
  }

  /** Adds `x` to total k past the float part's limit: the float part moves to the carried part. */
  #carryTotal(k: number, x: number): number {
    this.#totalsHigh[k]! += carried(this.#totals[k]!, x, TOTAL_FIELDS[k]!);
    return 0;
  }

  /** Adds `x` to entry `index` of the per-id sums `d` (0 agents, 1 phases, 2 models) past the float part's limit. */
  #carryId(d: number, sums: Float64Array, index: number, x: number): number {
    const high = this.#high[d]!;
    high.set(index, (high.get(index) ?? 0n) + carried(sums[index]!, x, 'tokens'));
    return 0;
  }

  /** The counts of {@link add}, in the form {@link addCounts} takes (one object, reused). */
  readonly #scratch: TokenCounts = { tokens: 0, inputTokens: -1, outputTokens: -1, cachedTokens: -1 };

  /**
   * Adds one record's tokens.
   *
   * @param agent - Agent id.
   * @param phase - Phase id.
   * @param model - Model id, or -1.
   * @param tokens - `tokens`.
   * @param input - `inputTokens`, possibly absent.
   * @param output - `outputTokens`, possibly absent.
   * @param cached - `cachedTokens`, possibly absent.
   * @throws `InvalidMetricError` for a count that is not a safe integer (an unvalidated record).
   */
  add(agent: number, phase: number, model: number, tokens: number, input?: number, output?: number, cached?: number): void {
    // The record path (the scanner's rows are validated): a count that cannot be summed exactly is refused
    // before anything is added, as validation would have refused it.
    if (!Number.isSafeInteger(tokens)) throw new InvalidMetricError('tokens', 'a safe integer >= 0', tokens);
    if (input !== undefined && !Number.isSafeInteger(input)) throw new InvalidMetricError('inputTokens', 'a safe integer >= 0 or absent', input);
    if (output !== undefined && !Number.isSafeInteger(output)) throw new InvalidMetricError('outputTokens', 'a safe integer >= 0 or absent', output);
    if (cached !== undefined && !Number.isSafeInteger(cached)) throw new InvalidMetricError('cachedTokens', 'a safe integer >= 0 or absent', cached);
    const c = this.#scratch;
    c.tokens = tokens;
    c.inputTokens = input ?? -1;
    c.outputTokens = output ?? -1;
    c.cachedTokens = cached ?? -1;
    this.addCounts(agent, phase, model, c);
  }

  /**
   * {@link add} with the counts read from an object (a scanned row), -1 for an absent one. The counts are
   * not passed one by one: where the engine does not inline this call (the scanner's hot loop is at its
   * inlining budget), each count passed would be boxed, a heap allocation per count and record.
   *
   * @param agent - Agent id.
   * @param phase - Phase id.
   * @param model - Model id, or -1.
   * @param counts - `tokens` and the optional counts (-1: absent).
   */
  addCounts(agent: number, phase: number, model: number, counts: TokenCounts): void {
    const { tokens, inputTokens: input, outputTokens: output, cachedTokens: cached } = counts;
    // Each sum stays a safe integer: an addition that would pass MAX_SAFE (exact up to 2^53, so the
    // comparison is exact too) carries into the bigint part instead.
    const totals = this.#totals;
    let s = totals[0]! + tokens;
    totals[0] = s > MAX_SAFE ? this.#carryTotal(0, tokens) : s;
    if (agent >= this.#byAgent.length) this.#byAgent = enlarge(this.#byAgent, agent);
    const byAgent = this.#byAgent;
    s = byAgent[agent]! + tokens;
    byAgent[agent] = s > MAX_SAFE ? this.#carryId(0, byAgent, agent, tokens) : s;
    if (phase >= this.#byPhase.length) this.#byPhase = enlarge(this.#byPhase, phase);
    const byPhase = this.#byPhase;
    s = byPhase[phase]! + tokens;
    byPhase[phase] = s > MAX_SAFE ? this.#carryId(1, byPhase, phase, tokens) : s;
    if (model + 1 >= this.#byModel.length) this.#byModel = enlarge(this.#byModel, model + 1);
    const byModel = this.#byModel;
    s = byModel[model + 1]! + tokens;
    byModel[model + 1] = s > MAX_SAFE ? this.#carryId(2, byModel, model + 1, tokens) : s;
    if (output >= 0) {
      s = totals[2]! + output;
      totals[2] = s > MAX_SAFE ? this.#carryTotal(2, output) : s;
    }
    if (cached >= 0) {
      s = totals[3]! + cached;
      totals[3] = s > MAX_SAFE ? this.#carryTotal(3, cached) : s;
    }
    if (input >= 0) {
      s = totals[1]! + input;
      totals[1] = s > MAX_SAFE ? this.#carryTotal(1, input) : s;
      if (cached >= 0) {
        s = totals[4]! + cached;
        totals[4] = s > MAX_SAFE ? this.#carryTotal(4, cached) : s;
      }
    }
  }

  /**
   * Adds another aggregator's sums exactly (its `exact` part where it has one), translating its ids.
   *
   * @param other - The other sums.
   * @param agentMap - `agentMap[theirId] = ourId`.
   * @param phaseMap - Likewise for phases.
   * @param modelMap - Likewise for models (ids, not the shifted indices of `byModel`).
   */
  merge(other: AggregatorTokenSums, agentMap: Int32Array, phaseMap: Int32Array, modelMap: Int32Array): void {
    const exact = other.exact;
    const totals = [other.total, other.input, other.output, other.cached, other.cachedWithInput];
    const exactTotals = exact === undefined ? undefined : [exact.total, exact.input, exact.output, exact.cached, exact.cachedWithInput];
    for (let k = 0; k < 5; k++) {
      if (exactTotals !== undefined) this.#totalsHigh[k]! += exactTotals[k]!;
      else {
        const s = this.#totals[k]! + totals[k]!;
        this.#totals[k] = s > MAX_SAFE ? this.#carryTotal(k, totals[k]!) : s;
      }
    }
    this.#byAgent = this.#mergeIds(0, this.#byAgent, other.byAgent, exact?.byAgent, (id) => agentMap[id]!);
    this.#byPhase = this.#mergeIds(1, this.#byPhase, other.byPhase, exact?.byPhase, (id) => phaseMap[id]!);
    this.#byModel = this.#mergeIds(2, this.#byModel, other.byModel, exact?.byModel, (index) => (index === 0 ? 0 : modelMap[index - 1]! + 1));
  }

  /** Adds per-id sums into `ours` (grown as needed, and returned): exact values where given, else the floats. */
  #mergeIds(d: number, ours: Float64Array, theirs: Float64Array, exact: readonly (readonly [number, bigint])[] | undefined, to: (index: number) => number): Float64Array {
    let sums = ours;
    const exactByIndex = new Map(exact);
    for (let index = 0; index < theirs.length; index++) {
      const target = to(index);
      if (target >= sums.length) sums = enlarge(sums, target);
      const big = exactByIndex.get(index);
      if (big !== undefined) {
        const high = this.#high[d]!;
        high.set(target, (high.get(target) ?? 0n) + big);
        continue;
      }
      const x = theirs[index]!;
      const s = sums[target]! + x;
      sums[target] = s > MAX_SAFE ? this.#carryId(d, sums, target, x) : s;
    }
    return sums;
  }

  /**
   * The sums as plain data, with per-id arrays cut to the table sizes. Sums past 2^53 are written as the
   * nearest `Number` and, exactly, in `exact`.
   *
   * @param agents - Number of agent ids.
   * @param phases - Number of phase ids.
   * @param models - Number of model ids.
   * @param copy - Fresh buffers (`true`) or views (copies anyway where a sum is past 2^53).
   * @returns The sums.
   */
  toState(agents: number, phases: number, models: number, copy: boolean): AggregatorTokenSums {
    const carries = this.#totalsHigh.some((h) => h !== 0n) || this.#high.some((m) => m.size > 0);
    const cut = (a: Float64Array, n: number): Float64Array => {
      // Ids seen by the tables but beyond what a sum array grew to (none yet) still need a zero.
      const padded = a.length >= n ? a : enlarge(a, n - 1);
      return copy || carries ? padded.slice(0, n) : padded.subarray(0, n);
    };
    const state: AggregatorTokenSums = {
      total: this.total,
      input: this.input,
      output: this.output,
      cached: this.cached,
      cachedWithInput: this.cachedWithInput,
      byAgent: cut(this.#byAgent, agents),
      byPhase: cut(this.#byPhase, phases),
      byModel: cut(this.#byModel, models + 1),
    };
    if (!carries) return state;
    const ids = (d: number, sums: Float64Array): [number, bigint][] =>
      [...this.#high[d]!].filter(([index]) => index < sums.length).map(([index, high]): [number, bigint] => {
        const value = high + BigInt(sums[index]!);
        sums[index] = Number(value);
        return [index, value];
      });
    const exact: ExactTokenSums = {
      total: this.#totalsHigh[0]! + BigInt(this.#totals[0]!),
      input: this.#totalsHigh[1]! + BigInt(this.#totals[1]!),
      output: this.#totalsHigh[2]! + BigInt(this.#totals[2]!),
      cached: this.#totalsHigh[3]! + BigInt(this.#totals[3]!),
      cachedWithInput: this.#totalsHigh[4]! + BigInt(this.#totals[4]!),
      byAgent: ids(0, state.byAgent),
      byPhase: ids(1, state.byPhase),
      byModel: ids(2, state.byModel),
    };
    return { ...state, exact };
  }
}

function enlarge(a: Float64Array, index: number): Float64Array {
  let length = Math.max(1, a.length);
  while (length <= index) length *= 2;
  const b = new Float64Array(length);
  b.set(a);
  return b;
}
