/**
 * Regression: findMetricProblem() is documented as never throwing, but a record whose field getter throws,
 * or a revoked Proxy, made it throw (and describeValue(), which builds every error message, threw on a
 * revoked Proxy too). Such input is now a bad `(record)`.
 */
import { describe, expect, it } from 'vitest';
import { describeValue, InvalidMetricError } from '../../src/errors.js';
import { findMetricProblem, validateMetric } from '../../src/record.js';
import { metric } from '../helpers/records.js';

describe('the validator on objects that cannot be read', () => {
  it('reports a throwing getter and a revoked Proxy as a bad record', () => {
    const getter = { ...metric() } as Record<string, unknown>;
    Object.defineProperty(getter, 'tokens', { get: () => { throw new Error('boom'); } });
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    for (const value of [getter, proxy]) {
      expect(() => findMetricProblem(value)).not.toThrow();
      expect(findMetricProblem(value)).toMatchObject({ field: '(record)', code: 'ERR_INVALID_METRIC' });
      expect(() => validateMetric(value)).toThrow(InvalidMetricError);
    }
    expect(() => describeValue(proxy)).not.toThrow();
  });
});
