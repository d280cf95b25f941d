/**
 * LangChain.js and LangGraph.js: a callback handler that records every chat model (and LLM) run as one
 * invocation. Imports `@langchain/core/callbacks/base` at load (the handler is a `BaseCallbackHandler`):
 * importing this subpath needs `@langchain/core` 1.x installed.
 *
 * @example
 * ```ts
 * const handler = invocationMetricsHandler({ collector });
 * await graph.invoke(input, { callbacks: [handler] });
 * ```
 *
 * @module
 */
import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import type { Serialized } from '@langchain/core/load/serializable';
import type { LLMResult } from '@langchain/core/outputs';
import type { BaseMessage } from '@langchain/core/messages';
import { performance } from 'node:perf_hooks';
import { InvalidOptionError } from '../../errors.js';
import { AdapterRecorder, errorClassOf, type AdapterOptions } from '../recorder.js';
import { AttemptTracker } from './attempts.js';
import { usageOf } from './usage.js';

/** What the handler knows of a model run when it starts: what `agent` and `taskId` map from. */
export interface LangChainRun {
  readonly runId: string;
  readonly parentRunId: string | undefined;
  /** The run's name (`runName` of its config), else the model's class (`ChatOpenAI`). */
  readonly name: string;
  /** The LangGraph node running it (`langgraph_node`), in a LangGraph run. */
  readonly node: string | undefined;
  /** The LangGraph task (`langgraph_checkpoint_ns`: `node:taskId`, `|`-joined in subgraphs). */
  readonly checkpointNs: string | undefined;
  readonly tags: readonly string[];
  readonly metadata: Readonly<Record<string, unknown>>;
  /** `ls_model_name`, else the invocation params' `model`/`model_name`. */
  readonly model: string | undefined;
  /** `ls_provider` (`openai`, `anthropic`...). */
  readonly provider: string | undefined;
}

/** Options of {@link invocationMetricsHandler}. */
export interface LangChainAdapterOptions extends AdapterOptions {
  /**
   * The agent of a model run: a fixed name, or a function of the run (`undefined` falls back to the default).
   * @default the LangGraph node (`langgraph_node`), else the run's `runName`, else the model's class name
   */
  readonly agent?: string | ((run: LangChainRun) => string | undefined) | undefined;
  /**
   * The `taskId` of a model run (`undefined` falls back to the default).
   * @default the id of the nearest `.withRetry()` / `.withFallbacks()` run, else the LangGraph task's
   *   `langgraph_checkpoint_ns`, else none
   */
  readonly taskId?: ((run: LangChainRun) => string | undefined) | undefined;
  /**
   * How many model runs may be open (started, not yet ended) at once; beyond it the oldest is dropped,
   * unrecorded, with a warning. The same bound applies to the chain runs and LangGraph tasks followed for
   * attempts. A stream whose reader stopped early never ends in LangChain's callbacks: see
   * {@link InvocationMetricsHandler.dropOpenRuns}.
   * @default 1000
   */
  readonly maxOpenRuns?: number | undefined;
}

interface OpenRun {
  readonly run: LangChainRun;
  readonly agent: string;
  readonly taskId: string | undefined;
  readonly attempt: number;
  /** The start in ms since the epoch, truncated (see `#finish`). */
  readonly startMs: number;
}

const ADAPTER = 'langchain';
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * The handler. Pass it in `callbacks` of a run's config (inherited by every child run: the graph, its
 * nodes, their models) or of a model. `awaitHandlers` is on, so the records are in the collector when the
 * run resolves; its work is synchronous (the log write is not awaited in LangChain's path).
 */
export class InvocationMetricsHandler extends BaseCallbackHandler {
  /** LangChain's name of this handler. */
  override name = 'invocation-metrics';
  override awaitHandlers = true;
  override ignoreRetriever = true;
  override ignoreAgent = true;
  override ignoreCustomEvent = true;
  readonly #recorder: AdapterRecorder;
  readonly #agent: LangChainAdapterOptions['agent'];
  readonly #taskId: LangChainAdapterOptions['taskId'];
  readonly #maxOpenRuns: number;
  readonly #open = new Map<string, OpenRun>();
  readonly #attempts: AttemptTracker;

  /**
   * @param options - See {@link LangChainAdapterOptions}.
   * @throws {@link InvalidOptionError} for a bad option.
   */
  constructor(options: LangChainAdapterOptions) {
    super();
    this.#recorder = new AdapterRecorder(ADAPTER, options);
    const { agent, taskId, maxOpenRuns } = options;
    if (agent !== undefined && typeof agent !== 'function' && !(typeof agent === 'string' && agent !== ''))
      throw new InvalidOptionError('agent', 'a non-empty string, a function of the run, or absent', agent);
    if (taskId !== undefined && typeof taskId !== 'function') throw new InvalidOptionError('taskId', 'a function of the run or absent', taskId);
    if (maxOpenRuns !== undefined && !(Number.isSafeInteger(maxOpenRuns) && maxOpenRuns >= 1))
      throw new InvalidOptionError('maxOpenRuns', 'an integer >= 1 or absent', maxOpenRuns);
    this.#agent = agent;
    this.#taskId = taskId;
    this.#maxOpenRuns = maxOpenRuns ?? 1000;
    this.#attempts = new AttemptTracker(this.#maxOpenRuns, (what) =>
      this.#recorder.warn('ERR_ADAPTER_INPUT', `more than ${this.#maxOpenRuns} ${what} at once: the oldest are forgotten, so attempts under them count from 1`));
  }

  /** How many model runs started and have not ended yet. */
  get openRuns(): number {
    return this.#open.size;
  }

  /**
   * Forgets the model runs that started and never ended, with one warning each, and records nothing of
   * them (their tokens are unknown). A stream whose reader stops early (a `break` out of
   * `for await ... of model.stream()`) never reaches `handleLLMEnd` nor `handleLLMError`; call this when
   * your run is over to hear of them.
   *
   * @returns How many were dropped.
   */
  dropOpenRuns(): number {
    const n = this.#open.size;
    for (const [runId, open] of this.#open) this.#warnUnended(runId, open, 'it never ended');
    this.#open.clear();
    return n;
  }

  // LangChain's manager passes (chain, inputs, runId, parentRunId, tags, metadata, runType, runName): its
  // declaration names the fourth parameter `runType` and the eighth `parentRunId`, but the calls (and its
  // own tracers) put the parent fourth. The tests pin this.
  /** @internal */
  override handleChainStart(chain: Serialized, _inputs: unknown, runId: string, parentRunId?: string, tags?: string[], metadata?: Record<string, unknown>): void {
    try {
      const id = Array.isArray(chain?.id) ? chain.id.at(-1) : undefined;
      this.#attempts.chainStart(runId, str(parentRunId), id, Array.isArray(tags) ? tags : [], str(metadata?.langgraph_checkpoint_ns));
    } catch (err) {
      this.#recorder.warn('ERR_ADAPTER_INPUT', `chain run ${runId}: ${String(err)}`);
    }
  }

  /** @internal */
  override handleChainEnd(_outputs: unknown, runId: string): void {
    this.#attempts.chainEnd(runId);
  }

  /** @internal */
  override handleChainError(_err: unknown, runId: string): void {
    this.#attempts.chainEnd(runId);
  }

  /** @internal */
  override handleChatModelStart(llm: Serialized, _messages: BaseMessage[][], runId: string, parentRunId?: string, extraParams?: Record<string, unknown>, tags?: string[], metadata?: Record<string, unknown>, runName?: string): void {
    this.#start(llm, runId, parentRunId, extraParams, tags, metadata, runName);
  }

  /** @internal */
  override handleLLMStart(llm: Serialized, _prompts: string[], runId: string, parentRunId?: string, extraParams?: Record<string, unknown>, tags?: string[], metadata?: Record<string, unknown>, runName?: string): void {
    this.#start(llm, runId, parentRunId, extraParams, tags, metadata, runName);
  }

  /** @internal */
  override handleLLMEnd(output: LLMResult, runId: string, _parentRunId?: string, _tags?: string[], extraParams?: Record<string, unknown>): void {
    const open = this.#take(runId, 'ended');
    if (open === undefined) return;
    const usage = usageOf(output);
    if (usage === undefined) this.#recorder.warn('ERR_ADAPTER_INPUT', `model run ${runId} of agent ${JSON.stringify(open.agent)} ended with no result object; recorded without usage`);
    this.#finish(open, runId, true, {
      inputTokens: usage?.inputTokens as number | undefined,
      outputTokens: usage?.outputTokens as number | undefined,
      totalTokens: usage?.totalTokens as number | undefined,
      cachedTokens: usage?.cachedTokens as number | undefined,
      model: open.run.model ?? usage?.responseModel,
      extra: extraParams?.cached === true ? { cacheHit: true } : undefined,
    });
  }

  /** @internal */
  override handleLLMError(err: unknown, runId: string): void {
    const open = this.#take(runId, 'failed');
    if (open === undefined) return;
    this.#finish(open, runId, false, { errorClass: errorClassOf(err), model: open.run.model });
  }

  #start(llm: Serialized, runId: string, parentRunId: string | undefined, extraParams: Record<string, unknown> | undefined, tags: string[] | undefined, metadata: Record<string, unknown> | undefined, runName: string | undefined): void {
    try {
      const startPerf = performance.now();
      const meta = typeof metadata === 'object' && metadata !== null ? metadata : {};
      const params = typeof extraParams?.invocation_params === 'object' && extraParams.invocation_params !== null ? (extraParams.invocation_params as Record<string, unknown>) : {};
      const className = Array.isArray(llm?.id) ? str(llm.id.at(-1)) : undefined;
      const run: LangChainRun = {
        runId,
        parentRunId: str(parentRunId),
        name: str(runName) ?? className ?? 'model',
        node: str(meta.langgraph_node),
        checkpointNs: str(meta.langgraph_checkpoint_ns),
        tags: Array.isArray(tags) ? tags : [],
        metadata: meta,
        model: str(meta.ls_model_name) ?? str(params.model) ?? str(params.model_name),
        provider: str(meta.ls_provider),
      };
      const attempt = this.#attempts.modelStart(run.parentRunId, run.tags, run.checkpointNs);
      const agent = typeof this.#agent === 'string' ? this.#agent : (str(this.#agent?.(run)) ?? run.node ?? run.name);
      const taskId = str(this.#taskId?.(run)) ?? attempt.taskId;
      if (this.#open.has(runId)) {
        this.#recorder.warn('ERR_ADAPTER_DUPLICATE', `model run ${runId} started twice; the second start is ignored`);
        return;
      }
      if (this.#open.size >= this.#maxOpenRuns) {
        const [oldId, old] = this.#open.entries().next().value!;
        this.#open.delete(oldId);
        this.#warnUnended(oldId, old, `more than ${this.#maxOpenRuns} model runs are open (maxOpenRuns)`);
      }
      this.#open.set(runId, { run, agent, taskId, attempt: attempt.attempt, startMs: Math.floor(performance.timeOrigin + startPerf) });
    } catch (err) {
      // A throwing `agent` or `taskId` mapping must not break the user's run.
      this.#recorder.warn('ERR_ADAPTER_INPUT', `model run ${runId} is not recorded: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  #take(runId: string, what: string): OpenRun | undefined {
    const open = this.#open.get(runId);
    if (open === undefined) {
      this.#recorder.warn('ERR_ADAPTER_INPUT', `model run ${String(runId)} ${what} without a start this handler saw (or it was already recorded); not recorded`);
      return undefined;
    }
    this.#open.delete(runId);
    return open;
  }

  // Both ends are read on one monotonic clock (performance.timeOrigin + now(): no jump backwards with
  // the wall clock) and truncated to the millisecond, the unit of the log's timestamps: a call that
  // started after another ended never overlaps it in the log (so peak parallelism counts no phantom
  // overlap), at the price of durations in whole milliseconds.
  #finish(open: OpenRun, runId: string, success: boolean, fields: { inputTokens?: number | undefined; outputTokens?: number | undefined; totalTokens?: number | undefined; cachedTokens?: number | undefined; model?: string | undefined; errorClass?: string | undefined; extra?: Record<string, unknown> | undefined }): void {
    this.#recorder.emit({
      agent: open.agent,
      invocationId: runId,
      taskId: open.taskId,
      attempt: open.attempt,
      startMs: open.startMs,
      durationMs: Math.max(0, Math.floor(performance.timeOrigin + performance.now()) - open.startMs),
      success,
      provider: open.run.provider,
      ...fields,
    });
  }

  #warnUnended(runId: string, open: OpenRun, why: string): void {
    this.#recorder.warn('ERR_ADAPTER_INPUT', `model run ${runId} of agent ${JSON.stringify(open.agent)} started at ${new Date(open.startMs).toISOString()} is not recorded: ${why} (a stream whose reader stopped early?)`);
  }
}

/**
 * The LangChain / LangGraph adapter in one line: a callback handler recording each chat model or LLM run
 * (attempts included) as one invocation. See {@link LangChainAdapterOptions} for what it maps.
 *
 * @param options - `collector` (required), `agent`, `taskId`, `phase`, `prices`, `onWarning`, `maxOpenRuns`.
 * @returns A handler for `callbacks: [handler]`.
 * @throws {@link InvalidOptionError} for a bad option.
 */
export function invocationMetricsHandler(options: LangChainAdapterOptions): InvocationMetricsHandler {
  return new InvocationMetricsHandler(options);
}
