import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AdapterRecorder, errorClassOf, type AdapterWarning } from '../../src/adapters/recorder.js';
import { InvocationMetricsCollector } from '../../src/collector.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(): { collector: InvocationMetricsCollector; warnings: AdapterWarning[]; recorder: AdapterRecorder; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'im-recorder-'));
  dirs.push(dir);
  const collector = new InvocationMetricsCollector(dir, { warn: () => {} });
  const warnings: AdapterWarning[] = [];
  const recorder = new AdapterRecorder('test', { collector, phase: (agent) => (agent === 'planner' ? 0 : 1), onWarning: (w) => warnings.push(w) });
  return { collector, warnings, recorder, dir };
}

describe('AdapterRecorder', () => {
  it('fills in the record, prices it from the table and writes it to the log', async () => {
    const { collector, recorder, warnings, dir } = setup();
    await recorder.emit({ agent: 'coder', startMs: Date.parse('2026-12-07T10:00:00Z'), durationMs: 1500, success: true, model: 'gpt-4o-mini', provider: 'openai', inputTokens: 1000, outputTokens: 200, invocationId: 'a' });
    await recorder.emit({ agent: 'coder', startMs: Date.parse('2026-12-07T10:00:02Z'), durationMs: 10, success: false, model: 'local', errorClass: 'rate_limit', attempt: 2, invocationId: 'b' });
    await collector.close();
    const lines = readFileSync(join(dir, (await import('node:fs')).readdirSync(dir).find((f) => f.endsWith('.jsonl'))!), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ invocationId: 'a', agent: 'coder', phase: 1, tokens: 1200, exitCode: 0, attempt: 1, outputParsed: true, timestamp: '2026-12-07T10:00:00.000Z', provider: 'openai', costSource: 'table' });
    expect(lines[0]!.cost).toBeCloseTo((1000 * 0.15 + 200 * 0.6) / 1e6, 15);
    expect(lines[1]).toMatchObject({ invocationId: 'b', success: false, exitCode: 1, errorClass: 'rate_limit', attempt: 2, cost: 0, costSource: 'none' });
    expect(warnings).toEqual([]);
  });

  it('takes the call\'s own phase over the option', async () => {
    const { collector, recorder } = setup();
    await recorder.emit({ agent: 'planner', startMs: 0, durationMs: 1, success: true, phase: 7 });
    await recorder.emit({ agent: 'planner', startMs: 0, durationMs: 1, success: true });
    expect(collector.getAll().map((m) => m.phase)).toEqual([7, 0]);
    await collector.close();
  });

  it('prices with its own table through price(), and records a cost the adapter priced as it is', async () => {
    const { collector, recorder } = setup();
    const one = recorder.price('gpt-4o-mini', { inputTokens: 1000, outputTokens: 200 });
    expect(one).toMatchObject({ costSource: 'table', priceTable: 'invocation-metrics/2026-12-07' });
    expect(recorder.price('gpt-4o-mini', { inputTokens: 1000 }, 0.5)).toEqual({ cost: 0.5, costSource: 'provider' });
    await recorder.emit({ agent: 'a', startMs: 0, durationMs: 1, success: true, model: 'gpt-4o-mini', inputTokens: 1, providerCost: 9, priced: { cost: 0.25, costSource: 'table', priceTable: 't/1' } });
    expect(collector.getAll()[0]).toMatchObject({ cost: 0.25, costSource: 'table', priceTable: 't/1' });
    await collector.close();
  });

  it('warns instead of recording twice or recording an invalid record, and never throws', async () => {
    const { collector, recorder, warnings } = setup();
    await recorder.emit({ agent: 'a', startMs: 0, durationMs: 1, success: true, invocationId: 'x' });
    expect(recorder.emit({ agent: 'a', startMs: 0, durationMs: 1, success: true, invocationId: 'x' })).toBeUndefined();
    expect(recorder.emit({ agent: 'a', startMs: Number.NaN, durationMs: 1, success: true })).toBeUndefined();
    expect(recorder.emit({ agent: '', startMs: 0, durationMs: 1, success: true })).toBeUndefined();
    await recorder.emit({ agent: 'a', startMs: 0, durationMs: 1, success: true, inputTokens: -3, outputTokens: 2 });
    expect(warnings.map((w) => w.code)).toEqual(['ERR_ADAPTER_DUPLICATE', 'ERR_ADAPTER_RECORD', 'ERR_ADAPTER_RECORD', 'ERR_ADAPTER_INPUT']);
    expect(warnings[1]!.message).toContain('timestamp');
    expect(collector.getAll().map((m) => m.tokens)).toEqual([0, 2]);
    await collector.close();
    // A closed collector refuses: a warning, not a rejection in the framework's callback.
    await expect(recorder.emit({ agent: 'a', startMs: 0, durationMs: 1, success: true })).resolves.toBeUndefined();
    expect(warnings.at(-1)!.code).toBe('ERR_ADAPTER_RECORD');
  });
});

describe('errorClassOf', () => {
  it('names infrastructure errors and leaves the agent\'s own failures unclassed', () => {
    expect(errorClassOf({ statusCode: 429 })).toBe('rate_limit');
    expect(errorClassOf({ status: 504 })).toBe('timeout');
    expect(errorClassOf({ status: 529 })).toBe('overloaded');
    expect(errorClassOf({ status: 500 })).toBe('server_error');
    expect(errorClassOf(Object.assign(new Error('x'), { name: 'AbortError' }))).toBe('timeout');
    expect(errorClassOf(new Error('fetch failed', { cause: Object.assign(new Error('c'), { code: 'ECONNRESET' }) }))).toBe('network');
    expect(errorClassOf(new Error('wrapper', { cause: { statusCode: 429 } }))).toBe('rate_limit');
    expect(errorClassOf({ status: 400 })).toBeUndefined();
    expect(errorClassOf(new TypeError('bad tool args'))).toBeUndefined();
    expect(errorClassOf('string')).toBeUndefined();
  });
});
