/**
 * The span sink with the real trace SDK and an in-memory exporter: begin()/end() spans and the parenting
 * of the user's own spans under them, abandoned handles, a failing tracer, the options.
 */
import { context, trace, type Context, type ContextManager, type Span, type Tracer } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvocationMetricsCollector } from '../../src/collector.js';
import { loadLog } from '../../src/log/reader.js';
import { memoryLogger, metric, tempDir } from '../helpers/records.js';

const T0 = Date.parse('2026-12-07T10:00:00.000Z');

describe('begin()/end() spans (in-memory exporter)', () => {
  let exporter: InMemorySpanExporter;
  let provider: TracerProvider;
  let tmp: ReturnType<typeof tempDir>;
  let now: number;
  let collector: InvocationMetricsCollector;
  const logger = memoryLogger();

  beforeEach(() => {
    exporter = new InMemorySpanExporter();
    provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    tmp = tempDir('im-spans-');
    now = T0;
    collector = new InvocationMetricsCollector(tmp.dir, logger, {
      tracer: provider,
      provider: ({ model }) => (model?.startsWith('claude') === true ? 'anthropic' : undefined),
      clock: { now: () => now },
    });
  });
  afterEach(async () => {
    await collector.close();
    await provider.shutdown();
    tmp.cleanup();
  });

  const ended = (): ReadableSpan[] => exporter.getFinishedSpans();
  const ms = (s: ReadableSpan, which: 'startTime' | 'endTime'): number => s[which][0] * 1000 + s[which][1] / 1e6;

  it('starts the span at begin() with the sampling attributes, parents the user span under handle.context, ends it at end()', async () => {
    const call = collector.begin({ agent: 'coder', phase: 2, taskId: 'T-1', model: 'claude-x' });
    expect(call.span.isRecording()).toBe(true);
    expect(ended()).toHaveLength(0);
    const tracer = provider.getTracer('user');
    now += 400;
    const tool = tracer.startSpan('execute_tool grep', {}, call.context);
    now += 100;
    tool.end();
    now += 1000;
    await call.end({ success: true, tokens: 10, inputTokens: 7, outputTokens: 3, cost: 0.01, exitCode: 0, tier: 'large' });

    const [child, parent] = ended();
    expect(parent!.name).toBe('invoke_agent coder');
    expect(parent!.spanContext().spanId).toBe(call.span.spanContext().spanId);
    expect(child!.parentSpanContext?.spanId).toBe(parent!.spanContext().spanId);
    expect(child!.spanContext().traceId).toBe(parent!.spanContext().traceId);
    expect(ms(parent!, 'startTime')).toBe(T0);
    expect(ms(parent!, 'endTime')).toBe(T0 + 1500);
    expect(parent!.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'coder',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': 'claude-x',
      'gen_ai.usage.input_tokens': 7,
      'invocation_metrics.task_id': 'T-1',
      'invocation_metrics.tier': 'large',
      'invocation_metrics.invocation_id': call.invocationId,
    });
    expect(parent!.status.code).toBe(0);
  });

  it('links a begin()/end() retry to its previous attempt and marks it infra and escalated', async () => {
    const first = collector.begin({ agent: 'coder', phase: 1, taskId: 'T-2', tier: 'small' });
    now += 50;
    await first.end({ success: false, tokens: 0, cost: 0, exitCode: 1, errorClass: 'rate_limit' });
    now += 10;
    const retry = collector.begin({ agent: 'coder', phase: 1, taskId: 'T-2', attempt: 2, tier: 'large' });
    now += 50;
    await retry.end({ success: true, tokens: 5, cost: 0.1, exitCode: 0 });
    const [a, b] = ended();
    expect(a!.status.code).toBe(2);
    expect(a!.attributes['error.type']).toBe('rate_limit');
    expect(b!.links).toMatchObject([
      { context: a!.spanContext(), attributes: { 'invocation_metrics.retry.kind': 'infra', 'invocation_metrics.escalated': true } },
    ]);
  });

  it('parents the attempts of a task under the task span given as begin()\'s parent, without a context manager', async () => {
    const tracer = provider.getTracer('user');
    const task = tracer.startSpan('task T-3');
    const parent = trace.setSpan(context.active(), task);
    const first = collector.begin({ agent: 'coder', phase: 1, taskId: 'T-3' }, { parent });
    await first.end({ success: false, tokens: 0, cost: 0, exitCode: 1 });
    const retry = collector.begin({ agent: 'coder', phase: 1, taskId: 'T-3', attempt: 2 }, { parent });
    expect(retry.context).not.toBe(parent);
    await retry.end({ success: true, tokens: 1, cost: 0, exitCode: 0 });
    task.end();
    const [a, b] = ended();
    for (const s of [a!, b!]) {
      expect(s.parentSpanContext?.spanId).toBe(task.spanContext().spanId);
      expect(s.spanContext().traceId).toBe(task.spanContext().traceId);
    }
    expect(b!.links[0]!.context.spanId).toBe(a!.spanContext().spanId);
    expect(b!.links[0]!.attributes).toEqual({ 'invocation_metrics.retry.kind': 'code', 'invocation_metrics.escalated': false });
    expect(() => collector.begin({ agent: 'coder', phase: 1 }, { parent: {} as Context })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION', message: expect.stringContaining('`parent`') }),
    );
  });

  it('ends an abandoned handle with status ERROR and error.type abandoned, and a refused end() keeps the span open', async () => {
    const call = collector.begin({ agent: 'coder', phase: 1 });
    now += 20;
    await expect(call.end({ success: true, tokens: -1, cost: 0, exitCode: 0 })).rejects.toThrow(/tokens/);
    expect(ended()).toHaveLength(0);
    expect(call.abandon()).toBe(true);
    const [s] = ended();
    expect(s!.status.code).toBe(2);
    expect(s!.attributes).toMatchObject({ 'error.type': 'abandoned', 'invocation_metrics.abandoned': true });
    expect(ms(s!, 'endTime')).toBe(T0 + 20);
  });

  it('makes record() spans children of the active context; provider: the record\'s, else the option, else _OTHER', async () => {
    const tracer = provider.getTracer('user');
    const run = tracer.startSpan('run');
    const active = activate(trace.setSpan(context.active(), run));
    await collector.record(metric({ model: 'gpt-x' }));
    active.restore();
    run.end();
    await collector.record(metric({ model: 'claude-y', agent: 'b' }));
    await collector.record(metric({ model: 'claude-y', agent: 'c', provider: 'aws.bedrock' }));
    const call = collector.begin({ agent: 'd', phase: 1, model: 'gpt-x' });
    await call.end({ success: true, tokens: 1, cost: 0, exitCode: 0, provider: 'openai' });
    const span = ended().find((s) => s.name === 'invoke_agent coder')!;
    expect(span.parentSpanContext?.spanId).toBe(run.spanContext().spanId);
    const providerOf = (name: string): unknown => ended().find((s) => s.name === name)!.attributes['gen_ai.provider.name'];
    expect(providerOf('invoke_agent coder')).toBe('_OTHER');
    expect(providerOf('invoke_agent b')).toBe('anthropic');
    expect(providerOf('invoke_agent c')).toBe('aws.bedrock');
    expect(providerOf('invoke_agent d')).toBe('openai');
  });
});

/** Makes `context.active()` return `ctx` until restored: a stand-in for a context manager (none is installed here). */
function activate(ctx: Context): { restore(): void } {
  const manager: ContextManager = {
    active: () => ctx,
    with: (_c, fn, thisArg, ...args) => fn.call(thisArg, ...args),
    bind: (_c, target) => target,
    enable() {
      return this;
    },
    disable() {
      return this;
    },
  };
  context.setGlobalContextManager(manager);
  return { restore: () => context.disable() };
}

describe('a failing tracer', () => {
  it('never breaks record() nor begin()/end(): warned once, the records are kept and logged', async () => {
    const tmp = tempDir('im-spans-fail-');
    const logger = memoryLogger();
    const throwing = {
      startSpan(): Span {
        throw new Error('exporter on fire');
      },
      startActiveSpan(): never {
        throw new Error('unused');
      },
    } as unknown as Tracer;
    const collector = new InvocationMetricsCollector(tmp.dir, logger, { tracer: throwing });
    await collector.record(metric({ invocationId: 'a' }));
    await collector.record(metric({ invocationId: 'b' }));
    const call = collector.begin({ agent: 'coder', phase: 1, invocationId: 'c' });
    expect(call.span.isRecording()).toBe(false);
    await call.end({ success: true, tokens: 1, cost: 0, exitCode: 0 });
    await collector.close();
    const { records } = await loadLog(collector.path);
    expect(records.map((r) => r.invocationId)).toEqual(['a', 'b', 'c']);
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toContain('exporter on fire');
    tmp.cleanup();
  });
});

describe('options', () => {
  it('refuses a tracer that is neither a Tracer nor a TracerProvider, and a bad provider', () => {
    const tmp = tempDir('im-spans-opt-');
    expect(() => new InvocationMetricsCollector(tmp.dir, console, { tracer: {} as Tracer })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION', message: expect.stringContaining('`tracer`') }),
    );
    expect(() => new InvocationMetricsCollector(tmp.dir, console, { tracer: trace.getTracer('x'), provider: 5 as unknown as string })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION', message: expect.stringContaining('`provider`') }),
    );
    tmp.cleanup();
  });
});
