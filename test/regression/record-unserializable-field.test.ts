/**
 * Regression: a record with an unknown field that JSON cannot hold (a BigInt, a cycle, a throwing toJSON)
 * passed validation, then serializing it threw a TypeError out of record(), synchronously, into the caller.
 * It now rejects with an InvalidMetricError naming the field, and nothing is kept, written or emitted.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvocationMetricsCollector } from '../../src/collector.js';
import { InvalidMetricError } from '../../src/errors.js';
import type { InvocationMetric } from '../../src/record.js';
import { memoryLogger, metric, tempDir } from '../helpers/records.js';

let dir: string;
let cleanup: () => void;
let c: InvocationMetricsCollector;
beforeEach(() => {
  ({ dir, cleanup } = tempDir('im-regr-json-'));
  c = new InvocationMetricsCollector(dir, memoryLogger());
});
afterEach(async () => {
  await c.close();
  cleanup();
});

const cyclic = (): Record<string, unknown> => {
  const o: Record<string, unknown> = {};
  o.self = o;
  return o;
};

describe('record() with a field JSON cannot hold', () => {
  it.each([
    ['a BigInt', () => 10n],
    ['a cycle', cyclic],
    ['a throwing toJSON', () => ({ toJSON: () => { throw new Error('no'); } })],
  ])('%s: rejects naming the field, keeps and emits nothing', async (_, make) => {
    const emitted: unknown[] = [];
    c.on('metric-recorded', (m) => emitted.push(m));
    let p: Promise<void> | undefined;
    expect(() => (p = c.record(metric({ extra: make() }) as InvocationMetric))).not.toThrow();
    const error = await p!.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidMetricError);
    expect(error).toMatchObject({ field: 'extra', code: 'ERR_INVALID_METRIC' });
    expect(c.getCount()).toBe(0);
    expect(emitted).toEqual([]);
  });
});
