/**
 * Regression: record() accepted a record of any size, and the reader skips lines longer than its
 * `maxLineBytes`: such a record was acknowledged, written, and then never loaded (lost on resume and in
 * the CLI's summaries). record() now refuses a record whose line would not load with the defaults,
 * naming the field that makes it too long.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvocationMetricsCollector } from '../../src/collector.js';
import { InvalidMetricError } from '../../src/errors.js';
import { DEFAULT_MAX_LINE_BYTES } from '../../src/log/lines.js';
import { loadLog } from '../../src/log/reader.js';
import { serializeMetric } from '../../src/serialize.js';
import { memoryLogger, metric, tempDir } from '../helpers/records.js';

let dir: string;
let cleanup: () => void;
let c: InvocationMetricsCollector;
beforeEach(() => {
  ({ dir, cleanup } = tempDir('im-regr-long-'));
  c = new InvocationMetricsCollector(dir, memoryLogger());
});
afterEach(async () => {
  await c.close();
  cleanup();
});

describe('a record whose line is longer than the reader loads', () => {
  it('is refused with the field named; the longest line that loads is accepted and loads', async () => {
    const base = Buffer.byteLength(serializeMetric(metric({ invocationId: 'fits', output: '' })));
    const room = DEFAULT_MAX_LINE_BYTES - base;
    const output = 'é'.repeat(Math.floor(room / 2)) + 'x'.repeat(room % 2); // 'é' takes 2 bytes in UTF-8
    const fits = metric({ invocationId: 'fits', output });
    expect(Buffer.byteLength(serializeMetric(fits))).toBe(DEFAULT_MAX_LINE_BYTES);
    await c.record(fits);
    const tooBig = metric({ invocationId: 'fitz', output: `${output}x` });
    const error = await c.record(tooBig).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidMetricError);
    expect(error).toMatchObject({ field: 'output' });
    expect((error as Error).message).toContain(`would be ${DEFAULT_MAX_LINE_BYTES + 1} bytes`);
    await c.flush();
    const loaded = await loadLog(c.path);
    expect(loaded.records.map((r) => r.invocationId)).toEqual(['fits']);
    expect(loaded.skipped).toBe(0);
  });
});
