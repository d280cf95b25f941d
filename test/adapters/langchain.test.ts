/**
 * The LangChain / LangGraph adapter driven by the real frameworks (@langchain/core, @langchain/langgraph)
 * with a scripted chat model (LangChain's fakes report no usage): the log holds exactly what the run did.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Serialized } from '@langchain/core/load/serializable';
import { AIMessage } from '@langchain/core/messages';
import { FakeLLM } from '@langchain/core/utils/testing';
import { END, MessagesAnnotation, START, StateGraph } from '@langchain/langgraph';
import { afterEach, describe, expect, it } from 'vitest';
import { invocationMetricsHandler } from '../../src/adapters/langchain/index.js';
import type { AdapterWarning } from '../../src/adapters/recorder.js';
import { computeAggregate } from '../../src/aggregate/index.js';
import { InvocationMetricsCollector } from '../../src/collector.js';
import { noNetworkInThisFile } from '../helpers/no-network.js';
import { Barrier, httpError, ScriptedChatModel } from './langchain-fakes.js';

// LangSmith tracing is off unless these are set; make sure of it.
process.env.LANGSMITH_TRACING = 'false';
process.env.LANGCHAIN_TRACING_V2 = 'false';

noNetworkInThisFile();

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(options: Omit<Parameters<typeof invocationMetricsHandler>[0], 'collector'> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'im-langchain-'));
  dirs.push(dir);
  const collector = new InvocationMetricsCollector(dir, { warn: () => {} });
  const warnings: AdapterWarning[] = [];
  const handler = invocationMetricsHandler({ collector, onWarning: (w) => warnings.push(w), ...options });
  const log = async (): Promise<Record<string, unknown>[]> => {
    await collector.close();
    return readFileSync(join(dir, 'invocations.jsonl'), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  };
  return { collector, handler, warnings, log };
}

const user = { messages: [{ role: 'user', content: 'build it' }] };

describe('LangGraph multi-agent run', () => {
  it('records each model call with its node as agent, attempts, failures, a model change and parallel calls', async () => {
    const { handler, warnings, log, collector } = setup({ phase: (agent) => (agent === 'planner' ? 0 : 1) });
    const barrier = new Barrier(2);
    const planner = new ScriptedChatModel('gpt-4o-mini', [{ input: 100, output: 20 }]);
    // coder: a 429 then success, through .withRetry(): an infra retry.
    const coder = new ScriptedChatModel('gpt-4o-mini', [{ fail: httpError(429, 'rate limited') }, { input: 300, output: 50, cached: 200 }], barrier).withRetry({ stopAfterAttempt: 2 });
    // reviewer: the small model returns garbage (no HTTP status: the agent's own failure), the fallback is a bigger model.
    const reviewerSmall = new ScriptedChatModel('gpt-4o-mini', [{ fail: new TypeError('unparseable review') }], barrier);
    const reviewer = reviewerSmall.withFallbacks([new ScriptedChatModel('gpt-4o', [{ input: 400, output: 80 }])]);
    // tester: its model call fails with a 503 and LangGraph's retry policy runs the node again.
    const tester = new ScriptedChatModel('gpt-4o-mini', [{ fail: httpError(503, 'overloaded') }, { input: 50, output: 5 }]);
    // summarizer: a 400 the node handles itself: a failure, no retry.
    const summarizer = new ScriptedChatModel('gpt-4o-mini', [{ fail: httpError(400, 'context too long') }]);
    const graph = new StateGraph(MessagesAnnotation)
      .addNode('planner', async (s) => ({ messages: [await planner.invoke(s.messages)] }))
      .addNode('coder', async (s) => ({ messages: [await coder.invoke(s.messages)] }))
      .addNode('reviewer', async (s) => ({ messages: [await reviewer.invoke(s.messages)] }))
      .addNode('tester', async (s) => ({ messages: [await tester.invoke(s.messages)] }), { retryPolicy: { maxAttempts: 2, initialInterval: 1, jitter: false, logWarning: false } })
      .addNode('summarizer', async (s) => ({ messages: [await summarizer.invoke(s.messages).catch(() => new AIMessage('no summary'))] }))
      .addEdge(START, 'planner')
      .addEdge('planner', 'coder')
      .addEdge('planner', 'reviewer')
      .addEdge('coder', 'tester')
      .addEdge('reviewer', 'tester')
      .addEdge('tester', 'summarizer')
      .addEdge('summarizer', END)
      .compile();

    const out = await graph.invoke(user, { callbacks: [handler] });
    expect(out.messages.at(-1)?.content).toBe('no summary');
    // awaitHandlers: the records are in the collector when the run resolves.
    expect(collector.getCount()).toBe(8);
    const records = await log();
    expect(warnings).toEqual([]);
    expect(handler.openRuns).toBe(0);

    const row = (r: Record<string, unknown>) => [r.agent, r.phase, r.attempt, r.success, r.errorClass ?? null, r.model, r.inputTokens ?? null, r.outputTokens ?? null, r.cachedTokens ?? null, r.tokens];
    const byAgent = (a: string) => records.filter((r) => r.agent === a);
    expect(byAgent('planner').map(row)).toEqual([['planner', 0, 1, true, null, 'gpt-4o-mini', 100, 20, null, 120]]);
    expect(byAgent('coder').map(row)).toEqual([
      ['coder', 1, 1, false, 'rate_limit', 'gpt-4o-mini', null, null, null, 0],
      ['coder', 1, 2, true, null, 'gpt-4o-mini', 300, 50, 200, 350],
    ]);
    expect(byAgent('reviewer').map(row)).toEqual([
      ['reviewer', 1, 1, false, null, 'gpt-4o-mini', null, null, null, 0],
      ['reviewer', 1, 2, true, null, 'gpt-4o', 400, 80, null, 480],
    ]);
    expect(byAgent('tester').map(row)).toEqual([
      ['tester', 1, 1, false, 'overloaded', 'gpt-4o-mini', null, null, null, 0],
      ['tester', 1, 2, true, null, 'gpt-4o-mini', 50, 5, null, 55],
    ]);
    expect(byAgent('summarizer').map(row)).toEqual([['summarizer', 1, 1, false, null, 'gpt-4o-mini', null, null, null, 0]]);
    // Attempts of one logical call share a taskId: the .withRetry() run, the .withFallbacks() run, the LangGraph task.
    for (const agent of ['coder', 'reviewer', 'tester']) {
      const [a, b] = byAgent(agent);
      expect(a!.taskId).toEqual(expect.any(String));
      expect(b!.taskId).toBe(a!.taskId);
    }
    expect(byAgent('tester')[0]!.taskId).toMatch(/^tester:/);
    // Outside a retry scope, a model call of a LangGraph node belongs to the node's task.
    expect(byAgent('planner')[0]!.taskId).toMatch(/^planner:/);
    expect(byAgent('summarizer')[0]!.taskId).toMatch(/^summarizer:/);
    expect(new Set(records.map((r) => r.taskId)).size).toBe(5);
    expect(records.every((r) => r.provider === 'openai' && r.exitCode === (r.success ? 0 : 1))).toBe(true);
    expect(new Set(records.map((r) => r.invocationId)).size).toBe(8);
    // Priced from the table: gpt-4o-mini with 200 of 300 input tokens cached.
    const coded = byAgent('coder')[1]!;
    expect(coded.costSource).toBe('table');
    expect(coded.cost).toBeCloseTo((100 * 0.15 + 200 * 0.075 + 50 * 0.6) / 1e6, 15);

    const agg = computeAggregate(records as never);
    expect(agg.totalInvocations).toBe(8);
    expect(agg.totalRetries).toBe(3);
    expect(agg.infraRetries).toBe(2);
    expect(agg.codeRetries).toBe(1);
    expect(agg.escalationCount).toBe(1);
    expect(agg.peakParallelInvocations).toBe(2);
    expect(agg.totalTokens).toBe(120 + 350 + 480 + 55);
  });
});

describe('outside LangGraph', () => {
  it('names the agent after runName, else the model class; the agent and taskId options map it otherwise', async () => {
    const { handler, log, warnings } = setup();
    const model = new ScriptedChatModel('claude-sonnet-4-5', [{ input: 10, output: 1 }]);
    await model.invoke('hi', { callbacks: [handler], runName: 'writer' });
    await model.invoke('hi', { callbacks: [handler] });
    const mapped = setup({ agent: (run) => (run.name === 'writer' ? 'author' : undefined), taskId: (run) => `t-${String(run.metadata.ticket)}` });
    await model.invoke('hi', { callbacks: [mapped.handler], runName: 'writer', metadata: { ticket: 7 } });
    await model.invoke('hi', { callbacks: [mapped.handler] });
    const fixed = setup({ agent: 'solo' });
    await model.invoke('hi', { callbacks: [fixed.handler], runName: 'writer' });
    expect((await log()).map((r) => [r.agent, r.taskId ?? null, r.model])).toEqual([
      ['writer', null, 'claude-sonnet-4-5'],
      ['ScriptedChatModel', null, 'claude-sonnet-4-5'],
    ]);
    expect((await mapped.log()).map((r) => [r.agent, r.taskId])).toEqual([
      ['author', 't-7'],
      ['ScriptedChatModel', 't-undefined'],
    ]);
    expect((await fixed.log()).map((r) => r.agent)).toEqual(['solo']);
    expect([...warnings, ...mapped.warnings, ...fixed.warnings]).toEqual([]);
  });

  it('records a streamed call with the usage of its last chunk, and a stream that failed mid-way as a failure', async () => {
    const { handler, log, warnings } = setup();
    const model = new ScriptedChatModel('gpt-4o', [{ input: 30, output: 3 }, { fail: httpError(502, 'bad gateway') }]);
    let text = '';
    for await (const chunk of await model.stream('hi', { callbacks: [handler] })) text += String(chunk.content);
    expect(text).toBe('one two three');
    await expect(async () => {
      for await (const _ of await model.stream('hi', { callbacks: [handler] })) void _;
    }).rejects.toThrow('bad gateway');
    expect((await log()).map((r) => [r.success, r.errorClass ?? null, r.inputTokens ?? null, r.outputTokens ?? null, r.tokens])).toEqual([
      [true, null, 30, 3, 33],
      [false, 'server_error', null, null, 0],
    ]);
    expect(warnings).toEqual([]);
  });

  it('a stream cut off by its reader never ends: nothing recorded, dropOpenRuns() warns of it', async () => {
    const { handler, log, warnings } = setup();
    const model = new ScriptedChatModel('gpt-4o', [{ input: 30, output: 3 }]);
    for await (const chunk of await model.stream('hi', { callbacks: [handler] })) {
      expect(chunk.content).toBe('one ');
      break;
    }
    expect(handler.openRuns).toBe(1);
    expect(handler.dropOpenRuns()).toBe(1);
    expect(handler.openRuns).toBe(0);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ adapter: 'langchain', code: 'ERR_ADAPTER_INPUT' });
    expect(warnings[0]!.message).toMatch(/model run \S+ of agent "ScriptedChatModel" started at .* is not recorded: it never ended \(a stream whose reader stopped early\?\)/);
    expect(await log()).toEqual([]);
  });

  it('sequential calls never overlap in the log, however fast (times are whole milliseconds on one monotonic clock)', async () => {
    const { handler, log } = setup();
    const model = new ScriptedChatModel('gpt-4o-mini', [{ input: 1, output: 1 }]);
    for (let i = 0; i < 30; i++) await model.invoke('hi', { callbacks: [handler] });
    const records = await log();
    expect(records).toHaveLength(30);
    expect(records.every((r) => Number.isInteger(r.durationMs))).toBe(true);
    expect(computeAggregate(records as never).peakParallelInvocations).toBeLessThanOrEqual(1);
  });

  it('records a plain LLM run (handleLLMStart) like a chat model run', async () => {
    const { handler, log } = setup();
    const llm = new FakeLLM({ response: 'plain' });
    expect(await llm.invoke('hi', { callbacks: [handler] })).toBe('plain');
    expect((await log()).map((r) => [r.agent, r.success, r.tokens])).toEqual([['FakeLLM', true, 0]]);
  });

  it('records a LangChain cache hit as a call with no tokens, marked cacheHit', async () => {
    const { handler, log } = setup();
    const model = new ScriptedChatModel('gpt-4o-mini', [{ input: 10, output: 2 }], undefined, { cache: true });
    await model.invoke('same prompt', { callbacks: [handler] });
    await model.invoke('same prompt', { callbacks: [handler] });
    expect(model.calls).toBe(1);
    expect((await log()).map((r) => [r.tokens, r.cacheHit ?? null])).toEqual([
      [12, null],
      [0, true],
    ]);
  });
});

describe('what LangChain gives that cannot be recorded exactly', () => {
  it('warns about an end without a start, a second end, malformed usage and a throwing mapping, and never throws', async () => {
    const { handler, log, warnings } = setup({ agent: (run) => (run.name === 'boom' ? (() => { throw new Error('mapping failed'); })() : undefined) });
    const llm: Serialized = { lc: 1, type: 'not_implemented', id: ['x', 'FakeModel'] };
    handler.handleLLMEnd({ generations: [] }, 'never-started');
    handler.handleChatModelStart(llm, [], 'run-1', undefined, {}, [], { ls_model_name: 'gpt-4o' });
    handler.handleLLMEnd({ generations: [[{ text: '', message: { usage_metadata: { input_tokens: -4, output_tokens: 'many', total_tokens: 2.5 } } } as never]] }, 'run-1');
    handler.handleLLMEnd({ generations: [] }, 'run-1');
    handler.handleLLMError(new Error('late'), 'run-1');
    handler.handleChatModelStart(llm, [], 'run-2', undefined, {}, [], {});
    handler.handleLLMEnd(null as never, 'run-2');
    handler.handleChatModelStart(llm, [], 'run-3', undefined, {}, [], {}, 'boom');
    handler.handleLLMEnd({ generations: [] }, 'run-3');
    const records = await log();
    expect(records.map((r) => [r.invocationId, r.agent, r.tokens, r.inputTokens ?? null, r.model ?? null])).toEqual([
      ['run-1', 'FakeModel', 0, null, 'gpt-4o'],
      ['run-2', 'FakeModel', 0, null, null],
    ]);
    expect(warnings.map((w) => w.message.replace(/^invocation-metrics\/langchain: /, ''))).toEqual([
      'model run never-started ended without a start this handler saw (or it was already recorded); not recorded',
      'agent "FakeModel": the framework\'s inputTokens -4 is not a count; left out',
      'agent "FakeModel": the framework\'s outputTokens many is not a count; left out',
      'agent "FakeModel": the framework\'s totalTokens 2.5 is not a count; left out',
      'model run run-1 ended without a start this handler saw (or it was already recorded); not recorded',
      'model run run-1 failed without a start this handler saw (or it was already recorded); not recorded',
      'model run run-2 of agent "FakeModel" ended with no result object; recorded without usage',
      'model run run-3 is not recorded: mapping failed',
      'model run run-3 ended without a start this handler saw (or it was already recorded); not recorded',
    ]);
  });

  it('keeps at most maxOpenRuns open runs, dropping the oldest with a warning', async () => {
    const { handler, log, warnings } = setup({ maxOpenRuns: 2 });
    const llm: Serialized = { lc: 1, type: 'not_implemented', id: ['FakeModel'] };
    for (const id of ['a', 'b', 'c']) handler.handleChatModelStart(llm, [], id, undefined, {}, [], {});
    expect(handler.openRuns).toBe(2);
    expect(warnings.map((w) => w.message)).toEqual([expect.stringMatching(/model run a of agent "FakeModel" .* more than 2 model runs are open \(maxOpenRuns\)/)]);
    handler.handleLLMEnd({ generations: [] }, 'c');
    expect((await log()).map((r) => r.invocationId)).toEqual(['c']);
  });

  it('refuses bad options with InvalidOptionError', () => {
    const collector = { record: async () => {} };
    expect(() => invocationMetricsHandler({ collector, agent: '' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
    expect(() => invocationMetricsHandler({ collector, maxOpenRuns: 0 })).toThrow(/maxOpenRuns/);
    expect(() => invocationMetricsHandler({ collector, taskId: 'x' as never })).toThrow(/taskId/);
    expect(() => invocationMetricsHandler({} as never)).toThrow(/collector/);
  });
});
