/**
 * The CLI in-process with a fake terminal: what depends on TTY flags and the environment.
 */
import { describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/run.js';

const RUN = 'test/fixtures/cli/shards/a.jsonl';

function fakeIO(tty: { stdout?: boolean; stderr?: boolean }, env: Record<string, string> = {}): CliIO & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout: { write: (s: string) => (io.out += s) },
    stderr: { write: (s: string) => (io.err += s) },
    stdoutIsTTY: tty.stdout ?? false,
    stderrIsTTY: tty.stderr ?? false,
    env,
  };
  return io;
}

describe('runCli on a terminal', () => {
  it('colours the tables on a TTY', async () => {
    const io = fakeIO({ stdout: true });
    expect(await runCli(['summarize', RUN], io)).toBe(0);
    expect(io.out).toContain('\x1b[1mBy agent\x1b[22m');
  });

  it('honours NO_COLOR', async () => {
    const io = fakeIO({ stdout: true }, { NO_COLOR: '1' });
    expect(await runCli(['summarize', RUN], io)).toBe(0);
    expect(io.out).not.toContain('\x1b[');
  });

  it('shows progress when stderr is a TTY, and erases it', async () => {
    const io = fakeIO({ stderr: true });
    expect(await runCli(['summarize', RUN], io)).toBe(0);
    expect(io.err.startsWith('\r\x1b[2Kread ')).toBe(true);
    expect(io.err.endsWith('(100%) test/fixtures/cli/shards/a.jsonl\r\x1b[2K')).toBe(true);
    expect(io.err).not.toContain('\n');
  });

  it('shows no progress with --json unless --progress is given', async () => {
    const quiet = fakeIO({ stderr: true });
    expect(await runCli(['summarize', '--json', RUN], quiet)).toBe(0);
    expect(quiet.err).toBe('');
    const asked = fakeIO({ stderr: true });
    expect(await runCli(['summarize', '--json', '--progress', RUN], asked)).toBe(0);
    expect(asked.err).toContain('(100%)');
  });

  it('reads a file listed twice once, with a note', async () => {
    const once = fakeIO({});
    const twice = fakeIO({});
    await runCli(['summarize', '--json', RUN, 'test/fixtures/cli/shards/b.jsonl'], once);
    await runCli(['summarize', '--json', RUN, 'test/fixtures/cli/shards'], twice);
    expect(twice.out).toBe(once.out);
    expect(twice.err).toBe('test/fixtures/cli/shards/a.jsonl: listed more than once; read once\n');
  });

  it('escapes control characters of agent names in warnings (no terminal injection)', async () => {
    const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const dir = await mkdtemp(path.join(tmpdir(), 'im-run-'));
    try {
      const file = path.join(dir, 'x.jsonl');
      // A raw escape sequence in a line that is not JSON: the parser's message quotes the line.
      await writeFile(file, '\x1b[2J\x1b[31mnot json\n');
      const io = fakeIO({});
      expect(await runCli(['summarize', file], io)).toBe(3); // nothing valid was read
      expect(io.err).toContain(`${file}:1: malformed JSON`);
      expect(io.err).not.toContain('\x1b');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
