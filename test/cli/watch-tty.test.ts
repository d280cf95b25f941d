/**
 * `watch` in a real pseudo-terminal: the built CLI runs in a private tmux server at 80x24 while a child
 * process records into its log with the library (and serves its in-flight gauge). The screen is read with
 * `capture-pane` and its figures compared with what was recorded, through a torn line completed later, a
 * rotation, a truncation and a rotation of the recording process's own log; Ctrl-C must restore the
 * terminal (alternate screen left, cursor shown) and exit 0. Skipped with the install command when tmux
 * is missing (a failure with REQUIRE_SERVERS=1).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findServer } from '../helpers/servers.js';
import { ensureBuilt, MAIN } from './helpers/built-cli.js';
import { startRecorder } from './helpers/recorder.js';

const tmux = findServer('tmux');

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const record = (id: string, cost: number): string =>
  `${JSON.stringify({ invocationId: id, agent: 'side', phase: 3, durationMs: 500, tokens: 50, cost, exitCode: 0, success: true, attempt: 1, outputParsed: true, timestamp: new Date(Date.now() - 500).toISOString() })}\n`;

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

describe.skipIf(tmux.path === undefined)(tmux.skip ?? 'watch in a real terminal (tmux, 80x24)', () => {
  beforeAll(async () => {
    await ensureBuilt();
  });

  it('shows what a recording process records, follows a torn line, rotations and a truncation, and Ctrl-C restores the terminal', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'im-watch-tty-'));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const socket = path.join(dir, 'tmux.sock');
    const t = (...args: string[]): string => execFileSync(tmux.path!, ['-S', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
    const recorder = await startRecorder(dir);
    cleanups.push(() => recorder.kill());
    const side = path.join(dir, 'side.jsonl');
    fs.writeFileSync(side, record('s1', 0.5));

    // The shell ignores SIGINT, so that Ctrl-C reaches only the CLI (Node resets inherited dispositions
    // at start) and the shell lives on to print the exit code.
    const command = `trap '' INT; ${quote(process.execPath)} ${quote(MAIN)} watch ${quote(dir)} --metrics ${quote(recorder.url)} --interval 200ms; echo "EXIT=$?"; exec sleep 600`;
    t('new-session', '-d', '-x', '80', '-y', '24', '-s', 'w', `env -u NO_COLOR sh -c ${quote(command)}`);
    cleanups.push(() => {
      try {
        t('kill-server');
      } catch {
        // Gone already.
      }
    });
    expect(t('display-message', '-p', '-t', 'w', '#{pane_width}x#{pane_height}').trim()).toBe('80x24');

    const screen = (): string => t('capture-pane', '-p', '-t', 'w');
    const until = async (...patterns: RegExp[]): Promise<string> => {
      let text = '';
      for (let i = 0; i < 400; i++) {
        text = screen();
        if (patterns.every((p) => p.test(text))) return text;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`the screen never showed ${patterns.join(', ')}:\n${text}`);
    };
    /** Waits until the clock in the title has moved twice: at 200 ms, several refreshes have passed. */
    const afterRefreshes = async (): Promise<string> => {
      const clock = (): string => / (\d\d:\d\d:\d\d) UTC$/m.exec(screen())?.[1] ?? '';
      const seen = new Set([clock()]);
      for (let i = 0; i < 200 && seen.size < 3; i++) {
        await new Promise((r) => setTimeout(r, 100));
        seen.add(clock());
      }
      if (seen.size < 3) throw new Error(`the screen stopped refreshing:\n${screen()}`);
      return screen();
    };

    await until(/^invocations {2}1 /m, /^in flight {4}0 \(from the endpoint/m);
    await recorder.send({
      op: 'record',
      records: [
        { taskId: 'T1', errorClass: 'timeout', success: false, exitCode: 1, tier: 'small' },
        { taskId: 'T2', cost: 1 },
      ],
    });
    await recorder.send({ op: 'record', records: [{ taskId: 'T1', attempt: 2, tier: 'large' }] });
    await recorder.send({ op: 'begin', agent: 'reviewer', n: 2 });
    let text = await until(/^invocations {2}4 {3}4\/min {3}success 75\.0% /m, /^in flight {4}2 \(from the endpoint\)$/m);
    expect(text).toMatch(/^cost {9}\$2\.00 {3}\$2\.00\/min \(\$120\.00\/h\)$/m);
    expect(text).toMatch(/^tokens {7}350 {3}350\/min$/m);
    expect(text).toMatch(/^retries {6}1: infra 1, code 0 {3}escalations 1 {3}skipped lines 0$/m);
    expect(text).toMatch(/^coder +3 +66\.7% +\$1\.50 +300 +1\/0 +0$/m);
    expect(text).toMatch(/^reviewer +0 .* 2$/m);
    expect(text).toMatch(/^side +1 +100\.0% +\$0\.5000 +50 +0\/0 +0$/m);
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(80);

    // A torn line: not counted, not warned about, until it is completed.
    const torn = record('s2', 0.5);
    fs.appendFileSync(side, torn.slice(0, 50));
    text = await afterRefreshes();
    expect(text).toMatch(/^invocations {2}4 /m);
    expect(text).toMatch(/skipped lines 0$/m);
    fs.appendFileSync(side, torn.slice(50));
    await until(/^invocations {2}5 /m, /skipped lines 0$/m);

    // Rotation: renamed away (a late write to it still counts), a new file at the path.
    fs.renameSync(side, `${side}.1`);
    fs.appendFileSync(`${side}.1`, record('s3', 0.5));
    fs.writeFileSync(side, record('s4', 0.5));
    await until(/^invocations {2}7 /m, /^! .*side\.jsonl: (replaced by a new file \(rotation\)|moved or deleted)/m);

    // Truncation in place: read again from the start, with a notice.
    fs.truncateSync(side, 0);
    fs.appendFileSync(side, record('s5', 0.5));
    await until(/^invocations {2}8 /m, /^! .*side\.jsonl: truncated/m);

    // The recording process's own log rotated: its writer opens a fresh file; the calls in flight end there.
    fs.renameSync(path.join(dir, 'invocations.jsonl'), path.join(dir, 'invocations.jsonl.1'));
    await recorder.send({ op: 'end' });
    text = await until(/^invocations {2}10 /m, /^in flight {4}0 \(from the endpoint\)$/m);
    expect(text).toMatch(/^cost {9}\$4\.00 /m);
    expect(text).toMatch(/^reviewer +2 +100\.0% /m);

    t('send-keys', '-t', 'w', 'C-c');
    text = await until(/^EXIT=\d+$/m);
    expect(text).toMatch(/^EXIT=0$/m);
    // Back on the normal screen, with the cursor shown, and the last figures left on it.
    expect(t('display-message', '-p', '-t', 'w', '#{alternate_on} #{cursor_flag}').trim()).toBe('0 1');
    expect(text).not.toMatch(/^agent +calls/m);
    expect(text.replace(/\n/g, '')).toMatch(/invocations=10 per_min=\d+ in_flight=0 success=0\.9000 cost_usd=4\.0000 /);
  });
});
