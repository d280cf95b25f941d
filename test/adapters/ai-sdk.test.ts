/**
 * The AI SDK adapter driven by the real `ai` 7 (`generateText`, `streamText`, `ToolLoopAgent`, its retry
 * loop and stream retries) with its own mock model (`MockLanguageModelV4`), records written by a real
 * collector to a real log. No network: `fetch` throws for the whole file.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APICallError, generateText, jsonSchema, registerTelemetry, streamText, tool, ToolLoopAgent, wrapLanguageModel } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { invocationMetrics, providerName } from '../../src/adapters/ai-sdk/index.js';
import type { AdapterWarning } from '../../src/adapters/recorder.js';
import { computeAggregate } from '../../src/aggregate/index.js';
import { InvocationMetricsCollector } from '../../src/collector.js';
import { InvalidOptionError } from '../../src/errors.js';
import { DEFAULT_PRICE_TABLE, priceOf } from '../../src/prices/index.js';
import type { InvocationMetric } from '../../src/record.js';
import { latch } from '../helpers/wait.js';

type Doc = Record<string, unknown>;
type Part = Awaited<ReturnType<MockLanguageModelV4['doStream']>>['stream'] extends ReadableStream<infer P> ? P : never;

const realFetch = globalThis.fetch;
beforeAll(() => {
  globalThis.fetch = () => Promise.reject(new Error('no network in this test'));
});
afterAll(() => {
  globalThis.fetch = realFetch;
});

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(extra: { agent?: string } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'im-ai-sdk-'));
  dirs.push(dir);
  const collector = new InvocationMetricsCollector(dir, { warn: () => {} });
  const warnings: AdapterWarning[] = [];
  const metrics = invocationMetrics({ collector, onWarning: (w) => warnings.push(w), phase: (agent) => (agent === 'planner' ? 0 : 1), ...extra });
  const log = async (): Promise<Doc[]> => {
    await collector.close();
    return readFileSync(join(dir, 'invocations.jsonl'), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Doc);
  };
  return { collector, warnings, metrics, log };
}

const usage = (input: number, output: number, cacheRead?: number) => ({
  inputTokens: { total: input, noCache: input - (cacheRead ?? 0), cacheRead, cacheWrite: undefined },
  outputTokens: { total: output, text: output, reasoning: undefined },
});
const stop = { unified: 'stop' as const, raw: 'stop' };
const textResult = (text: string, u: ReturnType<typeof usage>) => ({ content: [{ type: 'text' as const, text }], finishReason: stop, usage: u, warnings: [] });
// `retry-after-ms` as a provider sends it: the SDK waits 5 ms instead of its 2 s backoff.
const apiError = (statusCode: number, isRetryable: boolean) =>
  new APICallError({ message: `HTTP ${statusCode}`, url: 'https://api.example.test/v1', requestBodyValues: {}, statusCode, isRetryable, responseHeaders: { 'retry-after-ms': '5' } });

/** A stream of parts: `parts`, then (unless `end` says otherwise) a finish part with `u`. */
function partStream(parts: Part[]): ReadableStream<Part> {
  return new ReadableStream<Part>({
    start(c) {
      for (const p of parts) c.enqueue(p);
      c.close();
    },
  });
}
const textParts = (text: string): Part[] => [{ type: 'stream-start', warnings: [] }, { type: 'text-start', id: 't' }, { type: 'text-delta', id: 't', delta: text }, { type: 'text-end', id: 't' }];
const finishPart = (u: ReturnType<typeof usage>): Part => ({ type: 'finish', finishReason: stop, usage: u });

const byStart = (a: Doc, b: Doc): number => String(a.timestamp).localeCompare(String(b.timestamp)) || Number(a.attempt) - Number(b.attempt);

describe('AI SDK adapter', () => {
  it('records every provider attempt of a multi-agent run exactly, and the aggregate counts its retries, escalation and parallelism', async () => {
    const { metrics, warnings, log, collector } = setup();
    const telemetry = (functionId: string) => ({ functionId, integrations: [metrics] });

    // planner: a ToolLoopAgent whose first step calls a tool (two model calls, one task).
    const plannerModel = new MockLanguageModelV4({
      provider: 'openai.responses',
      modelId: 'gpt-5',
      doGenerate: [
        { content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'lookup', input: '{"q":"issue 42"}' }], finishReason: { unified: 'tool-calls', raw: 'tool_calls' }, usage: usage(1000, 50, 400), warnings: [] },
        textResult('plan: fix the parser', usage(1200, 300, 1000)),
      ],
    });
    const planner = new ToolLoopAgent({
      model: wrapLanguageModel({ model: plannerModel, middleware: metrics }),
      tools: { lookup: tool({ inputSchema: jsonSchema<{ q: string }>({ type: 'object', properties: { q: { type: 'string' } }, required: ['q'] }), execute: async ({ q }) => `notes on ${q}` }) },
      telemetry: telemetry('planner'),
    });
    expect((await planner.generate({ prompt: 'plan issue 42' })).text).toBe('plan: fix the parser');

    // coder, task A: the provider answers 429 once; the SDK retries (maxRetries 2 by default).
    let miniCalls = 0;
    const mini = new MockLanguageModelV4({
      provider: 'openai.chat',
      modelId: 'gpt-5-mini',
      doGenerate: async () => {
        miniCalls += 1;
        if (miniCalls === 1) throw apiError(429, true);
        if (miniCalls === 3) throw apiError(400, false); // task B's first try: a bad request, not retried
        return textResult('patch A', usage(800, 400));
      },
    });
    const coderMini = wrapLanguageModel({ model: mini, middleware: metrics });
    expect((await generateText({ model: coderMini, prompt: 'task A', telemetry: telemetry('coder') })).text).toBe('patch A');

    // coder, task B: fails without a retry; the user's code tries again with a stronger model.
    const sonnet = new MockLanguageModelV4({ provider: 'anthropic.messages', modelId: 'claude-sonnet-4-5', doGenerate: textResult('patch B', usage(900, 500)) });
    const coderSonnet = wrapLanguageModel({ model: sonnet, middleware: metrics });
    const taskB = { invocationMetrics: { taskId: 'task-B', attempt: 1 } };
    await expect(generateText({ model: coderMini, prompt: 'task B', telemetry: telemetry('coder'), providerOptions: taskB })).rejects.toThrow('HTTP 400');
    const retried = await generateText({ model: coderSonnet, prompt: 'task B', telemetry: telemetry('coder'), providerOptions: { invocationMetrics: { taskId: 'task-B', attempt: 2 } } });
    expect(retried.text).toBe('patch B');
    // The per-call options never reach the provider.
    expect(sonnet.doGenerateCalls[0]!.providerOptions).toEqual({});

    // reviewer and tester stream at the same time (each waits until both are in flight, then 20 ms more).
    const bothStreaming = latch(2);
    const streaming = (provider: string, modelId: string, text: string, u: ReturnType<typeof usage>) =>
      wrapLanguageModel({
        model: new MockLanguageModelV4({
          provider,
          modelId,
          doStream: async () => {
            await bothStreaming();
            await new Promise((r) => setTimeout(r, 20));
            return { stream: partStream([...textParts(text), finishPart(u)]) };
          },
        }),
        middleware: metrics,
      });
    const [review, tests] = await Promise.all([
      streamText({ model: streaming('openai.chat', 'gpt-5-nano', 'looks good', usage(300, 100)), prompt: 'review', telemetry: telemetry('reviewer') }).text,
      streamText({ model: streaming('google.generative-ai', 'gemini-2.5-flash', 'tests pass', usage(200, 80, 50)), prompt: 'test', telemetry: telemetry('tester') }).text,
    ]);
    expect([review, tests]).toEqual(['looks good', 'tests pass']);

    const records = await log();
    expect(records).toHaveLength(2 + miniCalls + 1 + 2); // one record per provider attempt, nothing else
    expect(plannerModel.doGenerateCalls).toHaveLength(2);
    const view = records.map((r) => [r.agent, r.phase, r.attempt, r.model, r.provider, r.success, r.errorClass ?? null, r.inputTokens ?? null, r.outputTokens ?? null, r.cachedTokens ?? null, r.tokens]);
    const sorted = [...records].sort(byStart);
    expect(sorted.filter((r) => r.agent === 'planner').map((r) => [r.attempt, r.inputTokens, r.outputTokens, r.cachedTokens, r.tokens])).toEqual([
      [1, 1000, 50, 400, 1050],
      [1, 1200, 300, 1000, 1500],
    ]);
    expect(view).toEqual(
      expect.arrayContaining([
        ['coder', 1, 1, 'gpt-5-mini', 'openai', false, 'rate_limit', null, null, null, 0],
        ['coder', 1, 2, 'gpt-5-mini', 'openai', true, null, 800, 400, null, 1200],
        ['coder', 1, 1, 'gpt-5-mini', 'openai', false, null, null, null, null, 0],
        ['coder', 1, 2, 'claude-sonnet-4-5', 'anthropic', true, null, 900, 500, null, 1400],
        ['reviewer', 1, 1, 'gpt-5-nano', 'openai', true, null, 300, 100, null, 400],
        ['tester', 1, 1, 'gemini-2.5-flash', 'gcp.gemini', true, null, 200, 80, 50, 280],
      ]),
    );
    // Tasks: the planner's two steps share its call's id; the SDK's retry shares the coder's call id; task B is the user's.
    const plannerTasks = new Set(records.filter((r) => r.agent === 'planner').map((r) => r.taskId));
    expect(plannerTasks.size).toBe(1);
    expect([...plannerTasks][0]).toMatch(/^call-/);
    const coderA = records.filter((r) => r.agent === 'coder' && r.model === 'gpt-5-mini' && r.taskId !== 'task-B');
    expect(coderA.map((r) => r.attempt).sort()).toEqual([1, 2]);
    expect(new Set(coderA.map((r) => r.taskId)).size).toBe(1);
    expect(records.filter((r) => r.taskId === 'task-B').map((r) => r.attempt).sort()).toEqual([1, 2]);
    // Costs from the package's price table, cache reads at the cached price.
    const plannerStep1 = sorted.find((r) => r.agent === 'planner')!;
    expect(plannerStep1.cost).toBeCloseTo((600 * 1.25 + 400 * 0.125 + 50 * 10) / 1e6, 15);
    expect(plannerStep1).toMatchObject({ costSource: 'table', priceTable: `${DEFAULT_PRICE_TABLE.name}/${DEFAULT_PRICE_TABLE.version}`, exitCode: 0 });
    for (const r of records.filter((x) => x.success === true))
      expect(r.cost).toBe(priceOf(r.model as string, { inputTokens: r.inputTokens as number, outputTokens: r.outputTokens as number, cachedTokens: r.cachedTokens as number | undefined }).cost);

    const agg = computeAggregate(records as unknown as InvocationMetric[]);
    expect(agg).toMatchObject({ totalInvocations: 8, totalRetries: 2, infraRetries: 1, escalationCount: 1, peakParallelInvocations: 2, successRate: 0.75 });
    expect(agg.totalTokens).toBe(1050 + 1500 + 1200 + 1400 + 400 + 280);
    expect(collector.getAll()).toHaveLength(8);
    expect(warnings).toEqual([]);
  });

  it('a stream cut off by an error part is one failure, and the SDK\'s stream retry is attempt 2 of the same task', async () => {
    const { metrics, warnings, log } = setup();
    let calls = 0;
    const model = new MockLanguageModelV4({
      provider: 'openai.chat',
      modelId: 'gpt-5-mini',
      doStream: async () => {
        calls += 1;
        if (calls === 1) return { stream: partStream([...textParts('half'), { type: 'error', error: apiError(503, true) }]) };
        return { stream: partStream([...textParts('whole'), finishPart(usage(120, 40))]) };
      },
    });
    const result = streamText({ model: wrapLanguageModel({ model, middleware: metrics }), prompt: 'x', streamRetries: 1, onError: () => {}, telemetry: { functionId: 'writer', integrations: [metrics] } });
    expect(await result.text).toContain('whole');
    const records = (await log()).sort(byStart);
    expect(records.map((r) => [r.agent, r.attempt, r.success, r.errorClass ?? null, r.tokens])).toEqual([
      ['writer', 1, false, 'overloaded', 0],
      ['writer', 2, true, null, 160],
    ]);
    expect(records[0]!.taskId).toBe(records[1]!.taskId);
    expect(computeAggregate(records as unknown as InvocationMetric[])).toMatchObject({ totalRetries: 1, infraRetries: 1 });
    expect(warnings).toEqual([]);
  });

  it('a stream whose connection drops mid-way, and one the caller aborts, are each recorded once as failures', async () => {
    const { metrics, warnings, log } = setup();
    const dropped = new MockLanguageModelV4({
      provider: 'openai.chat',
      modelId: 'gpt-5-mini',
      doStream: async () => ({
        stream: new ReadableStream<Part>({
          start(c) {
            for (const p of textParts('par')) c.enqueue(p);
          },
          pull(c) {
            c.error(Object.assign(new TypeError('terminated'), { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) }));
          },
        }),
      }),
    });
    const cut = streamText({ model: wrapLanguageModel({ model: dropped, middleware: metrics }), prompt: 'x', onError: () => {}, telemetry: { functionId: 'reader', integrations: [metrics] } });
    await cut.consumeStream();

    let pulls = 0;
    const endless = new MockLanguageModelV4({
      provider: 'anthropic.messages',
      modelId: 'claude-haiku-4-5',
      doStream: async () => ({
        stream: new ReadableStream<Part>({
          start(c) {
            c.enqueue({ type: 'stream-start', warnings: [] });
            c.enqueue({ type: 'text-start', id: 't' });
          },
          async pull(c) {
            pulls += 1;
            await new Promise((r) => setTimeout(r, 1));
            c.enqueue({ type: 'text-delta', id: 't', delta: `w${pulls} ` });
          },
        }),
      }),
    });
    const abort = new AbortController();
    const aborted = streamText({ model: wrapLanguageModel({ model: endless, middleware: metrics }), prompt: 'y', abortSignal: abort.signal, onError: () => {}, telemetry: { functionId: 'talker', integrations: [metrics] } });
    let seen = 0;
    for await (const _ of aborted.textStream) if (++seen === 3) abort.abort();
    await new Promise((r) => setTimeout(r, 30)); // time for anything late to show up twice, were it to

    const records = await log();
    expect(records.map((r) => [r.agent, r.success, r.errorClass ?? null, r.tokens])).toEqual([
      ['reader', false, 'network', 0],
      ['talker', false, 'cancelled', 0],
    ]);
    expect(warnings).toEqual([]);
  });

  it('a framework error passes through unchanged and is recorded as a failure without an infrastructure class', async () => {
    const { metrics, log } = setup();
    const boom = new Error('tool schema rejected');
    const model = wrapLanguageModel({
      model: new MockLanguageModelV4({
        doGenerate: async () => {
          throw boom;
        },
      }),
      middleware: metrics,
    });
    await expect(generateText({ model, prompt: 'x', maxRetries: 0, telemetry: { functionId: 'coder', integrations: [metrics] } })).rejects.toBe(boom);
    const [r] = await log();
    expect(r).toMatchObject({ agent: 'coder', success: false, exitCode: 1, attempt: 1, model: 'mock-model-id', provider: 'mock-provider', tokens: 0, cost: 0 });
    expect(r).not.toHaveProperty('errorClass');
  });

  it('warns about missing or malformed usage and per-call options, records each attempt once, and never fails the run', async () => {
    const { metrics, warnings, log } = setup();
    const model = wrapLanguageModel({
      model: new MockLanguageModelV4({
        modelId: 'gpt-5-nano',
        doGenerate: [
          { content: [{ type: 'text', text: 'b' }], finishReason: stop, usage: { inputTokens: { total: -5, noCache: undefined, cacheRead: undefined, cacheWrite: undefined }, outputTokens: { total: 2.5, text: undefined, reasoning: undefined } }, warnings: [] },
          textResult('c', usage(10, 5)),
          { content: [{ type: 'text', text: 'a' }], finishReason: stop, usage: undefined as never, warnings: [] },
        ],
        doStream: async () => ({ stream: partStream(textParts('no finish')) }),
      }),
      middleware: metrics,
    });
    const telemetry = { functionId: 'coder', integrations: [metrics] };
    expect((await generateText({ model, prompt: '2', telemetry })).text).toBe('b');
    const bad = { invocationMetrics: { attempt: 0, taskId: 7, tier: 'large', agent: '' } } as never;
    expect((await generateText({ model, prompt: '3', telemetry, providerOptions: bad })).text).toBe('c');
    // A result without usage (the SDK itself cannot take one, so the wrapped model is called directly).
    expect((await model.doGenerate({ prompt: [{ role: 'user', content: [{ type: 'text', text: '1' }] }] })).content).toEqual([{ type: 'text', text: 'a' }]);
    expect(await streamText({ model, prompt: '4', telemetry, onError: () => {} }).text).toBe('no finish');

    const records = await log();
    expect(records.map((r) => [r.agent, r.success, r.attempt, r.tier ?? null, r.tokens])).toEqual([
      ['coder', true, 1, null, 0],
      ['coder', true, 1, 'large', 15],
      ['ai-sdk', true, 1, null, 0],
      ['coder', false, 1, null, 0],
    ]);
    expect(warnings.map((w) => w.code)).toEqual(['ERR_ADAPTER_INPUT', 'ERR_ADAPTER_INPUT', 'ERR_ADAPTER_INPUT', 'ERR_ADAPTER_INPUT', 'ERR_ADAPTER_INPUT', 'ERR_ADAPTER_CONTEXT', 'ERR_ADAPTER_INPUT', 'ERR_ADAPTER_INPUT']);
    const text = warnings.map((w) => w.message).join('\n');
    expect(text).toContain('agent "ai-sdk": model "gpt-5-nano" reported no usage; its tokens are recorded as 0');
    expect(text).toContain('inputTokens -5 is not a count');
    expect(text).toContain('outputTokens 2.5 is not a count');
    expect(text).toContain('providerOptions.invocationMetrics.attempt `0` (number) is not an integer >= 1');
    expect(text).toContain('providerOptions.invocationMetrics.taskId `7` (number) is not a non-empty string');
    expect(text).toContain('providerOptions.invocationMetrics.agent `""` (string) is not a non-empty string');
    expect(text).toContain('ended without a finish part');
  });

  it('without the telemetry integration still records each attempt, as attempt 1, and warns once; registered globally it knows the call', async () => {
    const { metrics, warnings, log } = setup({ agent: 'solo' });
    let calls = 0;
    const model = wrapLanguageModel({
      model: new MockLanguageModelV4({
        modelId: 'gpt-5-mini',
        doGenerate: async () => {
          calls += 1;
          if (calls % 2 === 1) throw apiError(500, true);
          return textResult('ok', usage(10, 2));
        },
      }),
      middleware: metrics,
    });
    await generateText({ model, prompt: 'a' });
    await generateText({ model, prompt: 'b', telemetry: { isEnabled: false } });
    registerTelemetry(metrics);
    try {
      await generateText({ model, prompt: 'c', telemetry: { functionId: 'ignored: the agent option wins' } });
    } finally {
      const registered = (globalThis as { AI_SDK_TELEMETRY_INTEGRATIONS?: unknown[] }).AI_SDK_TELEMETRY_INTEGRATIONS!;
      registered.splice(registered.indexOf(metrics), 1);
    }
    const records = await log();
    expect(records.map((r) => [r.agent, r.attempt, r.success, r.errorClass ?? null, typeof r.taskId])).toEqual([
      ['solo', 1, false, 'server_error', 'undefined'],
      ['solo', 1, true, null, 'undefined'],
      ['solo', 1, false, 'server_error', 'undefined'],
      ['solo', 1, true, null, 'undefined'],
      ['solo', 1, false, 'server_error', 'string'],
      ['solo', 2, true, null, 'string'],
    ]);
    expect(warnings.map((w) => w.code)).toEqual(['ERR_ADAPTER_CONTEXT']);
    expect(warnings[0]!.message).toContain('registerTelemetry(metrics)');
  });

  it('names agents and tasks with the options; a throwing option warns and falls back', async () => {
    const { collector, log } = setup();
    const warnings: AdapterWarning[] = [];
    const metrics = invocationMetrics({
      collector,
      onWarning: (w) => warnings.push(w),
      agent: (call) => (call.functionId === 'boom' ? (() => { throw new Error('no agent map'); })() : `${call.functionId}@${call.modelId}`),
      taskId: (call) => (call.functionId === 'coder' ? 'ticket-9' : undefined),
    });
    const model = wrapLanguageModel({ model: new MockLanguageModelV4({ modelId: 'gpt-5', doGenerate: textResult('x', usage(1, 1)) }), middleware: metrics });
    await generateText({ model, prompt: 'a', telemetry: { functionId: 'coder', integrations: [metrics] } });
    await generateText({ model, prompt: 'b', telemetry: { functionId: 'boom', integrations: [metrics] } });
    const records = await log();
    expect(records.map((r) => [r.agent, r.taskId])).toEqual([
      ['coder@gpt-5', 'ticket-9'],
      ['boom', records[1]!.taskId],
    ]);
    expect(records[1]!.taskId).toMatch(/^call-/);
    expect(warnings.map((w) => w.message)).toEqual(['invocation-metrics/ai-sdk: the `agent` option threw (no agent map); its default applies']);
  });

  it('refuses bad options with an InvalidOptionError naming the option', () => {
    const collector = { record: async () => {} };
    expect(() => invocationMetrics({} as never)).toThrow(InvalidOptionError);
    expect(() => invocationMetrics({ collector, agent: '' })).toThrow('Expected `agent` to be a non-empty string, a function, or absent, got `""` (string)');
    expect(() => invocationMetrics({ collector, taskId: 'x' as never })).toThrow('Expected `taskId` to be a function or absent');
    expect(() => invocationMetrics({ collector, providerCost: 1 as never })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION', option: 'providerCost' }));
  });

  it('takes a provider-reported cost when told where it is', async () => {
    const { collector, log } = setup();
    const metrics = invocationMetrics({ collector, providerCost: (meta) => Number((meta as { gateway?: { cost?: string } }).gateway?.cost) });
    const model = wrapLanguageModel({
      model: new MockLanguageModelV4({ provider: 'gateway', modelId: 'openai/gpt-5', doGenerate: { ...textResult('x', usage(100, 10)), providerMetadata: { gateway: { cost: '0.0123' } } } }),
      middleware: metrics,
    });
    await generateText({ model, prompt: 'a', telemetry: { functionId: 'coder', integrations: [metrics] } });
    const [r] = await log();
    expect(r).toMatchObject({ provider: 'gateway', model: 'openai/gpt-5', cost: 0.0123, costSource: 'provider' });
  });

  it('maps the AI SDK provider names to gen_ai.provider.name values', () => {
    expect(providerName('openai.chat')).toBe('openai');
    expect(providerName('openai.responses')).toBe('openai');
    expect(providerName('anthropic.messages')).toBe('anthropic');
    expect(providerName('google.generative-ai')).toBe('gcp.gemini');
    expect(providerName('google.vertex.chat')).toBe('gcp.vertex_ai');
    expect(providerName('google.vertex.anthropic.messages')).toBe('gcp.vertex_ai');
    expect(providerName('amazon-bedrock')).toBe('aws.bedrock');
    expect(providerName('azure.chat')).toBe('azure.ai.openai');
    expect(providerName('mistral.chat')).toBe('mistral_ai');
    expect(providerName('xai.chat')).toBe('x_ai');
    expect(providerName('ollama.chat')).toBe('ollama');
    expect(providerName('constructor')).toBe('constructor');
    expect(providerName('.odd')).toBeUndefined();
    expect(providerName('')).toBeUndefined();
    expect(providerName(undefined)).toBeUndefined();
  });
});
