/**
 * The scanner against the reader: on the same bytes, the fast path, the `JSON.parse` fallback, worker
 * threads and every read size give the reader's aggregate, warnings (file, line, reason) and skip count.
 */
import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scanLogs } from '../../src/scan/index.js';
import { reference, scan, scanRecords, tempDir, TS_WORKER, writeLog } from './helpers/compare.js';
import { HOSTILE_LINES, invalidUtf8Lines, logText, WRITER_LINES } from './helpers/hostile.js';

const MAX = 4096;
let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

/** The hostile log in its variants: LF, CRLF, torn last lines (valid, invalid, overlong), long lines. */
function variants(): Record<string, string | Buffer> {
  const mixed = WRITER_LINES.flatMap((line, i) => [line, HOSTILE_LINES[i % HOSTILE_LINES.length]!]).concat(HOSTILE_LINES);
  const long = `{"invocationId":"long","pad":"${'x'.repeat(MAX)}"}`;
  return {
    lf: logText(mixed),
    crlf: logText(mixed, { crlf: true }),
    'torn valid': logText(mixed, { torn: WRITER_LINES[0]! }),
    'torn invalid': logText(mixed, { torn: WRITER_LINES[0]!.slice(0, 120) }),
    'torn overlong': logText(mixed, { torn: long }),
    'torn crlf': logText(mixed, { crlf: true, torn: `${WRITER_LINES[1]!}\r` }),
    overlong: logText([WRITER_LINES[0]!, long, `${long.slice(0, MAX - 2)}"}`, WRITER_LINES[1]!, `${long.slice(0, MAX - 1)}\r`]),
    'invalid utf-8': Buffer.concat([invalidUtf8Lines(), Buffer.from(logText(WRITER_LINES))]),
    'only blanks': '\n\n  \n\r\n',
    empty: '',
  };
}

describe('scanLogs equals the reader', () => {
  it.each(Object.entries(variants()))('%s: fast path, fallback only, and the reader agree', async (name, content) => {
    const file = writeLog(dir, `${name.replace(/\W/g, '-')}.jsonl`, content);
    const expected = await reference([file], MAX);
    const { records: _records, ...want } = expected;
    expect(await scan([file], { maxLineBytes: MAX })).toEqual(want);
    expect(await scan([file], { maxLineBytes: MAX, slowOnly: true })).toEqual(want);
  });

  it('the hostile log really takes both paths and skips what the reader skips', async () => {
    const file = writeLog(dir, 'mixed.jsonl', variants().lf!);
    const { warnings, aggregate } = await reference([file], MAX);
    expect(warnings.length).toBeGreaterThan(20);
    expect(new Set(warnings.map((w) => w.reason.split(' ')[0]))).toEqual(new Set(['malformed', 'invalid']));
    // The escaped first attempt of esc-task is found by its retry written by the writer.
    expect(aggregate.infraRetries).toBeGreaterThan(0);
    expect(aggregate.escalationCount).toBeGreaterThan(0);
  });

  it('records mode builds the objects JSON.parse builds: same keys in the same order, same values', async () => {
    for (const [name, content] of Object.entries(variants())) {
      const file = writeLog(dir, `${name.replace(/\W/g, '-')}.jsonl`, content);
      const expected = (await reference([file], MAX)).records;
      const got = await scanRecords([file], MAX);
      expect(got, name).toEqual(expected);
      expect(got.map((r) => Object.keys(r)), name).toEqual(expected.map((r) => Object.keys(r)));
      got.forEach((r, i) => expect(Object.is(r.durationMs, expected[i]!.durationMs), `${name} #${i}`).toBe(true));
    }
  });

  it('keeps -0 as JSON.parse does (Object.is), on both paths', async () => {
    const line = WRITER_LINES[1]!.replace('"durationMs":0', '"durationMs":-0');
    const file = writeLog(dir, 'neg.jsonl', `${line}\n`);
    const fast = await scan([file], { maxLineBytes: MAX });
    expect(Object.is(fast.aggregate.duration!.min, -0)).toBe(true);
    expect(fast).toEqual(await scan([file], { maxLineBytes: MAX, slowOnly: true }));
  });

  it('gives the same result for every read size (each line split across reads)', async () => {
    const content = variants()['torn invalid']!;
    const file = writeLog(dir, 'split.jsonl', content);
    const { records: _records, ...want } = await reference([file], 600);
    for (const readBytes of [1, 2, 3, 5, 7, 16, 64, 333, 599, 600, 601, 1024]) {
      expect(await scan([file], { maxLineBytes: 600, readBytes }), `readBytes ${readBytes}`).toEqual(want);
    }
  });

  it('numbers lines across files from 1 in each, and merges files in order', async () => {
    const a = writeLog(dir, 'a.jsonl', logText([...HOSTILE_LINES.slice(0, 6), ...WRITER_LINES]));
    const b = writeLog(dir, 'b.jsonl', logText([...WRITER_LINES.slice(3), ...HOSTILE_LINES]));
    const { records: _records, ...want } = await reference([a, b], MAX);
    expect(await scan([a, b], { maxLineBytes: MAX })).toEqual(want);
    expect(want.warnings.some((w) => w.file === b)).toBe(true);
  });

  it('reads a missing file as empty, and reports an unreadable one as failed', async () => {
    const r = await scanLogs([{ path: `${dir}/none.jsonl`, size: 0 }], { bucketMs: 1000 });
    expect(r.aggregator.count).toBe(0);
    expect(r.failed).toBeUndefined();
    const failed = await scanLogs([{ path: dir, size: 0 }], { bucketMs: 1000 });
    expect(failed.failed).toMatchObject({ path: dir, error: { code: 'EISDIR' } });
  });

  it('stops at the first skipped line when asked, and returns it', async () => {
    const file = writeLog(dir, 'strict.jsonl', logText([...WRITER_LINES, 'garbage', ...WRITER_LINES, 'more garbage']));
    const seen: unknown[] = [];
    const r = await scanLogs([{ path: file, size: 0 }], { bucketMs: 1000, stopAtFirstWarning: true, onWarning: (w) => seen.push(w) });
    expect(r.stoppedAt).toMatchObject({ file, line: WRITER_LINES.length + 1, reason: expect.stringMatching(/^malformed JSON/) as string });
    expect(seen).toEqual([]);
  });
});

describe('scanLogs on worker threads', () => {
  it('splits files into ranges (lines cut at every boundary) and merges them into the sequential result', async () => {
    const lines = [...WRITER_LINES, ...HOSTILE_LINES, ...WRITER_LINES.map((l) => l.replace('"inv"', '"inv-2"'))];
    const a = writeLog(dir, 'a.jsonl', Buffer.concat([invalidUtf8Lines(), Buffer.from(logText(lines, { crlf: true }))]));
    const b = writeLog(dir, 'b.jsonl', logText(lines, { torn: WRITER_LINES[2]!.slice(0, 50) }));
    const c = writeLog(dir, 'c.jsonl', '');
    const { records: _records, ...want } = await reference([a, b, c], MAX);
    // This thread reading as one of the two workers (the default), or two worker threads.
    for (const thisThread of [true, false]) {
      for (const taskBytes of [97, 1000, 4096]) {
        const got = await scan([a, c, b].sort(), { maxLineBytes: MAX, workers: 2, thisThread, parallelMinBytes: 0, taskBytes, readBytes: 211, workerSource: TS_WORKER });
        expect(got, `taskBytes ${taskBytes}, thisThread ${thisThread}`).toEqual(want);
      }
    }
  });

  it('gives each of two scans awaited together its sequential result, this thread reading ranges for both', async () => {
    const a = writeLog(dir, 'a.jsonl', logText([...WRITER_LINES, ...HOSTILE_LINES]));
    const b = writeLog(dir, 'b.jsonl', logText([...WRITER_LINES.map((l) => l.replace('"inv"', '"inv-b"')), 'x', ...WRITER_LINES]));
    const { records: _a, ...wantA } = await reference([a], MAX);
    const { records: _b, ...wantB } = await reference([b], MAX);
    const options = { maxLineBytes: MAX, workers: 2, parallelMinBytes: 0, taskBytes: 300, readBytes: 97, workerSource: TS_WORKER };
    const [gotA, gotB] = await Promise.all([scan([a], options), scan([b], options)]);
    expect(gotA).toEqual(wantA);
    expect(gotB).toEqual(wantB);
  });

  it("merges a large file whose workers' first tasks are small into the sequential result", async () => {
    // Over 2 x 256 KiB plus a task: each worker's first task is a 256 KiB range (planTasks' smallFirst).
    // Writer lines and malformed ones (not the hostile lines whose token counts sum past 2^53, where
    // token sums are exact in no order: token-sums.ts).
    const modest = WRITER_LINES.filter((l) => (JSON.parse(l) as { tokens: number }).tokens < 2 ** 32);
    const lines: string[] = [];
    for (let k = 0; lines.length < 12_000; k++) lines.push(...modest.map((l) => l.replace('"inv"', `"inv-${k}"`)), 'x', '{"invocationId":1}');
    const file = writeLog(dir, 'large.jsonl', logText(lines));
    expect(fs.statSync(file).size).toBeGreaterThan(2 * 256 * 1024 + 100_000);
    const { records: _records, ...want } = await reference([file], MAX);
    const got = await scan([file], { maxLineBytes: MAX, workers: 2, parallelMinBytes: 0, taskBytes: 100_000, workerSource: TS_WORKER });
    expect(got).toEqual(want);
  });

  it('reads a range whose last line runs far past its end (reads past a range stop 64 KiB at a time) into the sequential result', async () => {
    // Lines of 150 to 300 KiB, valid (an unknown field) and not (longer than the limit, or malformed), so
    // that most ranges of 200 KB end inside one, with the default 4 MiB reads.
    const max = 256 * 1024;
    const pad = (line: string, bytes: number): string => `${line.slice(0, -1)},"pad":"${'p'.repeat(bytes)}"}`;
    const lines: string[] = [];
    for (let k = 0; k < 12; k++) {
      for (const line of WRITER_LINES.slice(0, 5)) lines.push(line.replace('"inv"', `"inv-${k}"`));
      lines.push(pad(WRITER_LINES[k % WRITER_LINES.length]!, 150_000 + 10_000 * k), k % 3 === 0 ? `{"x":"${'q'.repeat(300_000)}"}` : 'x');
    }
    const file = writeLog(dir, 'long-lines.jsonl', logText(lines));
    const { records: _records, ...want } = await reference([file], max);
    expect(want.skipped).toBeGreaterThan(0);
    const got = await scan([file], { maxLineBytes: max, workers: 2, parallelMinBytes: 0, taskBytes: 200_000, workerSource: TS_WORKER });
    expect(got).toEqual(want);
  });

  it('reads a missing file as empty and reports an unreadable one as failed in workers too (blocking reads)', async () => {
    const a = writeLog(dir, 'a.jsonl', logText(WRITER_LINES));
    const { records: _records, ...want } = await reference([a], MAX);
    const missing = `${dir}/none.jsonl`;
    const r = await scanLogs(
      [
        { path: a, size: fs.statSync(a).size },
        { path: missing, size: 0 },
      ],
      { bucketMs: 60_000, maxLineBytes: MAX, workers: 2, parallelMinBytes: 0, taskBytes: 1000, workerSource: TS_WORKER },
    );
    expect(r.failed).toBeUndefined();
    expect(JSON.stringify(r.aggregator.result())).toBe(JSON.stringify(want.aggregate));
    const failed = await scanLogs(
      [
        { path: a, size: fs.statSync(a).size },
        { path: dir, size: 0 },
      ],
      { bucketMs: 60_000, maxLineBytes: MAX, workers: 2, parallelMinBytes: 0, taskBytes: 1000, workerSource: TS_WORKER },
    );
    expect(failed.failed).toMatchObject({ path: dir, error: { code: 'EISDIR' } });
  });

  it('gives an overlong line spanning several ranges one warning, in the range where it starts', async () => {
    const long = `{"invocationId":"long","pad":"${'x'.repeat(3 * MAX)}"}`;
    const file = writeLog(dir, 'long.jsonl', logText([WRITER_LINES[0]!, long, WRITER_LINES[1]!, long, 'x'], { torn: long }));
    const { records: _records, ...want } = await reference([file], MAX);
    expect(want.warnings.map((w) => w.line)).toEqual([2, 4, 5, 6]);
    const got = await scan([file], { maxLineBytes: MAX, workers: 2, parallelMinBytes: 0, taskBytes: 1000, workerSource: TS_WORKER });
    expect(got).toEqual(want);
  });

  it('stops at the first skipped line in input order, whichever worker found it', async () => {
    const a = writeLog(dir, 'a.jsonl', logText([...WRITER_LINES, ...WRITER_LINES, 'first']));
    const b = writeLog(dir, 'b.jsonl', logText(['second', ...WRITER_LINES]));
    const r = await scanLogs(
      [a, b].map((path) => ({ path, size: 5000 })),
      { bucketMs: 1000, stopAtFirstWarning: true, workers: 2, parallelMinBytes: 0, taskBytes: 500, workerSource: TS_WORKER },
    );
    expect(r.stoppedAt).toMatchObject({ file: a, line: 2 * WRITER_LINES.length + 1 });
  });
});
