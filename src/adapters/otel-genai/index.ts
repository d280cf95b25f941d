/**
 * `invocation-metrics/otel-genai`: records from the GenAI spans of any OpenTelemetry instrumentation
 * (OpenLLMetry, OpenLIT, the OTel JS GenAI instrumentations, a framework's own spans), through a
 * `SpanProcessor` added to your tracer provider. Needs `@opentelemetry/sdk-trace` (or sdk-trace-base)
 * only for the provider you already have: nothing of it is imported here.
 *
 * @example
 * ```ts
 * import { invocationMetricsSpanProcessor } from 'invocation-metrics/otel-genai';
 * const provider = new TracerProvider({ spanProcessors: [invocationMetricsSpanProcessor({ collector }), yourExporter] });
 * ```
 *
 * @module
 */
export { InvocationMetricsSpanProcessor, invocationMetricsSpanProcessor, MAX_LIVE_SPANS, type OtelGenAiOptions } from './processor.js';
export type { GenAiSpan } from './span-view.js';
export type { SpanDescription } from './describe.js';
export { errorClassOfType } from './error-class.js';
export { MODEL_CALL_OPERATIONS, type RecordedOperation } from './names.js';
export type { AdapterOptions, AdapterWarning, RecordTarget } from '../recorder.js';
