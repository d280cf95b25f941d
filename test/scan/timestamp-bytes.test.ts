/** The fast timestamp arithmetic against `parseTimestamp` (itself `Date.parse` after the grammar). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTimestamp } from '../../src/record.js';
import { isoTimestampMs, timestampMs } from '../../src/scan/timestamp-bytes.js';
import { runs } from '../helpers/property.js';

const ms = (text: string): number => {
  const buf = Buffer.from(text);
  return timestampMs(buf, 0, buf.length);
};

describe('timestampMs', () => {
  it('equals Date.parse on every instant toISOString writes in years 0000 to 9999', () => {
    const instant = fc.integer({ min: Date.parse('0000-01-01T00:00:00.000Z'), max: Date.parse('9999-12-31T23:59:59.999Z') });
    fc.assert(
      fc.property(instant, (t) => {
        const text = new Date(t).toISOString();
        expect(ms(text)).toBe(t);
        expect(ms(text)).toBe(parseTimestamp(text));
      }),
      { numRuns: runs(20_000) },
    );
  });

  it('agrees with parseTimestamp on impossible dates, other forms and garbage', () => {
    const cases = [
      '2026-02-29T00:00:00.000Z',
      '2024-02-29T00:00:00.000Z',
      '2100-02-29T00:00:00.000Z',
      '2000-02-29T00:00:00.000Z',
      '2026-04-31T00:00:00.000Z',
      '2026-13-01T00:00:00.000Z',
      '2026-00-01T00:00:00.000Z',
      '2026-01-00T00:00:00.000Z',
      '2026-01-01T24:00:00.000Z',
      '2026-01-01T23:60:00.000Z',
      '2026-01-01T23:59:60.000Z',
      '2026-01-01T00:00:00.00aZ',
      '2026-01-01T00:00:00.000z',
      '2026-01-01 00:00:00.000Z',
      '+02026-01-01T00:00:00.00',
      '2026-01-01T00:00:00.000+00:00',
      '2026-01-01T00:00:00.000',
      '2026-01-01T00:00Z',
      '2026-01-01T00:00:00.1234Z',
      '2026-01-01T00:00:00.000+14:00',
      '1969-12-31T23:59:59.999Z',
      '0000-01-01T00:00:00.000Z',
      '-001-01-01T00:00:00.000Z',
      '２０２６-01-01T00:00:00.000Z',
    ];
    for (const text of cases) expect(Object.is(ms(text), parseTimestamp(text)), text).toBe(true);
    // The in-place reading: the same value when it answers, NaN (go to timestampMs) otherwise.
    for (const text of [...cases, '2026-01-01T00:00:00.00"Z', '2026-01-01T00:00:0\\.000Z']) {
      const buf = Buffer.from(text);
      const iso = isoTimestampMs(buf, 0);
      if (!Number.isNaN(iso)) expect(iso, text).toBe(parseTimestamp(text));
      else if (buf.length === 24 && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(text)) expect(parseTimestamp(text), text).toBeNaN();
    }
  });
});
