/**
 * `summarize --state` and state inputs, through the built CLI: states of the parts of a log merge into
 * exactly the `summarize --json` of the parts' concatenation, byte for byte.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeMetric } from '../../src/serialize.js';
import { runs } from '../helpers/property.js';
import { tempDir } from '../helpers/records.js';
import { validRecordArb } from '../reliability/arbitraries.js';
import { HOSTILE_LINES, invalidUtf8Lines, record, WRITER_LINES } from '../scan/helpers/hostile.js';
import { ensureBuilt, runBuiltCli, runCliInProcess } from './helpers/built-cli.js';

// Generated records span centuries and durations up to 1e15 ms: buckets of 2e10 ms (about 231 days) fit.
const BUCKET = ['--bucket', '20000000000'];

let work: { dir: string; cleanup: () => void };
beforeAll(async () => {
  await ensureBuilt();
  work = tempDir('im-state-cli-');
}, 180_000);
afterAll(() => work.cleanup());

let serial = 0;
const fresh = (): string => {
  const d = path.join(work.dir, String(serial++));
  fs.mkdirSync(d);
  return d;
};

/** Lines as buffers: the hostile fixture's (valid, invalid, invalid UTF-8) and ties that only input order breaks. */
function fixedLines(): Buffer[] {
  const utf8 = invalidUtf8Lines();
  const bad: Buffer[] = [];
  for (let start = 0, end = utf8.indexOf(10); end !== -1; start = end + 1, end = utf8.indexOf(10, start)) bad.push(utf8.subarray(start, end));
  // Two first attempts of one task, same start: the retry's previous attempt is the later one in input order.
  const ties = [
    serializeMetric(record({ invocationId: 'tie-a', taskId: 'tie', errorClass: 'rate_limit', success: false, tier: 'small', timestamp: '2026-11-20T09:30:00.000Z' })),
    serializeMetric(record({ invocationId: 'tie-b', taskId: 'tie', tier: 'large', timestamp: '2026-11-20T09:30:00.000Z' })),
    serializeMetric(record({ invocationId: 'tie-r', taskId: 'tie', attempt: 2, tier: 'small', timestamp: '2026-11-20T09:31:00.000Z' })),
  ];
  return [...[...WRITER_LINES, ...HOSTILE_LINES, ...ties].map((l): Buffer => Buffer.from(l)), ...bad];
}

const joinLines = (lines: Buffer[]): Buffer => Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')]));

/** Runs the built CLI and returns stdout, failing on an unexpected exit code. */
async function cli(args: string[], expected = 0, run: (args: string[]) => Promise<{ code: number | null; stdout: string; stderr: string }> = runBuiltCli): Promise<string> {
  const done = await run(args);
  expect(done.code, done.stderr).toBe(expected);
  return done.stdout;
}

/**
 * Writes each part as a log, states each (a part without a valid record writes nothing and exits 3),
 * and merges the states in `order`; returns the merged JSON and the JSON of the concatenated parts in
 * that order, read as one log.
 */
async function mergedAndConcatenated(parts: Buffer[][], order: number[], run = runBuiltCli): Promise<{ merged: string; whole: string }> {
  const d = fresh();
  const states = await Promise.all(
    parts.map(async (lines, i) => {
      const log = path.join(d, `part-${i}.jsonl`);
      fs.writeFileSync(log, joinLines(lines));
      const state = path.join(d, `part-${i}.state`);
      const done = await run(['summarize', log, '--state', state]);
      expect([0, 3], done.stderr).toContain(done.code);
      if (done.code === 3) {
        expect(fs.existsSync(state)).toBe(false);
        return undefined;
      }
      expect(done.stdout).toBe('');
      return state;
    }),
  );
  const inOrder = order.map((i) => states[i]).filter((s): s is string => s !== undefined);
  const concatenated = path.join(d, 'whole.jsonl');
  fs.writeFileSync(concatenated, joinLines(order.flatMap((i) => parts[i]!)));
  const whole = await cli(['summarize', concatenated, '--json', ...BUCKET], 0, run);
  const merged = inOrder.length === 0 ? '' : await cli(['summarize', ...inOrder, '--json', ...BUCKET], 0, run);
  return { merged, whole };
}

describe('summarize --state, then summarize of the states', () => {
  it('the states of a log cut into line ranges merge into exactly the summary of the whole log', async () => {
    const lines = fixedLines();
    const cuts = [0, 7, 8, 30, lines.length];
    const parts = cuts.slice(1).map((end, i) => lines.slice(cuts[i], end));
    const { merged, whole } = await mergedAndConcatenated(parts, [0, 1, 2, 3]);
    const d = fresh();
    fs.writeFileSync(path.join(d, 'all.jsonl'), joinLines(lines));
    expect(whole).toBe(await cli(['summarize', path.join(d, 'all.jsonl'), '--json', ...BUCKET]));
    expect(merged).toBe(whole);
    expect(JSON.parse(merged).totalInvocations).toBeGreaterThan(30);
  }, 60_000);

  it('property: any split (line ranges or random assignment), states merged in any order = the concatenation in that order', async () => {
    const split = fc
      .tuple(fc.array(validRecordArb, { maxLength: 12 }), fc.integer({ min: 1, max: 4 }), fc.boolean(), fc.infiniteStream(fc.nat()))
      .map(([records, k, byRange, stream]) => {
        const lines = [...fixedLines(), ...records.map((r) => Buffer.from(serializeMetric(r)))];
        // Interleave the generated records among the fixed lines.
        const draws = stream.take(lines.length * 3);
        const next = (): number => draws.next().value as number;
        for (let i = lines.length - 1; i > 0; i--) {
          const j = next() % (i + 1);
          if (next() % 4 === 0) [lines[i], lines[j]] = [lines[j]!, lines[i]!];
        }
        const parts: Buffer[][] = Array.from({ length: k }, () => []);
        if (byRange) {
          const cuts = [0, ...Array.from({ length: k - 1 }, () => next() % (lines.length + 1)).sort((a, b) => a - b), lines.length];
          for (let p = 0; p < k; p++) parts[p] = lines.slice(cuts[p], cuts[p + 1]);
        } else for (const line of lines) parts[next() % k]!.push(line);
        return parts;
      })
      .chain((parts) => fc.tuple(fc.constant(parts), fc.shuffledSubarray([...parts.keys()], { minLength: parts.length, maxLength: parts.length })));
    await fc.assert(
      fc.asyncProperty(split, async ([parts, order]) => {
        // In this process: the property runs the CLI about 30 times; the test above runs the executable.
        const { merged, whole } = await mergedAndConcatenated(parts, order, runCliInProcess);
        expect(merged).toBe(whole);
      }),
      { numRuns: runs(6) },
    );
  }, 240_000);

  it('states and logs mix, in argument order', async () => {
    const d = fresh();
    const a = path.join(d, 'a.jsonl');
    const b = path.join(d, 'b.jsonl');
    fs.copyFileSync('test/fixtures/cli/shards/a.jsonl', a);
    fs.copyFileSync('test/fixtures/cli/shards/b.jsonl', b);
    await cli(['summarize', a, '--state', path.join(d, 'a.state')]);
    const expected = await cli(['summarize', a, b, '--json']);
    expect(await cli(['summarize', path.join(d, 'a.state'), b, '--json'])).toBe(expected);
    // A running state: fold new logs into it, in place.
    fs.copyFileSync(path.join(d, 'a.state'), path.join(d, 'running.state'));
    await cli(['summarize', path.join(d, 'running.state'), b, '--state', path.join(d, 'running.state')]);
    expect(await cli(['summarize', path.join(d, 'running.state'), '--json'])).toBe(expected);
    // A state file is recognised by its magic whatever its name.
    fs.renameSync(path.join(d, 'a.state'), path.join(d, 'a.bin'));
    expect(await cli(['summarize', path.join(d, 'a.bin'), b, '--json'])).toBe(expected);
  }, 60_000);

  it('--state with --json writes the state and prints the summary; without, prints nothing and says what it wrote', async () => {
    const d = fresh();
    const state = path.join(d, 'run.state');
    const run = await runBuiltCli(['summarize', 'test/fixtures/cli/run.jsonl', '--state', state]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    const count = (JSON.parse(await cli(['summarize', 'test/fixtures/cli/run.jsonl', '--json'])) as { totalInvocations: number }).totalInvocations;
    // After the fixture's own warnings about its malformed lines.
    expect(run.stderr.endsWith(`\nwrote ${state} (${count} records, ${fs.statSync(state).size} bytes)\n`)).toBe(true);
    const both = await cli(['summarize', 'test/fixtures/cli/run.jsonl', '--state', path.join(d, 'again.state'), '--json']);
    expect(both).toBe(await cli(['summarize', state, '--json']));
  }, 60_000);

  it('--state never replaces a log that was read (exit 2, the log untouched)', async () => {
    const d = fresh();
    const log = path.join(d, 'a.jsonl');
    fs.copyFileSync('test/fixtures/cli/shards/a.jsonl', log);
    const before = fs.readFileSync(log);
    const run = await runBuiltCli(['summarize', log, '--state', log]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`--state ${log} would replace the log ${log} that was just read`);
    expect(fs.readFileSync(log)).toEqual(before);
  }, 60_000);

  it('filters apply when a state is written, and are a usage error on a state read', async () => {
    const d = fresh();
    const state = path.join(d, 'coder.state');
    await cli(['summarize', 'test/fixtures/cli/run.jsonl', '--agent', 'coder', '--state', state]);
    expect(await cli(['summarize', state, '--json'])).toBe(await cli(['summarize', 'test/fixtures/cli/run.jsonl', '--agent', 'coder', '--json']));
    const run = await runBuiltCli(['summarize', state, '--since', '2026-01-01T00:00Z']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`--since 2026-01-01T00:00Z cannot apply to the state file ${state}`);
  }, 60_000);

  it('a truncated or corrupted state is an input error (exit 1) naming the file; no records writes nothing (exit 3)', async () => {
    const d = fresh();
    const state = path.join(d, 'x.state');
    await cli(['summarize', 'test/fixtures/cli/run.jsonl', '--state', state]);
    const bytes = fs.readFileSync(state);
    fs.writeFileSync(state, bytes.subarray(0, bytes.length - 1));
    let run = await runBuiltCli(['summarize', state, '--json']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(new RegExp(`^invocation-metrics: ${state}: truncated: `));
    bytes[bytes.length - 5]! ^= 0xff;
    fs.writeFileSync(state, bytes);
    run = await runBuiltCli(['summarize', state, '--json']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${state}: corrupt: the body checksum does not match`);
    fs.writeFileSync(path.join(d, 'empty.jsonl'), '');
    run = await runBuiltCli(['summarize', path.join(d, 'empty.jsonl'), '--state', path.join(d, 'empty.state')]);
    expect(run.code).toBe(3);
    expect(fs.existsSync(path.join(d, 'empty.state'))).toBe(false);
  }, 60_000);

  it('report reads states only without a timeline', async () => {
    const d = fresh();
    const state = path.join(d, 'x.state');
    await cli(['summarize', 'test/fixtures/cli/run.jsonl', '--state', state]);
    const run = await runBuiltCli(['report', state, '--out', path.join(d, 'r.md')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('the timeline needs the records themselves');
    await cli(['report', state, '--out', path.join(d, 'r.md'), '--gantt-limit', '0']);
    expect(fs.readFileSync(path.join(d, 'r.md'), 'utf8')).toContain('Invocation metrics report');
  }, 60_000);
});
