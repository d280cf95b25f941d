/**
 * Generated fleets for the exact-SQL tests: several files of records with every edge case the aggregate
 * defines (hostile agent names, absent and empty task ids, retries without a previous attempt, previous
 * attempts tied on their start, zero-length and fractional calls, tiers and models present or not, empty
 * error classes), mixed with the scanner's hostile lines (malformed and invalid lines, escapes, duplicate
 * keys, CRLF, a torn last line). Deterministic for a seed.
 */
import { prng } from '../../../src/demo/prng.js';
import { serializeMetric } from '../../../src/serialize.js';
import type { InvocationMetric } from '../../../src/record.js';
import { HOSTILE_LINES, WRITER_LINES } from '../../scan/helpers/hostile.js';

const AGENTS = ['coder', 'reviewer', '__proto__', 'rédacteur 🚀', '7', 'a"b\\c', '(none)', 'z\u0085'];
const MODELS = ['model-small', 'model-large', '(none)', '模型'];
const TIERS = ['small', 'large', ''];
const ERRORS = ['timeout', 'rate_limit', ''];

/** The hostile lines whose outcome SQL reproduces (the README's limits list the others). */
export const REPRODUCIBLE_HOSTILE = HOSTILE_LINES.filter((line) => !line.includes('"invocationId":"surrogates"'));

/** Valid lines at the edges of double arithmetic: attempts past 2^53, the largest safe phase, ends on bucket edges. */
const NUMERIC_EDGES = [
  { attempt: 1e19, errorClass: 'x', taskId: 'big' }, // below 2^64: ClickHouse refuses integers past it (a limit)
  { attempt: 1e19, taskId: 'big', tier: 'large' },
  { attempt: 2 ** 53 + 2, taskId: 'safe', errorClass: 'e' },
  { attempt: 2 ** 53, taskId: 'safe', errorClass: 'e' },
  { phase: 2 ** 53 - 1, durationMs: 60_000, timestamp: '2026-11-20T09:01:00.000Z' },
  { durationMs: 59_999.999, timestamp: '2026-11-20T09:02:00.000+00:00' },
  { durationMs: 5e-324, timestamp: '2026-11-20T10:03:00-01:00' },
].map((patch, i) =>
  serializeMetric({
    invocationId: `edge-${i}`, agent: 'edge', phase: 1, durationMs: 10, tokens: 1, cost: 0, exitCode: 0, success: false, attempt: 1,
    outputParsed: true, timestamp: '2026-11-20T09:00:30.000Z', ...patch,
  }),
);

/**
 * The files of a fleet, as text.
 *
 * @param seed - PRNG seed.
 * @param files - Number of files.
 * @param perFile - Generated records per file.
 * @param base - Earliest start; the scanner's hostile lines (of 2026-11-20) join the first file only at
 *   the default, so that the records' span stays within 100,000 buckets.
 * @returns One text per file.
 */
export function fleetFiles(seed: number, files: number, perFile: number, base = '2026-11-20T09:00:00.000Z'): string[] {
  const withHostile = base === '2026-11-20T09:00:00.000Z';
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const baseMs = Date.parse(base);
  const texts: string[] = [];
  for (let f = 0; f < files; f++) {
    const lines: string[] = [];
    for (let i = 0; i < perFile; i++) {
      // Starts on a coarse grid, so that ties (previous attempts, sweep events on bucket edges) happen.
      const start = baseMs + Math.floor(rnd() * 400) * 1500;
      const r: InvocationMetric & Record<string, unknown> = {
        invocationId: `f${f}-${i}`,
        agent: pick(AGENTS),
        phase: Math.floor(rnd() * 4),
        durationMs: pick([0, 0, 1, 1500, 60_000, 90_000.5, 0.25, 123_456.789]),
        tokens: Math.floor(rnd() * 5000),
        cost: Math.floor(rnd() * 1e6) / 1e7,
        exitCode: rnd() < 0.2 ? 1 : 0,
        success: rnd() < 0.75,
        attempt: 1 + Math.floor(rnd() * rnd() * 4),
        outputParsed: rnd() < 0.9,
        timestamp: new Date(start).toISOString(),
      };
      if (rnd() < 0.8) r.taskId = `t${Math.floor(rnd() * 12)}`;
      else if (rnd() < 0.3) r.taskId = '';
      if (rnd() < 0.7) r.inputTokens = Math.floor(rnd() * 4000);
      if (rnd() < 0.7) r.outputTokens = Math.floor(rnd() * 1000);
      if (rnd() < 0.5) r.cachedTokens = Math.floor(rnd() * 3000);
      if (rnd() < 0.8) r.model = pick(MODELS);
      if (rnd() < 0.6) r.tier = pick(TIERS);
      if (!r.success && rnd() < 0.7) r.errorClass = pick(ERRORS);
      // The same instant written in another zone.
      if (rnd() < 0.2) r.timestamp = new Date(start + 3_600_000).toISOString().replace('Z', '+01:00');
      lines.push(serializeMetric(r));
    }
    if (f === 0 && withHostile) lines.push(...WRITER_LINES, ...REPRODUCIBLE_HOSTILE, ...NUMERIC_EDGES);
    const eol = f === 1 ? '\r\n' : '\n';
    const torn = f === files - 1 ? '{"invocationId":"torn","agent":"co' : '';
    texts.push(lines.map((l) => l + eol).join('') + torn);
  }
  return texts;
}
