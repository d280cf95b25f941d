/**
 * A small multi-agent run traced as OpenLLMetry (older attribute names, tokens on its `openai.chat` spans,
 * `traceloop.span.kind=agent` spans) and OpenLIT / current-convention instrumentations (invoke_agent spans
 * with usage and cost) write it, through a real sdk-trace 3.x provider: the log holds exactly what the run
 * did, and its aggregate the retries, escalations and parallelism.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Span } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { InvocationMetricsCollector } from '../../../src/collector.js';
import { afterEach, describe, expect, it } from 'vitest';
import { computeAggregate } from '../../../src/aggregate/index.js';
import type { InvocationMetric } from '../../../src/record.js';
import { invocationMetricsSpanProcessor } from '../../../src/adapters/otel-genai/index.js';
import { rig, T0, type Rig } from './helpers.js';

const OPENLLMETRY = '@traceloop/instrumentation-openai';
const TRACELOOP_SDK = '@traceloop/node-server-sdk';
const OPENLIT = 'openlit';
const TABLE = 'invocation-metrics/2026-12-07';

let r: Rig | undefined;
afterEach(() => r?.cleanup());

const idOf = (s: Span): string => `${s.spanContext().traceId}-${s.spanContext().spanId}`;
const at = (ms: number): string => new Date(T0 + ms).toISOString();

describe('otel-genai: a multi-agent run', () => {
  it('records each agent invocation once, with a failure, its retry on a bigger model, and parallel reviewers', async () => {
    r = rig({ phase: (agent) => (agent === 'coder' ? 2 : 1) });
    const { span, end } = r;

    // planner: an invoke_agent span with its own usage, current names; the model that served is the response model.
    const planner = span(OPENLIT, 'invoke_agent planner', {
      'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'planner', 'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o', 'gen_ai.response.model': 'gpt-4o-2024-08-06',
      'gen_ai.usage.input_tokens': 1000, 'gen_ai.usage.output_tokens': 200, 'gen_ai.usage.cache_read.input_tokens': 400,
      'invocation_metrics.task_id': 'plan',
    }, 0);
    const http = span('@opentelemetry/instrumentation-http', 'POST', { 'http.request.method': 'POST' }, 100, planner);
    end(http, 900);
    end(planner, 1000);

    // coder, attempt 1: an OpenLLMetry agent span; its one chat call hits a rate limit.
    const coder1 = span(TRACELOOP_SDK, 'coder.agent', { 'traceloop.span.kind': 'agent', 'traceloop.entity.name': 'coder', 'invocation_metrics.task_id': 'T-1', 'invocation_metrics.attempt': 1 }, 1000);
    const chat0 = span(OPENLLMETRY, 'openai.chat', { 'gen_ai.system': 'OpenAI', 'llm.request.type': 'chat', 'gen_ai.request.model': 'gpt-4o-mini' }, 1100, coder1);
    end(chat0, 1400, { message: '429 Rate limit reached', exceptionType: 'RateLimitError' });
    end(coder1, 1500, { message: '429 Rate limit reached', exceptionType: 'RateLimitError' });

    // coder, attempt 2 on gpt-4o: two chat calls with the older usage names; the agent span has none.
    const coder2 = span(TRACELOOP_SDK, 'coder.agent', { 'traceloop.span.kind': 'agent', 'traceloop.entity.name': 'coder', 'invocation_metrics.task_id': 'T-1', 'invocation_metrics.attempt': 2 }, 1600);
    const chat1 = span(OPENLLMETRY, 'openai.chat', { 'gen_ai.system': 'OpenAI', 'llm.request.type': 'chat', 'gen_ai.request.model': 'gpt-4o' }, 1700, coder2);
    chat1.setAttributes({ 'gen_ai.response.model': 'gpt-4o-2024-08-06', 'gen_ai.usage.prompt_tokens': 300, 'gen_ai.usage.completion_tokens': 50, 'llm.usage.total_tokens': 350, 'gen_ai.usage.cache_read_input_tokens': 100 });
    end(chat1, 2200);
    const tool = span(TRACELOOP_SDK, 'execute_tool run_tests', { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'run_tests' }, 2200, coder2);
    end(tool, 2300);
    const chat2 = span(OPENLLMETRY, 'openai.chat', { 'gen_ai.system': 'OpenAI', 'llm.request.type': 'chat', 'gen_ai.request.model': 'gpt-4o' }, 2300, coder2);
    chat2.setAttributes({ 'gen_ai.response.model': 'gpt-4o', 'gen_ai.usage.prompt_tokens': 500, 'gen_ai.usage.completion_tokens': 80, 'llm.usage.total_tokens': 580 });
    end(chat2, 2900);
    end(coder2, 3000);

    // Two reviewers and a tester in parallel: OpenLIT's spans with the older provider name and its own cost.
    const review = (start: number): Span => span(OPENLIT, 'invoke_agent reviewer', {
      'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'reviewer', 'gen_ai.system': 'anthropic',
      'gen_ai.request.model': 'claude-sonnet-4', 'gen_ai.usage.input_tokens': 2000, 'gen_ai.usage.output_tokens': 300,
      'gen_ai.usage.total_tokens': 2300, 'gen_ai.usage.cost': 0.0105,
    }, start);
    const reviewA = review(3000);
    const reviewB = review(3200);
    const tester = span(OPENLIT, 'invoke_agent tester', {
      'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'tester', 'gen_ai.provider.name': 'anthropic',
      'gen_ai.response.model': 'claude-haiku-4-5', 'gen_ai.usage.input_tokens': 100, 'gen_ai.usage.output_tokens': 20, 'invocation_metrics.phase': 3,
    }, 3500);
    end(tester, 3800);
    end(reviewA, 4000);
    end(reviewB, 4500);

    // Our own span sink's spans (and a model call below one) are never recorded back.
    const own = span('invocation-metrics', 'invoke_agent own', { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'own', 'invocation_metrics.invocation_id': 'x-1', 'gen_ai.usage.input_tokens': 5 }, 5000);
    const ownChat = span(OPENLLMETRY, 'invoke_agent inner', { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'inner', 'gen_ai.usage.input_tokens': 7 }, 5100, own);
    end(ownChat, 5200);
    end(own, 5300);
    const ownViaUserTracer = span('my-app', 'invoke_agent own', { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'own', 'invocation_metrics.invocation_id': 'x-2' }, 5400);
    end(ownViaUserTracer, 5500);

    // Every span still reaches the user's own exporter.
    expect(r.exporter.getFinishedSpans()).toHaveLength(14);
    const lines = await r.finish();
    const costs = lines.map((l) => l.cost as number);
    for (const l of lines) delete l.cost;
    expect(lines).toEqual([
      { invocationId: idOf(planner), agent: 'planner', phase: 1, taskId: 'plan', durationMs: 1000, tokens: 1200, inputTokens: 1000, outputTokens: 200, cachedTokens: 400,
        exitCode: 0, success: true, attempt: 1, outputParsed: true, model: 'gpt-4o-2024-08-06', timestamp: at(0), provider: 'openai', costSource: 'table', priceTable: TABLE },
      { invocationId: idOf(coder1), agent: 'coder', phase: 2, taskId: 'T-1', durationMs: 500, tokens: 0,
        exitCode: 1, success: false, attempt: 1, outputParsed: true, model: 'gpt-4o-mini', timestamp: at(1000), errorClass: 'rate_limit', provider: 'openai', costSource: 'table', priceTable: TABLE, errorType: 'RateLimitError' },
      { invocationId: idOf(coder2), agent: 'coder', phase: 2, taskId: 'T-1', durationMs: 1400, tokens: 930, inputTokens: 800, outputTokens: 130, cachedTokens: 100,
        exitCode: 0, success: true, attempt: 2, outputParsed: true, model: 'gpt-4o', timestamp: at(1600), provider: 'openai', costSource: 'table', priceTable: TABLE },
      { invocationId: idOf(tester), agent: 'tester', phase: 3, durationMs: 300, tokens: 120, inputTokens: 100, outputTokens: 20,
        exitCode: 0, success: true, attempt: 1, outputParsed: true, model: 'claude-haiku-4-5', timestamp: at(3500), provider: 'anthropic', costSource: 'table', priceTable: TABLE },
      { invocationId: idOf(reviewA), agent: 'reviewer', phase: 1, durationMs: 1000, tokens: 2300, inputTokens: 2000, outputTokens: 300,
        exitCode: 0, success: true, attempt: 1, outputParsed: true, model: 'claude-sonnet-4', timestamp: at(3000), provider: 'anthropic', costSource: 'provider' },
      { invocationId: idOf(reviewB), agent: 'reviewer', phase: 1, durationMs: 1300, tokens: 2300, inputTokens: 2000, outputTokens: 300,
        exitCode: 0, success: true, attempt: 1, outputParsed: true, model: 'claude-sonnet-4', timestamp: at(3200), provider: 'anthropic', costSource: 'provider' },
    ]);
    // gpt-4o: 2.5 input, 1.25 cached, 10 output per million; each of coder's calls priced on its own.
    expect(costs[0]).toBeCloseTo((600 * 2.5 + 400 * 1.25 + 200 * 10) / 1e6, 12);
    expect(costs[1]).toBe(0);
    expect(costs[2]).toBeCloseTo((200 * 2.5 + 100 * 1.25 + 50 * 10) / 1e6 + (500 * 2.5 + 80 * 10) / 1e6, 12);
    expect(costs[3]).toBeCloseTo((100 * 1 + 20 * 5) / 1e6, 12);
    expect(costs.slice(4)).toEqual([0.0105, 0.0105]);
    expect(r.warnings).toEqual([]);

    const agg = computeAggregate(r.collector.getAll());
    expect(agg.totalInvocations).toBe(6);
    expect(agg.totalRetries).toBe(1);
    expect(agg.infraRetries).toBe(1);
    expect(agg.escalationCount).toBe(1);
    expect(agg.peakParallelInvocations).toBe(3);
    expect(agg.totalTokens).toBe(1200 + 930 + 120 + 4600);
    expect(agg.successRate).toBeCloseTo(5 / 6, 12);
  });

  it('records each model call with operations [chat], its agent from the agent span above it, a retry by attributes', async () => {
    r = rig({ operations: ['chat', 'text_completion'], agent: 'solo' });
    const { span, end } = r;
    const agent = span(TRACELOOP_SDK, 'writer.agent', { 'traceloop.span.kind': 'agent', 'traceloop.entity.name': 'writer', 'gen_ai.usage.input_tokens': 1 }, 0);
    const first = span(OPENLLMETRY, 'chat gpt-4o-mini', { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o-mini', 'invocation_metrics.task_id': 'draft' }, 10, agent);
    first.setAttribute('error.type', '429');
    end(first, 60, { message: 'Too Many Requests' });
    const retry = span(OPENLLMETRY, 'chat gpt-4o', { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o', 'invocation_metrics.task_id': 'draft', 'invocation_metrics.attempt': 2, 'gen_ai.usage.input_tokens': 40, 'gen_ai.usage.output_tokens': 4 }, 70, agent);
    end(retry, 170);
    end(agent, 200);
    // Parallel model calls outside any agent span: the `agent` option names them; a legacy completion too.
    const a = span(OPENLLMETRY, 'openai.completion', { 'llm.request.type': 'completion', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.prompt_tokens': 10, 'gen_ai.usage.completion_tokens': 2 }, 300);
    const b = span(OPENLLMETRY, 'generate_content gemini-2.5-flash', { 'gen_ai.operation.name': 'generate_content', 'gen_ai.request.model': 'gemini-2.5-flash', 'gen_ai.usage.input_tokens': 10 }, 310);
    end(a, 400);
    end(b, 410);

    const lines = await r.finish();
    expect(lines.map((l) => [l.agent, l.taskId, l.attempt, l.success, l.errorClass, l.model, l.tokens])).toEqual([
      ['writer', 'draft', 1, false, 'rate_limit', 'gpt-4o-mini', 0],
      ['writer', 'draft', 2, true, undefined, 'gpt-4o', 44],
      ['solo', undefined, 1, true, undefined, 'gpt-4o-mini', 12],
    ]);
    const agg = computeAggregate(r.collector.getAll());
    expect([agg.totalRetries, agg.infraRetries, agg.escalationCount, agg.peakParallelInvocations]).toEqual([1, 1, 1, 1]);
  });

  it('with invoke_agent and chat: a model call below an agent is part of its record, one outside is a record of its own', async () => {
    r = rig({ operations: ['invoke_agent', 'chat'], agent: () => 'router' });
    const { span, end } = r;
    const agent = span(OPENLIT, 'invoke_agent analyst', { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'analyst' }, 0);
    const inner = span(OPENLIT, 'chat gpt-4o-mini', { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.input_tokens': 100, 'gen_ai.usage.output_tokens': 10, 'gen_ai.usage.cost': 0.25 }, 10, agent);
    end(inner, 50);
    end(agent, 60);
    const outer = span(OPENLIT, 'chat gpt-4o-mini', { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.input_tokens': 7 }, 100);
    end(outer, 120);
    const lines = await r.finish();
    expect(lines.map((l) => [l.agent, l.tokens, l.cost, l.costSource])).toEqual([
      ['analyst', 110, 0.25, 'provider'],
      ['router', 7, (7 * 0.15) / 1e6, 'table'],
    ]);
    expect(lines.every((l) => (l as unknown as InvocationMetric).attempt === 1)).toBe(true);
  });

  it('never records back the spans the collector itself emits on the same provider, nor the spans below a begin() invocation', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'im-otel-genai-own-'));
    try {
      const target = { record: (m: InvocationMetric): Promise<void> => collector.record(m) };
      const exporter = new InMemorySpanExporter();
      const provider = new TracerProvider({ spanProcessors: [invocationMetricsSpanProcessor({ collector: target }), new SimpleSpanProcessor({ exporter })] });
      const collector = new InvocationMetricsCollector(dir, { warn: () => {} }, { tracer: provider });
      const tracer = provider.getTracer(OPENLIT);
      const framework = tracer.startSpan('invoke_agent a', { attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'a', 'gen_ai.usage.input_tokens': 3 } });
      framework.end();
      await collector.flush();
      const handle = collector.begin({ agent: 'b', phase: 0 });
      const nested = tracer.startSpan('invoke_agent b-inner', { attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'b-inner', 'gen_ai.usage.input_tokens': 5 } }, handle.context);
      nested.end();
      await handle.end({ success: true, tokens: 5, cost: 0, exitCode: 0 });
      await provider.forceFlush();
      await collector.close();
      expect(collector.getAll().map((m) => [m.agent, m.tokens])).toEqual([['a', 3], ['b', 5]]);
      // The user's exporter got the framework's spans and the collector's two invoke_agent spans, once each.
      expect(exporter.getFinishedSpans().map((s) => s.name).sort()).toEqual(['invoke_agent a', 'invoke_agent a', 'invoke_agent b', 'invoke_agent b-inner']);
      await provider.shutdown();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is a SpanProcessor of sdk-trace 3.x', () => {
    const p: SpanProcessor = invocationMetricsSpanProcessor({ collector: { record: async () => {} } });
    expect(typeof p.onEnd).toBe('function');
  });
});
