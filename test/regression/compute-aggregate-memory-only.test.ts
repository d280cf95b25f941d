/**
 * Regression (issue 20, item 4): `collector.computeAggregate()` covers this process's memory only, which
 * nobody was told: running the README's usage twice left two records in the log and reported
 * `totalInvocations: 1`. The README and the method's TSDoc now say so and show the one call that
 * aggregates the whole log; this test runs that usage twice and checks both figures and both texts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvocationMetricsCollector } from '../../src/collector.js';
import { computeAggregate, loadLog } from '../../src/index.js';
import { memoryLogger, tempDir } from '../helpers/records.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir('im-regr-aggregate-');
});
afterEach(() => tmp.cleanup());

const ROOT = join(import.meta.dirname, '../..');

/** The README's usage, without telemetry: one begin()/end() and close(). */
async function usage(): Promise<InvocationMetricsCollector> {
  const collector = new InvocationMetricsCollector(tmp.dir, memoryLogger());
  const call = collector.begin({ agent: 'coder', phase: 2, taskId: 'T-17', model: 'claude-sonnet-4-5', tier: 'standard' });
  await call.end({ success: true, exitCode: 0, tokens: 12_400, inputTokens: 11_000, outputTokens: 1_400, cost: 0.054 });
  await collector.close();
  return collector;
}

describe('computeAggregate() of a collector and of its log', () => {
  it("the collector's covers this run; the documented call covers the whole log", async () => {
    await usage();
    const second = await usage();
    expect(second.computeAggregate().totalInvocations).toBe(1);
    expect(computeAggregate((await loadLog(second.path)).records).totalInvocations).toBe(2);
  });

  it('the README and the TSDoc say so and show that call', () => {
    const call = 'computeAggregate((await loadLog(collector.path)).records)';
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('`collector.computeAggregate()` covers the records this collector holds in memory, not the log');
    expect(readme).toContain(call);
    const source = readFileSync(join(ROOT, 'src/collector.ts'), 'utf8');
    const doc = source.slice(source.lastIndexOf('/**', source.indexOf('  computeAggregate(options')), source.indexOf('  computeAggregate(options'));
    expect(doc).toContain('It does not read the log');
    expect(doc).toContain(call);
  });
});
