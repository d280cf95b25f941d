/**
 * The replay: event order, exact records through a real collector, the live in-flight gauge scraped from a
 * real endpoint during the replay, and the abort path. Wall time is a fake timer: nothing waits.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { computeAggregate } from '../../src/aggregate/index.js';
import { InvocationMetricsCollector } from '../../src/collector.js';
import { ReplayClock } from '../../src/demo/clock.js';
import { DEFAULT_SEED, planRun, planSpanMs, type PlannedInvocation } from '../../src/demo/plan.js';
import { INTERRUPTED, replayEvents, replayPlan, type ReplayProgress, type WallTimer } from '../../src/demo/replay.js';
import { loadLog } from '../../src/log/reader.js';
import { silentLogger } from '../../src/logger.js';
import { createTelemetry } from '../../src/telemetry/telemetry.js';

const BASE = Date.parse('2026-11-20T09:00:00Z');
const dirs: string[] = [];
const tmp = async (): Promise<string> => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'im-demo-replay-'));
  dirs.push(dir);
  return dir;
};
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => fs.rm(d, { recursive: true, force: true })));
});

/** Wall time that jumps forward on every sleep; `beforeSleep` runs first (a scrape, an assertion). */
function fakeTimer(beforeSleep?: () => Promise<void>): WallTimer & { sleeps: number } {
  let t = 1_000;
  const timer = {
    sleeps: 0,
    now: () => t,
    async sleep(ms: number) {
      timer.sleeps++;
      await beforeSleep?.();
      t += ms;
    },
  };
  return timer;
}

const planned = (p: PlannedInvocation) => ({ ...p.begin, ...p.end, durationMs: p.durationMs, timestamp: new Date(BASE + p.startMs).toISOString() });

const inv = (index: number, startMs: number, durationMs: number): PlannedInvocation => ({
  startMs,
  durationMs,
  begin: { invocationId: `i${index}`, agent: 'a', phase: 0, taskId: `t${index}`, attempt: 1, model: 'm', tier: 't' },
  end: { success: true, exitCode: 0, tokens: 3, inputTokens: 2, outputTokens: 1, cachedTokens: 0, cost: 0.5, outputParsed: true },
});

describe('replayEvents', () => {
  it('orders by time, ends before begins at the same instant, and a zero-length invocation begins before it ends', () => {
    const plan = [inv(0, 0, 10), inv(1, 10, 0), inv(2, 10, 5), inv(3, 5, 5)];
    expect(replayEvents(plan).map((e) => `${e.kind}${e.index}@${e.simMs}`)).toEqual([
      'begin0@0',
      'begin3@5',
      'end0@10',
      'end3@10',
      'begin1@10',
      'begin2@10',
      'end1@10',
      'end2@15',
    ]);
  });
});

describe('ReplayClock', () => {
  it('reads the base plus simulated time and never goes backwards', () => {
    const clock = new ReplayClock(BASE);
    expect(clock.now()).toBe(BASE);
    clock.advanceTo(5_000);
    clock.advanceTo(3_000);
    expect([clock.simMs, clock.now()]).toEqual([5_000, BASE + 5_000]);
  });
});

describe('replayPlan', () => {
  it('records exactly the plan (simulated timestamps and durations), whatever the compression', async () => {
    const plan = planRun(DEFAULT_SEED);
    const dir = await tmp();
    const clock = new ReplayClock(BASE);
    const collector = new InvocationMetricsCollector(dir, silentLogger, { clock });
    const errors: unknown[] = [];
    // 1 simulated second per wall millisecond, with fractional wall instants: the records must not care.
    const result = await replayPlan({ plan, collector, clock, scale: 1_000 / 3, timer: fakeTimer(), onError: (e) => errors.push(e) });
    await collector.close();
    expect(errors).toEqual([]);
    expect(result.completed).toBe(true);
    expect(result.interrupted).toBe(0);
    expect(result.progress).toMatchObject({ total: plan.length, begun: plan.length, ended: plan.length, inFlight: 0, simMs: planSpanMs(plan) });
    const { records, skipped } = await loadLog(collector.path);
    expect(skipped).toBe(0);
    const byId = (a: { invocationId: string }, b: { invocationId: string }): number => (a.invocationId < b.invocationId ? -1 : 1);
    expect([...records].sort(byId)).toEqual(plan.map(planned).sort(byId));
  });

  it('keeps the in-flight gauge live: every scrape during the replay shows the replay\'s in-flight count', async () => {
    const plan = planRun(DEFAULT_SEED);
    const telemetry = await createTelemetry({ prometheus: { port: 0 } });
    const clock = new ReplayClock(BASE);
    const collector = new InvocationMetricsCollector(await tmp(), silentLogger, { clock, telemetry });
    let current: Readonly<ReplayProgress> | undefined;
    const seen: number[] = [];
    const scrapeActive = async (): Promise<void> => {
      if (current === undefined) return;
      const text = await (await fetch(telemetry.prometheusUrl!)).text();
      const active = text
        .split('\n')
        .filter((l) => l.startsWith('invocation_metrics_active{'))
        .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
      expect(active, `at simulated ${current.simMs} ms`).toBe(current.inFlight);
      seen.push(active);
    };
    try {
      const timer = fakeTimer(scrapeActive);
      await replayPlan({ plan, collector, clock, scale: 1, timer, onProgress: (p) => (current = { ...p }) });
      await scrapeActive(); // after the last end: nothing in flight
      await collector.close();
    } finally {
      await telemetry.shutdown();
    }
    expect(seen.at(-1)).toBe(0);
    // The scrapes saw the fleet's parallel waves, up to the run's peak.
    expect(Math.max(...seen)).toBe(computeAggregate(plan.map(planned)).peakParallelInvocations);
  });

  it('on abort, ends the invocations in flight as interrupted at the mapped simulated instant and stops', async () => {
    const plan = planRun(DEFAULT_SEED);
    const dir = await tmp();
    const clock = new ReplayClock(BASE);
    const collector = new InvocationMetricsCollector(dir, silentLogger, { clock });
    const abort = new AbortController();
    let atAbort: ReplayProgress | undefined;
    const result = await replayPlan({
      plan,
      collector,
      clock,
      scale: 1,
      timer: fakeTimer(),
      signal: abort.signal,
      onProgress: (p) => {
        if (atAbort === undefined && p.ended >= 10 && p.inFlight > 0) {
          atAbort = { ...p };
          abort.abort();
        }
      },
    });
    await collector.close();
    expect(atAbort).toBeDefined();
    expect(result.completed).toBe(false);
    expect(result.interrupted).toBe(atAbort!.inFlight);
    expect(result.progress).toMatchObject({ begun: atAbort!.begun, ended: atAbort!.begun, inFlight: 0 });

    const { records } = await loadLog(collector.path);
    expect(records).toHaveLength(atAbort!.begun);
    const interrupted = records.filter((r) => r.errorClass === 'interrupted');
    expect(interrupted).toHaveLength(atAbort!.inFlight);
    const plannedById = new Map(plan.map((p) => [p.begin.invocationId, p]));
    for (const r of records) {
      const p = plannedById.get(r.invocationId)!;
      if (r.errorClass !== 'interrupted') {
        expect(r).toEqual(planned(p));
        continue;
      }
      // Started as planned, cut at the abort's simulated instant (the fake wall clock stood at it).
      expect(r).toMatchObject({ ...INTERRUPTED, timestamp: new Date(BASE + p.startMs).toISOString(), durationMs: atAbort!.simMs - p.startMs });
      expect(r.durationMs).toBeLessThan(p.durationMs);
    }
  });

  it('rejects a scale that is not a finite number > 0', async () => {
    const clock = new ReplayClock(BASE);
    const collector = { begin: () => { throw new Error('not called'); } };
    for (const scale of [0, -1, Number.NaN, Infinity])
      await expect(replayPlan({ plan: [], collector, clock, scale, timer: fakeTimer() }), String(scale)).rejects.toThrow(RangeError);
  });
});
