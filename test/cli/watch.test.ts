/**
 * `watch` run as the built CLI with pipes (stdout not a terminal: one plain line per refresh), against a
 * child process that records into its log with the library while the view runs; and its usage errors.
 * The terminal view is tested in a real pseudo-terminal by `watch-tty.test.ts`.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { computeAggregate } from '../../src/aggregate/index.js';
import { loadLog } from '../../src/log/reader.js';
import { ensureBuilt, MAIN, ROOT, runBuiltCli } from './helpers/built-cli.js';
import { startRecorder } from './helpers/recorder.js';
import type { CliIO } from '../../src/cli/io.js';
import { runWatch, type WatchTerminal } from '../../src/cli/watch.js';

beforeAll(async () => {
  await ensureBuilt();
});

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('watch, stdout not a terminal', () => {
  it('prints a line per refresh that follows a recording process, its in-flight calls and a rotation; SIGINT ends it with 0', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'im-watch-cli-'));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const recorder = await startRecorder(dir);
    cleanups.push(() => recorder.kill());
    const url = recorder.url;
    const log = path.join(dir, 'invocations.jsonl');
    const child = spawn(process.execPath, [MAIN, 'watch', log, '--metrics', url, '--interval', '100ms'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    cleanups.push(() => void child.kill('SIGKILL'));
    const lastLine = (): string => out.trimEnd().split('\n').at(-1) ?? '';
    const until = async (re: RegExp): Promise<string> => {
      for (let i = 0; i < 600; i++) {
        if (re.test(lastLine())) return lastLine();
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`no line matched ${re}; last: ${lastLine()}; stderr: ${err}`);
    };

    await until(/ invocations=0 .* in_flight=0 /);
    await recorder.send({
      op: 'record',
      records: [
        { taskId: 'T1', errorClass: 'timeout', success: false, exitCode: 1, tier: 'small' },
        { taskId: 'T2', cost: 1 },
      ],
    });
    await recorder.send({ op: 'record', records: [{ taskId: 'T1', attempt: 2, tier: 'large' }] });
    await recorder.send({ op: 'begin', agent: 'reviewer', n: 2 });
    const line = await until(/ invocations=3 .* in_flight=2 .* aggregated=3$/);
    expect(line).toMatch(/ invocations=3 per_min=3 in_flight=2 success=0\.6667 cost_usd=1\.5000 cost_usd_per_min=1\.5000 tokens=300 tokens_per_min=300 retries=1 infra=1 code=0 escalations=1 skipped=0 files=1 aggregated=3$/);

    // Rotation by rename: the writer opens a fresh file at the path; nothing is counted twice.
    fs.renameSync(log, `${log}.1`);
    await recorder.send({ op: 'end' });
    await until(/ invocations=5 .* in_flight=0 /);
    expect(fs.readFileSync(log, 'utf8').split('\n').filter(Boolean)).toHaveLength(2);
    expect(err).toMatch(/invocations\.jsonl: (replaced by a new file \(rotation\)|moved or deleted); reading the old file to its end\n/);

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(lastLine()).toMatch(/ invocations=5 /);
  });

  it('SIGTERM ends it with 0 too', async () => {
    const child = spawn(process.execPath, [MAIN, 'watch', 'test/fixtures/cli/run.jsonl', '--interval', '100ms'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    cleanups.push(() => void child.kill('SIGKILL'));
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    for (let i = 0; i < 600 && !out.includes('\n'); i++) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toMatch(/ invocations=10 .* aggregated=10\n$/);
  });

  it('--once reads the logs to their end and prints the aggregate\'s figures', async () => {
    const r = await runBuiltCli(['watch', 'test/fixtures/cli/run.jsonl', '--once']);
    expect(r.code).toBe(0);
    const a = computeAggregate((await loadLog('test/fixtures/cli/run.jsonl')).records);
    expect(r.stdout).toMatch(
      new RegExp(
        ` invocations=${a.totalInvocations} per_min=0 in_flight=n/a success=${a.successRate.toFixed(4)} cost_usd=${a.totalCost.toFixed(4)} ` +
          `cost_usd_per_min=0.0000 tokens=${a.totalTokens} tokens_per_min=0 retries=${a.totalRetries} infra=${a.infraRetries} ` +
          `code=${a.codeRetries} escalations=${a.escalationCount} skipped=2 files=1 aggregated=${a.totalInvocations}\\n$`,
      ),
    );
    expect(r.stderr).toContain('test/fixtures/cli/run.jsonl:5: malformed JSON');
  });
});

describe('watch on a terminal, in-process', () => {
  it('draws on the alternate screen with the cursor hidden, and on stop restores both and leaves the last figures', async () => {
    let out = '';
    let stop: (() => void) | undefined;
    const io: CliIO = { stdout: { write: (t: string) => (out += t) }, stderr: { write: () => true }, stdoutIsTTY: true, stderrIsTTY: true, env: {} };
    const terminal: WatchTerminal = {
      size: () => ({ columns: 80, rows: 24 }),
      on(events) {
        stop = events.stop;
        return () => (stop = undefined);
      },
    };
    const done = runWatch(['test/fixtures/cli/run.jsonl', '--interval', '100ms'], io, terminal);
    for (let i = 0; i < 200 && !out.includes('peak parallel'); i++) await new Promise((r) => setTimeout(r, 20));
    expect(out.startsWith('\x1b[?1049h\x1b[?25l\x1b[1;1H\x1b[2K\x1b[7minvocation-metrics watch test/fixtures/cli/run.jsonl')).toBe(true);
    expect(out).toContain('\x1b[3;1H\x1b[2Kinvocations  10 ');
    stop!();
    expect(await done).toEqual({ kind: 'ok' });
    expect(stop).toBeUndefined(); // unsubscribed
    // eslint-disable-next-line no-control-regex -- the escape sequences are what is tested
    expect(out).toMatch(/\x1b\[\?25h\x1b\[\?1049l\S+ invocations=10 per_min=0 in_flight=n\/a .* aggregated=10\n$/);
  });
});

describe('watch usage and inputs', () => {
  it.each([
    [[], 2, 'Expected at least one <log|dir>'],
    [['x.jsonl', '--interval', '5'], 2, 'Expected --interval to be at least 100 ms'],
    [['x.jsonl', '--metrics', 'ftp://h/metrics'], 2, 'Expected --metrics to be an http:// or https:// URL'],
    [['x.jsonl', '--jsn'], 2, 'unknown option --jsn'],
    [['no/such.jsonl', '--once'], 1, 'no/such.jsonl: no such file or directory'],
  ])('watch %j exits %i', async (args, code, message) => {
    const r = await runBuiltCli(['watch', ...args]);
    expect(r.code).toBe(code);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe('');
  });

  it('refuses a symbolic link named as the log (exit 1)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'im-watch-link-'));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    fs.symlinkSync(path.join(ROOT, 'test/fixtures/cli/run.jsonl'), path.join(dir, 'l.jsonl'));
    const r = await runBuiltCli(['watch', path.join(dir, 'l.jsonl'), '--once']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${path.join(dir, 'l.jsonl')}: not followed: it is a symbolic link`);
  });

  it('--help documents the command', async () => {
    const r = await runBuiltCli(['watch', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: invocation-metrics watch <log|dir>...');
    expect(r.stdout).toContain('--interval <time>');
  });
});
