import { describe, expect, it } from 'vitest';
import { formatCompact, formatCost, formatCostShort, formatCostTick, formatDuration, formatInt, formatPercent, formatWidth, plural } from '../../src/report/format.js';

describe('format', () => {
  it('formats integers with locale-independent separators', () => {
    expect([0, 999, 1000, 1234567, -1234.4].map(formatInt)).toEqual(['0', '999', '1,000', '1,234,567', '-1,234']);
  });
  it('formats costs with four decimals', () => {
    expect([0, 0.01234, 1234.5].map(formatCost)).toEqual(['$0.0000', '$0.0123', '$1,234.5000']);
    expect([0, 0.1, 0.30000000000000004, 2].map(formatCostTick)).toEqual(['$0', '$0.1', '$0.3', '$2']);
    expect([0.01234, 12.345, 7350.4].map(formatCostShort)).toEqual(['$0.0123', '$12.35', '$7,350']);
  });
  it('formats ratios, durations, widths and counts', () => {
    expect(formatPercent(0.8333)).toBe('83.3%');
    expect([0, 999.4, 999.6, 12_345, 59_960, 312_000, 7_500_000].map(formatDuration)).toEqual([
      '0 ms',
      '999 ms',
      '1.0 s',
      '12.3 s',
      '1m 00s',
      '5m 12s',
      '2h 05m',
    ]);
    expect([250, 1500, 30_000, 120_000, 7_200_000].map(formatWidth)).toEqual(['250 ms', '1500 ms', '30 s', '2 min', '2 h']);
    expect([950, 12_345, 4_500_000, 2e9].map(formatCompact)).toEqual(['950', '12.3k', '4.5M', '2.0G']);
    expect([plural(1, 'retry', 'retries'), plural(2, 'retry', 'retries')]).toEqual(['1 retry', '2 retries']);
  });
});
