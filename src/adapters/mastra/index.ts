/**
 * Mastra: an exporter for its AI tracing that records each agent run (`agent_run` span) as one
 * invocation, with the usage of the model generations it ran. Imports nothing of Mastra at run time (its
 * types only): add it to the `exporters` of an `Observability` config (`@mastra/observability`).
 *
 * @example
 * ```ts
 * new Mastra({ agents, observability: new Observability({ configs: { default: { serviceName: 'app', exporters: [invocationMetricsExporter({ collector })] } } }) });
 * ```
 *
 * @module
 */
import type { AnyExportedSpan, ObservabilityExporter, SpanErrorInfo, TracingEvent } from '@mastra/core/observability';
import { InvalidOptionError } from '../../errors.js';
import { AdapterRecorder, errorClassOf, type AdapterOptions } from '../recorder.js';
import { AGENT_RUN, MODEL_CHUNK, MODEL_GENERATION, TOOL_CALL, addUsage, asObject, str, timeOf, usageOfSpan, type SpanUsage } from './spans.js';

/** Options of {@link invocationMetricsExporter}. */
export interface MastraAdapterOptions extends AdapterOptions {
  /**
   * The agent of an agent run: a fixed name, or a function of its `agent_run` span (`undefined` falls back).
   * @default the span's `entityName` (the agent's `name`), else its `entityId`
   */
  readonly agent?: string | ((span: AnyExportedSpan) => string | undefined) | undefined;
  /**
   * The `taskId` of an agent run.
   * @default `metadata.taskId` of the span (pass `tracingOptions: { metadata: { taskId } }` to `generate()`/`stream()`)
   */
  readonly taskId?: ((span: AnyExportedSpan) => string | undefined) | undefined;
  /**
   * The attempt of an agent run (Mastra's own retries happen inside one model call and leave no trace).
   * @default `metadata.attempt` of the span when an integer >= 1, else 1
   */
  readonly attempt?: ((span: AnyExportedSpan) => number | undefined) | undefined;
  /**
   * The `errorClass` of a failed run from its `errorInfo` (the trace keeps an error's name and message,
   * not its HTTP status).
   * @default `errorClassOf` of `errorInfo` and its `details` (a status or code there, an `AbortError`/`TimeoutError` name)
   */
  readonly errorClass?: ((errorInfo: SpanErrorInfo) => string | undefined) | undefined;
  /**
   * How many spans (all types but `model_chunk`) may be open at once; beyond it the oldest is forgotten
   * with one warning (an agent run among them is not recorded).
   * @default 10000
   */
  readonly maxOpenSpans?: number | undefined;
}

interface OpenRun {
  usage: SpanUsage | undefined;
  providerCost: number | undefined;
  model: string | undefined;
  provider: string | undefined;
  toolCalls: number;
  /** Models a generation started with and replaced (Mastra's model fallbacks). */
  readonly fallbackFrom: string[];
}

const ADAPTER = 'mastra';

/** The exporter; see {@link invocationMetricsExporter}. Implements Mastra's `ObservabilityExporter`. */
export class InvocationMetricsExporter implements ObservabilityExporter {
  /** Mastra's name of this exporter. */
  readonly name = 'invocation-metrics';
  readonly #recorder: AdapterRecorder;
  readonly #options: MastraAdapterOptions;
  readonly #maxOpenSpans: number;
  /** Open span id -> the agent run it belongs to (an agent run belongs to itself). */
  readonly #owner = new Map<string, string | undefined>();
  /** Model generation id -> the model it started with. */
  readonly #generationModel = new Map<string, string | undefined>();
  readonly #runs = new Map<string, OpenRun>();
  readonly #pending = new Set<Promise<void>>();
  #overflowed = false;

  /**
   * @param options - See {@link MastraAdapterOptions}.
   * @throws {@link InvalidOptionError} for a bad option.
   */
  constructor(options: MastraAdapterOptions) {
    this.#recorder = new AdapterRecorder(ADAPTER, options);
    const { agent, taskId, attempt, errorClass, maxOpenSpans } = options;
    if (agent !== undefined && typeof agent !== 'function' && !(typeof agent === 'string' && agent !== ''))
      throw new InvalidOptionError('agent', 'a non-empty string, a function of the span, or absent', agent);
    for (const [name, value] of [['taskId', taskId], ['attempt', attempt], ['errorClass', errorClass]] as const)
      if (value !== undefined && typeof value !== 'function') throw new InvalidOptionError(name, 'a function or absent', value);
    if (maxOpenSpans !== undefined && !(Number.isSafeInteger(maxOpenSpans) && maxOpenSpans >= 1))
      throw new InvalidOptionError('maxOpenSpans', 'an integer >= 1 or absent', maxOpenSpans);
    this.#options = options;
    this.#maxOpenSpans = maxOpenSpans ?? 10_000;
  }

  /** How many agent runs started and have not ended yet. */
  get openRuns(): number {
    return this.#runs.size;
  }

  /**
   * Takes one tracing event. Never rejects: what cannot be recorded is warned about.
   *
   * @param event - A `span_started`, `span_updated` or `span_ended` event.
   */
  exportTracingEvent(event: TracingEvent): Promise<void> {
    try {
      this.#take(event);
    } catch (err) {
      this.#recorder.warn('ERR_ADAPTER_INPUT', `a tracing event was not read: ${err instanceof Error ? err.message : String(err)}`);
    }
    return Promise.resolve();
  }

  /** Waits until every record made so far is written (or warned about). */
  async flush(): Promise<void> {
    await Promise.all(this.#pending);
  }

  /** Flushes, and warns about each agent run that started and never ended (not recorded). Idempotent. */
  async shutdown(): Promise<void> {
    for (const id of this.#runs.keys()) this.#recorder.warn('ERR_ADAPTER_INPUT', `agent run span ${id} never ended; not recorded`);
    this.#runs.clear();
    this.#owner.clear();
    this.#generationModel.clear();
    await this.flush();
  }

  #take(event: TracingEvent): void {
    const e = asObject(event);
    const span = asObject(e?.exportedSpan) as (AnyExportedSpan & Record<string, unknown>) | undefined;
    const id = str(span?.id);
    const type = str(span?.type);
    if (span === undefined || id === undefined || type === undefined) {
      this.#recorder.warn('ERR_ADAPTER_INPUT', `a tracing event without a span id and type was ignored (${JSON.stringify(e?.type)})`);
      return;
    }
    if (type === MODEL_CHUNK || span.isEvent === true) return;
    const attributes = asObject(span.attributes);
    const parent = str(span.parentSpanId);
    if (e!.type === 'span_started') {
      this.#remember(id, type === AGENT_RUN ? id : parent === undefined ? undefined : this.#owner.get(parent));
      if (type === AGENT_RUN) this.#runs.set(id, { usage: undefined, providerCost: undefined, model: undefined, provider: undefined, toolCalls: 0, fallbackFrom: [] });
      if (type === MODEL_GENERATION) this.#generationModel.set(id, str(attributes?.model));
      return;
    }
    if (e!.type !== 'span_ended') return;
    const owner = type === AGENT_RUN ? id : (this.#owner.get(id) ?? (parent === undefined ? undefined : this.#owner.get(parent)));
    this.#owner.delete(id);
    if (type === MODEL_GENERATION) {
      const run = owner === undefined ? undefined : this.#runs.get(owner);
      const startModel = this.#generationModel.get(id);
      this.#generationModel.delete(id);
      if (run === undefined) {
        // A generation outside an agent run (a bare `generate` of a model, a scorer's judge): not an agent's invocation.
        return;
      }
      const model = str(attributes?.model);
      if (startModel !== undefined && model !== undefined && startModel !== model) run.fallbackFrom.push(startModel);
      run.model = model ?? run.model;
      run.provider = str(attributes?.provider) ?? run.provider;
      const usage = usageOfSpan(attributes);
      if (usage !== undefined) run.usage = addUsage(run.usage, usage);
      const cost = asObject(attributes?.costContext)?.estimatedCost;
      if (typeof cost === 'number' && Number.isFinite(cost) && cost >= 0) run.providerCost = (run.providerCost ?? 0) + cost;
    } else if (type === TOOL_CALL) {
      const run = owner === undefined ? undefined : this.#runs.get(owner);
      if (run !== undefined) run.toolCalls += 1;
    } else if (type === AGENT_RUN) {
      this.#endRun(id, span, attributes);
    }
  }

  #endRun(id: string, span: AnyExportedSpan & Record<string, unknown>, attributes: Record<string, unknown> | undefined): void {
    const run = this.#runs.get(id);
    this.#runs.delete(id);
    const o = this.#options;
    const agent = typeof o.agent === 'string' ? o.agent : (str(o.agent?.(span)) ?? str(span.entityName) ?? str(span.entityId));
    if (agent === undefined) {
      this.#recorder.warn('ERR_ADAPTER_INPUT', `agent run span ${id} names no agent (no entityName nor entityId); not recorded`);
      return;
    }
    const start = timeOf(span.startTime);
    const end = timeOf(span.endTime);
    if (start === undefined || end === undefined) {
      this.#recorder.warn('ERR_ADAPTER_INPUT', `agent run span ${id} of agent ${JSON.stringify(agent)} has no valid startTime/endTime; not recorded`);
      return;
    }
    if (run === undefined)
      this.#recorder.warn('ERR_ADAPTER_INPUT', `agent run span ${id} of agent ${JSON.stringify(agent)} ended without a start this exporter saw (or twice): its generations' usage is unknown`);
    const metadata = asObject(span.metadata);
    const metaAttempt = metadata?.attempt;
    const attempt = o.attempt?.(span) ?? (Number.isSafeInteger(metaAttempt) && (metaAttempt as number) >= 1 ? (metaAttempt as number) : 1);
    const errorInfo = asObject(span.errorInfo) as SpanErrorInfo | undefined;
    // The agent run's own usage, when a formatter or a future Mastra puts one there, replaces its generations' (never both).
    const usage = usageOfSpan(attributes) ?? run?.usage;
    const promise = this.#recorder.emit({
      agent,
      invocationId: id,
      taskId: str(o.taskId?.(span)) ?? str(metadata?.taskId),
      attempt,
      startMs: start,
      durationMs: Math.max(0, end - start),
      success: errorInfo === undefined,
      errorClass: errorInfo === undefined ? undefined : (o.errorClass?.(errorInfo) ?? errorClassOf({ ...asObject(errorInfo.details), ...errorInfo })),
      model: run?.model,
      provider: run?.provider,
      inputTokens: usage?.inputTokens as number | undefined,
      outputTokens: usage?.outputTokens as number | undefined,
      cachedTokens: usage?.cachedTokens as number | undefined,
      providerCost: run?.providerCost,
      extra: {
        toolCalls: run !== undefined && run.toolCalls > 0 ? run.toolCalls : undefined,
        fallbackFrom: run !== undefined && run.fallbackFrom.length > 0 ? run.fallbackFrom : undefined,
      },
    });
    if (promise !== undefined) {
      this.#pending.add(promise);
      void promise.finally(() => this.#pending.delete(promise));
    }
  }

  #remember(id: string, owner: string | undefined): void {
    if (!this.#owner.has(id) && this.#owner.size >= this.#maxOpenSpans) {
      const oldest = this.#owner.keys().next().value!;
      this.#owner.delete(oldest);
      this.#runs.delete(oldest);
      this.#generationModel.delete(oldest);
      if (!this.#overflowed) {
        this.#overflowed = true;
        this.#recorder.warn('ERR_ADAPTER_INPUT', `more than ${this.#maxOpenSpans} spans open at once (maxOpenSpans): the oldest are forgotten, and an agent run among them is not recorded`);
      }
    }
    this.#owner.set(id, owner);
  }
}

/**
 * The Mastra adapter in one line: an exporter recording each agent run (agent, model, usage of its
 * generations, duration, outcome) as one invocation. See {@link MastraAdapterOptions}.
 *
 * @param options - `collector` (required), `agent`, `taskId`, `attempt`, `errorClass`, `phase`, `prices`, `onWarning`, `maxOpenSpans`.
 * @returns An exporter for the `exporters` of an `Observability` config.
 * @throws {@link InvalidOptionError} for a bad option.
 */
export function invocationMetricsExporter(options: MastraAdapterOptions): InvocationMetricsExporter {
  return new InvocationMetricsExporter(options);
}
