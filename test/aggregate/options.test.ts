import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../src/errors.js';
import { DEFAULT_BUCKET_MS, resolveAggregateOptions } from '../../src/aggregate/options.js';

describe('resolveAggregateOptions', () => {
  it('defaults bucketMs to one minute', () => {
    expect(DEFAULT_BUCKET_MS).toBe(60_000);
    expect(resolveAggregateOptions(undefined)).toEqual({ bucketMs: 60_000 });
    expect(resolveAggregateOptions({})).toEqual({ bucketMs: 60_000 });
    expect(resolveAggregateOptions({ bucketMs: undefined })).toEqual({ bucketMs: 60_000 });
  });

  it('keeps a positive safe integer', () => {
    expect(resolveAggregateOptions({ bucketMs: 1 }).bucketMs).toBe(1);
    expect(resolveAggregateOptions({ bucketMs: Number.MAX_SAFE_INTEGER }).bucketMs).toBe(Number.MAX_SAFE_INTEGER);
  });

  it.each([0, -1, 1.5, Number.NaN, Infinity, Number.MAX_SAFE_INTEGER + 1, '1000', null])('rejects bucketMs %s naming it', (bucketMs) => {
    let error: unknown;
    try {
      resolveAggregateOptions({ bucketMs } as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect((error as InvalidOptionError).option).toBe('bucketMs');
    expect((error as InvalidOptionError).code).toBe('ERR_INVALID_OPTION');
  });

  it('rejects a non-object options argument', () => {
    expect(() => resolveAggregateOptions(5 as never)).toThrow(InvalidOptionError);
    expect(() => resolveAggregateOptions(null as never)).toThrow(/`options`/);
  });

  it('says what was expected and what came', () => {
    expect(() => resolveAggregateOptions({ bucketMs: -1 })).toThrow('Expected `bucketMs` to be a positive safe integer (milliseconds), got `-1` (number)');
  });
});
