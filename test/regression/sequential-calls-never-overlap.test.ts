/**
 * Calls made one after the other, the second starting in the millisecond the first ended, ran with a
 * parallelism of 1. The log keeps whole-millisecond timestamps: a start rounded down with a fractional
 * duration kept stretched the first call over the second's start, and the aggregate reported a peak of 2
 * (CI saw the instrumentation-openai test's reviewers and tester as 3 at once).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { computeAggregate } from '../../src/aggregate/index.js';
import { InvocationMetricsCollector } from '../../src/collector.js';
import { rig, type Rig } from '../adapters/otel-genai/helpers.js';

const T0 = Date.parse('2026-12-07T10:00:00.000Z');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('sequential calls in the same millisecond', () => {
  it('begin()/end(): whole-millisecond ends, no overlap, durations within 1 ms of the clock', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'im-seq-'));
    dirs.push(dir);
    // A runs 999.2 -> 1000.6; B starts at 1000.7, after A ended, in the same millisecond.
    const times = [999.2, 1000.6, 1000.7, 1003.1, 1003.1, 1003.9];
    const collector = new InvocationMetricsCollector(dir, { warn: () => {} }, { clock: { now: () => T0 + times.shift()! } });
    try {
      for (const agent of ['a', 'b', 'c']) await collector.begin({ agent, phase: 1 }).end({ success: true, tokens: 1, cost: 0, exitCode: 0 });
      const records = collector.getAll();
      expect(records.map((r) => [r.timestamp, r.durationMs])).toEqual([
        [new Date(T0 + 999).toISOString(), 1],
        [new Date(T0 + 1000).toISOString(), 3],
        // 0.8 ms inside one millisecond: zero length, which runs over nothing.
        [new Date(T0 + 1003).toISOString(), 0],
      ]);
      expect(computeAggregate(records).peakParallelInvocations).toBe(1);
    } finally {
      await collector.close();
    }
  });

  describe('the OTel GenAI span processor', () => {
    let r: Rig | undefined;
    afterEach(() => r?.cleanup());

    it('rounds both ends of a span down: a span started after another ended never overlaps it', async () => {
      r = rig();
      const attrs = { 'gen_ai.operation.name': 'invoke_agent' };
      // One after the other, each starting in the millisecond the one before ended; the reviewers side by side.
      const plan: [string, number, number][] = [['planner', 10.3, 25.8], ['coder', 25.9, 40.05], ['reviewer', 40.2, 52.4], ['reviewer', 40.3, 52.45], ['tester', 52.5, 60]];
      const spans = plan.map(([name, start]) => r!.span('my-agents', `invoke_agent ${name}`, { ...attrs, 'gen_ai.agent.name': name }, start));
      plan.forEach(([, , end], i) => r!.end(spans[i]!, end));
      const lines = await r.finish();
      expect(lines.map((l) => [l.agent, Date.parse(l.timestamp as string) - T0, l.durationMs])).toEqual([
        ['planner', 10, 15],
        ['coder', 25, 15],
        ['reviewer', 40, 12],
        ['reviewer', 40, 12],
        ['tester', 52, 8],
      ]);
      expect(r.warnings).toEqual([]);
      // Before: the reviewers ran to 52.2 and 52.15, over the tester's start at 52: a peak of 3.
      expect(computeAggregate(r.collector.getAll()).peakParallelInvocations).toBe(2);
    });
  });
});
