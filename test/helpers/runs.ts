/**
 * A generator of simulated runs for the diff tests: every agent's invocations drawn from fixed
 * distributions by a seeded PRNG, so that two seeds give two runs of the same workload, and a change
 * (one agent slower, one agent's infra failures more frequent) is the only difference in distribution.
 */
import { writeFileSync } from 'node:fs';
import { prng } from '../../src/demo/prng.js';
import type { InvocationMetric } from '../../src/record.js';
import { serializeMetric } from '../../src/serialize.js';

/** One agent's distributions. */
export interface AgentProfile {
  /** Median duration (ms); durations are log-normal with sigma 0.4. */
  medianMs: number;
  /** Probability that an attempt fails with an infra error (retried on the same tier). */
  infraFailure: number;
  /** Probability that an attempt fails with a code error (retried on the next tier). */
  codeFailure: number;
  /** Mean tokens per invocation (log-normal, sigma 0.5). */
  tokens: number;
}

/** The default fleet: five agents over three phases. */
export const FLEET: Readonly<Record<string, AgentProfile>> = Object.freeze({
  planner: { medianMs: 4000, infraFailure: 0.04, codeFailure: 0.03, tokens: 3000 },
  coder: { medianMs: 20000, infraFailure: 0.06, codeFailure: 0.08, tokens: 9000 },
  reviewer: { medianMs: 8000, infraFailure: 0.05, codeFailure: 0.04, tokens: 5000 },
  tester: { medianMs: 12000, infraFailure: 0.1, codeFailure: 0.05, tokens: 4000 },
  docs: { medianMs: 3000, infraFailure: 0.03, codeFailure: 0.02, tokens: 2000 },
});

const TIERS = ['small', 'medium', 'large'];
const PRICE_PER_TOKEN = { small: 1e-6, medium: 3e-6, large: 15e-6 } as Record<string, number>;

/** Options of {@link generateRun}. */
export interface RunOptions {
  /** PRNG seed. */
  seed: number;
  /** Tasks per agent (each task is one first attempt and its retries). @default 300 */
  tasksPerAgent?: number;
  /** Per-agent changes over {@link FLEET}. */
  changes?: Record<string, Partial<AgentProfile>>;
}

/**
 * A run: per agent, `tasksPerAgent` tasks spread over phases 0-2, each attempted until it succeeds (at
 * most 3 attempts), started one second apart per agent.
 *
 * @returns The records, in start order per agent.
 */
export function generateRun(options: RunOptions): InvocationMetric[] {
  const random = prng(options.seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const records: InvocationMetric[] = [];
  const t0 = Date.parse('2026-11-20T09:00:00Z');
  for (const [agent, base] of Object.entries(FLEET)) {
    const p = { ...base, ...options.changes?.[agent] };
    let clock = t0;
    for (let task = 0; task < (options.tasksPerAgent ?? 300); task++) {
      const phase = task % 3;
      let tier = 0;
      for (let attempt = 1; attempt <= 3; attempt++) {
        const durationMs = Math.round(p.medianMs * Math.exp(0.4 * normal()));
        const tokens = Math.max(1, Math.round(p.tokens * Math.exp(0.5 * normal() - 0.125)));
        const u = random();
        const outcome = u < p.infraFailure ? 'infra' : u < p.infraFailure + p.codeFailure ? 'code' : 'ok';
        records.push({
          invocationId: `${agent}-${task}-${attempt}`,
          agent,
          phase,
          taskId: `${agent}-${task}`,
          durationMs,
          tokens,
          cost: tokens * PRICE_PER_TOKEN[TIERS[tier]!]!,
          exitCode: outcome === 'ok' ? 0 : 1,
          success: outcome === 'ok',
          attempt,
          outputParsed: outcome !== 'code',
          tier: TIERS[tier]!,
          timestamp: new Date(clock).toISOString(),
          ...(outcome === 'infra' ? { errorClass: 'timeout' } : {}),
        });
        clock += 1000;
        if (outcome === 'ok') break;
        if (outcome === 'code') tier = Math.min(tier + 1, TIERS.length - 1);
      }
    }
  }
  return records;
}

/** Writes records as a JSONL log. */
export function writeRun(file: string, records: readonly InvocationMetric[]): void {
  writeFileSync(file, records.map((r) => `${serializeMetric(r)}\n`).join(''));
}
