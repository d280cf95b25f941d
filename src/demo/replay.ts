/**
 * Replays a plan through a collector in compressed wall time: every planned invocation is begun and ended
 * through the collector's `begin()`/`end()` at its compressed wall instant, with a {@link ReplayClock}
 * that reads the planned simulated instants, so the in-flight gauge is live while records carry the
 * plan's simulated timestamps and durations.
 *
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import type { EndFields, InvocationHandle, BeginFields } from '../collector.js';
import type { ReplayClock } from './clock.js';
import { planSpanMs, type PlannedInvocation } from './plan.js';

/** One step of the replay: invocation `index` of the plan begins or ends at `simMs`. */
export interface ReplayEvent {
  kind: 'begin' | 'end';
  simMs: number;
  index: number;
}

/**
 * The plan's begin and end events in replay order: by simulated time; at equal times ends before begins
 * (intervals are half-open, so an invocation that ends when another starts never overlaps it), except
 * that a zero-length invocation ends right after it begins. Pure.
 *
 * @param plan - A plan from `planRun`.
 * @returns The events, two per invocation.
 */
export function replayEvents(plan: readonly PlannedInvocation[]): ReplayEvent[] {
  const rank = (e: ReplayEvent): number => (e.kind === 'begin' ? 1 : plan[e.index]!.durationMs === 0 ? 2 : 0);
  const events: ReplayEvent[] = [];
  plan.forEach((p, index) => {
    events.push({ kind: 'begin', simMs: p.startMs, index }, { kind: 'end', simMs: p.startMs + p.durationMs, index });
  });
  return events.sort((a, b) => a.simMs - b.simMs || rank(a) - rank(b) || a.index - b.index);
}

/** Wall time, injectable so that tests replay without waiting. */
export interface WallTimer {
  /** Milliseconds from any fixed origin. */
  now(): number;
  /** Resolves after `ms`, or early when `signal` aborts; never rejects. */
  sleep(ms: number, signal: AbortSignal | undefined): Promise<void>;
}

/** The real wall clock and timers. */
export const realTimer: WallTimer = {
  now: () => performance.now(),
  sleep: (ms, signal) => sleep(ms, undefined, { signal }).catch(() => undefined),
};

/** How far the replay is; passed to {@link ReplayOptions.onProgress}. */
export interface ReplayProgress {
  /** Simulated milliseconds since the run's start. */
  simMs: number;
  /** Simulated length of the whole plan. */
  spanMs: number;
  /** Planned invocations. */
  total: number;
  /** Invocations begun so far. */
  begun: number;
  /** Invocations ended (and recorded) so far. */
  ended: number;
  /** Invocations in flight now. */
  inFlight: number;
  /** Highest phase begun so far (-1 before the first). */
  phase: number;
  /** Ended invocations with attempt > 1. */
  retries: number;
  /** Ended invocations that failed. */
  failures: number;
  /** Cost of the ended invocations, USD. */
  cost: number;
}

/** Options of {@link replayPlan}. */
export interface ReplayOptions {
  /** The plan to replay. */
  plan: readonly PlannedInvocation[];
  /** Where invocations go (an `InvocationMetricsCollector` whose `clock` is `clock`). */
  collector: { begin(fields: BeginFields): InvocationHandle };
  /** The collector's clock. */
  clock: ReplayClock;
  /** Simulated milliseconds per wall millisecond (> 0). */
  scale: number;
  /** Ends the replay early: in-flight invocations are ended as interrupted. */
  signal?: AbortSignal;
  /**
   * Wall time.
   * @default realTimer
   */
  timer?: WallTimer;
  /** Called after each batch of events fired at one wall instant. */
  onProgress?: (progress: Readonly<ReplayProgress>) => void;
  /** Called when the first invocation of a phase begins, with the phase's agents in plan order. */
  onPhase?: (phase: number, agents: readonly string[]) => void;
  /** Called when recording an invocation fails (its `end()` promise rejects). */
  onError?: (error: unknown) => void;
}

/** What {@link replayPlan} did. */
export interface ReplayResult {
  /** Whether every planned invocation ran (false when `signal` aborted). */
  completed: boolean;
  /** Invocations in flight at the abort, recorded as interrupted. */
  interrupted: number;
  /** The final progress. */
  progress: Readonly<ReplayProgress>;
}

/**
 * The end fields of an invocation cut short by the abort: a failure with the conventional exit code of
 * SIGINT and error class `interrupted`. Its tokens and cost are unknown (providers report usage when a
 * call completes) and recorded as 0.
 */
export const INTERRUPTED: EndFields = Object.freeze({
  success: false,
  exitCode: 130,
  tokens: 0,
  inputTokens: 0,
  outputTokens: 0,
  cachedTokens: 0,
  cost: 0,
  // No output came, so none failed to parse: an interrupted call is a failure, not a parse failure.
  outputParsed: true,
  errorClass: 'interrupted',
});

/**
 * Replays `plan`: the event at simulated time `t` fires at wall time `start + t / scale`.
 *
 * @param options - See {@link ReplayOptions}.
 * @returns Once every event fired, or right after an abort (in-flight invocations ended as interrupted).
 * Records may still be on their way to the log: the caller flushes or closes the collector.
 */
export async function replayPlan(options: ReplayOptions): Promise<ReplayResult> {
  const { plan, collector, clock, scale, signal, timer = realTimer } = options;
  if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError(`Expected scale to be a finite number > 0, got ${scale}`);
  const events = replayEvents(plan);
  const handles = new Map<number, InvocationHandle>();
  const progress: ReplayProgress = {
    simMs: 0, spanMs: planSpanMs(plan), total: plan.length, begun: 0, ended: 0, inFlight: 0, phase: -1, retries: 0, failures: 0, cost: 0,
  };
  const record = (promise: Promise<void>): void => void promise.catch((error: unknown) => options.onError?.(error));
  const fire = (e: ReplayEvent): void => {
    const p = plan[e.index]!;
    clock.advanceTo(e.simMs);
    progress.simMs = e.simMs;
    if (e.kind === 'begin') {
      if (p.begin.phase > progress.phase) {
        progress.phase = p.begin.phase;
        const agents = [...new Set(plan.filter((q) => q.begin.phase === p.begin.phase).map((q) => q.begin.agent))];
        options.onPhase?.(p.begin.phase, agents);
      }
      handles.set(e.index, collector.begin(p.begin));
      progress.begun++;
      progress.inFlight++;
      return;
    }
    const handle = handles.get(e.index)!;
    handles.delete(e.index);
    record(handle.end(p.end));
    progress.ended++;
    progress.inFlight--;
    if (p.begin.attempt > 1) progress.retries++;
    if (!p.end.success) progress.failures++;
    progress.cost += p.end.cost;
  };

  const wallStart = timer.now();
  const dueAt = (e: ReplayEvent): number => wallStart + e.simMs / scale;
  let next = 0;
  while (next < events.length && signal?.aborted !== true) {
    const wait = dueAt(events[next]!) - timer.now();
    if (wait > 0) {
      await timer.sleep(wait, signal);
      continue;
    }
    // Everything due by now fires in one batch, in replay order.
    while (next < events.length && dueAt(events[next]!) <= timer.now()) fire(events[next++]!);
    options.onProgress?.(progress);
  }
  if (next === events.length) return { completed: true, interrupted: 0, progress };

  // Aborted: the interrupted invocations end at the simulated instant that the wall clock maps to.
  const simNow = Math.min(progress.spanMs, Math.round((timer.now() - wallStart) * scale));
  clock.advanceTo(simNow);
  progress.simMs = clock.simMs;
  const interrupted = handles.size;
  for (const [index, handle] of handles) {
    record(handle.end(INTERRUPTED));
    progress.ended++;
    progress.inFlight--;
    progress.failures++;
    if (plan[index]!.begin.attempt > 1) progress.retries++;
  }
  handles.clear();
  options.onProgress?.(progress);
  return { completed: false, interrupted, progress };
}
