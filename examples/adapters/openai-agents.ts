// Records a small OpenAI Agents run (the SDK's own ScriptedModel: no network, no key), then prints its summary.
// Run: npm run build && npx tsx examples/adapters/openai-agents.ts [metricsDir]
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, Runner, setTraceProcessors, Usage } from '@openai/agents';
import { assistantMessage, functionCall, modelError, modelResponse, ScriptedModel } from '@openai/agents/testing';
import { InvocationMetricsCollector } from 'invocation-metrics';
import { invocationMetricsProcessor } from 'invocation-metrics/openai-agents';

const metricsDir = process.argv[2] ?? mkdtempSync(join(tmpdir(), 'invocation-metrics-openai-agents-'));
const collector = new InvocationMetricsCollector(metricsDir, console);

// The one line. It replaces the SDK's exporter to OpenAI: nothing leaves the process. ScriptedModel's spans
// do not name a model, so the example names it.
setTraceProcessors([invocationMetricsProcessor({ collector, model: (agent) => (agent === 'coder' ? 'gpt-5' : 'gpt-5-mini') })]);

const usage = (input: number, output: number) => new Usage({ requests: 1, inputTokens: input, outputTokens: output, totalTokens: input + output });
const coder = (model: ScriptedModel) => new Agent({ name: 'coder', model });
const triage = new Agent({
  name: 'triage',
  model: new ScriptedModel([modelResponse({ output: [functionCall('transfer_to_coder', {}, { callId: 'h1' })], usage: usage(300, 20) })]),
  handoffs: [coder(new ScriptedModel([modelError(Object.assign(new Error('429 slow down'), { name: 'RateLimitError' }))]))],
});

// The coder is rate limited; the task is run again, and the trace metadata says it is attempt 2 of T1.
try {
  await new Runner({ traceMetadata: { taskId: 'T1', attempt: '1' } }).run(triage, 'Fix issue 42');
} catch (error) {
  console.log(`run failed: ${(error as Error).message}`);
}
const retry = coder(new ScriptedModel([modelResponse({ output: [assistantMessage('patched')], usage: usage(1200, 400) })]));
await new Runner({ traceMetadata: { taskId: 'T1', attempt: '2' } }).run(retry, 'Fix issue 42');
await collector.close();

for (const m of collector.getAll()) console.log(`${m.agent} attempt ${m.attempt} ${m.success ? 'ok' : `FAILED (${m.errorClass})`} ${m.tokens} tokens${'handoffTo' in m ? ` -> ${String(m.handoffTo)}` : ''}`);
const summary = collector.computeAggregate();
console.log(`invocations ${summary.totalInvocations}, retries ${summary.totalRetries} (infra ${summary.infraRetries}), cost $${summary.totalCost.toFixed(6)}`);
