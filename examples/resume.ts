// Checkpoint and resume: a run records, checkpoints, records more and "crashes"; the next process restores
// the checkpoint and loads only what came after it, so the summary covers every invocation.
// Run: npm run build && npx tsx examples/resume.ts [metricsDir]
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvocationMetricsCollector, type CheckpointState, type InvocationMetric } from 'invocation-metrics';

const metricsDir = process.argv[2] ?? mkdtempSync(join(tmpdir(), 'invocation-metrics-resume-'));
const invocation = (i: number): InvocationMetric => ({
  invocationId: `inv-${i}`,
  agent: i % 2 === 0 ? 'coder' : 'tester',
  phase: Math.floor(i / 4),
  durationMs: 1_000 + i * 100,
  tokens: 2_000,
  cost: 0.01,
  exitCode: 0,
  success: true,
  attempt: 1,
  outputParsed: true,
  timestamp: new Date(Date.parse('2026-11-20T09:00:00Z') + i * 1_000).toISOString(),
});

// --- first process: 6 invocations, a checkpoint, 3 more, then it stops without a new checkpoint
const first = new InvocationMetricsCollector(metricsDir, console);
for (let i = 0; i < 6; i++) void first.record(invocation(i));
await first.flush(); // after flush(), getCount() is also the number of records on disk
const checkpoint: CheckpointState & { records: InvocationMetric[] } = { metricsCount: first.getCount(), records: first.getAll() };
for (let i = 6; i < 9; i++) void first.record(invocation(i));
await first.close();

// --- second process: restore the checkpoint, then load what was written after it
const second = new InvocationMetricsCollector(metricsDir, console);
second.restore(checkpoint.records); // back into memory, not written again
const { loaded, skipped } = await second.loadFromDisk(checkpoint.metricsCount);
console.log(`checkpoint held ${checkpoint.metricsCount} records; loaded ${loaded} written after it (skipped ${skipped} bad lines)`);
const summary = second.computeAggregate();
console.log(`the summary covers all ${summary.totalInvocations} invocations, cost $${summary.totalCost.toFixed(2)}`);
await second.close();
