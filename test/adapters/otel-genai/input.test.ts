/**
 * What instrumentations get wrong or leave out: malformed and missing attributes, error spans of every
 * flavour, a stream cut off, a span seen twice, a throwing callback, older SDK span shapes, bad options.
 * Always a clear warning, never an exception in the traced code, never a record twice.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { InvocationMetricsError } from '../../../src/errors.js';
import { errorClassOfType, invocationMetricsSpanProcessor, MAX_LIVE_SPANS, type GenAiSpan } from '../../../src/adapters/otel-genai/index.js';
import { rig, T0, type Rig } from './helpers.js';

const SCOPE = 'openlit';
const agentSpan = (extra: Record<string, string | number | boolean | string[]>) => ({ 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'a', ...extra });

let r: Rig | undefined;
afterEach(() => r?.cleanup());

describe('otel-genai: malformed and missing attributes', () => {
  it('reads digit strings, leaves out what is not a count or a cost with a warning naming span and attribute, and still records', async () => {
    r = rig();
    const s = r.span(SCOPE, 'invoke_agent a', agentSpan({ 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.input_tokens': '120', 'gen_ai.usage.output_tokens': -5, 'gen_ai.usage.cache_read.input_tokens': 2.5, 'gen_ai.usage.cost': -1 }), 0);
    r.end(s, 10);
    const t = r.span(SCOPE, 'invoke_agent a', agentSpan({ 'gen_ai.usage.input_tokens': 'many', 'gen_ai.usage.output_tokens': [1, 2] as unknown as string[], 'gen_ai.usage.cost.amount': 3, 'gen_ai.usage.cost.currency': 'EUR', 'invocation_metrics.attempt': 0, 'invocation_metrics.phase': 'two' }), 20);
    r.end(t, 30);
    const lines = await r.finish();
    expect(lines.map((l) => [l.tokens, l.inputTokens, l.outputTokens, l.cachedTokens, l.costSource, l.attempt, l.phase])).toEqual([
      [120, 120, undefined, undefined, 'table', 1, 0],
      [0, undefined, undefined, undefined, 'none', 1, 0],
    ]);
    const messages = r.warnings.map((w) => w.message);
    expect(r.warnings.every((w) => w.code === 'ERR_ADAPTER_INPUT' && w.adapter === 'otel-genai')).toBe(true);
    const id = s.spanContext().spanId;
    expect(messages.slice(0, 3)).toEqual([
      `invocation-metrics/otel-genai: span "invoke_agent a" (trace ${s.spanContext().traceId}, span ${id}): gen_ai.usage.output_tokens = -5 is not a token count (an integer >= 0); left out`,
      expect.stringContaining('gen_ai.usage.cache_read.input_tokens = 2.5 is not a token count'),
      expect.stringContaining('gen_ai.usage.cost = -1 is not a cost (a finite number >= 0); priced from the table instead'),
    ]);
    expect(messages.slice(3)).toEqual([
      expect.stringContaining('gen_ai.usage.input_tokens = "many" is not a token count'),
      expect.stringContaining('gen_ai.usage.output_tokens = [1, 2] is not a token count'),
      expect.stringContaining('gen_ai.usage.cost.amount is in "EUR", not USD; priced from the table instead'),
      expect.stringContaining('invocation_metrics.attempt = 0 is not an integer >= 1; left out'),
      expect.stringContaining('invocation_metrics.phase = "two" is not an integer >= 0; left out'),
    ]);
  });

  it('names a span without an agent "unknown" and warns once; without a model the cost is unpriced', async () => {
    r = rig();
    for (const start of [0, 10]) r.end(r.span(SCOPE, 'invoke_agent', { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.usage.input_tokens': 3 }, start), start + 5);
    const lines = await r.finish();
    expect(lines.map((l) => [l.agent, l.model, l.cost, l.costSource])).toEqual([['unknown', undefined, 0, 'none'], ['unknown', undefined, 0, 'none']]);
    expect(r.warnings.map((w) => w.message)).toEqual([expect.stringContaining('names no agent (gen_ai.agent.name): recorded as agent "unknown"; pass the `agent` option')]);
  });

  it('ignores spans that are not GenAI invocations (tools, embeddings, HTTP) and never warns about them', async () => {
    r = rig({ operations: ['invoke_agent', 'chat', 'generate_content', 'text_completion'], agent: 'x' });
    r.end(r.span(SCOPE, 'execute_tool t', { 'gen_ai.operation.name': 'execute_tool' }, 0), 1);
    r.end(r.span(SCOPE, 'embeddings m', { 'gen_ai.operation.name': 'embeddings', 'gen_ai.usage.input_tokens': 'x' }, 0), 1);
    r.end(r.span(SCOPE, 'GET', { 'http.response.status_code': 500 }, 0), 1);
    expect(await r.finish()).toEqual([]);
    expect(r.warnings).toEqual([]);
  });
});

describe('otel-genai: failures', () => {
  it('maps status ERROR and error.type (or the exception, or the HTTP status) to success and errorClass', async () => {
    r = rig();
    const cases: [Record<string, string | number>, { exceptionType?: string } | undefined][] = [
      [{ 'error.type': 'rate_limit' }, {}],
      [{ 'error.type': 'openai.RateLimitError' }, undefined], // error.type without an ERROR status is a failure too
      [{ 'http.response.status_code': 503 }, {}],
      [{}, { exceptionType: 'APIConnectionError' }],
      [{ 'error.type': 'ValidationError' }, {}],
      [{ 'error.type': '_OTHER' }, {}],
      [{}, undefined],
    ];
    cases.forEach(([attrs, fail], i) => r!.end(r!.span(SCOPE, 'invoke_agent a', agentSpan(attrs), i * 10), i * 10 + 5, fail));
    const lines = await r.finish();
    expect(lines.map((l) => [l.success, l.exitCode, l.errorClass, l.errorType])).toEqual([
      [false, 1, 'rate_limit', undefined],
      [false, 1, 'rate_limit', 'openai.RateLimitError'],
      [false, 1, 'overloaded', undefined],
      [false, 1, 'network', 'APIConnectionError'],
      [false, 1, undefined, 'ValidationError'],
      [false, 1, undefined, '_OTHER'],
      [true, 0, undefined, undefined],
    ]);
  });

  it('records a stream cut off mid-way once, as a failure with the usage it reported; a span never ended is never recorded', async () => {
    r = rig({ operations: ['chat'], agent: 'streamer' });
    const cut = r.span(SCOPE, 'chat gpt-4o', { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 50 }, 0);
    cut.setAttributes({ 'gen_ai.usage.output_tokens': 7, 'error.type': 'AbortError' });
    r.end(cut, 400, { message: 'The operation was aborted' });
    cut.end(T0 + 500); // a second end() is the SDK's to refuse
    r.span(SCOPE, 'chat gpt-4o', { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o' }, 600); // abandoned
    const lines = await r.finish();
    expect(lines.map((l) => [l.agent, l.success, l.errorClass, l.tokens, l.durationMs])).toEqual([['streamer', false, 'timeout', 57, 400]]);
  });
});

describe('otel-genai: robustness', () => {
  it('refuses a span seen twice, survives a garbage span, a throwing describe, agent option and onWarning', async () => {
    const seen: string[] = [];
    r = rig({
      describe: (s) => {
        if (s.name === 'boom') throw new Error('no');
        return s.name === 'bad' ? { attempt: 1.5, taskId: '' } : { taskId: 'T', tier: 'large', phase: 4 };
      },
      agent: () => {
        throw new Error('agent fn');
      },
      onWarning: (w) => {
        seen.push(w.message);
        throw new Error('sink throws');
      },
    });
    const s = r.span(SCOPE, 'invoke_agent a', agentSpan({ 'invocation_metrics.task_id': 'attr' }), 0);
    r.end(s, 10);
    r.processor.onEnd(s as unknown as GenAiSpan); // seen twice: refused
    r.processor.onEnd({ name: 'garbage' } as unknown as GenAiSpan);
    r.processor.onStart(null as unknown as GenAiSpan);
    r.end(r.span(SCOPE, 'boom', agentSpan({}), 20), 30);
    r.end(r.span(SCOPE, 'bad', { 'gen_ai.operation.name': 'invoke_agent' }, 40), 50);
    const lines = await r.finish();
    expect(lines.map((l) => [l.agent, l.taskId, l.tier, l.phase, l.attempt])).toEqual([
      ['a', 'T', 'large', 4, 1],
      ['a', undefined, undefined, 0, 1],
      ['unknown', undefined, undefined, 0, 1],
    ]);
    expect(seen).toEqual([
      expect.stringContaining('a second record of invocation'),
      expect.stringContaining('span "garbage" could not be read'),
      expect.stringContaining('a started span could not be read'),
      expect.stringContaining('`describe` threw (no); recorded without it'),
      expect.stringContaining('`describe` gave taskId "", not a non-empty string; left out'),
      expect.stringContaining('`describe` gave attempt 1.5, not an integer >= 1; left out'),
      expect.stringContaining('the `agent` option threw: agent fn'),
    ]);
  });

  it('inherits task and attempt from a span above; forceFlush waits for the writes; after shutdown nothing is recorded', async () => {
    r = rig();
    const task = r.span('my-app', 'task', { 'invocation_metrics.task_id': 'T-9', 'invocation_metrics.attempt': '3', 'invocation_metrics.tier': 'small' }, 0);
    r.end(r.span(SCOPE, 'invoke_agent a', agentSpan({ 'invocation_metrics.tier': 'large' }), 10, task), 20);
    r.end(task, 30);
    await r.processor.forceFlush();
    expect(r.collector.getAll().map((m) => [m.taskId, m.attempt, m.tier])).toEqual([['T-9', 3, 'large']]);
    await r.processor.shutdown();
    await r.processor.shutdown();
    r.end(r.span(SCOPE, 'invoke_agent a', agentSpan({}), 40), 50);
    expect(await r.finish()).toHaveLength(1);
  });

  it('reads the spans of sdk-trace-base 1.x (parentSpanId, instrumentationLibrary)', async () => {
    r = rig({ operations: ['chat'] });
    const ctx = (spanId: string) => ({ traceId: 'a'.repeat(32), spanId, traceFlags: 1 });
    const old = (spanId: string, parentSpanId: string | undefined, scope: string, attributes: Record<string, string | number>, start: number): GenAiSpan => ({
      name: String(attributes['gen_ai.operation.name']), attributes, startTime: [Math.floor((T0 + start) / 1000), ((T0 + start) % 1000) * 1e6],
      duration: [0, 5e6], status: { code: 0 }, events: [], spanContext: () => ctx(spanId), parentSpanId, instrumentationLibrary: { name: scope },
    });
    const agent = old('1'.repeat(16), undefined, SCOPE, { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'old-agent' }, 0);
    const chat = old('2'.repeat(16), '1'.repeat(16), SCOPE, { 'gen_ai.operation.name': 'chat', 'gen_ai.usage.input_tokens': 4 }, 1);
    const own = old('3'.repeat(16), undefined, 'invocation-metrics', { 'gen_ai.operation.name': 'chat' }, 2);
    for (const s of [agent, chat, own]) r.processor.onStart(s);
    for (const s of [chat, agent, own]) r.processor.onEnd(s);
    const lines = await r.finish();
    expect(lines.map((l) => [l.invocationId, l.agent, l.tokens, l.durationMs])).toEqual([[`${'a'.repeat(32)}-${'2'.repeat(16)}`, 'old-agent', 4, 5]]);
  });

  it('forgets the oldest span past MAX_LIVE_SPANS in flight, with one warning: a model call below it loses its agent', async () => {
    r = rig({ operations: ['chat'], agent: 'fallback' });
    const fake = (spanId: string, parentSpanId: string | undefined, attributes: Record<string, string | number>): GenAiSpan => ({
      name: 'fake', attributes, startTime: [1_765_000_000, 0], duration: [0, 1e6], status: { code: 0 }, spanContext: () => ({ traceId: 'b'.repeat(32), spanId, traceFlags: 1 }), parentSpanId,
    });
    const id = (n: number): string => n.toString(16).padStart(16, '0');
    r.processor.onStart(fake(id(1), undefined, { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'first' }));
    r.processor.onStart(fake(id(2), undefined, { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'second' }));
    for (let n = 3; n <= MAX_LIVE_SPANS + 1; n++) r.processor.onStart(fake(id(n), undefined, {}));
    // The first is forgotten; a child resolves its parent as it starts, so the second's child keeps it.
    for (const parent of [2, 1]) {
      const chat = fake(id(MAX_LIVE_SPANS + 2 + parent), id(parent), { 'gen_ai.operation.name': 'chat' });
      r.processor.onStart(chat);
      r.processor.onEnd(chat);
    }
    const lines = await r.finish();
    expect(lines.map((l) => l.agent)).toEqual(['second', 'fallback']);
    expect(r.warnings.map((w) => w.message)).toEqual([expect.stringContaining(`more than ${MAX_LIVE_SPANS} spans in flight: the oldest are forgotten`)]);
  });

  it('refuses bad options with ERR_INVALID_OPTION naming the option and the value', () => {
    const collector = { record: async () => {} };
    const bad: [Record<string, unknown>, string][] = [
      [{ operations: [] }, '`operations`'],
      [{ operations: ['embeddings'] }, '["embeddings"]'],
      [{ operations: 'chat' }, '`operations`'],
      [{ agent: '' }, '`agent`'],
      [{ describe: 'x' }, '`describe`'],
      [{ collector: undefined }, '`collector`'],
    ];
    for (const [options, named] of bad) {
      let err: unknown;
      try {
        invocationMetricsSpanProcessor({ collector, ...options } as never);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InvocationMetricsError);
      expect((err as InvocationMetricsError).code).toBe('ERR_INVALID_OPTION');
      expect((err as Error).message).toContain(named);
    }
  });
});

describe('errorClassOfType', () => {
  it('reads statuses, exception classes and the instrumentations\' own classes', () => {
    const table: [unknown, string | undefined][] = [
      ['429', 'rate_limit'], [429, 'rate_limit'], ['RateLimitError', 'rate_limit'], ['rate_limited', 'rate_limit'], ['RESOURCE_EXHAUSTED', 'rate_limit'],
      ['408', 'timeout'], ['openai.APITimeoutError', 'timeout'], ['AbortError', 'timeout'], ['deadline-exceeded', 'timeout'],
      ['503', 'overloaded'], [529, 'overloaded'], ['overloaded_error', 'overloaded'], ['unavailable', 'overloaded'],
      ['500', 'server_error'], ['InternalServerError', 'server_error'], [502, 'server_error'],
      ['APIConnectionError', 'network'], ['ECONNRESET', 'network'],
      ['400', undefined], ['BadRequestError', undefined], ['_OTHER', undefined], ['', undefined], [undefined, undefined], [429.5, undefined], [true, undefined],
    ];
    expect(table.map(([v]) => errorClassOfType(v))).toEqual(table.map(([, c]) => c));
  });
});
