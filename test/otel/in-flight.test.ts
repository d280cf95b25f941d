/**
 * The live view of parallelism: `begin()` raises the in-flight gauge and `end()` lowers it, as a real HTTP
 * scrape of the endpoint shows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvocationMetricsCollector, type InvocationHandle } from '../../src/collector.js';
import { createTelemetry, type Telemetry } from '../../src/telemetry/telemetry.js';
import { parseExposition } from '../helpers/otel-read.js';
import { memoryLogger, tempDir } from '../helpers/records.js';

let telemetry: Telemetry;
let collector: InvocationMetricsCollector;
let tmp: ReturnType<typeof tempDir>;

beforeAll(async () => {
  tmp = tempDir('im-inflight-');
  telemetry = await createTelemetry({ prometheus: { port: 0 } });
  collector = new InvocationMetricsCollector(tmp.dir, memoryLogger(), { telemetry });
});
afterAll(async () => {
  await collector?.close();
  await telemetry?.shutdown();
  tmp?.cleanup();
});

/** invocation_metrics_active samples of a real scrape, by agent (summed over the other labels). */
async function activeByAgent(): Promise<Record<string, number>> {
  const res = await fetch(telemetry.prometheusUrl!);
  expect(res.status).toBe(200);
  const out: Record<string, number> = {};
  for (const l of parseExposition(await res.text()).lines)
    if (l.name === 'invocation_metrics_active') out[l.labels.gen_ai_agent_name!] = (out[l.labels.gen_ai_agent_name!] ?? 0) + l.value;
  return out;
}

async function countTotal(): Promise<number> {
  const text = await (await fetch(telemetry.prometheusUrl!)).text();
  return parseExposition(text).lines.filter((l) => l.name === 'invocation_metrics_invocations_total').reduce((a, l) => a + l.value, 0);
}

const ok = { tokens: 10, cost: 0.01, exitCode: 0, success: true };

describe('invocation_metrics_active in a real scrape', () => {
  it('equals the number of open handles, going up and down', async () => {
    expect(await activeByAgent()).toEqual({});
    const handles: InvocationHandle[] = [];
    const open = (agent: string) => handles.push(collector.begin({ agent, phase: 1, model: 'm', tier: 'small' }));
    open('coder');
    expect(await activeByAgent()).toEqual({ coder: 1 });
    open('coder');
    open('reviewer');
    expect(await activeByAgent()).toEqual({ coder: 2, reviewer: 1 });
    await handles[0]!.end(ok);
    expect(await activeByAgent()).toEqual({ coder: 1, reviewer: 1 });
    expect(await countTotal()).toBe(1);
    open('tester');
    expect(await activeByAgent()).toEqual({ coder: 1, reviewer: 1, tester: 1 });
    await Promise.all(handles.slice(1).map((h) => h.end({ ...ok, success: false, errorClass: 'timeout' })));
    expect(await activeByAgent()).toEqual({ coder: 0, reviewer: 0, tester: 0 });
    expect(await countTotal()).toBe(4);
  });

  it('stays up while end() is rejected as invalid (the handle stays open), and goes down at abandon()', async () => {
    const h = collector.begin({ agent: 'planner', phase: 0 });
    expect((await activeByAgent()).planner).toBe(1);
    await expect(h.end({ tokens: -1, cost: 0, exitCode: 0, success: true })).rejects.toThrow(/tokens/);
    expect((await activeByAgent()).planner).toBe(1);
    h.abandon();
    expect((await activeByAgent()).planner).toBe(0);
  });

  it('keeps the series of each begin() fields (agent, phase, model, tier) apart', async () => {
    const a = collector.begin({ agent: 'splitter', phase: 1, model: 'm1' });
    const b = collector.begin({ agent: 'splitter', phase: 2, tier: 'large' });
    const text = await (await fetch(telemetry.prometheusUrl!)).text();
    const lines = parseExposition(text).lines.filter((l) => l.name === 'invocation_metrics_active' && l.labels.gen_ai_agent_name === 'splitter');
    expect(lines.map((l) => [l.labels.invocation_metrics_phase, l.labels.gen_ai_request_model, l.labels.invocation_metrics_tier, l.value]).sort()).toEqual([
      ['1', 'm1', undefined, 1],
      ['2', undefined, 'large', 1],
    ]);
    await a.end(ok);
    await b.end(ok);
  });
});
