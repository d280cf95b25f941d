/**
 * The Mastra adapter driven by the real framework (@mastra/core with @mastra/observability's
 * `Observability`) and Mastra's own mock model: the log holds exactly what the agent runs did. Mastra's
 * analytics (PostHog) is disabled by its documented variable, and a guard fails any outbound connection.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Mastra } from '@mastra/core';
import { Agent } from '@mastra/core/agent';
import type { AnyExportedSpan, TracingEvent } from '@mastra/core/observability';
import { RequestContext } from '@mastra/core/request-context';
import { createTool } from '@mastra/core/tools';
import { Observability } from '@mastra/observability';
import { afterEach, describe, expect, it } from 'vitest';
import { invocationMetricsExporter, type MastraAdapterOptions } from '../../src/adapters/mastra/index.js';
import type { AdapterWarning } from '../../src/adapters/recorder.js';
import { computeAggregate } from '../../src/aggregate/index.js';
import { InvocationMetricsCollector } from '../../src/collector.js';
import { noNetworkInThisFile } from '../helpers/no-network.js';
import { barrier, httpError, scriptedModel } from './mastra-fakes.js';

process.env.MASTRA_TELEMETRY_DISABLED = '1';

noNetworkInThisFile();

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(options: Omit<MastraAdapterOptions, 'collector'> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'im-mastra-'));
  dirs.push(dir);
  const collector = new InvocationMetricsCollector(dir, { warn: () => {} });
  const warnings: AdapterWarning[] = [];
  const exporter = invocationMetricsExporter({ collector, onWarning: (w) => warnings.push(w), ...options });
  const log = async (): Promise<Record<string, unknown>[]> => {
    await exporter.flush();
    await collector.close();
    return readFileSync(join(dir, 'invocations.jsonl'), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  };
  const mastra = (agents: Record<string, Agent>) =>
    new Mastra({ agents, logger: false, observability: new Observability({ configs: { default: { serviceName: 'test', exporters: [exporter] } } }) });
  return { exporter, warnings, log, mastra };
}

const row = (r: Record<string, unknown>) => [r.agent, r.attempt, r.taskId ?? null, r.success, r.errorClass ?? null, r.model ?? null, r.inputTokens ?? null, r.outputTokens ?? null, r.cachedTokens ?? null, r.tokens];

describe('Mastra multi-agent run', () => {
  it('records each agent run: usage of its generations, a failure, a retry with a bigger model, a fallback model and parallel runs', async () => {
    // The trace keeps an error's name and message, not its status: the user maps what they know.
    const { exporter, warnings, log, mastra } = setup({ errorClass: (e) => (/rate limit/i.test(e.message) ? 'rate_limit' : undefined) });
    const both = barrier(2);
    const lookup = createTool({ id: 'lookup', description: 'looks it up', execute: async () => ({ found: true }) });
    // The planner calls a tool, then answers: two model calls in one generation.
    const planner = new Agent({ id: 'planner', name: 'planner', instructions: 'plan', tools: { lookup }, model: scriptedModel('gpt-4o-mini', [{ tool: 'lookup', input: 60, output: 10 }, { input: 40, output: 10 }]), maxRetries: 0 });
    // The coder's small model is rate limited; the user retries the run with a bigger one (requestContext tier).
    const small = scriptedModel('gpt-4o-mini', [{ fail: httpError(429, 'Rate limit reached'), barrier: both }]);
    const big = scriptedModel('gpt-4o', [{ input: 300, output: 50, cached: 200 }]);
    const coder = new Agent({ id: 'coder', name: 'coder', instructions: 'code', model: ({ requestContext }) => (requestContext.get('tier') === 'big' ? big : small), maxRetries: 0 });
    // The reviewer's model list: the first model fails, Mastra falls back to the second within the run.
    const reviewer = new Agent({
      id: 'reviewer',
      name: 'reviewer',
      instructions: 'review',
      model: [
        { model: scriptedModel('gpt-4o-mini', [{ fail: new TypeError('unparseable review'), barrier: both }]), maxRetries: 0 },
        { model: scriptedModel('gpt-4o', [{ input: 400, output: 80 }]), maxRetries: 0 },
      ],
    });
    // The tester fails with its own error; the user runs it again on the same model.
    const tester = new Agent({ id: 'tester', name: 'tester', instructions: 'test', model: scriptedModel('gpt-4o-mini', [{ fail: new TypeError('tests did not parse') }, { input: 50, output: 5 }]), maxRetries: 0 });
    const m = mastra({ planner, coder, reviewer, tester });

    await m.getAgent('planner').generate('plan it');
    const [coded, reviewed] = await Promise.allSettled([
      m.getAgent('coder').generate('code it', { tracingOptions: { metadata: { taskId: 'code-1', attempt: 1 } } }),
      m.getAgent('reviewer').generate('review it'),
    ]);
    expect(coded.status).toBe('rejected');
    expect(reviewed.status).toBe('fulfilled');
    const tier = new RequestContext();
    tier.set('tier', 'big');
    await m.getAgent('coder').generate('code it', { requestContext: tier, tracingOptions: { metadata: { taskId: 'code-1', attempt: 2 } } });
    await expect(m.getAgent('tester').generate('test it', { tracingOptions: { metadata: { taskId: 'test-1', attempt: 1 } } })).rejects.toThrow('tests did not parse');
    await m.getAgent('tester').generate('test it', { tracingOptions: { metadata: { taskId: 'test-1', attempt: 2 } } });

    const records = await log();
    expect(warnings).toEqual([]);
    expect(exporter.openRuns).toBe(0);
    expect(records).toHaveLength(6);
    expect([records[0]!, ...records.slice(3)].map(row)).toEqual([
      ['planner', 1, null, true, null, 'gpt-4o-mini', 100, 20, null, 120],
      ['coder', 2, 'code-1', true, null, 'gpt-4o', 300, 50, 200, 350],
      ['tester', 1, 'test-1', false, null, 'gpt-4o-mini', null, null, null, 0],
      ['tester', 2, 'test-1', true, null, 'gpt-4o-mini', 50, 5, null, 55],
    ]);
    // The two parallel runs end in an order that is Mastra's business.
    expect(records.slice(1, 3).map(row).sort((a, b) => String(a[0]).localeCompare(String(b[0])))).toEqual([
      ['coder', 1, 'code-1', false, 'rate_limit', 'gpt-4o-mini', null, null, null, 0],
      ['reviewer', 1, null, true, null, 'gpt-4o', 400, 80, null, 480],
    ]);
    expect(records[0]!.toolCalls).toBe(1);
    expect(records.find((r) => r.agent === 'reviewer')!.fallbackFrom).toEqual(['gpt-4o-mini']);
    expect(records.every((r) => r.provider === 'openai')).toBe(true);
    expect(records.find((r) => r.agent === 'coder' && r.attempt === 2)!.cost).toBeCloseTo((100 * 2.5 + 200 * 1.25 + 50 * 10) / 1e6, 15);
    expect(small.calls()).toBe(1);

    const agg = computeAggregate(records as never);
    expect(agg.totalInvocations).toBe(6);
    expect(agg.totalRetries).toBe(2);
    expect(agg.infraRetries).toBe(1);
    expect(agg.codeRetries).toBe(1);
    expect(agg.escalationCount).toBe(1);
    expect(agg.peakParallelInvocations).toBe(2);
    expect(agg.totalTokens).toBe(120 + 480 + 350 + 55);
  });

  it('Mastra\'s own retry (maxRetries) stays inside one model span: one record, the retried provider call unseen', async () => {
    const { log, mastra, warnings } = setup();
    const flaky = scriptedModel('gpt-4o-mini', [{ fail: httpError(503, 'overloaded') }, { input: 9, output: 1 }]);
    const agent = new Agent({ id: 'flaky', name: 'flaky', instructions: 'f', model: flaky, maxRetries: 1 });
    await mastra({ agent }).getAgent('agent').generate('go');
    expect(flaky.calls()).toBe(2);
    expect((await log()).map((r) => [r.agent, r.attempt, r.success, r.tokens])).toEqual([['flaky', 1, true, 10]]);
    expect(warnings).toEqual([]);
  });

  it('records a sub-agent run of its own: its generation is not counted in the supervisor\'s run', async () => {
    const { log, mastra, warnings } = setup();
    const helper = new Agent({ id: 'helper', name: 'helper', description: 'helps', instructions: 'h', model: scriptedModel('gpt-4o-mini', [{ input: 5, output: 1 }]) });
    const boss = new Agent({ id: 'boss', name: 'boss', instructions: 'b', agents: { helper }, model: scriptedModel('gpt-4o', [{ tool: 'agent-helper', args: { prompt: 'help me' }, input: 50, output: 5 }, { input: 60, output: 6 }]) });
    await mastra({ boss, helper }).getAgent('boss').generate('go');
    const records = await log();
    expect(records.map((r) => [r.agent, r.model, r.inputTokens, r.outputTokens, r.toolCalls ?? null])).toEqual([
      ['helper', 'gpt-4o-mini', 5, 1, null],
      ['boss', 'gpt-4o', 110, 11, 1],
    ]);
    // The helper ran inside the boss's run.
    const [h, b] = records as [Record<string, number | string>, Record<string, number | string>];
    expect(Date.parse(String(h.timestamp))).toBeGreaterThanOrEqual(Date.parse(String(b.timestamp)));
    expect(warnings).toEqual([]);
  });

  it('records streamed runs: a stream read to its end, one abandoned by its reader (Mastra finishes it), one failing mid-way', async () => {
    const { log, mastra, warnings } = setup();
    const writer = new Agent({ id: 'writer', name: 'writer', instructions: 'w', model: scriptedModel('gpt-4o-mini', [{ input: 7, output: 3 }, { input: 8, output: 3 }, { input: 1, fail: httpError(502, 'bad gateway') }]), maxRetries: 0 });
    const m = mastra({ writer });
    expect(await (await m.getAgent('writer').stream('a')).text).toBe('one two three');
    const cut = await m.getAgent('writer').stream('b');
    for await (const chunk of cut.textStream) {
      expect(chunk).toBe('one ');
      break;
    }
    const failing = await m.getAgent('writer').stream('c');
    await failing.consumeStream().catch(() => {});
    await failing.text.catch(() => {});
    const records = await log();
    expect(records.map((r) => [r.success, r.inputTokens ?? null, r.outputTokens ?? null])).toEqual([
      [true, 7, 3],
      [true, 8, 3],
      [false, null, null],
    ]);
    expect(warnings).toEqual([]);
  });
});

describe('what the trace gives that cannot be recorded exactly', () => {
  const base = { traceId: 't', name: 'agent run', isRootSpan: true, isEvent: false, entityName: 'solo' };
  const at = (s: number) => new Date(Date.parse('2026-12-07T10:00:00Z') + s * 1000);
  const ev = (type: string, span: Record<string, unknown>) => ({ type, exportedSpan: { ...base, ...span } }) as unknown as TracingEvent;

  it('warns about malformed events, an end without a start, a second end, bad usage and missing times, and never throws', async () => {
    const { exporter, log, warnings } = setup();
    await exporter.exportTracingEvent({} as TracingEvent);
    await exporter.exportTracingEvent(ev('span_started', { id: 'r1', type: 'agent_run', startTime: at(0) }));
    await exporter.exportTracingEvent(ev('span_started', { id: 'g1', type: 'model_generation', parentSpanId: 'r1', startTime: at(0), attributes: { model: 'gpt-4o' } }));
    await exporter.exportTracingEvent(ev('span_ended', { id: 'g1', type: 'model_generation', parentSpanId: 'r1', startTime: at(0), endTime: at(1), attributes: { model: 'gpt-4o', usage: { inputTokens: -1, outputTokens: 4 } } }));
    await exporter.exportTracingEvent(ev('span_ended', { id: 'r1', type: 'agent_run', startTime: at(0), endTime: at(2) }));
    await exporter.exportTracingEvent(ev('span_ended', { id: 'r1', type: 'agent_run', startTime: at(0), endTime: at(2) }));
    await exporter.exportTracingEvent(ev('span_ended', { id: 'r2', type: 'agent_run', startTime: at(3), endTime: at(4), errorInfo: { message: 'timed out', name: 'TimeoutError' } }));
    await exporter.exportTracingEvent(ev('span_started', { id: 'r3', type: 'agent_run', startTime: at(5) }));
    await exporter.exportTracingEvent(ev('span_ended', { id: 'r3', type: 'agent_run', startTime: 'yesterday', endTime: at(6) }));
    await exporter.exportTracingEvent(ev('span_started', { id: 'r4', type: 'agent_run', entityName: undefined, startTime: at(7) }));
    await exporter.exportTracingEvent(ev('span_ended', { id: 'r4', type: 'agent_run', entityName: undefined, startTime: at(7), endTime: at(8) }));
    const records = await log();
    expect(records.map((r) => [r.invocationId, r.agent, r.success, r.errorClass ?? null, r.model ?? null, r.outputTokens ?? null, r.durationMs])).toEqual([
      ['r1', 'solo', true, null, 'gpt-4o', 4, 2000],
      ['r2', 'solo', false, 'timeout', null, null, 1000],
    ]);
    expect(warnings.map((w) => w.message.replace(/^invocation-metrics\/mastra: /, ''))).toEqual([
      'a tracing event without a span id and type was ignored (undefined)',
      'agent "solo": the framework\'s inputTokens -1 is not a count; left out',
      'agent run span r1 of agent "solo" ended without a start this exporter saw (or twice): its generations\' usage is unknown',
      'a second record of invocation "r1" was not recorded',
      'agent run span r2 of agent "solo" ended without a start this exporter saw (or twice): its generations\' usage is unknown',
      'agent run span r3 of agent "solo" has no valid startTime/endTime; not recorded',
      'agent run span r4 names no agent (no entityName nor entityId); not recorded',
    ]);
  });

  it('maps agent, taskId and attempt by options; an agent run never ended is warned about at shutdown', async () => {
    const { exporter, log, warnings } = setup({ agent: (s: AnyExportedSpan) => `team/${String(s.entityName)}`, taskId: (s) => String(s.metadata?.ticket), attempt: () => 3 });
    await exporter.exportTracingEvent(ev('span_started', { id: 'a', type: 'agent_run', startTime: at(0) }));
    await exporter.exportTracingEvent(ev('span_ended', { id: 'a', type: 'agent_run', startTime: at(0), endTime: at(1), metadata: { ticket: 'T9' } }));
    await exporter.exportTracingEvent(ev('span_started', { id: 'b', type: 'agent_run', startTime: at(2) }));
    expect(exporter.openRuns).toBe(1);
    await exporter.shutdown();
    await exporter.shutdown();
    expect((await log()).map((r) => [r.agent, r.taskId, r.attempt])).toEqual([['team/solo', 'T9', 3]]);
    expect(warnings.map((w) => w.message)).toEqual(['invocation-metrics/mastra: agent run span b never ended; not recorded']);
  });

  it('forgets the oldest spans beyond maxOpenSpans, with one warning', async () => {
    const { exporter, log, warnings } = setup({ maxOpenSpans: 2 });
    for (const id of ['a', 'b', 'c']) await exporter.exportTracingEvent(ev('span_started', { id, type: 'agent_run', startTime: at(0) }));
    expect(exporter.openRuns).toBe(2);
    await exporter.exportTracingEvent(ev('span_ended', { id: 'c', type: 'agent_run', startTime: at(0), endTime: at(1) }));
    expect((await log()).map((r) => r.invocationId)).toEqual(['c']);
    expect(warnings.map((w) => w.message)).toEqual([expect.stringContaining('more than 2 spans open at once (maxOpenSpans)')]);
  });

  it('refuses bad options with InvalidOptionError', () => {
    const collector = { record: async () => {} };
    expect(() => invocationMetricsExporter({ collector, agent: '' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
    expect(() => invocationMetricsExporter({ collector, attempt: 2 as never })).toThrow(/attempt/);
    expect(() => invocationMetricsExporter({ collector, maxOpenSpans: 1.5 })).toThrow(/maxOpenSpans/);
  });
});
