/** A real trace SDK provider with the GenAI span processor, a real collector on a temp dir, and span builders. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { InvocationMetricsCollector } from '../../../src/collector.js';
import type { AdapterWarning } from '../../../src/adapters/recorder.js';
import { invocationMetricsSpanProcessor, type InvocationMetricsSpanProcessor, type OtelGenAiOptions } from '../../../src/adapters/otel-genai/index.js';

export const T0 = Date.parse('2026-12-07T10:00:00.000Z');

export interface Rig {
  readonly provider: TracerProvider;
  readonly processor: InvocationMetricsSpanProcessor;
  readonly collector: InvocationMetricsCollector;
  readonly exporter: InMemorySpanExporter;
  readonly warnings: AdapterWarning[];
  /** A span of `scope` from `start` to `end` (ms after T0), under `parent`; `fail` sets status ERROR. */
  span(scope: string, name: string, attributes: Attributes, start: number, parent?: Span): Span;
  end(span: Span, at: number, fail?: { message?: string; exceptionType?: string }): void;
  /** Closes provider and collector, returns the log's records (parsed lines, in order). */
  finish(): Promise<Record<string, unknown>[]>;
  cleanup(): void;
}

/**
 * @param options - Processor options (collector and onWarning are filled in).
 * @returns The rig.
 */
export function rig(options: Partial<OtelGenAiOptions> = {}): Rig {
  const dir = mkdtempSync(join(tmpdir(), 'im-otel-genai-'));
  const collector = new InvocationMetricsCollector(dir, { warn: () => {} });
  const warnings: AdapterWarning[] = [];
  const processor = invocationMetricsSpanProcessor({ collector, onWarning: (w) => warnings.push(w), ...options });
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [processor, new SimpleSpanProcessor({ exporter })] });
  return {
    provider,
    processor,
    collector,
    exporter,
    warnings,
    span(scope, name, attributes, start, parent) {
      const ctx: Context = parent === undefined ? ROOT_CONTEXT : trace.setSpan(ROOT_CONTEXT, parent);
      return provider.getTracer(scope).startSpan(name, { kind: SpanKind.CLIENT, attributes, startTime: T0 + start }, ctx);
    },
    end(span, at, fail) {
      if (fail !== undefined) {
        if (fail.exceptionType !== undefined) span.addEvent('exception', { 'exception.type': fail.exceptionType, 'exception.message': fail.message ?? '' }, T0 + at);
        span.setStatus({ code: SpanStatusCode.ERROR, message: fail.message });
      }
      span.end(T0 + at);
    },
    async finish() {
      await provider.shutdown();
      await collector.close();
      const text = readFileSync(join(dir, 'invocations.jsonl'), 'utf8');
      return text === '' ? [] : text.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
