/**
 * Which span a retry's span links to: the span of its previous attempt, as the aggregate and the metrics
 * mirror define it (`src/otel/retries.ts`, whose lookup this shares), found online over the same bounded
 * window: the most recent `maxKeys` taskIds (and agents without a taskId), the last 16 attempts per taskId
 * (64 per agent without one). A retry whose previous attempt fell out of the window, or was never
 * spanned, has no link and counts as `code`, not escalated (as in the mirror).
 *
 * Each remembered attempt is a small object of the rule's fields and the span's context (no span or
 * record is held past the window).
 *
 * @module
 */
import type { SpanContext } from '@opentelemetry/api';
import type { InvocationMetric } from '../record.js';
import { BoundedIndex } from '../otel/bounded-index.js';
import { CANDIDATES_PER_AGENT, CANDIDATES_PER_TASK, previousAttempt, verdictOf, type AttemptFields, type RetryVerdict } from '../otel/retries.js';

/** An attempt that was spanned. */
interface Attempt extends AttemptFields {
  readonly context: SpanContext;
}

/** A retry's link target and verdict. */
export interface RetryLink {
  /** The previous attempt's span context, or `undefined` when it is not known. */
  readonly previous: SpanContext | undefined;
  /** Its verdict, as the mirror and the aggregate classify it. */
  readonly verdict: RetryVerdict;
}

/** Remembers spanned attempts and finds each retry's previous one. */
export class RetryLinks {
  readonly #byTask: BoundedIndex<Attempt>;
  readonly #byAgent: BoundedIndex<Attempt>;

  /** @param maxKeys - Distinct taskIds (and, separately, agents without a taskId) remembered. */
  constructor(maxKeys: number) {
    this.#byTask = new BoundedIndex(maxKeys, CANDIDATES_PER_TASK);
    this.#byAgent = new BoundedIndex(maxKeys, CANDIDATES_PER_AGENT);
  }

  /**
   * The link of a retry: its previous attempt's span context (if spanned and still remembered) and its
   * verdict. Call {@link RetryLinks.remember} after, with the retry's own span.
   *
   * @param m - A valid record.
   * @returns The link for a retry (`attempt > 1`), `undefined` for a first attempt.
   */
  find(m: InvocationMetric): RetryLink | undefined {
    if (m.attempt <= 1) return undefined;
    const best = previousAttempt(m, m.taskId === undefined ? this.#byAgent.get(m.agent) : this.#byTask.get(m.taskId));
    return { previous: best?.context, verdict: verdictOf(m, best) };
  }

  /**
   * Remembers `m` as a possible previous attempt of later retries.
   *
   * @param m - A valid record.
   * @param context - The context of `m`'s span.
   */
  remember(m: InvocationMetric, context: SpanContext): void {
    const { agent, phase, attempt, timestamp, tier, model, errorClass } = m;
    const entry = { agent, phase, attempt, timestamp, tier, model, errorClass, context };
    if (m.taskId === undefined) this.#byAgent.add(agent, entry);
    else this.#byTask.add(m.taskId, entry);
  }
}
