// Records a small simulated agent run, then prints the post-run summary.
// Run: npm run build && npx tsx examples/basic.ts [metricsDir]
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvocationMetricsCollector, type InvocationMetric } from 'invocation-metrics';

const metricsDir = process.argv[2] ?? mkdtempSync(join(tmpdir(), 'invocation-metrics-basic-'));
const collector = new InvocationMetricsCollector(metricsDir, console);
collector.on('metric-recorded', (m: InvocationMetric) => {
  process.stdout.write(`recorded ${m.agent} phase ${m.phase} attempt ${m.attempt} ${m.success ? 'ok' : 'FAILED'}\n`);
});

const t0 = Date.parse('2026-11-20T09:00:00Z');
const at = (seconds: number): string => new Date(t0 + seconds * 1000).toISOString();
const base = { exitCode: 0, success: true, attempt: 1, outputParsed: true } as const;

await Promise.all([
  collector.record({ ...base, invocationId: 'p-1', agent: 'planner', phase: 0, durationMs: 8_000, tokens: 5_200, inputTokens: 4_000, outputTokens: 1_200, cachedTokens: 3_000, cost: 0.021, model: 'claude-sonnet', tier: 'standard', timestamp: at(0) }),
  collector.record({ ...base, invocationId: 'c-1', agent: 'coder', phase: 1, taskId: 'T1', durationMs: 30_000, tokens: 18_000, inputTokens: 15_000, outputTokens: 3_000, cachedTokens: 9_000, cost: 0.09, model: 'claude-haiku', tier: 'small', timestamp: at(10), success: false, exitCode: 1, errorClass: 'rate_limit' }),
  collector.record({ ...base, invocationId: 'c-2', agent: 'coder', phase: 1, taskId: 'T2', durationMs: 25_000, tokens: 16_000, inputTokens: 13_000, outputTokens: 3_000, cost: 0.08, model: 'claude-haiku', tier: 'small', timestamp: at(12) }),
  collector.record({ ...base, invocationId: 'c-3', agent: 'coder', phase: 1, taskId: 'T1', attempt: 2, durationMs: 28_000, tokens: 17_500, inputTokens: 14_000, outputTokens: 3_500, cachedTokens: 12_000, cost: 0.2, model: 'claude-sonnet', tier: 'standard', timestamp: at(41) }),
  collector.record({ ...base, invocationId: 'r-1', agent: 'reviewer', phase: 2, durationMs: 12_000, tokens: 9_000, inputTokens: 8_000, outputTokens: 1_000, cost: 0.04, model: 'claude-sonnet', tier: 'standard', timestamp: at(70) }),
]);
await collector.close();

const summary = collector.computeAggregate({ bucketMs: 10_000 });
console.log(`\nlog: ${collector.path}`);
console.log(`invocations ${summary.totalInvocations}, success rate ${(summary.successRate * 100).toFixed(1)}%`);
console.log(`retries ${summary.totalRetries} (infra ${summary.infraRetries}, code ${summary.codeRetries}), escalations ${summary.escalationCount}`);
console.log(`peak parallelism ${summary.peakParallelInvocations}, total cost $${summary.totalCost.toFixed(4)}, tokens ${summary.totalTokens}`);
console.log('cost by agent:', summary.costByAgent);
