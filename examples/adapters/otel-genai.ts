// Records from OpenTelemetry GenAI spans: the span processor turns each finished `invoke_agent` span into
// one record (tokens summed from the model-call spans below it when the agent span has none). The "model"
// here is a fake instrumented client that writes `chat` spans as OpenLLMetry, OpenLIT or the OTel GenAI
// instrumentations do; nothing leaves the process.
// Run: npm run build && npx tsx examples/adapters/otel-genai.ts [metricsDir]
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT_CONTEXT, SpanStatusCode, trace, type Context } from '@opentelemetry/api';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { InvocationMetricsCollector } from 'invocation-metrics';
import { invocationMetricsSpanProcessor } from 'invocation-metrics/otel-genai';

const metricsDir = process.argv[2] ?? mkdtempSync(join(tmpdir(), 'invocation-metrics-otel-genai-'));
const collector = new InvocationMetricsCollector(metricsDir, console);
// The one line: add the processor to the tracer provider your instrumentation already uses.
const provider = new TracerProvider({ spanProcessors: [invocationMetricsSpanProcessor({ collector })] });
const tracer = provider.getTracer('my-agents');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A fake instrumented model client: one `chat` span per call (a real one parents it on the active context). */
async function chat(parent: Context, model: string, fail = false): Promise<void> {
  const span = tracer.startSpan(`chat ${model}`, { attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': model } }, parent);
  await sleep(20);
  if (fail) {
    span.setAttribute('error.type', '429');
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'Rate limit reached' });
    span.end();
    throw Object.assign(new Error('Rate limit reached'), { status: 429 });
  }
  span.setAttributes({ 'gen_ai.response.model': model, 'gen_ai.usage.input_tokens': 1200, 'gen_ai.usage.output_tokens': 300 });
  span.end();
}

/** An agent invocation: an `invoke_agent` span; task and attempt tie a retry to its failed attempt. */
async function agent(name: string, work: (ctx: Context) => Promise<void>, taskId?: string, attempt = 1): Promise<boolean> {
  const span = tracer.startSpan(`invoke_agent ${name}`, {
    attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': name, 'invocation_metrics.task_id': taskId, 'invocation_metrics.attempt': attempt },
  });
  try {
    await work(trace.setSpan(ROOT_CONTEXT, span));
    return true;
  } catch (err) {
    span.setAttribute('error.type', (err as { status?: number }).status === 429 ? 'rate_limit' : 'agent_error');
    span.setStatus({ code: SpanStatusCode.ERROR });
    return false;
  } finally {
    span.end();
  }
}

await agent('planner', (ctx) => chat(ctx, 'gpt-4o-mini'));
if (!(await agent('coder', (ctx) => chat(ctx, 'gpt-4o-mini', true), 'T-1'))) await agent('coder', (ctx) => chat(ctx, 'gpt-4o'), 'T-1', 2);
await Promise.all([agent('reviewer', (ctx) => chat(ctx, 'gpt-4o-mini')), agent('reviewer', (ctx) => chat(ctx, 'gpt-4o-mini'))]);

await provider.shutdown();
await collector.close();
const summary = collector.computeAggregate();
console.log(`log: ${collector.path}`);
console.log(`invocations ${summary.totalInvocations}, success rate ${(summary.successRate * 100).toFixed(1)}%`);
console.log(`retries ${summary.totalRetries} (infra ${summary.infraRetries}, code ${summary.codeRetries}), escalations ${summary.escalationCount}`);
console.log(`peak parallelism ${summary.peakParallelInvocations}, tokens ${summary.totalTokens}, cost $${summary.totalCost.toFixed(6)}`);
