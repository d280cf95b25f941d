/**
 * The OpenAI Agents adapter driven by the real `@openai/agents` 0.20 runner: its `ScriptedModel` (no model
 * spans) and its OpenAI model classes over a fake client (their `generation`/`response` spans), handoffs,
 * tools, guardrails, `modelSettings.retry` and streaming. The processor replaces the SDK's exporter to
 * OpenAI (`setTraceProcessors`), and `fetch` throws for the whole file: nothing leaves the process.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, OpenAIChatCompletionsModel, OpenAIResponsesModel, retryPolicies, Runner, setTraceProcessors, setTracingDisabled, tool, Usage } from '@openai/agents';
import { assistantMessage, functionCall, modelError, modelResponder, modelResponse, modelStream, ScriptedModel } from '@openai/agents/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { invocationMetricsProcessor, spanErrorClass, type InvocationMetricsProcessor } from '../../src/adapters/openai-agents/index.js';
import type { AdapterWarning } from '../../src/adapters/recorder.js';
import { computeAggregate } from '../../src/aggregate/index.js';
import { InvocationMetricsCollector } from '../../src/collector.js';
import type { InvocationMetric } from '../../src/record.js';
import { latch } from '../helpers/wait.js';

type Doc = Record<string, unknown>;

const realFetch = globalThis.fetch;
beforeAll(() => {
  globalThis.fetch = () => Promise.reject(new Error('no network in this test'));
  // vitest sets NODE_ENV=test, under which the SDK turns tracing off by default.
  setTracingDisabled(false);
});
afterAll(() => {
  setTraceProcessors([]);
  setTracingDisabled(true);
  globalThis.fetch = realFetch;
});

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(models: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'im-openai-agents-'));
  dirs.push(dir);
  const collector = new InvocationMetricsCollector(dir, { warn: () => {} });
  const warnings: AdapterWarning[] = [];
  const processor = invocationMetricsProcessor({ collector, onWarning: (w) => warnings.push(w), model: (agent) => models[agent] });
  setTraceProcessors([processor]);
  const log = async (): Promise<Doc[]> => {
    await collector.close();
    return readFileSync(join(dir, 'invocations.jsonl'), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Doc);
  };
  return { collector, warnings, processor, log };
}

const usage = (input: number, output: number, cached = 0) => new Usage({ requests: 1, inputTokens: input, outputTokens: output, totalTokens: input + output, inputTokensDetails: [{ cached_tokens: cached }] });
const named = (name: string, message: string) => Object.assign(new Error(message), { name });

/** A Chat Completions client whose `create` answers from `answers` in turn (an Error is thrown). */
function chatClient(model: string, answers: Array<Error | { input: number; output: number; cached?: number }>) {
  let i = 0;
  const create = async () => {
    const a = answers[i++]!;
    if (a instanceof Error) throw a;
    return {
      id: `chat-${i}`,
      object: 'chat.completion',
      created: 0,
      model,
      choices: [{ index: 0, message: { role: 'assistant', content: 'done', refusal: null }, finish_reason: 'stop', logprobs: null }],
      usage: { prompt_tokens: a.input, completion_tokens: a.output, total_tokens: a.input + a.output, prompt_tokens_details: { cached_tokens: a.cached ?? 0 } },
    };
  };
  return { baseURL: 'https://api.example.test/v1', chat: { completions: { create } } } as never;
}

const byStart = (a: Doc, b: Doc): number => String(a.timestamp).localeCompare(String(b.timestamp));

describe('OpenAI Agents adapter', () => {
  it('records each agent span of a multi-agent run exactly, and the aggregate counts its retries, escalation and parallelism', async () => {
    const { warnings, log } = setup({ triage: 'gpt-5-mini', coder: 'gpt-5', fixer: 'gpt-4.1-mini', scanner: 'gpt-5-nano', 'reviewer-a': 'gpt-5-nano', 'reviewer-b': 'gpt-5-nano' });

    // Run 1: triage retries a 503 inside its turn (modelSettings.retry), then hands off to coder, who calls a tool.
    const lint = tool({
      name: 'lint',
      description: 'Lints a file',
      parameters: { type: 'object', properties: { file: { type: 'string' } }, required: ['file'], additionalProperties: false },
      strict: true,
      execute: async (input) => `${(input as { file: string }).file}: clean`,
    });
    const coder = new Agent({
      name: 'coder',
      model: new ScriptedModel([
        modelResponse({ output: [functionCall('lint', { file: 'a.ts' }, { callId: 'f1' })], usage: usage(100, 10, 40) }),
        modelResponse({ output: [assistantMessage('fixed')], usage: usage(150, 20, 100) }),
      ]),
      tools: [lint],
    });
    const triageModel = new ScriptedModel([
      modelError(Object.assign(new Error('503 overloaded'), { status: 503 }), { suggested: true }),
      modelResponse({ output: [functionCall('transfer_to_coder', {}, { callId: 'h1' })], usage: usage(50, 5) }),
    ]);
    const triage = new Agent({ name: 'triage', model: triageModel, handoffs: [coder], modelSettings: { retry: { maxRetries: 2, policy: retryPolicies.providerSuggested(), backoff: { initialDelayMs: 1, jitter: false } } } });
    const run1 = await new Runner({ traceMetadata: { taskId: 'T1' } }).run(triage, 'fix issue 42');
    expect(run1.finalOutput).toBe('fixed');
    expect(triageModel.calls).toHaveLength(2);

    // Runs 2 and 3: fixer fails (a bad request); the user's code retries the task with a stronger model,
    // whose client answers 503 once (a traced failed request) before its answer.
    const fixer = (model: ConstructorParameters<typeof Agent>[0]['model']) =>
      new Agent({ name: 'fixer', model, modelSettings: { retry: { maxRetries: 1, policy: retryPolicies.httpStatus([503]), backoff: { initialDelayMs: 1, jitter: false } } } });
    await expect(new Runner({ traceMetadata: { taskId: 'T2', attempt: '1' } }).run(fixer(new ScriptedModel([modelError(named('BadRequestError', '400 invalid tool schema'))])), 'x')).rejects.toThrow('400 invalid tool schema');
    const stronger = new OpenAIChatCompletionsModel(chatClient('gpt-4.1-2025-04-14', [Object.assign(new Error('503 overloaded'), { status: 503, headers: {} }), { input: 300, output: 60, cached: 100 }]), 'gpt-4.1');
    expect((await new Runner({ traceMetadata: { taskId: 'T2', attempt: '2' } }).run(fixer(stronger), 'x')).finalOutput).toBe('done');

    // Runs 4 and 5: scanner is rate limited; the user's code tries again (an infra retry).
    const scanner = (model: ScriptedModel) => new Agent({ name: 'scanner', model });
    await expect(new Runner({ traceMetadata: { taskId: 'T3', attempt: '1' } }).run(scanner(new ScriptedModel([modelError(named('RateLimitError', '429 slow down'))])), 'x')).rejects.toThrow('429 slow down');
    await new Runner({ traceMetadata: { taskId: 'T3', attempt: '2' } }).run(scanner(new ScriptedModel([modelResponse({ output: [assistantMessage('ok')], usage: usage(70, 7) })])), 'x');

    // Runs 6 and 7 at the same time: each model waits until both are in flight, then 20 ms more.
    const bothRunning = latch(2);
    const reviewer = (name: string, u: Usage) =>
      new Agent({
        name,
        model: new ScriptedModel([
          modelResponder(async () => {
            await bothRunning();
            await new Promise((r) => setTimeout(r, 20));
            return { output: [assistantMessage('lgtm')], usage: u };
          }),
        ]),
      });
    await Promise.all([new Runner().run(reviewer('reviewer-a', usage(30, 3)), 'x'), new Runner().run(reviewer('reviewer-b', usage(40, 4)), 'x')]);

    const records = (await log()).sort(byStart);
    const view = records.map((r) => [r.agent, r.taskId, r.attempt, r.model, r.success, r.errorClass ?? null, r.inputTokens ?? null, r.outputTokens ?? null, r.cachedTokens ?? null, r.tokens, r.turns, r.handoffTo ?? null, r.requests ?? null, r.failedRequests ?? null]);
    expect(view).toEqual([
      ['triage', 'T1', 1, 'gpt-5-mini', true, null, 50, 5, 0, 55, 1, 'coder', null, null],
      ['coder', 'T1', 1, 'gpt-5', true, null, 250, 30, 140, 280, 2, null, null, null],
      ['fixer', 'T2', 1, 'gpt-4.1-mini', false, null, null, null, null, 0, 1, null, null, null],
      ['fixer', 'T2', 2, 'gpt-4.1', true, null, 300, 60, 100, 360, 1, null, 2, 1],
      ['scanner', 'T3', 1, 'gpt-5-nano', false, 'rate_limit', null, null, null, 0, 1, null, null, null],
      ['scanner', 'T3', 2, 'gpt-5-nano', true, null, 70, 7, 0, 77, 1, null, null, null],
      ...[
        ['reviewer-a', 30, 3],
        ['reviewer-b', 40, 4],
      ]
        .map(([agent, input, output]) => [agent, records.find((r) => r.agent === agent)!.taskId, 1, 'gpt-5-nano', true, null, input, output, 0, (input as number) + (output as number), 1, null, null, null])
        .sort((a, b) => records.findIndex((r) => r.agent === a[0]) - records.findIndex((r) => r.agent === b[0])),
    ]);
    // Without a taskId in the metadata, a record's task is its run's trace.
    expect(records.find((r) => r.agent === 'reviewer-a')!.taskId).toMatch(/^trace_/);
    // The handoff does not overlap the two agents of run 1: only the two parallel runs do.
    const [t, c] = records;
    expect(Date.parse(String(c!.timestamp))).toBeGreaterThanOrEqual(Date.parse(String(t!.timestamp)) + Number(t!.durationMs));
    expect(records.every((r) => r.exitCode === (r.success ? 0 : 1))).toBe(true);
    expect(records.find((r) => r.agent === 'coder')).toMatchObject({ costSource: 'table' });

    const agg = computeAggregate(records as unknown as InvocationMetric[]);
    expect(agg).toMatchObject({ totalInvocations: 8, totalRetries: 2, infraRetries: 1, escalationCount: 1, peakParallelInvocations: 2, successRate: 0.75 });
    expect(agg.totalTokens).toBe(55 + 280 + 360 + 77 + 33 + 44);
    expect(warnings).toEqual([]);
  });

  it('records a guardrail trip, a Responses model\'s usage and model from its response span, never both with the turn\'s', async () => {
    const { warnings, log } = setup();
    const gatekeeper = new Agent({
      name: 'gatekeeper',
      model: new ScriptedModel([modelResponse({ output: [assistantMessage('x')], usage: usage(1, 1) })]),
      inputGuardrails: [{ name: 'no-secrets', execute: async () => ({ tripwireTriggered: true, outputInfo: {} }) }],
    });
    await expect(new Runner().run(gatekeeper, 'my password is hunter2')).rejects.toThrow('Input guardrail triggered');
    const create = async () => ({
      id: 'resp_1',
      object: 'response',
      created_at: 0,
      model: 'gpt-5-2025-08-07',
      status: 'completed',
      output: [{ type: 'message', id: 'm1', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'hello', annotations: [] }] }],
      usage: { input_tokens: 20, output_tokens: 7, total_tokens: 27, input_tokens_details: { cached_tokens: 4 }, output_tokens_details: { reasoning_tokens: 1 } },
    });
    const responder = new Agent({ name: 'responder', model: new OpenAIResponsesModel({ baseURL: 'https://api.example.test/v1', responses: { create } } as never, 'gpt-5') });
    await new Runner().run(responder, 'hi');
    const records = await log();
    expect(records.map((r) => [r.agent, r.success, r.errorClass ?? null, r.guardrailTripped ?? null, r.model ?? null, r.tokens, r.cachedTokens ?? null, r.requests ?? null])).toEqual([
      ['gatekeeper', false, null, 'no-secrets', null, 0, null, null],
      ['responder', true, null, null, 'gpt-5-2025-08-07', 27, 4, 1],
    ]);
    expect(records[1]).toMatchObject({ costSource: 'table' });
    expect(warnings).toEqual([]);
  });

  it('an agent used as a tool is its own record: its tokens are not counted again in the calling agent', async () => {
    const { warnings, log } = setup({ lead: 'gpt-5', helper: 'gpt-5-mini' });
    const helper = new Agent({ name: 'helper', model: new ScriptedModel([modelResponse({ output: [assistantMessage('notes')], usage: usage(500, 50) })]) });
    const lead = new Agent({
      name: 'lead',
      model: new ScriptedModel([
        modelResponse({ output: [functionCall('ask_helper', { input: 'summarize' }, { callId: 't1' })], usage: usage(100, 10) }),
        modelResponse({ output: [assistantMessage('done')], usage: usage(200, 20) }),
      ]),
      tools: [helper.asTool({ toolName: 'ask_helper', toolDescription: 'Asks the helper' })],
    });
    expect((await new Runner().run(lead, 'go')).finalOutput).toBe('done');
    const records = await log();
    expect(records.map((r) => [r.agent, r.inputTokens, r.outputTokens, r.turns])).toEqual([
      ['helper', 500, 50, 1],
      ['lead', 300, 30, 2],
    ]);
    expect(warnings).toEqual([]);
  });

  it('a streamed run cut off mid-way is recorded once, as a failure with the error\'s class', async () => {
    const { warnings, log } = setup({ streamer: 'gpt-5-mini' });
    async function* cutOff() {
      yield { type: 'response_started' as const };
      yield { type: 'output_text_delta' as const, delta: 'half an ans' };
      throw named('APIConnectionError', 'Connection error.');
    }
    const streamer = new Agent({ name: 'streamer', model: new ScriptedModel([modelStream(cutOff())]) });
    const result = await new Runner().run(streamer, 'x', { stream: true });
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const event of result) seen.push(event.type);
      })(),
    ).rejects.toThrow('Connection error.');
    await new Promise((r) => setTimeout(r, 20)); // anything late would show up twice
    const records = await log();
    expect(records.map((r) => [r.agent, r.success, r.errorClass ?? null, r.model])).toEqual([['streamer', false, 'network', 'gpt-5-mini']]);
    expect(seen.length).toBeGreaterThan(0);
    expect(warnings).toEqual([]);
  });

  it('warns about an agent span without a name or times and records nothing for it, without throwing', async () => {
    const { processor, warnings, log } = setup();
    const span = (spanId: string, data: Doc, times: { startedAt?: string | null; endedAt?: string | null } = {}) =>
      ({ spanId, parentId: null, traceId: 'trace_x', spanData: data, error: null, traceMetadata: { attempt: 'two' }, startedAt: '2026-12-07T10:00:00.000Z', endedAt: '2026-12-07T10:00:01.000Z', ...times }) as unknown as Parameters<InvocationMetricsProcessor['onSpanEnd']>[0];
    const feed = async (s: Parameters<InvocationMetricsProcessor['onSpanEnd']>[0]) => {
      await processor.onSpanStart(s);
      await processor.onSpanEnd(s);
    };
    await feed(span('s1', { type: 'agent', name: '' }));
    await feed(span('s2', { type: 'agent', name: 'coder' }, { startedAt: null }));
    await feed(span('s3', { type: 'agent', name: 'coder' }));
    await expect(processor.onSpanEnd(null as never)).resolves.toBeUndefined();
    await processor.onSpanEnd(span('never-started', { type: 'agent', name: 'ghost' }));
    const records = await log();
    expect(records.map((r) => [r.agent, r.attempt, r.taskId, r.durationMs, r.tokens])).toEqual([['coder', 1, 'trace_x', 1000, 0]]);
    expect(warnings.map((w) => w.message)).toEqual([
      'invocation-metrics/openai-agents: agent span "s1" has no agent name (name "", startedAt "2026-12-07T10:00:00.000Z", endedAt "2026-12-07T10:00:01.000Z"); not recorded',
      'invocation-metrics/openai-agents: agent span "s2" has no start and end times (name "coder", startedAt null, endedAt "2026-12-07T10:00:01.000Z"); not recorded',
      'invocation-metrics/openai-agents: trace metadata attempt "two" is not an integer >= 1; attempt 1 recorded',
      expect.stringContaining('a span could not be read'),
    ]);
  });

  it('classifies span errors by the openai package\'s error names, and refuses bad options', () => {
    expect(spanErrorClass({ message: 'Error in agent run', data: { error: 'RateLimitError: 429 slow down' } })).toBe('rate_limit');
    expect(spanErrorClass({ message: 'x', data: { error: 'InternalServerError: 500' } })).toBe('server_error');
    expect(spanErrorClass({ message: 'x', data: { error: 'APIConnectionTimeoutError: timed out' } })).toBe('timeout');
    expect(spanErrorClass({ message: 'x', data: { error: 'Error: boom 400' } })).toBeUndefined();
    expect(spanErrorClass({ message: 'x' })).toBeUndefined();
    expect(spanErrorClass(undefined)).toBeUndefined();
    const collector = { record: async () => {} };
    expect(() => invocationMetricsProcessor({} as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION', option: 'collector' }));
    expect(() => invocationMetricsProcessor({ collector, model: '' })).toThrow('Expected `model` to be a non-empty string, a function of the agent name, or absent');
    expect(() => invocationMetricsProcessor({ collector, errorClass: 'x' as never })).toThrow('Expected `errorClass` to be a function or absent');
  });
});
