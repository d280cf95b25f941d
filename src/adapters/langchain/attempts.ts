/**
 * Which attempt of which logical call a LangChain model run is. LangChain retries in three places, each
 * seen differently by callbacks:
 *
 * - `.withRetry()` (`RunnableRetry`): each attempt runs its children again, the second and later tagged
 *   `retry:attempt:N` (inherited by every descendant);
 * - `.withFallbacks()` (`RunnableWithFallbacks`): the next runnable runs under the same chain run, untagged;
 * - a LangGraph node's `retryPolicy`: the node's task runs again under the same `langgraph_checkpoint_ns`,
 *   as a new chain run tagged `graph:step:N`.
 *
 * The nearest `RunnableRetry` or `RunnableWithFallbacks` ancestor of a model run decides (attempt from the
 * tag, or the fallback's rank); else the LangGraph task (how many times its node has started); else it is
 * attempt 1 of no task.
 *
 * @module
 */

/** An open chain run, kept only to walk from a model run up to its retry or fallbacks ancestor. */
interface ChainRun {
  readonly parent: string | undefined;
  readonly kind: 'retry' | 'fallbacks' | 'other';
  /** Model runs started under a fallbacks run so far. */
  modelRuns: number;
}

/** The attempt of a model run, and the id tying the attempts of its logical call together. */
export interface Attempt {
  readonly attempt: number;
  readonly taskId: string | undefined;
}

/** How far up a model run's ancestors are searched (deeper chains are not retried by anyone sane). */
const MAX_DEPTH = 256;
const RETRY_TAG = /^retry:attempt:(\d+)$/;
const STEP_TAG = /^graph:step:\d+$/;

/** Open chain runs and LangGraph task starts, each bounded (the oldest forgotten first). */
export class AttemptTracker {
  readonly #chains = new Map<string, ChainRun>();
  readonly #taskStarts = new Map<string, number>();
  readonly #cap: number;
  /** Called once when a bound is first reached (a run whose end LangChain never reported, or a huge graph). */
  readonly #onOverflow: (what: string) => void;
  #overflowed = false;

  /**
   * @param cap - How many open chain runs and LangGraph tasks are remembered, each.
   * @param onOverflow - Told once when a bound is reached.
   */
  constructor(cap: number, onOverflow: (what: string) => void) {
    this.#cap = cap;
    this.#onOverflow = onOverflow;
  }

  /** A chain run started (`serializedId` is the last element of the serialized `id`: its class). */
  chainStart(runId: string, parentRunId: string | undefined, serializedId: string | undefined, tags: readonly string[], checkpointNs: string | undefined): void {
    const kind = serializedId === 'RunnableRetry' ? 'retry' : serializedId === 'RunnableWithFallbacks' ? 'fallbacks' : 'other';
    this.#put(this.#chains, runId, { parent: parentRunId, kind, modelRuns: 0 }, 'open chain runs');
    if (checkpointNs !== undefined && tags.some((t) => STEP_TAG.test(t)))
      this.#put(this.#taskStarts, checkpointNs, (this.#taskStarts.get(checkpointNs) ?? 0) + 1, 'LangGraph tasks');
  }

  /** A chain run ended or failed. */
  chainEnd(runId: string): void {
    this.#chains.delete(runId);
  }

  /** The attempt of a model run starting now (counts it under a fallbacks ancestor). */
  modelStart(parentRunId: string | undefined, tags: readonly string[], checkpointNs: string | undefined): Attempt {
    let id = parentRunId;
    for (let depth = 0; id !== undefined && depth < MAX_DEPTH; depth++) {
      const chain = this.#chains.get(id);
      if (chain === undefined) break;
      if (chain.kind === 'retry') {
        const tag = tags.map((t) => RETRY_TAG.exec(t)).find((m) => m !== null);
        return { attempt: tag === undefined ? 1 : Number(tag![1]), taskId: id };
      }
      if (chain.kind === 'fallbacks') return { attempt: ++chain.modelRuns, taskId: id };
      id = chain.parent;
    }
    if (checkpointNs !== undefined) return { attempt: this.#taskStarts.get(checkpointNs) ?? 1, taskId: checkpointNs };
    return { attempt: 1, taskId: undefined };
  }

  #put<V>(map: Map<string, V>, key: string, value: V, what: string): void {
    if (!map.has(key) && map.size >= this.#cap) {
      map.delete(map.keys().next().value!);
      if (!this.#overflowed) {
        this.#overflowed = true;
        this.#onOverflow(what);
      }
    }
    map.set(key, value);
  }
}
