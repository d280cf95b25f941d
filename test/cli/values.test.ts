import { describe, expect, it } from 'vitest';
import { parseBucket, parseInstant } from '../../src/cli/values.js';

describe('parseBucket', () => {
  it.each([
    ['250', 250],
    ['500ms', 500],
    ['30s', 30_000],
    ['1.5s', 1500],
    ['1.1s', 1100],
    ['2m', 120_000],
    ['1h', 3_600_000],
    [' 30s ', 30_000],
  ])('%s -> %i ms', (text, ms) => {
    expect(parseBucket(text)).toBe(ms);
  });

  it.each(['', '0', '0s', '-5s', '30x', 's', '0.5ms', '1e3', '30 s', 'NaN', '99999999999999999999'])('rejects %j', (text) => {
    expect(parseBucket(text)).toBeUndefined();
  });
});

describe('parseInstant', () => {
  it('reads ISO 8601 times with a zone', () => {
    expect(parseInstant('2026-11-20T09:00Z')).toBe(Date.UTC(2026, 10, 20, 9));
    expect(parseInstant('2026-11-20T10:00:00.500+01:00')).toBe(Date.UTC(2026, 10, 20, 9, 0, 0, 500));
  });

  it.each(['2026-11-20T09:00', '2026-11-20', 'yesterday', '2026-02-30T00:00Z'])('rejects %j (no zone, not a time)', (text) => {
    expect(parseInstant(text)).toBeUndefined();
  });
});
