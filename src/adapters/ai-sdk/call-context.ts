/**
 * What the AI SDK's telemetry knows of a model call and its middleware does not: which `generateText` /
 * `streamText` call it belongs to (`callId`), the call's `functionId`, and how many tries of the same
 * model call came before it.
 *
 * The telemetry hook `executeLanguageModelCall` runs once per provider attempt (inside the SDK's retry
 * loop, and again for a `streamRetries` retry), around the model's `doGenerate`/`doStream`, and so around
 * the middleware: it puts the call's identity in an `AsyncLocalStorage` that the middleware reads. A try
 * follows a failed try of the same call only as its retry (the SDK starts a new step only after a
 * successful model call, and ends the call after a failure it does not retry), so the count of tries is
 * the run of failures just before it.
 *
 * @module
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** Of one `generateText`/`streamText` call: was its last model try a failure, and which retry was it. */
export interface CallState {
  /** The retry number of the last try (0 for a first try). */
  retry: number;
  /** Whether the last try failed (set by the middleware when it records the failure). */
  failed: boolean;
}

/** The identity of the model try running in this async context. */
export interface TryContext {
  readonly callId: string;
  readonly functionId: string | undefined;
  /** 0 for the first try of a model call, 1 for its first retry... */
  readonly retry: number;
  readonly state: CallState;
}

/** Calls whose end the telemetry did not report (a call abandoned mid-way) are forgotten past this many. */
const MAX_OPEN_CALLS = 10_000;

const storage = new AsyncLocalStorage<TryContext>();

/** The try running in this async context, if the telemetry hook set one. */
export function currentTry(): TryContext | undefined {
  return storage.getStore();
}

/** The open calls of one adapter instance, keyed by the SDK's `callId`. */
export class CallContexts {
  readonly #calls = new Map<string, CallState>();

  /**
   * Runs one model try in its context: the next retry of the call when its last try failed, else a
   * first try.
   *
   * @param callId - The SDK's call id.
   * @param functionId - The call's telemetry `functionId`.
   * @param execute - The try.
   * @returns What `execute` returns.
   */
  run<T>(callId: string, functionId: string | undefined, execute: () => PromiseLike<T>): Promise<T> {
    let state = this.#calls.get(callId);
    if (state === undefined) {
      if (this.#calls.size >= MAX_OPEN_CALLS) this.#calls.delete(this.#calls.keys().next().value!);
      state = { retry: 0, failed: false };
      this.#calls.set(callId, state);
    } else {
      state.retry = state.failed ? state.retry + 1 : 0;
      state.failed = false;
    }
    const context: TryContext = { callId, functionId, retry: state.retry, state };
    return storage.run(context, async () => {
      try {
        return await execute();
      } catch (error) {
        // A middleware outside ours may fail a try ours recorded as a success: the SDK retries it all the same.
        state.failed = true;
        throw error;
      }
    });
  }

  /**
   * Forgets a call that ended.
   *
   * @param callId - The SDK's call id.
   */
  end(callId: unknown): void {
    if (typeof callId === 'string') this.#calls.delete(callId);
  }
}
