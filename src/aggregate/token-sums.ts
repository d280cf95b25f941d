/**
 * Token sums, folded as records arrive. Unlike costs and durations (floating point, summed at result time
 * in input order), token counts are integers: their sums are exact in any order below 2^53, so a shard's
 * sums can simply be added, and no per-record column is needed.
 *
 * @module
 */
import type { AggregatorTokenSums } from './types.js';

/** A record's token counts, -1 for an absent optional one (a scanned `Row` is one). */
export interface TokenCounts {
  tokens: number;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
}

/** Growable per-id sums of `tokens` and the scalar token totals. */
export class TokenSums {
  /**
   * The scalar totals: total, input, output, cached, cached with input. In a typed array, not fields: a
   * field holding a small integer changes representation once the sum outgrows it, which discards the
   * optimized code of every caller (the scanner's hot loop) a few thousand lines into a read.
   */
  readonly #totals = new Float64Array(5);
  /** Sum of `tokens`. */
  get total(): number {
    return this.#totals[0]!;
  }
  /** Sum of `inputTokens`. */
  get input(): number {
    return this.#totals[1]!;
  }
  /** Sum of `outputTokens`. */
  get output(): number {
    return this.#totals[2]!;
  }
  /** Sum of `cachedTokens`. */
  get cached(): number {
    return this.#totals[3]!;
  }
  /** Sum of `cachedTokens` over records that also have `inputTokens`. */
  get cachedWithInput(): number {
    return this.#totals[4]!;
  }
  #byAgent: Float64Array = new Float64Array(16);
  #byPhase: Float64Array = new Float64Array(16);
  /** Index 0: records without a model; model id + 1 otherwise. */
  #byModel: Float64Array = new Float64Array(16);

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
   */
  add(agent: number, phase: number, model: number, tokens: number, input?: number, output?: number, cached?: number): void {
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
    const totals = this.#totals;
    totals[0]! += tokens;
    if (agent >= this.#byAgent.length) this.#byAgent = enlarge(this.#byAgent, agent);
    this.#byAgent[agent]! += tokens;
    if (phase >= this.#byPhase.length) this.#byPhase = enlarge(this.#byPhase, phase);
    this.#byPhase[phase]! += tokens;
    if (model + 1 >= this.#byModel.length) this.#byModel = enlarge(this.#byModel, model + 1);
    this.#byModel[model + 1]! += tokens;
    if (output >= 0) totals[2]! += output;
    if (cached >= 0) totals[3]! += cached;
    if (input >= 0) {
      totals[1]! += input;
      if (cached >= 0) totals[4]! += cached;
    }
  }

  /**
   * Adds another aggregator's sums, translating its ids.
   *
   * @param other - The other sums.
   * @param agentMap - `agentMap[theirId] = ourId`.
   * @param phaseMap - Likewise for phases.
   * @param modelMap - Likewise for models (ids, not the shifted indices of `byModel`).
   */
  merge(other: AggregatorTokenSums, agentMap: Int32Array, phaseMap: Int32Array, modelMap: Int32Array): void {
    const totals = this.#totals;
    totals[0]! += other.total;
    totals[1]! += other.input;
    totals[2]! += other.output;
    totals[3]! += other.cached;
    totals[4]! += other.cachedWithInput;
    other.byAgent.forEach((sum, id) => {
      const to = agentMap[id]!;
      if (to >= this.#byAgent.length) this.#byAgent = enlarge(this.#byAgent, to);
      this.#byAgent[to]! += sum;
    });
    other.byPhase.forEach((sum, id) => {
      const to = phaseMap[id]!;
      if (to >= this.#byPhase.length) this.#byPhase = enlarge(this.#byPhase, to);
      this.#byPhase[to]! += sum;
    });
    other.byModel.forEach((sum, index) => {
      const to = index === 0 ? 0 : modelMap[index - 1]! + 1;
      if (to >= this.#byModel.length) this.#byModel = enlarge(this.#byModel, to);
      this.#byModel[to]! += sum;
    });
  }

  /**
   * The sums as plain data, with per-id arrays cut to the table sizes.
   *
   * @param agents - Number of agent ids.
   * @param phases - Number of phase ids.
   * @param models - Number of model ids.
   * @param copy - Fresh buffers (`true`) or views.
   * @returns The sums.
   */
  toState(agents: number, phases: number, models: number, copy: boolean): AggregatorTokenSums {
    const cut = (a: Float64Array, n: number): Float64Array => {
      // Ids seen by the tables but beyond what a sum array grew to (none yet) still need a zero.
      const padded = a.length >= n ? a : enlarge(a, n - 1);
      return copy ? padded.slice(0, n) : padded.subarray(0, n);
    };
    return {
      total: this.total,
      input: this.input,
      output: this.output,
      cached: this.cached,
      cachedWithInput: this.cachedWithInput,
      byAgent: cut(this.#byAgent, agents),
      byPhase: cut(this.#byPhase, phases),
      byModel: cut(this.#byModel, models + 1),
    };
  }
}

function enlarge(a: Float64Array, index: number): Float64Array {
  let length = Math.max(1, a.length);
  while (length <= index) length *= 2;
  const b = new Float64Array(length);
  b.set(a);
  return b;
}
