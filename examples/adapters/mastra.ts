// Mastra agent runs recorded by the Mastra adapter (an exporter of Mastra's AI tracing). The coder's
// first run is rate limited and the app runs it again on a bigger model; the reviewer's model list falls
// back to a second model within its run. Mastra's own mock model: no network.
// Run: npm run build && MASTRA_TELEMETRY_DISABLED=1 npx tsx examples/adapters/mastra.ts [metricsDir]
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Mastra } from '@mastra/core';
import { Agent } from '@mastra/core/agent';
import { RequestContext } from '@mastra/core/request-context';
import { MastraLanguageModelV2Mock } from '@mastra/core/test-utils/llm-mock';
import { Observability } from '@mastra/observability';
import { InvocationMetricsCollector } from 'invocation-metrics';
import { invocationMetricsExporter } from 'invocation-metrics/mastra';

/** A stand-in for a provider model: answers with usage, or throws `error`. */
const mock = (modelId: string, error?: Error) =>
  new MastraLanguageModelV2Mock({
    provider: 'openai',
    modelId,
    doGenerate: async () => {
      if (error) throw error;
      return { rawCall: { rawPrompt: null, rawSettings: {} }, warnings: [], finishReason: 'stop', usage: { inputTokens: 1200, outputTokens: 300, totalTokens: 1500 }, content: [{ type: 'text', text: 'done' }] };
    },
  });

const metricsDir = process.argv[2] ?? mkdtempSync(join(tmpdir(), 'invocation-metrics-mastra-'));
const collector = new InvocationMetricsCollector(metricsDir, console);
// The one line: every agent run becomes a record. The trace keeps an error's message, not its status:
// say which failures are infrastructure.
const exporter = invocationMetricsExporter({ collector, errorClass: (e) => (/rate limit/i.test(e.message) ? 'rate_limit' : undefined) });

const planner = new Agent({ id: 'planner', name: 'planner', instructions: 'Plan the work.', model: mock('gpt-4o-mini') });
const coder = new Agent({
  id: 'coder',
  name: 'coder',
  instructions: 'Write the code.',
  model: ({ requestContext }) => (requestContext.get('tier') === 'big' ? mock('gpt-4o') : mock('gpt-4o-mini', new Error('Rate limit reached'))),
  maxRetries: 0,
});
const reviewer = new Agent({
  id: 'reviewer',
  name: 'reviewer',
  instructions: 'Review the code.',
  model: [{ model: mock('gpt-4o-mini', new Error('unparseable review')), maxRetries: 0 }, { model: mock('gpt-4o'), maxRetries: 0 }],
});
const mastra = new Mastra({ agents: { planner, coder, reviewer }, logger: false, observability: new Observability({ configs: { default: { serviceName: 'example', exporters: [exporter] } } }) });

await mastra.getAgent('planner').generate('Add a login page.');
// Attempts and tasks are the app's to say: Mastra's trace carries them as metadata.
await mastra.getAgent('coder').generate('Write it.', { tracingOptions: { metadata: { taskId: 'login', attempt: 1 } } }).catch(() => {});
const big = new RequestContext();
big.set('tier', 'big');
await mastra.getAgent('coder').generate('Write it.', { requestContext: big, tracingOptions: { metadata: { taskId: 'login', attempt: 2 } } });
await mastra.getAgent('reviewer').generate('Review it.');
await exporter.flush();
await collector.close();

for (const m of collector.getAll()) console.log(`${m.agent} attempt ${m.attempt} ${m.model} ${m.success ? 'ok' : `FAILED ${m.errorClass ?? '(code)'}`} ${m.tokens} tokens $${m.cost.toFixed(6)}`);
const s = collector.computeAggregate();
console.log(`invocations ${s.totalInvocations}, retries ${s.totalRetries} (infra ${s.infraRetries}, code ${s.codeRetries}), escalations ${s.escalationCount}`);
console.log(`log: ${collector.path}`);
