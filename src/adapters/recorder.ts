/**
 * What every framework adapter shares: turning what a framework saw of one call (agent, model, usage,
 * times, outcome) into a valid record, pricing it, and handing it to the collector without ever throwing
 * into the user's run. One instance per adapter instance.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import { InvalidOptionError } from '../errors.js';
import { findMetricProblem, wholeMsBetween, type InvocationMetric } from '../record.js';
import { definePriceTable, priceOf, type PricedCost, type PriceTable, type Usage } from '../prices/index.js';

/** Where records go: an `InvocationMetricsCollector` (or anything with its `record()`). */
export interface RecordTarget {
  record(metric: InvocationMetric): Promise<void>;
}

/** A warning of an adapter: something it could not record exactly, never an exception in your run. */
export interface AdapterWarning {
  /** The adapter (`ai-sdk`, `openai-agents`, `langchain`, `mastra`, `otel-genai`). */
  readonly adapter: string;
  /** A stable code: `ERR_ADAPTER_RECORD` (the record was refused), `ERR_ADAPTER_INPUT` (the framework gave something unusable), `ERR_ADAPTER_DUPLICATE`. */
  readonly code: string;
  /** What happened, naming the span, run or field. */
  readonly message: string;
}

/** Options every adapter takes. */
export interface AdapterOptions {
  /** Where the records go. Required. */
  readonly collector: RecordTarget;
  /**
   * The phase of the records, or a function of the agent name giving it.
   * @default 0
   */
  readonly phase?: number | ((agent: string) => number) | undefined;
  /**
   * Prices for calls whose provider reported no cost; `false` records such calls with `cost: 0` and
   * `costSource: 'none'`.
   * @default DEFAULT_PRICE_TABLE
   */
  readonly prices?: PriceTable | false | undefined;
  /**
   * Receives the adapter's warnings.
   * @default `process.emitWarning(message, { code })`
   */
  readonly onWarning?: ((warning: AdapterWarning) => void) | undefined;
}

/** What an adapter knows of one finished call; the rest is filled in as {@link AdapterRecorder.emit} says. */
export interface CallFields {
  readonly agent: string;
  /** When the call started, epoch milliseconds (a fraction is rounded down: the log keeps whole milliseconds). */
  readonly startMs: number;
  /** How long it ran, milliseconds; recorded from the whole-millisecond start to the whole-millisecond end. */
  readonly durationMs: number;
  readonly success: boolean;
  readonly invocationId?: string | undefined;
  /** The call's own phase (an integer >= 0), when the framework or the user gave one; else the `phase` option. */
  readonly phase?: number | undefined;
  readonly taskId?: string | undefined;
  readonly attempt?: number | undefined;
  readonly model?: string | undefined;
  readonly provider?: string | undefined;
  readonly tier?: string | undefined;
  readonly inputTokens?: number | undefined;
  readonly outputTokens?: number | undefined;
  readonly cachedTokens?: number | undefined;
  /** Total tokens when the framework reports it; else input + output. */
  readonly totalTokens?: number | undefined;
  /** A cost the provider or framework reported (USD). */
  readonly providerCost?: number | undefined;
  /**
   * A cost the adapter already priced (for example the sum over the model calls of one invocation, each
   * priced by {@link AdapterRecorder.price}); wins over `providerCost` and the table.
   */
  readonly priced?: PricedCost | undefined;
  readonly errorClass?: string | undefined;
  /** @default true */
  readonly outputParsed?: boolean | undefined;
  /** Fields of the adapter's own (handoffs, guardrail, step), kept in the log under these names. */
  readonly extra?: Readonly<Record<string, unknown>> | undefined;
}

/** Ids of emitted records remembered to refuse a second record of one call. */
const REMEMBERED_IDS = 10_000;

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** Builds, prices and records the records of one adapter. */
export class AdapterRecorder {
  readonly #adapter: string;
  readonly #collector: RecordTarget;
  readonly #phase: AdapterOptions['phase'];
  readonly #prices: PriceTable | false | undefined;
  readonly #onWarning: (warning: AdapterWarning) => void;
  readonly #emitted = new Set<string>();

  /**
   * @param adapter - The adapter's name, for warnings.
   * @param options - See {@link AdapterOptions}.
   * @throws {@link InvalidOptionError} for a missing collector or a bad option.
   */
  constructor(adapter: string, options: AdapterOptions) {
    if (typeof options !== 'object' || options === null) throw new InvalidOptionError('options', 'an object with a `collector`', options);
    const { collector, phase, prices, onWarning } = options;
    if (typeof collector !== 'object' || collector === null || typeof collector.record !== 'function')
      throw new InvalidOptionError('collector', 'an InvocationMetricsCollector (an object with `record()`)', collector);
    if (phase !== undefined && typeof phase !== 'function' && !(Number.isInteger(phase) && phase >= 0))
      throw new InvalidOptionError('phase', 'an integer >= 0, a function of the agent, or absent', phase);
    if (onWarning !== undefined && typeof onWarning !== 'function') throw new InvalidOptionError('onWarning', 'a function or absent', onWarning);
    this.#adapter = adapter;
    this.#collector = collector;
    this.#phase = phase;
    this.#prices = prices === undefined || prices === false ? prices : definePriceTable(prices);
    this.#onWarning = onWarning ?? ((w) => process.emitWarning(w.message, { code: w.code }));
  }

  /**
   * Warns, never throws (a throwing `onWarning` is ignored: the user's run goes on).
   *
   * @param code - See {@link AdapterWarning.code}.
   * @param message - What happened.
   */
  warn(code: string, message: string): void {
    try {
      this.#onWarning({ adapter: this.#adapter, code, message: `invocation-metrics/${this.#adapter}: ${message}` });
    } catch {
      // A warning sink that throws must not break the framework's callback.
    }
  }

  /**
   * The cost of one call with this adapter's `prices` option (see {@link priceOf}).
   *
   * @param model - The model id, if known.
   * @param usage - The call's usage.
   * @param providerCost - A cost the provider reported (USD), if any.
   * @returns The cost and its source.
   */
  price(model: string | undefined, usage: Usage, providerCost?: number): PricedCost {
    return priceOf(model, usage, { prices: this.#prices, providerCost });
  }

  /**
   * Makes the record of a call and records it. Fills in: `invocationId` (a random UUID), `phase` (the
   * call's own, else the option), `attempt` (1), `tokens` (the total, else input + output), `exitCode` (0 on success, 1 on
   * failure: no process ran), `outputParsed` (true), `timestamp` (the start, ISO UTC, in whole milliseconds
   * rounded down), `durationMs` (from that start to the end rounded down the same way, so a call that started
   * after another ended never overlaps it in the aggregate's parallelism), and `cost`: the
   * call's `priced`, else {@link priceOf} of its `providerCost` or usage. A record that would be invalid (a framework's negative or fractional count, a
   * non-finite time) is not recorded: a warning names the field. A second record with the same
   * `invocationId` (among the last 10,000) is refused with a warning. Never throws.
   *
   * @param call - What the adapter knows of the call.
   * @returns The promise of `record()` (settled: a failed write is warned about), or `undefined` when
   *   nothing was recorded.
   */
  emit(call: CallFields): Promise<void> | undefined {
    try {
      const invocationId = call.invocationId ?? randomUUID();
      if (this.#emitted.has(invocationId)) {
        this.warn('ERR_ADAPTER_DUPLICATE', `a second record of invocation ${JSON.stringify(invocationId)} was not recorded`);
        return undefined;
      }
      const input = isCount(call.inputTokens) ? call.inputTokens : undefined;
      const output = isCount(call.outputTokens) ? call.outputTokens : undefined;
      const cached = isCount(call.cachedTokens) ? call.cachedTokens : undefined;
      for (const [field, value] of [['inputTokens', call.inputTokens], ['outputTokens', call.outputTokens], ['cachedTokens', call.cachedTokens], ['totalTokens', call.totalTokens]] as const) {
        if (value !== undefined && !isCount(value))
          this.warn('ERR_ADAPTER_INPUT', `agent ${JSON.stringify(call.agent)}: the framework's ${field} ${String(value)} is not a count; left out`);
      }
      const tokens = isCount(call.totalTokens) ? call.totalTokens : (input ?? 0) + (output ?? 0);
      const priced = call.priced ?? this.price(call.model, { inputTokens: input, outputTokens: output, cachedTokens: cached }, call.providerCost);
      const phase = call.phase ?? (typeof this.#phase === 'function' ? this.#phase(call.agent) : (this.#phase ?? 0));
      const m: Record<string, unknown> = {
        invocationId,
        agent: call.agent,
        phase,
        taskId: call.taskId,
        durationMs: wholeMs(call.startMs, call.durationMs),
        tokens,
        inputTokens: input,
        outputTokens: output,
        cachedTokens: cached,
        cost: priced.cost,
        exitCode: call.success ? 0 : 1,
        success: call.success,
        attempt: call.attempt ?? 1,
        outputParsed: call.outputParsed ?? true,
        model: call.model,
        tier: call.tier,
        timestamp: Number.isFinite(call.startMs) ? new Date(call.startMs).toISOString() : String(call.startMs),
        errorClass: call.success ? undefined : call.errorClass,
        provider: call.provider,
        costSource: priced.costSource,
        priceTable: priced.priceTable,
      };
      for (const key of Object.keys(m)) if (m[key] === undefined) delete m[key];
      if (call.extra !== undefined) for (const [key, value] of Object.entries(call.extra)) if (!(key in m) && value !== undefined) m[key] = value;
      const problem = findMetricProblem(m);
      if (problem !== undefined) {
        this.warn('ERR_ADAPTER_RECORD', `the record of agent ${JSON.stringify(call.agent)} was not recorded: ${problem.message}`);
        return undefined;
      }
      this.#remember(invocationId);
      return this.#collector.record(m as unknown as InvocationMetric).catch((err: unknown) => {
        this.warn('ERR_ADAPTER_RECORD', `the record of agent ${JSON.stringify(call.agent)} was refused: ${err instanceof Error ? err.message : String(err)}`);
      });
    } catch (err) {
      this.warn('ERR_ADAPTER_RECORD', `a record was not made: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  }

  #remember(id: string): void {
    if (this.#emitted.size >= REMEMBERED_IDS) this.#emitted.delete(this.#emitted.values().next().value!);
    this.#emitted.add(id);
  }
}

/**
 * {@link wholeMsBetween} the call's start and end; a non-finite or negative value is returned as it is,
 * for the record's check to refuse by name.
 */
function wholeMs(startMs: number, durationMs: number): number {
  if (!Number.isFinite(startMs) || !Number.isFinite(durationMs) || durationMs < 0) return durationMs;
  return wholeMsBetween(startMs, startMs + durationMs);
}

/**
 * The record's `errorClass` of a framework error: an infrastructure class when the error says it is one
 * (an HTTP status or a Node network code), else `undefined` (a failure of the agent's own doing: a code
 * failure, so a retry of it counts as a code retry). `rate_limit` (429), `timeout` (408, 504, an abort or
 * timeout error, `ETIMEDOUT`), `overloaded` (503, 529), `server_error` (other 5xx), `network`
 * (`ECONNRESET`, `ECONNREFUSED`, `ENOTFOUND`, `EAI_AGAIN`, `EPIPE`, `UND_ERR_*`, "fetch failed").
 *
 * @param error - What the framework threw or reported.
 * @returns The class, or `undefined`.
 */
export function errorClassOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { status?: unknown; statusCode?: unknown; code?: unknown; name?: unknown; message?: unknown; cause?: unknown };
  const status = typeof e.statusCode === 'number' ? e.statusCode : typeof e.status === 'number' ? e.status : undefined;
  if (status !== undefined) {
    if (status === 429) return 'rate_limit';
    if (status === 408 || status === 504) return 'timeout';
    if (status === 503 || status === 529) return 'overloaded';
    if (status >= 500 && status <= 599) return 'server_error';
  }
  const name = typeof e.name === 'string' ? e.name : '';
  if (name === 'AbortError' || name === 'TimeoutError') return 'timeout';
  const code = typeof e.code === 'string' ? e.code : '';
  if (code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT') return 'timeout';
  if (['ECONNRESET', 'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE'].includes(code) || code.startsWith('UND_ERR_')) return 'network';
  if (typeof e.message === 'string' && e.message === 'fetch failed') return 'network';
  return e.cause !== undefined && e.cause !== error ? errorClassOf(e.cause) : undefined;
}
