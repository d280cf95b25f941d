/**
 * Load: 8 processes each record 50,000 records into their own log at once while a real Prometheus scrapes
 * each of them every 100 ms, and the test's own scraper fetches every endpoint in a loop. Nothing is lost
 * (every log holds its records exactly once, in order); every scrape body the test fetched is a valid
 * exposition whose counters never go backwards; Prometheus ingested scrapes of every target and its final
 * counters equal what was recorded; `summarize` over the 8 files equals the aggregate of all records.
 *
 * Prometheus's scrape timeout cannot exceed its 100 ms interval, and 8 processes recording flat out on two
 * cores (with Prometheus itself) can answer a scrape later than that: such a scrape counts as down in
 * Prometheus. That is latency, not a wrong answer, so it is reported (with the scrape durations, for
 * BENCHMARKS.md) rather than asserted; nothing here asserts a speed.
 */
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { computeAggregate } from '../../src/aggregate/index.js';
import { readLog } from '../../src/log/reader.js';
import type { InvocationMetric } from '../../src/record.js';
import { loadRecord } from '../fixtures/load/records.js';
import { parseExposition } from '../helpers/otel-read.js';
import { startPrometheus, type PrometheusProcess } from '../helpers/prometheus-process.js';
import { tempDir } from '../helpers/records.js';
import { findServer } from '../helpers/servers.js';
import { waitFor } from '../helpers/wait.js';

const PROCESSES = 8;
const RECORDS = 50_000;
const server = findServer('prometheus');
const recorder = fileURLToPath(new URL('../fixtures/load/recorder.ts', import.meta.url));
const cli = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

interface Recorder {
  child: ChildProcessWithoutNullStreams;
  line(prefix: string): Promise<string>;
  closed: Promise<number | null>;
}

function startRecorder(dir: string, p: number): Recorder {
  const child = spawn(process.execPath, ['--import', 'tsx', recorder, dir, String(p), String(RECORDS)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    child,
    closed,
    line: (prefix) =>
      waitFor(
        () => {
          if (child.exitCode !== null) throw new Error(`recorder ${p} exited: ${err}`);
          return out.split('\n').find((l) => l.startsWith(`${prefix} `))?.slice(prefix.length + 1);
        },
        { timeoutMs: 120_000, intervalMs: 50, what: `recorder ${p} to print '${prefix}'` },
      ),
  };
}

const { dir, cleanup } = tempDir('im-load-');
const recorders: Recorder[] = [];
let prometheus: PrometheusProcess | undefined;
afterAll(async () => {
  for (const r of recorders) r.child.kill('SIGKILL');
  await prometheus?.stop();
  cleanup();
});

const value = (samples: { value: [number, string] }[]): number[] => samples.map((s) => Number(s.value[1]));

describe.skipIf(server.path === undefined)(server.skip ?? 'load', () => {
  it(`${PROCESSES} processes x ${RECORDS} records under a 100 ms scrape: nothing lost, every scrape valid`, { timeout: 240_000 }, async () => {
    for (let p = 0; p < PROCESSES; p++) recorders.push(startRecorder(dir, p));
    const urls = await Promise.all(recorders.map((r) => r.line('url')));
    prometheus = await startPrometheus({ binary: server.path!, targets: urls, scrapeIntervalMs: 100 });
    await waitFor(async () => ((await prometheus!.query('up')).length === PROCESSES ? true : undefined), { what: 'the first scrapes' });
    for (const r of recorders) r.child.stdin.write('go\n');
    // The test's own scraper: every body must parse, and no counter may go backwards.
    let scraping = true;
    let bodies = 0;
    const scrapeProblems: string[] = [];
    const own = (async () => {
      const last = urls.map(() => new Map<string, number>());
      while (scraping) {
        await Promise.all(
          urls.map(async (url, t) => {
            const body = await (await fetch(url)).text();
            bodies++;
            const { samples } = parseExposition(body);
            for (const [key, v] of samples) {
              if (!key.startsWith('invocation_metrics_invocations_total') || v >= (last[t]!.get(key) ?? 0)) continue;
              scrapeProblems.push(`${url}: ${key} went from ${last[t]!.get(key)} to ${v}`);
            }
            for (const [key, v] of samples) last[t]!.set(key, v);
            if (!samples.size) scrapeProblems.push(`${url}: empty scrape`);
          }),
        ).catch((err: unknown) => scrapeProblems.push(String(err)));
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const done = await Promise.all(recorders.map((r) => r.line('done')));
    scraping = false;
    await own;
    expect(scrapeProblems).toEqual([]);
    expect(bodies).toBeGreaterThan(PROCESSES);
    const perProcess = done.map((d) => d.split(' ').map(Number) as [number, number]);
    for (const [count] of perProcess) expect(count).toBe(RECORDS);

    // The last scrapes see every record in the counters.
    const total = PROCESSES * RECORDS;
    let seen: number[] = [];
    await waitFor(
      async () => {
        seen = value(await prometheus!.query('sum by (job) (invocation_metrics_invocations_total)'));
        return seen.reduce((a, b) => a + b, 0) === total ? true : undefined;
      },
      { timeoutMs: 60_000, what: `Prometheus to see ${total} invocations` },
    ).catch(async (err: Error) => {
      const up = await prometheus!.query('up');
      throw new Error(`${err.message}: per job ${seen.join(', ')}; up ${JSON.stringify(up.map((u) => [u.metric.job, u.value[1]]))}; ${JSON.stringify(await prometheus!.targets())}`);
    });
    // Prometheus ingested scrapes of every target.
    const ingested = value(await prometheus.query('sum_over_time(up[10m])'));
    expect(ingested).toHaveLength(PROCESSES);
    for (const n of ingested) expect(n).toBeGreaterThan(0);
    const scrapes = value(await prometheus.query('sum(count_over_time(up[10m]))'))[0]!;
    const succeeded = ingested.reduce((a, b) => a + b, 0);
    const latency = value(await prometheus.query('quantile(0.5, quantile_over_time(0.5, scrape_duration_seconds[10m]))'))[0]!;
    const worst = value(await prometheus.query('max(max_over_time(scrape_duration_seconds[10m]))'))[0]!;
    const rates = perProcess.map(([count, ms]) => Math.round(count / (ms / 1000)));
    console.log(
      `load: ${PROCESSES} processes x ${RECORDS} records; records/s per process ${rates.join(', ')} (sum ${rates.reduce((a, b) => a + b, 0)}); ` +
        `Prometheus: ${succeeded} of ${scrapes} scrapes within the 100 ms timeout; test scraper: ${bodies} bodies, all valid; scrape duration median ${(latency * 1000).toFixed(1)} ms, max ${(worst * 1000).toFixed(1)} ms`,
    );

    // Nothing lost: each log holds its records exactly once, in order, all valid.
    const expected: InvocationMetric[] = [];
    for (let p = 0; p < PROCESSES; p++) {
      let i = 0;
      const warnings: unknown[] = [];
      for await (const record of readLog(join(dir, `p${p}.jsonl`), { onWarning: (w) => warnings.push(w) })) {
        if (record.invocationId !== `p${p}-${i}`) expect.fail(`p${p}.jsonl: record ${i} is ${record.invocationId}`);
        i++;
      }
      expect(warnings).toEqual([]);
      expect(i).toBe(RECORDS);
      for (let j = 0; j < RECORDS; j++) expected.push(loadRecord(p, j));
    }

    // summarize over the 8 files (a directory: its *.jsonl sorted by name) equals the aggregate of all records.
    const { stdout } = await promisify(execFile)(process.execPath, [cli, 'summarize', dir, '--json', '--bucket', '30s'], { maxBuffer: 64 << 20 });
    expect(JSON.parse(stdout)).toEqual(JSON.parse(JSON.stringify(computeAggregate(expected, { bucketMs: 30_000 }))));

    for (const r of recorders) r.child.stdin.end();
    expect(await Promise.all(recorders.map((r) => r.closed))).toEqual(Array(PROCESSES).fill(0));
  });
});
