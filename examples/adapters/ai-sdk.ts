// Records a small AI SDK run (the SDK's own mock models: no network, no key), then prints its summary.
// Run: npm run build && npx tsx examples/adapters/ai-sdk.ts [metricsDir]
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APICallError, generateText, registerTelemetry, streamText, wrapLanguageModel } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { InvocationMetricsCollector } from 'invocation-metrics';
import { invocationMetrics } from 'invocation-metrics/ai-sdk';

const metricsDir = process.argv[2] ?? mkdtempSync(join(tmpdir(), 'invocation-metrics-ai-sdk-'));
const collector = new InvocationMetricsCollector(metricsDir, console);

// The two lines: the middleware sees every provider attempt; the telemetry integration names the call.
const metrics = invocationMetrics({ collector });
registerTelemetry(metrics);

const usage = (input: number, output: number) => ({
  inputTokens: { total: input, noCache: input, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: output, text: output, reasoning: undefined },
});
let calls = 0;
const mock = new MockLanguageModelV4({
  provider: 'openai.chat',
  modelId: 'gpt-5-mini',
  doGenerate: async () => {
    // The provider is busy once: the SDK retries, and the retry is recorded as attempt 2.
    if (++calls === 1) throw new APICallError({ message: 'rate limited', url: 'https://api.example.test', requestBodyValues: {}, statusCode: 429, isRetryable: true, responseHeaders: { 'retry-after-ms': '10' } });
    return { content: [{ type: 'text', text: 'a patch' }], finishReason: { unified: 'stop', raw: 'stop' }, usage: usage(1200, 300), warnings: [] };
  },
  doStream: async () => {
    await new Promise((r) => setTimeout(r, 50));
    const parts = [
      { type: 'stream-start', warnings: [] },
      { type: 'text-start', id: 't' },
      { type: 'text-delta', id: 't', delta: 'looks good' },
      { type: 'text-end', id: 't' },
      { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage: usage(400, 50) },
    ] as const;
    const stream = new ReadableStream({
      start(controller) {
        for (const part of parts) controller.enqueue(part);
        controller.close();
      },
    });
    return { stream };
  },
});
const model = wrapLanguageModel({ model: mock, middleware: metrics });

await generateText({ model, prompt: 'Fix the bug', telemetry: { functionId: 'coder' } });
await Promise.all(['security', 'style'].map((focus) => streamText({ model, prompt: `Review: ${focus}`, telemetry: { functionId: 'reviewer' } }).text));
await collector.close();

for (const m of collector.getAll()) console.log(`${m.agent} attempt ${m.attempt} ${m.success ? 'ok' : `FAILED (${m.errorClass})`} ${m.tokens} tokens $${m.cost.toFixed(6)}`);
const summary = collector.computeAggregate();
console.log(`invocations ${summary.totalInvocations}, retries ${summary.totalRetries} (infra ${summary.infraRetries}), peak parallelism ${summary.peakParallelInvocations}`);
