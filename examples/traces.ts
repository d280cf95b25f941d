// Every invocation as an OpenTelemetry `invoke_agent` span, pushed over OTLP to the collector named by
// OTEL_EXPORTER_OTLP_ENDPOINT (else http://localhost:4318). A failed attempt and its retry: the retry's
// span links to the failed one's.
// Run: npm run build && npx tsx examples/traces.ts [metricsDir]
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvocationMetricsCollector } from 'invocation-metrics';
import { createTracing } from 'invocation-metrics/telemetry';

const metricsDir = process.argv[2] ?? mkdtempSync(join(tmpdir(), 'invocation-metrics-traces-'));
const tracing = await createTracing({ serviceName: 'traces-example' });
const collector = new InvocationMetricsCollector(metricsDir, console, { tracer: tracing.tracerProvider, provider: 'anthropic' });

const first = collector.begin({ agent: 'coder', phase: 1, taskId: 'T-1', model: 'claude-haiku', tier: 'small' });
await first.end({ success: false, tokens: 0, cost: 0, exitCode: 1, errorClass: 'rate_limit' });
const retry = collector.begin({ agent: 'coder', phase: 1, taskId: 'T-1', attempt: 2, model: 'claude-sonnet', tier: 'standard' });
await retry.end({ success: true, tokens: 900, inputTokens: 700, outputTokens: 200, cachedTokens: 500, cost: 0.004, exitCode: 0 });

await collector.close();
await tracing.shutdown(); // exports the last spans
process.stdout.write(`recorded 2 invocations as spans, trace ${retry.span.spanContext().traceId}\n`);
