/**
 * Scan workers started ahead of need (src/scan/prestart.ts, and the CLI's guess in src/cli/prestart.ts):
 * the pool takes them and gives the same result, leftovers are stopped, a worker that died before it was
 * taken is never handed out, and an untaken worker does not keep a process alive.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prestartScanWorkers, summarizeScanBytes } from '../../src/cli/prestart.js';
import { PARALLEL_MIN_BYTES, prestartWorkers, releaseStartedWorkers, SCAN_WORKER_URL, takeStartedWorker, workerThreadsFor } from '../../src/scan/prestart.js';
import { reference, scan, tempDir, TS_WORKER, writeLog } from './helpers/compare.js';
import { logText, WRITER_LINES } from './helpers/hostile.js';

const MAX = 4096;
let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => {
  releaseStartedWorkers();
  cleanup();
});

/**
 * Takes every started worker of `url` (terminating them), and says how many there were. All are taken
 * before the first await: a worker that exits meanwhile is no longer handed out, and under vitest the CLI's
 * guess starts workers of src/scan/worker.js, which fail to load and exit at once (only the count matters
 * there), so taking one, then awaiting its end, then the next raced against the others' exit.
 */
async function drain(url: URL): Promise<number> {
  const taken: Worker[] = [];
  for (let w = takeStartedWorker(url); w !== undefined; w = takeStartedWorker(url)) taken.push(w);
  await Promise.all(taken.map((w) => w.terminate()));
  return taken.length;
}

/**
 * Starts three workers, then scans a two-worker log with `thisThread` as given, checking the result against
 * the sequential reader's.
 *
 * @returns How many messages each started worker posted (to the pool that took it).
 */
async function scanWithThreeStarted(thisThread: boolean | undefined): Promise<number[]> {
  const file = writeLog(dir, 'a.jsonl', logText([...WRITER_LINES, ...WRITER_LINES.map((l) => l.replace('"inv"', '"inv-2"'))]));
  const { records: _records, ...want } = await reference([file], MAX);
  const workers = prestartWorkers(3, TS_WORKER.url);
  const posted = workers.map(() => 0);
  workers.forEach((w, i) => w.on('message', () => posted[i]!++));
  const options = { maxLineBytes: MAX, workers: 2, parallelMinBytes: 0, taskBytes: 500, workerSource: TS_WORKER };
  expect(await scan([file], thisThread === undefined ? options : { ...options, thisThread })).toEqual(want);
  return posted;
}

describe('prestarted scan workers', () => {
  it('are taken by the pool, which gives the sequential result, and the ones left over are stopped', async () => {
    const posted = await scanWithThreeStarted(false);
    // Two were taken and did the work, the third was stopped when the pool started.
    expect(posted.filter((n) => n > 0)).toHaveLength(2);
    expect(posted[2]).toBe(0);
    expect(await drain(TS_WORKER.url)).toBe(0);
  });

  it('are taken one fewer when this thread reads as one of the workers (the default for 2)', async () => {
    const posted = await scanWithThreeStarted(undefined);
    // One thread was taken and did part of the work (this thread the rest), the other two were stopped.
    expect(posted[0]).toBeGreaterThan(0);
    expect(posted.slice(1)).toEqual([0, 0]);
    expect(await drain(TS_WORKER.url)).toBe(0);
  });

  it('are stopped when the read happens in this thread', async () => {
    const file = writeLog(dir, 'a.jsonl', logText(WRITER_LINES));
    prestartWorkers(2, TS_WORKER.url);
    const { records: _records, ...want } = await reference([file], MAX);
    expect(await scan([file], { maxLineBytes: MAX, workers: 2, workerSource: TS_WORKER })).toEqual(want);
    expect(await drain(TS_WORKER.url)).toBe(0);
  });

  it('are not handed out for another script, or with Node options', async () => {
    prestartWorkers(1, TS_WORKER.url);
    expect(takeStartedWorker(new URL('./other.mjs', TS_WORKER.url))).toBeUndefined();
    expect(takeStartedWorker(TS_WORKER.url, ['--no-warnings'])).toBeUndefined();
    expect(await drain(TS_WORKER.url)).toBe(1);
  });

  it('are never handed out once they died', async () => {
    const broken = writeLog(dir, 'broken.mjs', "throw new Error('cannot start');\n");
    const url = new URL(`file://${broken}`);
    const [worker] = prestartWorkers(1, url);
    await new Promise((resolve) => worker!.once('exit', resolve));
    expect(takeStartedWorker(url)).toBeUndefined();
  });

  it('do not keep a process alive when nobody takes them', async () => {
    const module = path.resolve('dist/scan/prestart.js');
    expect(fs.existsSync(module), 'npm run build first').toBe(true);
    const script = `import(${JSON.stringify(module)}).then((m) => { m.prestartWorkers(2); console.log('started'); });`;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script]);
    expect(stdout).toBe('started\n'); // and the process ended on its own
  });
});

// prestartScanWorkers also sets V8's --no-concurrent-recompilation for isolates made later in this
// process (see src/cli/prestart.ts): a compile mode, no change in behaviour.
describe("the CLI's guess", () => {
  const started = async (argv: string[]): Promise<number> => {
    prestartScanWorkers(summarizeScanBytes(argv));
    return drain(SCAN_WORKER_URL);
  };

  it('starts workers for a summarize of files or directories large enough, and only then', async () => {
    const big = path.join(dir, 'big.jsonl');
    fs.writeFileSync(big, '');
    fs.truncateSync(big, PARALLEL_MIN_BYTES); // sparse: only its size matters here
    const small = writeLog(dir, 'small.jsonl', logText(WRITER_LINES));
    // One per CPU, as the scan uses, less this thread's with 2 CPUs; none with one CPU (the scan then
    // reads in one thread).
    const cpus = os.availableParallelism();
    const threads = cpus < 2 ? 0 : workerThreadsFor(cpus);
    expect(threads).toBe(cpus < 2 ? 0 : cpus === 2 ? 1 : cpus);
    expect(await started(['summarize', big])).toBe(threads);
    expect(await started(['summarize', '--json', dir])).toBe(threads);
    expect(await started(['summarize', small])).toBe(0);
    expect(await started(['summarize', path.join(dir, 'missing.jsonl')])).toBe(0);
    expect(await started(['summarize', '--agent', 'coder', big])).toBe(0);
    expect(await started(['summarize', `--since=2026-01-01`, big])).toBe(0);
    expect(await started(['report', big])).toBe(0);
  });
});
