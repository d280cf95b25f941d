/**
 * The real thing: the official `openai` client, instrumented by `@opentelemetry/instrumentation-openai`
 * (the OTel JS GenAI instrumentation), talking to a fake OpenAI server on 127.0.0.1; the agents are the
 * user's own `invoke_agent` spans. The processor's records are what the run did.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { context, metrics, ROOT_CONTEXT, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { OpenAIInstrumentation } from '@opentelemetry/instrumentation-openai';
import { StackContextManager } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeAggregate } from '../../../src/aggregate/index.js';
import { rig, type Rig } from './helpers.js';

type Client = { chat: { completions: { create(body: { model: string; messages: { role: string; content: string }[] }): Promise<unknown> } } };
type OpenAIClass = new (options: { apiKey: string; baseURL: string; maxRetries: number }) => Client;

let server: Server;
let baseURL: string;
/** Models whose next request gets a 429 (then they answer). */
const failNext = new Set<string>();
const requests: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const { model } = JSON.parse(body) as { model: string };
      requests.push(model);
      res.setHeader('content-type', 'application/json');
      if (failNext.delete(model)) {
        res.statusCode = 429;
        res.setHeader('retry-after-ms', '1');
        res.end(JSON.stringify({ error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } }));
        return;
      }
      const usage = model === 'gpt-4o' ? { prompt_tokens: 900, completion_tokens: 100, total_tokens: 1000 } : { prompt_tokens: 400, completion_tokens: 50, total_tokens: 450 };
      res.end(JSON.stringify({ id: 'c-1', object: 'chat.completion', created: 1, model: `${model}-2026-01-01`, choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'ok' } }], usage }));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  context.setGlobalContextManager(new StackContextManager().enable());
});
afterAll(async () => {
  context.disable();
  server.close();
  await once(server, 'close');
});

describe('otel-genai with @opentelemetry/instrumentation-openai and the openai client', () => {
  let r: Rig | undefined;
  afterAll(() => r?.cleanup());

  it('records the agents of a run: a 429, its retry on gpt-4o, parallel reviewers; the client\'s own retries stay inside one call', async () => {
    r = rig();
    const instrumentation = new OpenAIInstrumentation();
    instrumentation.setTracerProvider(r.provider);
    // 0.22.0's class fields reset the instruments its base constructor made; setting a (no-op) meter
    // provider makes them again, else its error path throws before ending the span.
    instrumentation.setMeterProvider(metrics.getMeterProvider());
    instrumentation.enable();
    try {
      // Required after enable(): the instrumentation patches the CommonJS module as it loads.
      const { OpenAI } = createRequire(import.meta.url)('openai') as { OpenAI: OpenAIClass };
      const client = new OpenAI({ apiKey: 'test', baseURL, maxRetries: 0 });
      const retrying = new OpenAI({ apiKey: 'test', baseURL, maxRetries: 1 });
      const tracer: Tracer = r.provider.getTracer('my-agents');
      const agent = async (name: string, model: string, attrs: Record<string, string | number> = {}, via = client): Promise<boolean> => {
        const span = tracer.startSpan(`invoke_agent ${name}`, { attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': name, ...attrs } });
        try {
          // The instrumentation starts its span synchronously in create(): a stack context manager suffices.
          await context.with(trace.setSpan(ROOT_CONTEXT, span), () => via.chat.completions.create({ model, messages: [{ role: 'user', content: 'go' }] }));
          return true;
        } catch (err) {
          span.setAttribute('error.type', (err as Error).constructor.name);
          span.setStatus({ code: SpanStatusCode.ERROR });
          return false;
        } finally {
          span.end();
        }
      };

      await agent('planner', 'gpt-4o-mini');
      failNext.add('gpt-4o-mini');
      expect(await agent('coder', 'gpt-4o-mini', { 'invocation_metrics.task_id': 'T-1' })).toBe(false);
      expect(await agent('coder', 'gpt-4o', { 'invocation_metrics.task_id': 'T-1', 'invocation_metrics.attempt': 2 })).toBe(true);
      await Promise.all([agent('reviewer', 'gpt-4o-mini'), agent('reviewer', 'gpt-4o-mini')]);
      failNext.add('gpt-4.1-mini');
      expect(await agent('tester', 'gpt-4.1-mini', {}, retrying)).toBe(true);
    } finally {
      instrumentation.disable();
    }
    expect(requests).toEqual(['gpt-4o-mini', 'gpt-4o-mini', 'gpt-4o', 'gpt-4o-mini', 'gpt-4o-mini', 'gpt-4.1-mini', 'gpt-4.1-mini']);
    const lines = await r.finish();
    expect(lines.map((l) => [l.agent, l.taskId, l.attempt, l.success, l.errorClass, l.errorType, l.model, l.provider, l.inputTokens, l.outputTokens, l.costSource])).toEqual([
      ['planner', undefined, 1, true, undefined, undefined, 'gpt-4o-mini-2026-01-01', 'openai', 400, 50, 'table'],
      ['coder', 'T-1', 1, false, 'rate_limit', 'RateLimitError', 'gpt-4o-mini', 'openai', undefined, undefined, 'table'],
      ['coder', 'T-1', 2, true, undefined, undefined, 'gpt-4o-2026-01-01', 'openai', 900, 100, 'table'],
      ['reviewer', undefined, 1, true, undefined, undefined, 'gpt-4o-mini-2026-01-01', 'openai', 400, 50, 'table'],
      ['reviewer', undefined, 1, true, undefined, undefined, 'gpt-4o-mini-2026-01-01', 'openai', 400, 50, 'table'],
      // Two HTTP requests, one create(), one span: the client's retry is invisible to any span processor.
      ['tester', undefined, 1, true, undefined, undefined, 'gpt-4.1-mini-2026-01-01', 'openai', 400, 50, 'table'],
    ]);
    expect(r.warnings).toEqual([]);
    const agg = computeAggregate(r.collector.getAll());
    expect([agg.totalInvocations, agg.totalRetries, agg.infraRetries, agg.escalationCount, agg.peakParallelInvocations]).toEqual([6, 1, 1, 1, 2]);
  });
});
