/**
 * Regression: record() validated the caller's object, then stored and wrote a spread copy of it. A getter
 * that answers differently the second time, or a field that the spread does not copy (inherited,
 * non-enumerable), then put an unvalidated record in memory and on disk: a line the loader skips, so an
 * acknowledged record was lost on resume. Fixed by copying first and validating the copy.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvocationMetricsCollector } from '../../src/collector.js';
import { InvalidMetricError } from '../../src/errors.js';
import { loadLog } from '../../src/log/reader.js';
import type { InvocationMetric } from '../../src/record.js';
import { memoryLogger, metric, tempDir } from '../helpers/records.js';

let dir: string;
let cleanup: () => void;
let c: InvocationMetricsCollector;
beforeEach(() => {
  ({ dir, cleanup } = tempDir('im-regr-copy-'));
  c = new InvocationMetricsCollector(dir, memoryLogger());
});
afterEach(async () => {
  await c.close();
  cleanup();
});

/** Records `m`; whatever happens, what is in memory must be on disk and load back whole. */
async function recordAndReload(m: unknown): Promise<unknown> {
  const outcome = await c.record(m as InvocationMetric).then(
    () => undefined,
    (e: unknown) => e,
  );
  await c.flush();
  const loaded = await loadLog(c.path);
  expect(loaded.warnings).toEqual([]);
  expect(loaded.records).toEqual(JSON.parse(JSON.stringify(c.getAll())));
  return outcome;
}

describe('record() validates exactly what it keeps and writes', () => {
  it('a getter that is valid once and invalid the next time', async () => {
    let reads = 0;
    const m = { ...metric({ invocationId: 'flip' }) } as Record<string, unknown>;
    Object.defineProperty(m, 'phase', { enumerable: true, get: () => (reads++ === 0 ? 1 : -1) });
    const outcome = await recordAndReload(m);
    if (outcome === undefined) expect(c.getAll()[0]!.phase).toBeGreaterThanOrEqual(0);
    else expect(outcome).toBeInstanceOf(InvalidMetricError);
  });

  it('an inherited required field is not part of the record', async () => {
    const { invocationId: _, ...own } = metric();
    const m = Object.assign(Object.create({ invocationId: 'inherited' }) as object, own);
    const outcome = await recordAndReload(m);
    expect(outcome).toMatchObject({ code: 'ERR_INVALID_METRIC', field: 'invocationId' });
    expect(c.getCount()).toBe(0);
  });

  it('a non-enumerable required field is not part of the record', async () => {
    const m = { ...metric() } as Record<string, unknown>;
    Object.defineProperty(m, 'cost', { value: 0.5, enumerable: false });
    delete (m as { cost?: unknown }).cost;
    Object.defineProperty(m, 'cost', { value: 0.5, enumerable: false });
    const outcome = await recordAndReload(m);
    expect(outcome).toMatchObject({ field: 'cost' });
  });

  it('a getter that throws is a bad record, not an exception in the caller', async () => {
    const m = { ...metric() } as Record<string, unknown>;
    Object.defineProperty(m, 'agent', { enumerable: true, get: () => { throw new Error('boom'); } });
    let outcome: Promise<void> | undefined;
    expect(() => (outcome = c.record(m as unknown as InvocationMetric))).not.toThrow();
    await expect(outcome).rejects.toMatchObject({ code: 'ERR_INVALID_METRIC', field: '(record)' });
  });
});
