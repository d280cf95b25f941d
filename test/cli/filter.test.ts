import { describe, expect, it } from 'vitest';
import { createRecordFilter } from '../../src/cli/filter.js';
import type { InvocationMetric } from '../../src/record.js';

const rec = (agent: string, timestamp: string): InvocationMetric => ({
  invocationId: `${agent}-${timestamp}`,
  agent,
  phase: 0,
  durationMs: 60_000,
  tokens: 0,
  cost: 0,
  exitCode: 0,
  success: true,
  attempt: 1,
  outputParsed: true,
  timestamp,
});

describe('createRecordFilter', () => {
  it('keeps everything without criteria (and says so with undefined)', () => {
    expect(createRecordFilter({})).toBeUndefined();
    expect(createRecordFilter({ agents: [] })).toBeUndefined();
  });

  it('filters on the start: since inclusive, until exclusive, whatever the zone of the timestamp', () => {
    const keep = createRecordFilter({ sinceMs: Date.UTC(2026, 10, 20, 9), untilMs: Date.UTC(2026, 10, 20, 10) })!;
    expect(keep(rec('a', '2026-11-20T09:00:00Z'))).toBe(true);
    expect(keep(rec('a', '2026-11-20T10:00:00+01:00'))).toBe(true); // = 09:00Z
    expect(keep(rec('a', '2026-11-20T08:59:59.999Z'))).toBe(false);
    expect(keep(rec('a', '2026-11-20T09:59:30Z'))).toBe(true); // ends after until: kept whole
    expect(keep(rec('a', '2026-11-20T10:00:00Z'))).toBe(false);
  });

  it('consecutive windows partition a run', () => {
    const t = Date.UTC(2026, 10, 20, 9, 30);
    const before = createRecordFilter({ untilMs: t })!;
    const after = createRecordFilter({ sinceMs: t })!;
    for (const ts of ['2026-11-20T09:29:59.999Z', '2026-11-20T09:30:00Z', '2026-11-20T09:30:00.001Z'])
      expect(Number(before(rec('a', ts))) + Number(after(rec('a', ts)))).toBe(1);
  });

  it('keeps the named agents only', () => {
    const keep = createRecordFilter({ agents: ['coder', 'reviewer'] })!;
    expect(['coder', 'planner', 'reviewer', 'Coder'].map((a) => keep(rec(a, '2026-11-20T09:00:00Z')))).toEqual([true, false, true, false]);
  });
});
