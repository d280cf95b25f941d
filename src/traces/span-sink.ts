/**
 * The span sink: each accepted record becomes one `invoke_agent {agent}` span (kind INTERNAL) of the
 * user's OpenTelemetry tracer, from the record's own start to `start + durationMs`, with the GenAI
 * attributes and ours (see `names.ts`), status ERROR on failure, and, for a retry, a link to its previous
 * attempt's span. `begin()` starts the span at once (the user's nested spans parent under it) and
 * `end()` finishes it. API only: the SDK is the user's (or `createTracing()`'s).
 *
 * Telemetry never breaks its caller: a tracer that throws is warned about once and the record is kept
 * and logged as usual, without its span.
 *
 * @module
 */
import {
  context as contextApi,
  INVALID_SPAN_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type HrTime,
  type Link,
  type Span,
  type SpanContext,
  type SpanStatus,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import { InvalidOptionError } from '../errors.js';
import type { Logger } from '../logger.js';
import { SCOPE_NAME } from '../otel/names.js';
import { warnOnce, type WarnOnce } from '../otel/warn-once.js';
import { parseTimestamp, type InvocationMetric } from '../record.js';
import { checkProviderOption, optionProvider, ownProvider, PROVIDER_UNKNOWN, type ProviderOption } from '../otel/provider.js';
import { ABANDONED_ERROR, capValue, GEN_AI, OPERATION, OTHER_ERROR, OURS } from './names.js';
import { childContext, directQueueOf, hrDuration, INTERNAL, type DirectSpanQueue, type FinishedSpan } from './direct.js';
import { MAX_PHASE_SPANS, ParentSpans, type SpanParentsOption } from './parent-spans.js';
import { RetryLinks, type RetryLink } from './retry-links.js';


/** Options of {@link SpanSink}. */
export interface SpanSinkOptions {
  /** The user's tracer, or a provider to take one from (scope `invocation-metrics`). */
  readonly tracer: Tracer | TracerProvider;
  /** See {@link ProviderOption}; absent: the record's `provider`, else `_OTHER`. */
  readonly provider?: ProviderOption | undefined;
  /** Distinct taskIds (and agents without one) whose attempts are remembered for retry links. */
  readonly maxTrackedAttempts: number;
  /** Receives the one warning of a failing tracer. */
  readonly logger: Logger;
  /** Run and phase parent spans to make (checked); absent: none. */
  readonly parents?: SpanParentsOption | undefined;
}

/** The span of a live invocation, from {@link SpanSink.begin}. */
export interface LiveSpan {
  /** The span (a recording span of the user's tracer, unless its sampler dropped it). */
  readonly span: Span;
  /** The context at `begin()` with {@link LiveSpan.span} set: the parent of the user's nested spans. */
  readonly context: Context;
  /** Completes the span from the accepted record and ends it at its start + `durationMs`. */
  finish(record: InvocationMetric): void;
  /** Ends the span as abandoned (status ERROR, `error.type=abandoned`) at `endMs`. */
  abandon(endMs: number): void;
}

/** The instrumentation scope of the direct path's spans (the SDK path's tracer has the same name). */
const SCOPE = Object.freeze({ name: SCOPE_NAME });

/** The non-recording span of a handle when the collector has no tracer. */
export const NO_SPAN: Span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/** Epoch milliseconds (fractions allowed) as an OTel `HrTime`: a plain number would be read as a performance-clock time when it is before the process started. */
function hrTime(ms: number): HrTime {
  const seconds = Math.floor(ms / 1000);
  let nanos = Math.round((ms - seconds * 1000) * 1e6);
  if (nanos >= 1e9) nanos = 999_999_999;
  return [seconds, nanos];
}

/**
 * Validates the collector's `tracer` and `provider` options.
 *
 * @param tracer - The option's value.
 * @param provider - The option's value.
 * @throws {@link InvalidOptionError} when either is of the wrong kind.
 */
export function checkSpanOptions(tracer: unknown, provider: unknown): void {
  const t = tracer as Partial<Tracer & TracerProvider> | null;
  if (t === null || typeof t !== 'object' || (typeof t.startSpan !== 'function' && typeof t.getTracer !== 'function'))
    throw new InvalidOptionError('tracer', 'an OpenTelemetry Tracer or TracerProvider', tracer);
  checkProviderOption(provider);
}

/** Turns records into spans. */
export class SpanSink {
  readonly #tracer: Tracer;
  readonly #provider: ProviderOption | undefined;
  readonly #links: RetryLinks;
  readonly #warn: WarnOnce;
  readonly #parents: ParentSpans | undefined;
  /** The `createTracing()` bundle's own queue: record() spans go there without the SDK's span object. */
  readonly #direct: DirectSpanQueue | undefined;

  /** @param options - See {@link SpanSinkOptions} (validated by {@link checkSpanOptions}). */
  constructor(options: SpanSinkOptions) {
    const t = options.tracer as Partial<Tracer & TracerProvider>;
    this.#tracer = typeof t.startSpan === 'function' ? (t as Tracer) : (t as TracerProvider).getTracer(SCOPE_NAME);
    this.#provider = options.provider;
    this.#direct = directQueueOf(options.tracer);
    this.#links = new RetryLinks(options.maxTrackedAttempts);
    this.#warn = warnOnce(options.logger);
    const parents = options.parents === undefined ? undefined : new ParentSpans(this.#tracer, options.parents, () => this.#tooManyPhases(), hrTime);
    this.#parents = parents?.enabled === true ? parents : undefined;
  }

  /**
   * Makes the span of a finished invocation, after the fact, as a child of `parent`; else of its phase or
   * run span when `spanParents` asks for them; else of the active context.
   *
   * @param m - An accepted record.
   * @param parent - The context given to `record()`, if any.
   * @returns The span's context (for the record's log event to point at), or `undefined` when the tracer threw.
   */
  record(m: InvocationMetric, parent?: Context): SpanContext | undefined {
    try {
      const start = parseTimestamp(m.timestamp);
      const ctx = parent ?? this.#parents?.parentOf(m.phase, start, start + m.durationMs, contextApi.active());
      const link = this.#links.find(m);
      if (this.#direct !== undefined) return this.#recordDirect(m, start, ctx ?? contextApi.active(), link, this.#direct);
      const attributes = recordAttributes(m, this.#providerName(m.agent, m.model, ownProvider(m)), link);
      // One options shape for every record (a spread of optional parts would allocate twice).
      const span = this.#tracer.startSpan(`${OPERATION} ${capValue(m.agent)}`, {
        kind: SpanKind.INTERNAL,
        startTime: hrTime(start),
        attributes,
        links: link?.previous === undefined ? undefined : [linkOf(link)],
      }, ctx);
      const own = span.spanContext();
      this.#links.remember(m, own);
      if (!m.success) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end(hrTime(start + m.durationMs));
      return own;
    } catch (err) {
      this.#failed(err);
      return undefined;
    }
  }

  /**
   * Starts the span of a live invocation at `startMs`, as a child of `parent`, with the
   * attributes known now (those the conventions ask for at start: operation, agent, provider, model).
   *
   * @param fields - What `begin()` was given.
   * @param startMs - The start, epoch ms.
   * @param given - The parent context `begin()` was given; absent: the phase or run span when
   *   `spanParents` asks for them, else the active context.
   * @returns The live span, or `undefined` when the tracer threw.
   */
  begin(
    fields: { agent: string; phase: number; model?: string; provider?: string; taskId?: string; attempt?: number; invocationId: string },
    startMs: number,
    given?: Context,
  ): LiveSpan | undefined {
    try {
      const active = contextApi.active();
      const parent = given ?? this.#parents?.parentOf(fields.phase, startMs, startMs, active) ?? active;
      const provider = this.#providerName(fields.agent, fields.model, fields.provider === '' ? undefined : fields.provider);
      const attributes: Attributes = {
        [GEN_AI.operation]: OPERATION,
        [GEN_AI.agentName]: capValue(fields.agent),
        [GEN_AI.provider]: provider,
        [GEN_AI.requestModel]: fields.model === undefined ? undefined : capValue(fields.model),
        [OURS.invocationId]: capValue(fields.invocationId),
        [OURS.phase]: fields.phase,
        [OURS.taskId]: fields.taskId === undefined ? undefined : capValue(fields.taskId),
      };
      const span = this.#tracer.startSpan(`${OPERATION} ${capValue(fields.agent)}`, { kind: SpanKind.INTERNAL, startTime: hrTime(startMs), attributes }, parent);
      return this.#live(span, trace.setSpan(parent, span), startMs, provider, fields.phase);
    } catch (err) {
      this.#failed(err);
      return undefined;
    }
  }

  #live(span: Span, context: Context, startMs: number, provider: string, phase: number): LiveSpan {
    return {
      span,
      context,
      finish: (m) => {
        try {
          const link = this.#links.find(m);
          // The provider of begin() stays unless the record names its own.
          const own = ownProvider(m);
          const attributes = recordAttributes(m, own === undefined ? provider : capValue(own), link);
          if (link?.previous !== undefined) span.addLink(linkOf(link));
          span.setAttributes(attributes);
          this.#links.remember(m, span.spanContext());
          if (!m.success) span.setStatus({ code: SpanStatusCode.ERROR });
          span.end(hrTime(startMs + m.durationMs));
          this.#parents?.extend(phase, startMs + m.durationMs);
        } catch (err) {
          this.#failed(err);
        }
      },
      abandon: (endMs) => {
        try {
          this.#parents?.extend(phase, endMs);
          span.setAttributes({ [GEN_AI.errorType]: ABANDONED_ERROR, [OURS.abandoned]: true });
          span.setStatus({ code: SpanStatusCode.ERROR, message: 'abandoned: the invocation was not recorded' });
          span.end(hrTime(endMs));
        } catch (err) {
          this.#failed(err);
        }
      },
    };
  }

  /** The `gen_ai.provider.name`: the record's own (`own`), else the option's, else `_OTHER`; capped. */
  #providerName(agent: string, model: string | undefined, own: string | undefined): string {
    const named = own ?? optionProvider(this.#provider, agent, model);
    return named === undefined ? PROVIDER_UNKNOWN : capValue(named);
  }

  /**
   * The direct path of {@link SpanSink.record}: the same span (name, kind, times, attributes without the
   * absent ones, status, link), as data for the bundle's exporter. Sampled as the bundle's provider
   * samples (parent-based, always on at the root); an unsampled one is remembered for links, not sent.
   */
  #recordDirect(m: InvocationMetric, start: number, ctx: Context, link: RetryLink | undefined, queue: DirectSpanQueue): SpanContext {
    const parent = trace.getSpanContext(ctx);
    const validParent = parent !== undefined && trace.isSpanContextValid(parent) ? parent : undefined;
    const own = childContext(validParent);
    this.#links.remember(m, own);
    if (own.traceFlags === 0) return own;
    const attributes = definedAttributes(m, this.#providerName(m.agent, m.model, ownProvider(m)), link);
    const startTime = hrTime(start);
    const endTime = hrTime(start + m.durationMs);
    const status = m.success ? UNSET_STATUS : ERROR_STATUS;
    const links = link?.previous === undefined ? NO_LINKS : [linkOf(link)];
    queue.push(new DirectSpan(`${OPERATION} ${capValue(m.agent)}`, own, validParent, startTime, endTime, status, attributes, links, queue.resource));
    return own;
  }

  /** Ends the run and phase spans (at `close()`); later invocations would start new ones. */
  close(): void {
    try {
      this.#parents?.end();
    } catch (err) {
      this.#failed(err);
    }
  }

  #tooManyPhases(): void {
    this.#warn('phases', `more than ${MAX_PHASE_SPANS} phases have a phase span open; later phases' invocations parent to the run span (warned once)`);
  }

  #failed(err: unknown): void {
    this.#warn(
      'tracer',
      `the tracer threw (${err instanceof Error ? err.message : String(err)}); records are still kept and logged, a span may be missing (warned once)`,
    );
  }
}

/**
 * Every attribute of a record's span, in one object literal of one fixed shape (string keys, `undefined`
 * for what the record lacks: the API's `Attributes` allow it and the SDK skips such keys). Built field by
 * field, the object took a third of the sink's own time; the keys are those of `names.ts`, spelled out
 * because a literal of constant keys is what V8 builds fastest (the OTLP test checks every one).
 */
function recordAttributes(m: InvocationMetric, provider: string, link: RetryLink | undefined): Attributes {
  return {
    'gen_ai.operation.name': OPERATION,
    'gen_ai.agent.name': capValue(m.agent),
    'gen_ai.provider.name': provider,
    'gen_ai.request.model': m.model === undefined ? undefined : capValue(m.model),
    'gen_ai.usage.input_tokens': m.inputTokens,
    'gen_ai.usage.output_tokens': m.outputTokens,
    'gen_ai.usage.cache_read.input_tokens': m.cachedTokens,
    'error.type': m.success ? undefined : m.errorClass === undefined || m.errorClass === '' ? OTHER_ERROR : capValue(m.errorClass),
    'invocation_metrics.invocation_id': capValue(m.invocationId),
    'invocation_metrics.phase': m.phase,
    'invocation_metrics.task_id': m.taskId === undefined ? undefined : capValue(m.taskId),
    'invocation_metrics.attempt': m.attempt,
    'invocation_metrics.tier': m.tier === undefined ? undefined : capValue(m.tier),
    'invocation_metrics.cost': m.cost,
    'invocation_metrics.tokens': m.tokens,
    'invocation_metrics.exit_code': m.exitCode,
    'invocation_metrics.output_parsed': m.outputParsed,
    'invocation_metrics.retry.kind': link?.verdict.kind,
    'invocation_metrics.escalated': link?.verdict.escalated,
  };
}

/**
 * {@link recordAttributes} without the keys the record lacks: the exporter writes every key it is given
 * (the SDK's span drops `undefined` ones; the direct path has no SDK span to do it). Copied into a new
 * object rather than deleted from the literal: a `delete` turns the object into a slow dictionary.
 */
function definedAttributes(m: InvocationMetric, provider: string, link: RetryLink | undefined): Attributes {
  const all = recordAttributes(m, provider, link);
  const defined: Attributes = {};
  for (const key in all) if (all[key] !== undefined) defined[key] = all[key];
  return defined;
}

const UNSET_STATUS = Object.freeze({ code: SpanStatusCode.UNSET });
const ERROR_STATUS = Object.freeze({ code: SpanStatusCode.ERROR });
const NO_LINKS: Link[] = [];

/** A finished span of the direct path: one class (one shape), the context returned by a method, no closure per span. */
class DirectSpan implements FinishedSpan {
  readonly kind = INTERNAL;
  readonly duration: HrTime;
  readonly events: [] = [];
  readonly ended = true as const;
  readonly instrumentationScope = SCOPE;
  readonly droppedAttributesCount = 0 as const;
  readonly droppedEventsCount = 0 as const;
  readonly droppedLinksCount = 0 as const;
  readonly #context: SpanContext;

  constructor(
    readonly name: string,
    context: SpanContext,
    readonly parentSpanContext: SpanContext | undefined,
    readonly startTime: HrTime,
    readonly endTime: HrTime,
    readonly status: SpanStatus,
    readonly attributes: Attributes,
    readonly links: Link[],
    readonly resource: unknown,
  ) {
    this.#context = context;
    this.duration = hrDuration(startTime, endTime);
  }

  spanContext(): SpanContext {
    return this.#context;
  }
}

function linkOf(link: RetryLink): Link {
  return { context: link.previous!, attributes: { [OURS.retryKind]: link.verdict.kind, [OURS.escalated]: link.verdict.escalated } };
}
