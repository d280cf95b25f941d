/** Records for the renderer tests, including agents whose names are hostile markup. */
import type { InvocationMetric } from '../../../src/record.js';

/** Agent names that would inject markup or break a table or a diagram if not escaped. */
export const HOSTILE_AGENTS = [
  '<img src=x onerror=alert(1)>',
  '</script><script>alert(1)</script>',
  'pipe|agent',
  '`tick` agent',
  'colon: semi; hash# %%comment',
] as const;

let n = 0;

/** A valid record with defaults; `start` is seconds after 2026-11-20T09:00:00Z. */
export function rec(agent: string, start: number, fields: Partial<InvocationMetric> = {}): InvocationMetric {
  return {
    invocationId: `inv-${++n}`,
    agent,
    phase: 0,
    durationMs: 10_000,
    tokens: 1000,
    inputTokens: 800,
    outputTokens: 200,
    cost: 0.01,
    exitCode: 0,
    success: true,
    attempt: 1,
    outputParsed: true,
    timestamp: new Date(Date.UTC(2026, 10, 20, 9) + start * 1000).toISOString(),
    ...fields,
  };
}

/** A small run: two agents, two phases, an infra retry with an escalation, a code retry, failures. */
export function sampleRun(): InvocationMetric[] {
  n = 0; // ids inv-1 ... inv-6, whatever ran before
  return [
    rec('planner', 0, { phase: 0, tier: 'small', model: 'm-small' }),
    rec('coder', 5, { phase: 1, taskId: 't1', success: false, exitCode: 1, errorClass: 'timeout', tier: 'small', durationMs: 30_000 }),
    rec('coder', 6, { phase: 1, taskId: 't2', durationMs: 20_000, cost: 0.02, tokens: 3000 }),
    rec('coder', 40, { phase: 1, taskId: 't1', attempt: 2, tier: 'large', cachedTokens: 400, cost: 0.05 }),
    rec('reviewer', 50, { phase: 2, taskId: 't1', success: false, outputParsed: false }),
    rec('reviewer', 62, { phase: 2, taskId: 't1', attempt: 2 }),
  ];
}

/** One record per hostile agent name, plus a hostile model and error class. */
export function hostileRun(): InvocationMetric[] {
  n = 0;
  return HOSTILE_AGENTS.map((agent, i) =>
    rec(agent, i * 3, { phase: i % 2, model: '<b>model</b>', ...(i === 1 ? { success: false, errorClass: '<i>err</i>' } : {}), ...(i === 2 ? { attempt: 2 } : {}) }),
  );
}
