/**
 * The demo's plan: deterministic per seed, and shaped like a real fleet (roles, phases, parallel waves,
 * infra and code retries, escalations, consistent tokens and costs).
 */
import { describe, expect, it } from 'vitest';
import { computeAggregate } from '../../src/aggregate/index.js';
import { DEFAULT_SEED, MODEL_TIERS, planRun, planSpanMs, type PlannedInvocation } from '../../src/demo/plan.js';
import { findMetricProblem, type InvocationMetric } from '../../src/record.js';

const SEEDS = [DEFAULT_SEED, 0, 1, 2, 3, 42, 1234, 2 ** 32 - 1];
const BASE = Date.parse('2026-11-20T09:00:00Z');

const toRecord = (p: PlannedInvocation): InvocationMetric => ({
  ...p.begin,
  ...p.end,
  durationMs: p.durationMs,
  timestamp: new Date(BASE + p.startMs).toISOString(),
});

/** The previous attempt of a planned retry: same task, attempt - 1 (a task runs its attempts in sequence). */
const previousOf = (plan: PlannedInvocation[], p: PlannedInvocation): PlannedInvocation | undefined =>
  plan.find((q) => q.begin.taskId === p.begin.taskId && q.begin.attempt === p.begin.attempt - 1);

describe('planRun', () => {
  it('is deterministic per seed, and different seeds give different plans', () => {
    for (const seed of SEEDS) expect(planRun(seed), `seed ${seed}`).toEqual(planRun(seed));
    expect(planRun(1)).not.toEqual(planRun(2));
    expect(planRun(DEFAULT_SEED).map((p) => p.begin.invocationId)).not.toEqual(planRun(DEFAULT_SEED + 1).map((p) => p.begin.invocationId));
  });

  it('has at least 12 agent roles over several phases, run one after another', () => {
    for (const seed of SEEDS) {
      const plan = planRun(seed);
      expect(new Set(plan.map((p) => p.begin.agent)).size, `seed ${seed}`).toBeGreaterThanOrEqual(12);
      const phases = [...new Set(plan.map((p) => p.begin.phase))].sort((a, b) => a - b);
      expect(phases.length).toBeGreaterThanOrEqual(4);
      expect(phases).toEqual(phases.map((_, i) => i)); // 0, 1, 2, ... without gaps
      for (const k of phases.slice(1)) {
        const lastEnd = Math.max(...plan.filter((p) => p.begin.phase === k - 1).map((p) => p.startMs + p.durationMs));
        const firstStart = Math.min(...plan.filter((p) => p.begin.phase === k).map((p) => p.startMs));
        expect(firstStart, `seed ${seed} phase ${k}`).toBeGreaterThanOrEqual(lastEnd);
      }
    }
  });

  it('runs parallel waves over minutes of simulated time, in whole milliseconds, ordered by start', () => {
    for (const seed of SEEDS) {
      const plan = planRun(seed);
      const a = computeAggregate(plan.map(toRecord));
      expect(a.peakParallelInvocations, `seed ${seed}`).toBeGreaterThanOrEqual(4);
      expect(planSpanMs(plan)).toBe(Math.max(...plan.map((p) => p.startMs + p.durationMs)));
      expect(planSpanMs(plan)).toBeGreaterThan(5 * 60_000);
      expect(planSpanMs(plan)).toBeLessThan(60 * 60_000);
      expect(plan.map((p) => p.startMs)).toEqual(plan.map((p) => p.startMs).sort((x, y) => x - y));
      for (const p of plan) {
        expect(Number.isInteger(p.startMs) && p.startMs >= 0, p.begin.invocationId).toBe(true);
        expect(Number.isInteger(p.durationMs) && p.durationMs > 0, p.begin.invocationId).toBe(true);
      }
      expect(new Set(plan.map((p) => p.begin.invocationId)).size).toBe(plan.length);
    }
  });

  it('has infra retries (the previous attempt has an errorClass) and code retries (it failed without one)', () => {
    const plan = planRun(DEFAULT_SEED);
    const retries = plan.filter((p) => p.begin.attempt > 1);
    const infra = retries.filter((r) => previousOf(plan, r)?.end.errorClass !== undefined);
    const code = retries.filter((r) => previousOf(plan, r)?.end.errorClass === undefined);
    expect(infra.length).toBeGreaterThan(0);
    expect(code.length).toBeGreaterThan(0);
    // The library's own definitions agree.
    const a = computeAggregate(plan.map(toRecord));
    expect([a.totalRetries, a.infraRetries, a.codeRetries]).toEqual([retries.length, infra.length, code.length]);
  });

  it('retries only failed attempts, after they end, at most three attempts; infra failures carry exit code 75', () => {
    for (const seed of SEEDS) {
      const plan = planRun(seed);
      for (const p of plan) {
        expect(p.begin.attempt).toBeGreaterThanOrEqual(1);
        expect(p.begin.attempt).toBeLessThanOrEqual(3);
        expect(p.end.success).toBe(p.end.exitCode === 0);
        if (p.end.errorClass !== undefined) expect([p.end.success, p.end.exitCode]).toEqual([false, 75]);
        if (p.end.success) expect(p.end.outputParsed).toBe(true);
        if (p.begin.attempt === 1) continue;
        const prev = previousOf(plan, p);
        expect(prev, p.begin.invocationId).toBeDefined();
        expect(prev!.end.success).toBe(false);
        expect(p.startMs).toBeGreaterThanOrEqual(prev!.startMs + prev!.durationMs);
      }
    }
  });

  it('escalates one tier up after a code error and stays on its tier after an infra error', () => {
    const tierIndex = (t: string): number => MODEL_TIERS.findIndex((m) => m.tier === t);
    let escalations = 0;
    for (const seed of SEEDS) {
      const plan = planRun(seed);
      for (const p of plan.filter((q) => q.begin.attempt > 1)) {
        const prev = previousOf(plan, p)!;
        const [from, to] = [tierIndex(prev.begin.tier), tierIndex(p.begin.tier)];
        if (prev.end.errorClass !== undefined) expect(to, p.begin.invocationId).toBe(from);
        else expect(to, p.begin.invocationId).toBe(Math.min(from + 1, MODEL_TIERS.length - 1));
        if (to !== from) escalations++;
      }
    }
    expect(escalations).toBeGreaterThan(0);
    expect(computeAggregate(planRun(DEFAULT_SEED).map(toRecord)).escalationCount).toBeGreaterThan(0);
  });

  it('has consistent tokens: tokens = input + output, cachedTokens <= inputTokens, realistic sizes', () => {
    for (const seed of SEEDS) {
      for (const p of planRun(seed)) {
        const e = p.end;
        expect(e.tokens, p.begin.invocationId).toBe(e.inputTokens + e.outputTokens);
        expect(e.cachedTokens).toBeLessThanOrEqual(e.inputTokens);
        for (const n of [e.inputTokens, e.outputTokens, e.cachedTokens]) expect(Number.isInteger(n) && n >= 0).toBe(true);
        expect(e.inputTokens).toBeGreaterThan(1_000);
        expect(e.inputTokens).toBeLessThan(1_000_000);
      }
    }
  });

  it('prices every invocation from its model tier: input, cached input and output at the listed rates', () => {
    expect(MODEL_TIERS.length).toBeGreaterThanOrEqual(2);
    for (const seed of SEEDS) {
      for (const p of planRun(seed)) {
        const tier = MODEL_TIERS.find((t) => t.tier === p.begin.tier);
        expect(tier, p.begin.tier).toBeDefined();
        expect(p.begin.model).toBe(tier!.model);
        const { inputTokens: input, cachedTokens: cached, outputTokens: output } = p.end;
        const expected = ((input - cached) * tier!.inputPerM + cached * tier!.cachedPerM + output * tier!.outputPerM) / 1e6;
        expect(p.end.cost, p.begin.invocationId).toBe(Math.round(expected * 1e6) / 1e6); // rounded to the micro-dollar
        expect(p.end.cost).toBeGreaterThan(0);
      }
    }
    // Cached input is cheaper than fresh input, and bigger tiers cost more.
    for (const t of MODEL_TIERS) expect(t.cachedPerM).toBeLessThan(t.inputPerM);
    for (let i = 1; i < MODEL_TIERS.length; i++) expect(MODEL_TIERS[i]!.inputPerM).toBeGreaterThan(MODEL_TIERS[i - 1]!.inputPerM);
  });

  it('produces records the library accepts', () => {
    const records = planRun(DEFAULT_SEED).map(toRecord);
    for (const r of records) expect(findMetricProblem(r), r.invocationId).toBeUndefined();
    const a = computeAggregate(records);
    expect(a.totalInvocations).toBe(records.length);
    expect(a.totalCost).toBeGreaterThan(1);
    expect(Object.keys(a.failuresByErrorClass).length).toBeGreaterThan(1);
  });
});
