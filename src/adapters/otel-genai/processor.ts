/**
 * The OpenTelemetry GenAI adapter: a `SpanProcessor` that turns finished GenAI spans of any instrumentation
 * (OpenLLMetry, OpenLIT, the OTel JS GenAI instrumentations, a framework's own) into records. Which spans
 * become records, and how a model call is never counted twice, is said in
 * {@link OtelGenAiOptions.operations}; what a span lacks (cost, attempt, phase) in {@link OtelGenAiOptions}.
 *
 * @module
 */
import { InvalidOptionError } from '../../errors.js';
import { AdapterRecorder, type AdapterOptions, type CallFields } from '../recorder.js';
import type { PricedCost } from '../../prices/index.js';
import { INVOKE_AGENT, MODEL_CALL_OPERATIONS, READ, type RecordedOperation } from './names.js';
import { factsOf, hrMs, isOwnSpan, operationOf, parentIdOf, stringOf, wholeMsDuration, type GenAiSpan, type SpanFacts, type SpanUsage } from './span-view.js';
import { describeSpan, inherited, type SpanDescription } from './describe.js';

/** Options of {@link InvocationMetricsSpanProcessor}. */
export interface OtelGenAiOptions extends AdapterOptions {
  /**
   * The operations whose spans become records. `invoke_agent`: one record per agent invocation; an
   * `invoke_agent` span without usage of its own takes the sum of the model calls below it (OpenLLMetry and
   * the OTel instrumentations put tokens on the model-call spans only), priced call by call. `chat`,
   * `generate_content`, `text_completion`: one record per model call. Both kinds at once: a model call
   * below an `invoke_agent` span is part of that agent's record and never a record of its own; model
   * calls outside any agent span are records of their own. No call is counted twice. A sub-agent's
   * `invoke_agent` span below another is a record of its own, and a model call counts in its nearest
   * agent's record (a call that ends after its agent span ended is in none).
   * @default ['invoke_agent']
   */
  readonly operations?: readonly RecordedOperation[] | undefined;
  /**
   * The agent of a span that names none (`gen_ai.agent.name`, else OpenLLMetry's `traceloop.entity.name`;
   * a model call first takes the name of the nearest `invoke_agent` span above it): a name, or a function
   * of the span.
   * @default 'unknown' (warned about once)
   */
  readonly agent?: string | ((span: GenAiSpan) => string | undefined) | undefined;
  /**
   * What the spans cannot say, per span: `taskId`, `attempt`, `phase`, `tier`, `agent`, `errorClass`. Wins
   * over the span attributes `invocation_metrics.task_id`, `.attempt`, `.phase`, `.tier` (read on the span,
   * else on the nearest span above it that has them). A function that throws is warned about.
   * @default none: those attributes, else `attempt` 1, the `phase` option, no taskId or tier
   */
  readonly describe?: ((span: GenAiSpan) => SpanDescription | undefined) | undefined;
}

/** Spans in flight remembered for their children; past this the oldest are forgotten (warned once). */
export const MAX_LIVE_SPANS = 100_000;
const UNKNOWN_AGENT = 'unknown';

interface ModelCall {
  readonly model: string | undefined;
  readonly provider: string | undefined;
  readonly usage: SpanUsage;
  readonly cost: number | undefined;
}

interface Entry {
  readonly span: GenAiSpan;
  readonly parent: Entry | undefined;
  /** The model calls that ended below this span (an agent span's, for its record). */
  calls?: ModelCall[];
}

const OPERATIONS: readonly string[] = [INVOKE_AGENT, ...MODEL_CALL_OPERATIONS];

/**
 * Records finished GenAI spans. Add it to your tracer provider's `spanProcessors`; it implements the SDK's
 * `SpanProcessor` (sdk-trace 3.x; the same methods as sdk-trace-base 1.x/2.x) and never throws into the
 * traced code. Spans of our own span sink (scope `invocation-metrics`, or any span carrying
 * `invocation_metrics.invocation_id`) are never recorded back, nor any GenAI span below one of them: the
 * collector's record of that invocation is the one. The SDK calls processors for recording spans only: a
 * span your sampler drops is not recorded here either.
 */
export class InvocationMetricsSpanProcessor {
  readonly #recorder: AdapterRecorder;
  readonly #operations: ReadonlySet<string>;
  readonly #agent: OtelGenAiOptions['agent'];
  readonly #describe: OtelGenAiOptions['describe'];
  readonly #live = new Map<string, Entry>();
  readonly #pending = new Set<Promise<void>>();
  #warnedAgent = false;
  #warnedEvicted = false;
  #closed = false;

  /**
   * @param options - See {@link OtelGenAiOptions}.
   * @throws {@link InvalidOptionError} for a missing collector or a bad option.
   */
  constructor(options: OtelGenAiOptions) {
    this.#recorder = new AdapterRecorder('otel-genai', options);
    const { operations = [INVOKE_AGENT], agent, describe } = options;
    if (!Array.isArray(operations) || operations.length === 0 || operations.some((op) => !OPERATIONS.includes(op as string)))
      throw new InvalidOptionError('operations', `a non-empty array of ${OPERATIONS.map((o) => `'${o}'`).join(', ')}`, operations);
    if (agent !== undefined && typeof agent !== 'function' && (typeof agent !== 'string' || agent === ''))
      throw new InvalidOptionError('agent', 'a non-empty string, a function of the span, or absent', agent);
    if (describe !== undefined && typeof describe !== 'function') throw new InvalidOptionError('describe', 'a function of the span, or absent', describe);
    this.#operations = new Set(operations);
    this.#agent = agent;
    this.#describe = describe;
  }

  /**
   * Remembers a started span, so that the spans below it find their agent and their invocation.
   *
   * @param span - The started span (the SDK's `Span`).
   */
  onStart(span: GenAiSpan, _parentContext?: unknown): void {
    if (this.#closed) return;
    try {
      const parentId = parentIdOf(span);
      this.#live.set(span.spanContext().spanId, { span, parent: parentId === undefined ? undefined : this.#live.get(parentId) });
      if (this.#live.size > MAX_LIVE_SPANS) this.#evict();
    } catch (err) {
      this.#recorder.warn('ERR_ADAPTER_INPUT', `a started span could not be read: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /**
   * Records a finished GenAI span, as {@link OtelGenAiOptions.operations} says.
   *
   * @param span - The finished span (the SDK's `ReadableSpan`).
   */
  onEnd(span: GenAiSpan): void {
    if (this.#closed) return;
    try {
      const id = span.spanContext().spanId;
      const entry = this.#live.get(id);
      this.#live.delete(id);
      const parentId = parentIdOf(span);
      this.#ended(span, entry, entry?.parent ?? (parentId === undefined ? undefined : this.#live.get(parentId)));
    } catch (err) {
      this.#recorder.warn('ERR_ADAPTER_INPUT', `span ${JSON.stringify(span?.name)} could not be read: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Resolves once every record made so far is written (or warned about). */
  async forceFlush(): Promise<void> {
    await Promise.all([...this.#pending]);
  }

  /** Stops recording (idempotent) and waits for the records already made. */
  async shutdown(): Promise<void> {
    this.#closed = true;
    this.#live.clear();
    await this.forceFlush();
  }

  #ended(span: GenAiSpan, entry: Entry | undefined, parent: Entry | undefined): void {
    if (isOwnSpan(span)) return;
    const op = operationOf(span.attributes);
    const isAgent = op === INVOKE_AGENT;
    if (op === undefined || (!isAgent && !(MODEL_CALL_OPERATIONS as readonly string[]).includes(op))) return;
    let agentAbove: Entry | undefined;
    for (let e = parent; e !== undefined; e = e.parent) {
      if (isOwnSpan(e.span)) return; // a collector.begin() invocation: its record covers everything below
      if (agentAbove === undefined && operationOf(e.span.attributes) === INVOKE_AGENT) agentAbove = e;
    }
    const facts = factsOf(span);
    if (!isAgent) {
      if (agentAbove !== undefined) (agentAbove.calls ??= []).push({ model: facts.model, provider: facts.provider, usage: facts.usage, cost: facts.cost });
      if (!this.#operations.has(op) || (agentAbove !== undefined && this.#operations.has(INVOKE_AGENT))) return;
    } else if (!this.#operations.has(INVOKE_AGENT)) return;
    const named = facts.agent ?? (agentAbove === undefined ? undefined : stringOf(agentAbove.span.attributes, READ.agent));
    const rollUp = isAgent && !facts.hasUsage && entry?.calls !== undefined ? entry.calls : undefined;
    this.#emit(span, parent, facts, named, rollUp);
  }

  #emit(span: GenAiSpan, parent: Entry | undefined, facts: SpanFacts, named: string | undefined, calls: readonly ModelCall[] | undefined): void {
    const ctx = span.spanContext();
    const where = `span ${JSON.stringify(span.name)} (trace ${ctx.traceId}, span ${ctx.spanId})`;
    const problems = [...facts.problems];
    const attrs = inherited(span, parent, problems);
    const given = describeSpan(this.#describe, span, problems);
    for (const p of problems) this.#recorder.warn('ERR_ADAPTER_INPUT', `${where}: ${p}`);
    const last = calls?.at(-1);
    const usage = calls === undefined ? facts.usage : sumUsage(calls);
    const call: CallFields = {
      invocationId: `${ctx.traceId}-${ctx.spanId}`,
      agent: given.agent ?? named ?? this.#fallbackAgent(span),
      startMs: hrMs(span.startTime),
      durationMs: wholeMsDuration(span),
      success: !facts.failed,
      taskId: given.taskId ?? attrs.taskId,
      attempt: given.attempt ?? attrs.attempt,
      phase: given.phase ?? attrs.phase,
      tier: given.tier ?? attrs.tier,
      model: facts.model ?? last?.model,
      provider: facts.provider ?? last?.provider,
      ...usage,
      providerCost: facts.cost,
      priced: calls === undefined || facts.cost !== undefined ? undefined : this.#priceCalls(calls),
      errorClass: given.errorClass ?? facts.errorClass,
      extra: facts.errorType !== undefined && facts.errorType !== facts.errorClass ? { errorType: facts.errorType } : undefined,
    };
    const done = this.#recorder.emit(call);
    if (done !== undefined) {
      this.#pending.add(done);
      void done.finally(() => this.#pending.delete(done));
    }
  }

  /** The cost of an invocation's model calls, each priced on its own (its model, its reported cost). */
  #priceCalls(calls: readonly ModelCall[]): PricedCost {
    let cost = 0;
    let table: string | undefined;
    let allProvider = true;
    for (const c of calls) {
      const p = this.#recorder.price(c.model, { inputTokens: c.usage.inputTokens, outputTokens: c.usage.outputTokens, cachedTokens: c.usage.cachedTokens }, c.cost);
      cost += p.cost;
      if (p.costSource !== 'provider') allProvider = false;
      table ??= p.priceTable;
    }
    // A sum with any estimated part is an estimate ('table'); 'provider' only when every call reported its cost.
    if (allProvider) return { cost, costSource: 'provider' };
    return table === undefined ? { cost, costSource: 'none' } : { cost, costSource: 'table', priceTable: table };
  }

  #fallbackAgent(span: GenAiSpan): string {
    if (this.#agent !== undefined) {
      try {
        const a = typeof this.#agent === 'function' ? this.#agent(span) : this.#agent;
        if (typeof a === 'string' && a !== '') return a;
      } catch (err) {
        this.#recorder.warn('ERR_ADAPTER_INPUT', `the \`agent\` option threw: ${err instanceof Error ? err.message : String(err)}`);
      }
    } else if (!this.#warnedAgent) {
      this.#warnedAgent = true;
      this.#recorder.warn('ERR_ADAPTER_INPUT', `span ${JSON.stringify(span.name)} names no agent (gen_ai.agent.name): recorded as agent "${UNKNOWN_AGENT}"; pass the \`agent\` option (a name or a function of the span) (warned once)`);
    }
    return UNKNOWN_AGENT;
  }

  #evict(): void {
    const oldest = this.#live.keys().next().value;
    if (oldest !== undefined) this.#live.delete(oldest);
    if (!this.#warnedEvicted) {
      this.#warnedEvicted = true;
      this.#recorder.warn('ERR_ADAPTER_INPUT', `more than ${MAX_LIVE_SPANS} spans in flight: the oldest are forgotten, and model calls below them may lose their agent (warned once)`);
    }
  }
}

/** Sums the usage of several calls; a count none of them reported stays absent. */
function sumUsage(calls: readonly ModelCall[]): SpanUsage {
  const sum = (pick: (u: SpanUsage) => number | undefined): number | undefined =>
    calls.reduce<number | undefined>((acc, c) => (pick(c.usage) === undefined ? acc : (acc ?? 0) + pick(c.usage)!), undefined);
  return {
    inputTokens: sum((u) => u.inputTokens),
    outputTokens: sum((u) => u.outputTokens),
    cachedTokens: sum((u) => u.cachedTokens),
    totalTokens: calls.some((c) => c.usage.totalTokens !== undefined) ? sum((u) => u.totalTokens ?? (u.inputTokens ?? 0) + (u.outputTokens ?? 0)) : undefined,
  };
}

/**
 * The GenAI span processor of invocation-metrics, in one line:
 * `new TracerProvider({ spanProcessors: [invocationMetricsSpanProcessor({ collector })] })`.
 *
 * @param options - See {@link OtelGenAiOptions}.
 * @returns The processor.
 * @throws {@link InvalidOptionError} for a missing collector or a bad option.
 */
export function invocationMetricsSpanProcessor(options: OtelGenAiOptions): InvocationMetricsSpanProcessor {
  return new InvocationMetricsSpanProcessor(options);
}
