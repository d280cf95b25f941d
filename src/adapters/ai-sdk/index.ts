/**
 * `invocation-metrics/ai-sdk`: records of the Vercel AI SDK's model calls, one per provider attempt.
 *
 * Why a language-model middleware: it is the one hook that runs once per provider attempt (the SDK's
 * retries call the wrapped model again), for `generateText` and `streamText` alike, with the attempt's
 * own usage or error. The SDK's telemetry spans and `onLanguageModelCallStart/End` events see a retried
 * call once, record only the configured `maxRetries`, and its outer `ai.generateText` span totals the
 * usage of every step: counting them would lose attempts or count tokens twice. The middleware cannot
 * tell which `generateText` call an attempt belongs to, nor its `functionId`; the same object, registered
 * as a telemetry integration, tells it (see `call-context.ts`).
 *
 * The framework is an optional peer dependency: this module imports only its types, nothing at run time.
 *
 * @module
 */
import { performance } from 'node:perf_hooks';
import type { LanguageModelMiddleware, Telemetry } from 'ai';
import { InvalidOptionError } from '../../errors.js';
import { AdapterRecorder, type AdapterOptions } from '../recorder.js';
import { CallContexts, currentTry, type TryContext } from './call-context.js';
import { CALL_OPTIONS_KEY, callErrorClass, parseCallOptions, usageFields, type InvocationMetricsCallOptions } from './call-fields.js';
import { providerName } from './provider-names.js';
import { tapStream, type StreamEnd } from './stream-tap.js';

export { CALL_OPTIONS_KEY, type InvocationMetricsCallOptions } from './call-fields.js';
export { providerName } from './provider-names.js';

type WrapArgs = Parameters<NonNullable<LanguageModelMiddleware['wrapGenerate']>>[0];
type CallParams = WrapArgs['params'];
type Model = WrapArgs['model'];

/** What the adapter knows of a model call when it names its agent and task. */
export interface AiSdkCall {
  /** The model's id (`gpt-5-mini`). */
  readonly modelId: string;
  /** The model's AI SDK provider (`openai.chat`). */
  readonly provider: string;
  /** The call's `telemetry.functionId`, when the telemetry integration is registered. */
  readonly functionId: string | undefined;
  /** The SDK's id of the `generateText`/`streamText` call, when the telemetry integration is registered. */
  readonly callId: string | undefined;
}

/** Options of {@link invocationMetrics}. */
export interface AiSdkAdapterOptions extends AdapterOptions {
  /**
   * The agent of the records: a name (one per wrapped model), or a function of the call returning a name
   * or `undefined` (then the default applies). A call's own `providerOptions.invocationMetrics.agent` wins.
   * @default the call's `telemetry.functionId`, else `'ai-sdk'`
   */
  readonly agent?: string | ((call: AiSdkCall) => string | undefined) | undefined;
  /**
   * The `taskId` of the records, a function of the call. A call's own `providerOptions.invocationMetrics.taskId` wins.
   * @default the SDK's call id (one per `generateText`/`streamText` call) when the telemetry integration is registered, else none
   */
  readonly taskId?: ((call: AiSdkCall) => string | undefined) | undefined;
  /**
   * Reads the cost (USD) a provider or gateway reported in an attempt's `providerMetadata`.
   * @default none: the cost comes from `prices`
   */
  readonly providerCost?: ((providerMetadata: unknown) => number | undefined) | undefined;
}

/**
 * A language-model middleware (give it to `wrapLanguageModel`) that is also a telemetry integration (give
 * it to `registerTelemetry`, or to a call's `telemetry.integrations`).
 */
export type AiSdkInvocationMetrics = Required<Pick<LanguageModelMiddleware, 'transformParams' | 'wrapGenerate' | 'wrapStream'>> & {
  readonly specificationVersion: 'v4';
} & Required<Pick<Telemetry, 'executeLanguageModelCall' | 'onEnd' | 'onError' | 'onAbort'>>;

/** One provider attempt in flight. */
interface Attempt {
  readonly agent: string;
  readonly taskId: string | undefined;
  readonly attempt: number;
  readonly tier: string | undefined;
  readonly model: string | undefined;
  readonly provider: string | undefined;
  readonly startMs: number;
  readonly context: TryContext | undefined;
}

/**
 * Whole milliseconds of the monotonic clock (as epoch ms): a record's start is kept to the millisecond, so
 * its end is too, and a call that starts after another ended never seems to overlap it.
 */
const nowMs = (): number => Math.floor(performance.timeOrigin + performance.now());

const nonEmpty = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * Records every provider attempt of the AI SDK's model calls: agent, model, provider, tokens, cost,
 * duration, success or error class, and the attempt number of retries.
 *
 * @example
 * ```ts
 * const metrics = invocationMetrics({ collector });
 * registerTelemetry(metrics); // the calls' functionId (agent) and retries
 * const model = wrapLanguageModel({ model: openai('gpt-5'), middleware: metrics }); // every provider attempt
 * await generateText({ model, prompt, telemetry: { functionId: 'coder' } });
 * ```
 *
 * A model call without the telemetry context (the integration not registered, replaced by a call's own
 * `telemetry.integrations`, or `isEnabled: false`) is still recorded, but each of its attempts as attempt 1
 * with no taskId: the first such call warns once (`ERR_ADAPTER_CONTEXT`). A stream is recorded when it
 * ends: a consumer's cancel is a failure with `errorClass: 'cancelled'`, an `error` part or a failed read
 * a failure with the error's class, a stream that ends without a `finish` part a failure with a warning; a
 * stream that is neither read to its end nor cancelled is never recorded (`streamText` always reads it).
 * Bad per-call options are left out with a warning (`ERR_ADAPTER_INPUT`).
 *
 * @param options - See {@link AiSdkAdapterOptions}.
 * @returns The middleware and telemetry integration.
 * @throws {@link InvalidOptionError} for a missing collector or a bad option.
 */
export function invocationMetrics(options: AiSdkAdapterOptions): AiSdkInvocationMetrics {
  const recorder = new AdapterRecorder('ai-sdk', options);
  const { agent: agentOption, taskId: taskIdOption, providerCost } = options;
  if (agentOption !== undefined && typeof agentOption !== 'function' && nonEmpty(agentOption) === undefined)
    throw new InvalidOptionError('agent', 'a non-empty string, a function, or absent', agentOption);
  if (taskIdOption !== undefined && typeof taskIdOption !== 'function') throw new InvalidOptionError('taskId', 'a function or absent', taskIdOption);
  if (providerCost !== undefined && typeof providerCost !== 'function') throw new InvalidOptionError('providerCost', 'a function or absent', providerCost);
  const contexts = new CallContexts();
  const callOptions = new WeakMap<object, InvocationMetricsCallOptions>();
  let warnedNoContext = false;

  const ask = <T>(name: string, fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (err) {
      recorder.warn('ERR_ADAPTER_INPUT', `the \`${name}\` option threw (${err instanceof Error ? err.message : String(err)}); its default applies`);
      return undefined;
    }
  };

  const begin = (params: CallParams, model: Model): Attempt | undefined => {
    try {
      const context = currentTry();
      if (context === undefined && !warnedNoContext) {
        warnedNoContext = true;
        recorder.warn('ERR_ADAPTER_CONTEXT', 'a model call ran without the telemetry integration (registerTelemetry(metrics)): each attempt of its retries is recorded as attempt 1, with no taskId and no functionId');
      }
      const own = callOptions.get(params) ?? {};
      const call: AiSdkCall = { modelId: model.modelId, provider: model.provider, functionId: nonEmpty(context?.functionId), callId: context?.callId };
      const named = typeof agentOption === 'function' ? nonEmpty(ask('agent', () => agentOption(call))) : agentOption;
      return {
        agent: own.agent ?? named ?? call.functionId ?? 'ai-sdk',
        taskId: own.taskId ?? nonEmpty(taskIdOption === undefined ? undefined : ask('taskId', () => taskIdOption(call))) ?? call.callId,
        attempt: (own.attempt ?? 1) + (context?.retry ?? 0),
        tier: own.tier,
        model: nonEmpty(model.modelId),
        provider: providerName(model.provider),
        startMs: nowMs(),
        context,
      };
    } catch (err) {
      recorder.warn('ERR_ADAPTER_INPUT', `a model call is not recorded: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  };

  const record = (a: Attempt, outcome: { success: boolean; errorClass?: string | undefined; usage?: unknown; providerMetadata?: unknown }): void => {
    if (!outcome.success && a.context !== undefined) a.context.state.failed = true;
    try {
      emit(a, outcome);
    } catch (err) {
      recorder.warn('ERR_ADAPTER_INPUT', `agent ${JSON.stringify(a.agent)}: an attempt of model ${JSON.stringify(a.model)} is not recorded: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  const emit = (a: Attempt, outcome: { success: boolean; errorClass?: string | undefined; usage?: unknown; providerMetadata?: unknown }): void => {
    let tokens = usageFields(outcome.usage);
    if (tokens === undefined && (outcome.success || outcome.usage !== undefined)) {
      recorder.warn('ERR_ADAPTER_INPUT', `agent ${JSON.stringify(a.agent)}: model ${JSON.stringify(a.model)} reported no usage; its tokens are recorded as 0`);
      tokens = {};
    }
    const cost = providerCost === undefined || outcome.providerMetadata === undefined ? undefined : ask('providerCost', () => providerCost(outcome.providerMetadata));
    void recorder.emit({
      agent: a.agent,
      taskId: a.taskId,
      attempt: a.attempt,
      tier: a.tier,
      model: a.model,
      provider: a.provider,
      startMs: a.startMs,
      durationMs: Math.max(0, nowMs() - a.startMs),
      success: outcome.success,
      errorClass: outcome.errorClass,
      ...tokens,
      providerCost: cost,
    });
  };

  const streamEnded = (a: Attempt, end: StreamEnd): void => {
    const finish = 'finish' in end ? (end.finish as { usage?: unknown; providerMetadata?: unknown } | undefined) : undefined;
    const seen = { usage: finish?.usage, providerMetadata: finish?.providerMetadata };
    switch (end.kind) {
      case 'finished':
        return record(a, { success: true, ...seen });
      case 'error-part':
      case 'read-failed':
        return record(a, { success: false, errorClass: callErrorClass(end.error), ...seen });
      case 'cancelled':
        return record(a, { success: false, errorClass: 'cancelled' });
      case 'no-finish':
        recorder.warn('ERR_ADAPTER_INPUT', `agent ${JSON.stringify(a.agent)}: the stream of model ${JSON.stringify(a.model)} ended without a finish part; recorded as a failure`);
        return record(a, { success: false });
    }
  };

  const forget = (event: unknown): void => {
    if (typeof event === 'object' && event !== null) contexts.end((event as { callId?: unknown }).callId);
  };

  return {
    specificationVersion: 'v4',
    // Takes the per-call options out before the provider sees them; the params object it returns is the
    // one wrapGenerate/wrapStream receive, so it keys them.
    async transformParams({ params }) {
      const po = params.providerOptions;
      if (po === undefined || po === null || !Object.hasOwn(po, CALL_OPTIONS_KEY)) return params;
      const { [CALL_OPTIONS_KEY]: own, ...rest } = po;
      const parsed = parseCallOptions(own);
      for (const problem of parsed.problems) recorder.warn('ERR_ADAPTER_INPUT', `${problem}; left out`);
      const next = { ...params, providerOptions: rest };
      callOptions.set(next, parsed.options);
      return next;
    },
    async wrapGenerate({ doGenerate, params, model }) {
      const a = begin(params, model);
      let result;
      try {
        result = await doGenerate();
      } catch (error) {
        if (a !== undefined) record(a, { success: false, errorClass: callErrorClass(error) });
        throw error;
      }
      if (a !== undefined) record(a, { success: true, usage: result.usage, providerMetadata: result.providerMetadata });
      return result;
    },
    async wrapStream({ doStream, params, model }) {
      const a = begin(params, model);
      let result;
      try {
        result = await doStream();
      } catch (error) {
        if (a !== undefined) record(a, { success: false, errorClass: callErrorClass(error) });
        throw error;
      }
      if (a === undefined || typeof result?.stream?.getReader !== 'function') return result;
      const stream = tapStream(result.stream, {
        onErrorPart: () => {
          if (a.context !== undefined) a.context.state.failed = true;
        },
        onEnd: (end) => streamEnded(a, end),
      });
      return { ...result, stream };
    },
    executeLanguageModelCall({ callId, functionId, execute }) {
      return typeof callId === 'string' ? contexts.run(callId, functionId, execute) : execute();
    },
    onEnd: forget,
    onError: forget,
    onAbort: forget,
  };
}
