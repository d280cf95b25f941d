/**
 * `invocation-metrics/openai-agents`: a `TracingProcessor` of the OpenAI Agents SDK that records each
 * `agent` span (one agent's turn of a run, up to its handoff or final output) as one record.
 *
 * What the spans say, and what they do not: the agent's name and times, its turns' usage, its handoff and
 * tripped guardrail (child spans), its error. The model is named only by the `generation`/`response`
 * spans of the OpenAI model classes (not by a custom `Model` such as `ScriptedModel`): the `model` option
 * names it otherwise. A retry of a model request (`modelSettings.retry`) happens inside a turn: the turn's
 * usage does not show it and the run's `task` span only counts the run's requests, so one record per
 * attempt is not possible from these traces. Where the OpenAI model classes trace each request, the record
 * counts them (`requests`, `failedRequests`); its `attempt` is 1, or the one you give in the trace's metadata.
 *
 * The framework is an optional peer dependency: this module imports only its types.
 *
 * @module
 */
import type { Span, Trace, TracingProcessor } from '@openai/agents';
import { InvalidOptionError } from '../../errors.js';
import { AdapterRecorder, type AdapterOptions } from '../recorder.js';
import { modelSpanFields, nonEmpty, spanErrorClass, turnTokens, type Tokens } from './span-fields.js';

export { spanErrorClass } from './span-fields.js';

/** Options of {@link invocationMetricsProcessor}. */
export interface OpenAIAgentsAdapterOptions extends AdapterOptions {
  /**
   * The model of an agent whose spans do not name it (a custom `Model`), by agent name.
   * @default the model of the agent's `generation`/`response` spans, else none
   */
  readonly model?: string | ((agent: string) => string | undefined) | undefined;
  /**
   * The `gen_ai.provider.name` of an agent's records (`openai`), by agent name.
   * @default none (the collector's `provider` option applies)
   */
  readonly provider?: string | ((agent: string) => string | undefined) | undefined;
  /**
   * The infrastructure class of an agent span's error (`{ message, data }`), or `undefined` for a failure
   * of the agent's own.
   * @default {@link spanErrorClass}: the `openai` package's error names (`RateLimitError`, ...)
   */
  readonly errorClass?: ((error: { message: string; data?: Record<string, unknown> }) => string | undefined) | undefined;
}

/** What the child spans of one agent span said. */
interface AgentState {
  turns: number;
  turnTokens: Tokens | undefined;
  /** The usage of runs nested in this agent's turns (an agent used as a tool), which its turns include. */
  nestedTokens: Tokens | undefined;
  modelTokens: Tokens | undefined;
  requests: number;
  failedRequests: number;
  model: string | undefined;
  handoffTo: string | undefined;
  guardrailTripped: string | undefined;
}

/** Open spans are forgotten past this many (spans a crashed run never ended). */
const MAX_OPEN_SPANS = 100_000;

const add = (a: Tokens | undefined, b: Tokens): Tokens => (a === undefined ? { ...b } : { input: a.input + b.input, output: a.output + b.output, cached: a.cached + b.cached });
const minus = (a: Tokens, b: Tokens | undefined): Tokens =>
  b === undefined ? a : { input: Math.max(0, a.input - b.input), output: Math.max(0, a.output - b.output), cached: Math.max(0, a.cached - b.cached) };
const dataOf = (span: Span<never>): Record<string, unknown> | undefined => {
  const data: unknown = span.spanData;
  return typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : undefined;
};

/**
 * Records one invocation per `agent` span: agent, times, tokens (its turns' usage, less that of runs nested
 * in them, whose agents are recorded on their own; where turn spans are off, its model spans' usage: never both), model, success and error class, `taskId`/`attempt`/`tier` from
 * the trace's metadata (`taskId` defaults to the trace id), and the extra fields `turns`, `handoffTo`,
 * `guardrailTripped`, `requests` and `failedRequests` (when model spans show them).
 *
 * @example
 * ```ts
 * setTraceProcessors([invocationMetricsProcessor({ collector })]); // replaces the export to OpenAI
 * await new Runner({ traceMetadata: { taskId: 'T1', attempt: '2' } }).run(agent, input);
 * ```
 * `addTraceProcessor` keeps the SDK's exporter to OpenAI as well. A span it cannot read (no agent name, no
 * times) is not recorded: a warning says why (`ERR_ADAPTER_INPUT`), and the run goes on.
 */
export class InvocationMetricsProcessor implements TracingProcessor {
  readonly #recorder: AdapterRecorder;
  readonly #model: OpenAIAgentsAdapterOptions['model'];
  readonly #provider: OpenAIAgentsAdapterOptions['provider'];
  readonly #errorClass: NonNullable<OpenAIAgentsAdapterOptions['errorClass']>;
  /** Open span id -> the id of its agent span (its nearest `agent` ancestor, or itself). */
  readonly #agentOf = new Map<string, string>();
  readonly #agents = new Map<string, AgentState>();

  /**
   * @param options - See {@link OpenAIAgentsAdapterOptions}.
   * @throws {@link InvalidOptionError} for a missing collector or a bad option.
   */
  constructor(options: OpenAIAgentsAdapterOptions) {
    this.#recorder = new AdapterRecorder('openai-agents', options);
    for (const name of ['model', 'provider'] as const) {
      const v = options[name];
      if (v !== undefined && typeof v !== 'function' && nonEmpty(v) === undefined) throw new InvalidOptionError(name, 'a non-empty string, a function of the agent name, or absent', v);
    }
    if (options.errorClass !== undefined && typeof options.errorClass !== 'function') throw new InvalidOptionError('errorClass', 'a function or absent', options.errorClass);
    this.#model = options.model;
    this.#provider = options.provider;
    this.#errorClass = options.errorClass ?? spanErrorClass;
  }

  /** Nothing to do: records are made as spans end. */
  async onTraceStart(_trace: Trace): Promise<void> {}

  /** Nothing to do: every agent span of the trace has ended. */
  async onTraceEnd(_trace: Trace): Promise<void> {}

  /**
   * Notes which agent span a span belongs to.
   *
   * @param span - The span.
   */
  async onSpanStart(span: Span<never>): Promise<void> {
    try {
      const data = dataOf(span);
      const id = span.spanId;
      if (typeof id !== 'string') return;
      if (this.#agentOf.size >= MAX_OPEN_SPANS) this.#agentOf.delete(this.#agentOf.keys().next().value!);
      if (data?.type === 'agent') {
        this.#agentOf.set(id, id);
        this.#agents.set(id, { turns: 0, turnTokens: undefined, nestedTokens: undefined, modelTokens: undefined, requests: 0, failedRequests: 0, model: undefined, handoffTo: undefined, guardrailTripped: undefined });
        return;
      }
      const owner = span.parentId === null ? undefined : this.#agentOf.get(span.parentId);
      if (owner !== undefined) this.#agentOf.set(id, owner);
    } catch (err) {
      this.#recorder.warn('ERR_ADAPTER_INPUT', `a span could not be read: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /**
   * Adds what a child span says to its agent's state; records an agent span.
   *
   * @param span - The span.
   */
  async onSpanEnd(span: Span<never>): Promise<void> {
    try {
      const id = span.spanId;
      const owner = this.#agentOf.get(id);
      this.#agentOf.delete(id);
      const data = dataOf(span);
      if (owner === undefined || data === undefined) return;
      if (owner === id) return this.#record(span, data);
      const state = this.#agents.get(owner);
      if (state !== undefined) this.#note(state, span, data);
    } catch (err) {
      this.#recorder.warn('ERR_ADAPTER_INPUT', `a span could not be read: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Nothing buffered: records go to the collector as agent spans end (its `flush()` writes them). */
  async shutdown(_timeout?: number): Promise<void> {}

  /** Nothing buffered: see {@link InvocationMetricsProcessor.shutdown}. */
  async forceFlush(): Promise<void> {}

  #note(state: AgentState, span: Span<never>, data: Record<string, unknown>): void {
    switch (data.type) {
      case 'turn': {
        state.turns += 1;
        const tokens = turnTokens(data);
        if (tokens !== undefined) state.turnTokens = add(state.turnTokens, tokens);
        return;
      }
      case 'task': {
        // A run nested in one of this agent's turns (`agent.asTool()`): its agent spans are recorded on
        // their own, and the runner adds its usage to the calling turn's, so it is taken out here.
        const tokens = turnTokens(data);
        if (tokens !== undefined) state.nestedTokens = add(state.nestedTokens, tokens);
        return;
      }
      case 'generation':
      case 'response': {
        state.requests += 1;
        if (span.error !== null && span.error !== undefined) state.failedRequests += 1;
        const { tokens, model } = modelSpanFields(data);
        if (tokens !== undefined) state.modelTokens = add(state.modelTokens, tokens);
        state.model = model ?? state.model;
        return;
      }
      case 'handoff':
        state.handoffTo = nonEmpty(data.to_agent) ?? state.handoffTo;
        return;
      case 'guardrail':
        if (data.triggered === true) state.guardrailTripped = nonEmpty(data.name) ?? 'guardrail';
        return;
    }
  }

  #record(span: Span<never>, data: Record<string, unknown>): void {
    const state = this.#agents.get(span.spanId);
    this.#agents.delete(span.spanId);
    const agent = nonEmpty(data.name);
    const start = Date.parse(String(span.startedAt));
    const end = Date.parse(String(span.endedAt));
    if (agent === undefined || !Number.isFinite(start) || !Number.isFinite(end)) {
      this.#recorder.warn('ERR_ADAPTER_INPUT', `agent span ${JSON.stringify(span.spanId)} has no ${agent === undefined ? 'agent name' : 'start and end times'} (name ${JSON.stringify(data.name)}, startedAt ${JSON.stringify(span.startedAt)}, endedAt ${JSON.stringify(span.endedAt)}); not recorded`);
      return;
    }
    const meta = typeof span.traceMetadata === 'object' && span.traceMetadata !== null ? (span.traceMetadata as Record<string, unknown>) : {};
    const attempt = meta.attempt === undefined ? undefined : Number(meta.attempt);
    if (attempt !== undefined && !(Number.isSafeInteger(attempt) && attempt >= 1))
      this.#recorder.warn('ERR_ADAPTER_INPUT', `trace metadata attempt ${JSON.stringify(meta.attempt)} is not an integer >= 1; attempt 1 recorded`);
    const tokens = state?.turnTokens !== undefined ? minus(state.turnTokens, state.nestedTokens) : state?.modelTokens;
    const error = span.error ?? undefined;
    const ask = (name: string, fn: () => unknown): string | undefined => {
      try {
        return nonEmpty(fn());
      } catch (err) {
        this.#recorder.warn('ERR_ADAPTER_INPUT', `the \`${name}\` option threw (${err instanceof Error ? err.message : String(err)}); left out`);
        return undefined;
      }
    };
    const byName = (name: string, option: string | ((agent: string) => string | undefined) | undefined): string | undefined =>
      typeof option === 'function' ? ask(name, () => option(agent)) : option;
    void this.#recorder.emit({
      agent,
      startMs: start,
      durationMs: Math.max(0, end - start),
      success: error === undefined,
      errorClass: error === undefined ? undefined : ask('errorClass', () => this.#errorClass(error)),
      taskId: nonEmpty(meta.taskId) ?? nonEmpty(span.traceId),
      attempt: attempt !== undefined && Number.isSafeInteger(attempt) && attempt >= 1 ? attempt : 1,
      tier: nonEmpty(meta.tier),
      model: state?.model ?? byName('model', this.#model),
      provider: byName('provider', this.#provider),
      inputTokens: tokens?.input,
      outputTokens: tokens?.output,
      cachedTokens: tokens?.cached,
      extra: {
        turns: state?.turns,
        handoffTo: state?.handoffTo,
        guardrailTripped: state?.guardrailTripped,
        requests: state !== undefined && state.requests > 0 ? state.requests : undefined,
        failedRequests: state !== undefined && state.requests > 0 ? state.failedRequests : undefined,
      },
    });
  }
}

/**
 * A {@link InvocationMetricsProcessor} for `setTraceProcessors([...])`.
 *
 * @param options - See {@link OpenAIAgentsAdapterOptions}.
 * @returns The processor.
 * @throws {@link InvalidOptionError} for a missing collector or a bad option.
 */
export function invocationMetricsProcessor(options: OpenAIAgentsAdapterOptions): InvocationMetricsProcessor {
  return new InvocationMetricsProcessor(options);
}
