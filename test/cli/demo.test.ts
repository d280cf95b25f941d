/**
 * `demo`, run as the built CLI: live /metrics during the run, the log and the printed summary agree, OTLP
 * pushes reach a receiver, Ctrl-C ends early and still flushes and summarizes, flag and port errors.
 * Assertions wait on what the process prints or does, never on elapsed time.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import fs from 'node:fs';
import { createServer as createHttpServer, type IncomingHttpHeaders } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { computeAggregate } from '../../src/aggregate/index.js';
import { DEFAULT_DURATION_MS, DEFAULT_PORT, parseDemoArgs } from '../../src/cli/demo.js';
import { DEFAULT_SEED, planRun } from '../../src/demo/plan.js';
import { loadLog } from '../../src/log/reader.js';
import { INSTRUMENTS } from '../../src/otel/names.js';
import { ensureBuilt, MAIN, ROOT, runBuiltCli } from './helpers/built-cli.js';

beforeAll(async () => {
  await ensureBuilt();
});

const dirs: string[] = [];
const tmp = (): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'im-cli-demo-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A demo process whose output can be watched while it runs. */
interface DemoProcess {
  child: ChildProcessByStdio<null, Readable, Readable>;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `re` on stderr, or rejects if the process exits first. */
  waitForStderr(re: RegExp): Promise<RegExpMatchArray>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startDemo(args: string[], cwd = ROOT): DemoProcess {
  const env = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined };
  const child = spawn(process.execPath, [MAIN, 'demo', ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let done = false;
  const waiters = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    err += d;
    for (const w of waiters) w();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => {
      done = true;
      for (const w of waiters) w();
      resolve({ code, signal });
    }),
  );
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForStderr: (re) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const m = re.exec(err);
          if (m !== null) {
            waiters.delete(check);
            resolve(m);
          } else if (done) {
            waiters.delete(check);
            reject(new Error(`the demo exited before printing ${re} on stderr:\n${err}`));
          }
        };
        waiters.add(check);
        check();
      }),
  };
}

/** The figures the summary prints. */
function summaryFigures(stdout: string): { invocations: number; retries: number; infra: number; code: number; peak: number; escalations: number; cost: string } {
  const int = (re: RegExp): number => {
    const m = re.exec(stdout);
    expect(m, `${re} in:\n${stdout}`).not.toBeNull();
    return Number(m![1]!.replaceAll(',', ''));
  };
  const retries = /^Retries +([\d,]+) \(infra ([\d,]+), code ([\d,]+)\)$/m.exec(stdout);
  expect(retries, stdout).not.toBeNull();
  return {
    invocations: int(/^Invocations +([\d,]+)$/m),
    retries: Number(retries![1]!.replaceAll(',', '')),
    infra: Number(retries![2]!.replaceAll(',', '')),
    code: Number(retries![3]!.replaceAll(',', '')),
    peak: int(/^Peak parallelism +([\d,]+)$/m),
    escalations: int(/^Escalations +([\d,]+)$/m),
    cost: /^Total cost +(\S+)$/m.exec(stdout)?.[1] ?? '',
  };
}

/** Prometheus names of the instruments (dots to underscores, `_total` on counters; histograms as `_bucket`). */
// The compatibility spec's names: `_seconds` for unit `s` (annotation units add nothing), then `_total` or `_bucket`.
const promName = (spec: { name: string; kind: string; unit: string }): string =>
  spec.name.replaceAll('.', '_') + (spec.unit === 's' ? '_seconds' : '') + (spec.kind === 'counter' ? '_total' : spec.kind === 'histogram' ? '_bucket' : '');

describe('parseDemoArgs', () => {
  it('applies the defaults', () => {
    expect(parseDemoArgs([])).toEqual({ help: false, durationMs: DEFAULT_DURATION_MS, port: DEFAULT_PORT, dir: undefined, otlpUrl: undefined, seed: DEFAULT_SEED });
    expect([DEFAULT_DURATION_MS, DEFAULT_PORT]).toEqual([15_000, 9464]);
  });

  it('reads every flag', () => {
    expect(parseDemoArgs(['--duration', '20s', '--port', '0', '--dir', 'out', '--otlp', 'https://otel.example:4318/v1/metrics', '--seed', '42'])).toEqual({
      help: false,
      durationMs: 20_000,
      port: 0,
      dir: 'out',
      otlpUrl: 'https://otel.example:4318/v1/metrics',
      seed: 42,
    });
    expect(parseDemoArgs(['-h'])).toMatchObject({ help: true });
  });

  it('turns a bad flag into a usage problem naming it', () => {
    const cases: [string[], RegExp][] = [
      [['--duration', 'soon'], /--duration .*'soon'/],
      [['--duration', '0s'], /--duration/],
      [['--port', '65536'], /--port .*'65536'/],
      [['--port', '-1'], /--port/],
      [['--port', '80.5'], /--port/],
      [['--seed', 'x'], /--seed .*'x'/],
      [['--seed', '4294967296'], /--seed/],
      [['--otlp', 'not a url'], /--otlp .*'not a url'/],
      [['--otlp', 'ftp://host/v1/metrics'], /--otlp/],
      [['--dir', ''], /--dir/],
      [['--nope'], /^unknown option --nope$/],
      [['--sed', '3'], /^unknown option --sed \(did you mean --seed\?\)$/],
      [['--port'], /--port/],
      [['extra'], /Unexpected argument 'extra'/],
    ];
    for (const [argv, message] of cases) {
      const r = parseDemoArgs(argv);
      expect('problem' in r && r.problem, argv.join(' ')).toMatchObject({ kind: 'usage', command: 'demo', message: expect.stringMatching(message) });
    }
  });
});

describe('demo (built CLI)', () => {
  it('serves live /metrics while it runs, writes a log that reloads cleanly and agrees with the printed summary', async () => {
    const dir = tmp();
    const demo = startDemo(['--duration', '3s', '--port', '0', '--dir', dir]);
    const [, url] = await demo.waitForStderr(/^metrics: (http:\/\/127\.0\.0\.1:\d+\/metrics)$/m);
    expect(demo.stderr()).toContain(`log: ${path.join(dir, 'invocations.jsonl')}\n`);

    // Scrape until the run's series are there and something is in flight, or the process ends.
    const wanted = [INSTRUMENTS.invocations, INSTRUMENTS.tokens, INSTRUMENTS.cost, INSTRUMENTS.duration, INSTRUMENTS.tokenUsage, INSTRUMENTS.active].map(promName);
    let exited = false;
    void demo.exited.then(() => (exited = true));
    let missing = wanted;
    let maxActive = 0;
    while (!exited && (missing.length > 0 || maxActive === 0)) {
      const text = await fetch(url!).then((r) => r.text(), () => '');
      const names = new Set(text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((l) => /^[\w:]+/.exec(l)?.[0]));
      missing = wanted.filter((n) => !names.has(n));
      const active = text.split('\n').filter((l) => l.startsWith('invocation_metrics_active{'));
      maxActive = Math.max(maxActive, active.reduce((s, l) => s + Number(l.slice(l.lastIndexOf(' ') + 1)), 0));
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(missing, 'series missing from every scrape during the run').toEqual([]);
    expect(maxActive, 'invocation_metrics_active during the run').toBeGreaterThan(0);

    const { code } = await demo.exited;
    expect(code, demo.stderr()).toBe(0);
    const stdout = demo.stdout();
    expect(stdout).toMatch(/^Summary\n/);
    expect(stdout).toContain('\nBy agent\n');
    expect(stdout).toContain('\nSlowest agents (top 5 by p95 duration)\n');

    const { records, skipped } = await loadLog(path.join(dir, 'invocations.jsonl'));
    expect(skipped).toBe(0);
    const a = computeAggregate(records);
    const printed = summaryFigures(stdout);
    expect(printed).toEqual({
      invocations: a.totalInvocations,
      retries: a.totalRetries,
      infra: a.infraRetries,
      code: a.codeRetries,
      peak: a.peakParallelInvocations,
      escalations: a.escalationCount,
      cost: `$${a.totalCost.toFixed(4)}`,
    });
    // The whole plan ran, with its simulated durations (minutes, not the 3 s of wall time) and start offsets.
    const plan = planRun(DEFAULT_SEED);
    expect(a.totalInvocations).toBe(plan.length);
    expect(printed.infra).toBeGreaterThan(0);
    expect(printed.code).toBeGreaterThan(0);
    const first = Math.min(...records.map((r) => Date.parse(r.timestamp)));
    const byId = new Map(records.map((r) => [r.invocationId, r]));
    for (const p of plan) {
      const r = byId.get(p.begin.invocationId);
      expect(r, p.begin.invocationId).toBeDefined();
      expect([r!.durationMs, Date.parse(r!.timestamp) - first]).toEqual([p.durationMs, p.startMs - plan[0]!.startMs]);
    }
    expect(a.wallClockSpanMs).toBeGreaterThan(10 * 60_000);
    expect(demo.stderr()).toMatch(/^done: 66 records in /m);
  });

  it('--otlp pushes http/protobuf to the receiver, the last push on exit', async () => {
    const posts: { url: string; headers: IncomingHttpHeaders; body: Buffer }[] = [];
    const receiver = createHttpServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        posts.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
        // An empty ExportMetricsServiceResponse.
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen({ host: '127.0.0.1', port: 0 }, resolve));
    try {
      const otlp = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/v1/metrics`;
      const demo = startDemo(['--duration', '1s', '--port', '0', '--dir', tmp(), '--otlp', otlp]);
      const { code } = await demo.exited;
      expect(code, demo.stderr()).toBe(0);
      expect(demo.stderr()).toContain(`otlp: ${otlp}\n`);
      expect(posts.length).toBeGreaterThanOrEqual(1);
      for (const p of posts) {
        expect(p.url).toBe('/v1/metrics');
        expect(p.headers['content-type']).toBe('application/x-protobuf');
      }
      // The last push carries the whole run: protobuf keeps metric names as UTF-8 strings.
      const last = posts.at(-1)!.body;
      for (const spec of [INSTRUMENTS.invocations, INSTRUMENTS.cost, INSTRUMENTS.duration, INSTRUMENTS.tokenUsage]) expect(last.includes(spec.name), spec.name).toBe(true);
      expect(last.includes('invocation-metrics-demo')).toBe(true); // service.name
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  });

  it('Ctrl-C ends early: in-flight invocations recorded as interrupted, log flushed, summary of what ran, exit 130', async () => {
    const dir = tmp();
    const demo = startDemo(['--duration', '60s', '--port', '0', '--dir', dir]);
    await demo.waitForStderr(/ended [1-9]\d*\/66/);
    demo.child.kill('SIGINT');
    const { code } = await demo.exited;
    expect(code, demo.stderr()).toBe(130);
    const [, n] = /^interrupted \((\d+) in flight recorded as failed/m.exec(demo.stderr()) ?? [];
    expect(n, demo.stderr()).toBeDefined();
    const { records, skipped } = await loadLog(path.join(dir, 'invocations.jsonl'));
    expect(skipped).toBe(0);
    expect(records.length).toBeGreaterThan(0);
    expect(records.length).toBeLessThan(66);
    expect(records.filter((r) => r.errorClass === 'interrupted')).toHaveLength(Number(n));
    expect(summaryFigures(demo.stdout()).invocations).toBe(records.length);
  });

  it('without --dir, writes to a fresh ./demo-output/<UTC time> directory', async () => {
    const cwd = tmp();
    const demo = startDemo(['--duration', '200ms', '--port', '0'], cwd);
    const { code } = await demo.exited;
    expect(code, demo.stderr()).toBe(0);
    const [, logPath] = /^log: (.*)$/m.exec(demo.stderr()) ?? [];
    expect(logPath).toMatch(/^demo-output[/\\]\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d(-\d+)?[/\\]invocations\.jsonl$/);
    expect((await loadLog(path.join(cwd, logPath!))).records).toHaveLength(66);
  });

  it('a port in use exits 1 naming the port', async () => {
    const server = createTcpServer();
    await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const r = await runBuiltCli(['demo', '--port', String(port), '--dir', tmp()]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^invocation-metrics demo: port ${port} on 127\\.0\\.0\\.1 is already in use; pass --port 0`, 'm'));
      expect(r.stdout).toBe('');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('a bad flag exits 2 with a message and a pointer to the help; --help exits 0', async () => {
    const dir = path.join(tmp(), 'never');
    for (const args of [['--duration', 'soon'], ['--bogus'], ['--port', 'http']]) {
      const r = await runBuiltCli(['demo', ...args, '--dir', dir]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^invocation-metrics: .+\nRun 'invocation-metrics demo --help' for usage\.\n$/);
      expect(r.stdout).toBe('');
    }
    expect(fs.existsSync(dir)).toBe(false);
    const help = await runBuiltCli(['demo', '--help']);
    expect(help.code).toBe(0);
    for (const flag of ['--duration', '--port', '--dir', '--otlp', '--seed', '--help']) expect(help.stdout).toContain(flag);
  });
});
