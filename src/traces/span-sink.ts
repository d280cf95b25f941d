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

  /** @param options - See {@link SpanSinkOptions} (validated by {@link checkSpanOptions}). */
  constructor(options: SpanSinkOptions) {
    const t = options.tracer as Partial<Tracer & TracerProvider>;
    this.#tracer = typeof t.startSpan === 'function' ? (t as Tracer) : (t as TracerProvider).getTracer(SCOPE_NAME);
    this.#provider = options.provider;
    this.#links = new RetryLinks(options.maxTrackedAttempts);
    this.#warn = warnOnce(options.logger);
  }

  /**
   * Makes the span of a finished invocation, after the fact, as a child of the active context.
   *
   * @param m - An accepted record.
   * @returns The ended span (for the record's log event to point at), or `undefined` when the tracer threw.
   */
  record(m: InvocationMetric): Span | undefined {
    try {
      const start = parseTimestamp(m.timestamp);
      const link = this.#links.find(m);
      const attributes = recordAttributes(m, this.#providerName(m.agent, m.model, ownProvider(m)), link);
      // One options shape for every record (a spread of optional parts would allocate twice).
      const span = this.#tracer.startSpan(`${OPERATION} ${capValue(m.agent)}`, {
        kind: SpanKind.INTERNAL,
        startTime: hrTime(start),
        attributes,
        links: link?.previous === undefined ? undefined : [linkOf(link)],
      });
      this.#links.remember(m, span.spanContext());
      if (!m.success) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end(hrTime(start + m.durationMs));
      return span;
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
   * @param parent - The parent context `begin()` was given, else the active context.
   * @returns The live span, or `undefined` when the tracer threw.
   */
  begin(
    fields: { agent: string; phase: number; model?: string; taskId?: string; attempt?: number; invocationId: string },
    startMs: number,
    parent: Context = contextApi.active(),
  ): LiveSpan | undefined {
    try {
      const provider = this.#providerName(fields.agent, fields.model, undefined);
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
      return this.#live(span, trace.setSpan(parent, span), startMs, provider);
    } catch (err) {
      this.#failed(err);
      return undefined;
    }
  }

  #live(span: Span, context: Context, startMs: number, provider: string): LiveSpan {
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
        } catch (err) {
          this.#failed(err);
        }
      },
      abandon: (endMs) => {
        try {
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

function linkOf(link: RetryLink): Link {
  return { context: link.previous!, attributes: { [OURS.retryKind]: link.verdict.kind, [OURS.escalated]: link.verdict.escalated } };
}
