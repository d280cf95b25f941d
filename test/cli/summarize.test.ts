/**
 * `summarize`, run as the built CLI on the fixtures: stored expected outputs, filters, shards, errors.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { computeAggregate } from '../../src/aggregate/index.js';
import { loadLog } from '../../src/log/reader.js';
import { ensureBuilt, ROOT, runBuiltCli } from './helpers/built-cli.js';

const RUN = 'test/fixtures/cli/run.jsonl';
const SHARD_A = 'test/fixtures/cli/shards/a.jsonl';
const SHARD_B = 'test/fixtures/cli/shards/b.jsonl';

beforeAll(async () => {
  await ensureBuilt();
});

describe('summarize output', () => {
  it('prints aligned text tables when stdout is not a TTY, warnings and the skipped count on stderr', async () => {
    const r = await runBuiltCli(['summarize', RUN]);
    expect(r.code).toBe(0);
    await expect(r.stdout).toMatchFileSnapshot('./__snapshots__/summarize-run.txt');
    expect(r.stdout).not.toContain('\x1b['); // no colour off a TTY
    expect(r.stderr).toBe(
      `${RUN}:5: malformed JSON (Unexpected token 'h', "this line i"... is not valid JSON)\n` +
        `${RUN}:12: invalid record: Expected \`phase\` to be an integer >= 0, got \`-1\` (number)\n` +
        'skipped 2 malformed lines\n',
    );
  });

  it('--table prints the same tables', async () => {
    const [plain, table] = await Promise.all([runBuiltCli(['summarize', RUN]), runBuiltCli(['summarize', '--table', RUN])]);
    expect(table.stdout).toBe(plain.stdout);
  });

  it('--json prints the aggregate, equal to computeAggregate over the valid records', async () => {
    const r = await runBuiltCli(['summarize', RUN, '--json', '--bucket', '30s']);
    expect(r.code).toBe(0);
    await expect(r.stdout).toMatchFileSnapshot('./__snapshots__/summarize-run.json');
    const { records } = await loadLog(path.join(ROOT, RUN));
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(JSON.stringify(computeAggregate(records, { bucketMs: 30_000 }))));
    expect(JSON.parse(r.stdout).bucketMs).toBe(30_000);
  });

  it('accepts the bucket units ms, s, m and a bare number of ms', async () => {
    for (const [flag, ms] of [['500ms', 500], ['2m', 120_000], ['1.5s', 1500], ['250', 250]] as const) {
      const r = await runBuiltCli(['summarize', RUN, '--json', `--bucket=${flag}`]);
      expect(r.code, flag).toBe(0);
      expect(JSON.parse(r.stdout).bucketMs, flag).toBe(ms);
    }
  });

  it('filters with --since (inclusive), --until (exclusive) and a repeatable --agent', async () => {
    const { records } = await loadLog(path.join(ROOT, RUN));
    const since = Date.parse('2026-11-20T09:00:16Z'); // inv-04 starts exactly here (written as 10:00:16+01:00)
    const until = Date.parse('2026-11-20T09:01:50Z'); // inv-09 starts exactly here
    const r = await runBuiltCli(['summarize', RUN, '--json', '--since', '2026-11-20T10:00:16+01:00', '--until', '2026-11-20T09:01:50Z', '--agent', 'coder', '--agent', 'reviewer']);
    expect(r.code).toBe(0);
    const expected = records.filter((m) => {
      const t = Date.parse(m.timestamp);
      return ['coder', 'reviewer'].includes(m.agent) && t >= since && t < until;
    });
    expect(expected.map((m) => m.invocationId)).toEqual(['inv-04', 'inv-05', 'inv-07']);
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(JSON.stringify(computeAggregate(expected))));
  });

  it('merges shards exactly: the summary of a shard pair equals the summary of their concatenation', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'im-cli-'));
    try {
      const all = path.join(dir, 'all.jsonl');
      await fs.writeFile(all, (await fs.readFile(path.join(ROOT, SHARD_A), 'utf8')) + (await fs.readFile(path.join(ROOT, SHARD_B), 'utf8')));
      const [shards, concatenated, directory] = await Promise.all([
        runBuiltCli(['summarize', '--json', '--bucket', '10s', SHARD_A, SHARD_B]),
        runBuiltCli(['summarize', '--json', '--bucket', '10s', all]),
        runBuiltCli(['summarize', '--json', '--bucket', '10s', 'test/fixtures/cli/shards']),
      ]);
      expect(shards.code).toBe(0);
      const merged = JSON.parse(shards.stdout);
      expect(merged).toEqual(JSON.parse(concatenated.stdout));
      expect(JSON.parse(directory.stdout)).toEqual(merged); // a directory is its *.jsonl, sorted
      // The retry in b.jsonl finds its previous attempt in a.jsonl: an infra retry and an escalation.
      expect(merged).toMatchObject({ totalInvocations: 7, totalRetries: 2, infraRetries: 1, escalationCount: 1 });
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

describe('summarize failures and exit codes', () => {
  it('a missing file exits 1 and names the file', async () => {
    const r = await runBuiltCli(['summarize', RUN, 'no/such/log.jsonl']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('no/such/log.jsonl');
  });

  it('--strict makes the first malformed line fatal (exit 1, file:line in the message)', async () => {
    const r = await runBuiltCli(['summarize', '--strict', RUN]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${RUN}:5: malformed JSON`);
    expect(r.stderr).not.toContain(':12:');
  });

  it('--strict on a clean log succeeds', async () => {
    const r = await runBuiltCli(['summarize', '--strict', '--json', SHARD_A]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('a directory without *.jsonl files exits 1', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'im-cli-'));
    try {
      const r = await runBuiltCli(['summarize', dir]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`${dir}: directory holds no *.jsonl files`);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['an unknown flag', ['summarize', RUN, '--frobnicate'], 'unknown option --frobnicate'],
    ['a bad --bucket', ['summarize', RUN, '--bucket', '30x'], "got '30x'"],
    ['a zero --bucket', ['summarize', RUN, '--bucket', '0'], "got '0'"],
    ['a fractional millisecond --bucket', ['summarize', RUN, '--bucket', '0.5ms'], "got '0.5ms'"],
    ['a --since without a zone', ['summarize', RUN, '--since', '2026-11-20T09:00'], 'with a zone'],
    ['a missing option value', ['summarize', RUN, '--bucket'], "'--bucket"],
    ['no input', ['summarize'], 'at least one'],
    ['--json with --table', ['summarize', RUN, '--json', '--table'], 'cannot be combined'],
    ['an unknown command', ['summarise', RUN], "Unknown command 'summarise'"],
  ])('%s is a usage error (exit 2)', async (_name, args, message) => {
    const r = await runBuiltCli(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain('--help');
  });
});

describe('help, version, progress', () => {
  it('--version prints the version of package.json', async () => {
    const pkg = JSON.parse(await fs.readFile(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = await runBuiltCli(['--version']);
    expect(r).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  it.each([[['--help']], [['summarize', '--help']], [['report', '--help']]])('%j prints help on stdout, exit 0', async (args) => {
    const r = await runBuiltCli(args);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: invocation-metrics/);
  });

  it('no arguments print the help on stderr, exit 2', async () => {
    const r = await runBuiltCli([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^Usage:/);
  });

  it('--progress reports bytes read on stderr, never on stdout, also with --json', async () => {
    const size = (await fs.stat(path.join(ROOT, SHARD_A))).size + (await fs.stat(path.join(ROOT, SHARD_B))).size;
    const r = await runBuiltCli(['summarize', '--json', '--progress', SHARD_A, SHARD_B]);
    expect(r.code).toBe(0);
    expect(() => JSON.parse(r.stdout)).not.toThrow();
    expect(r.stderr).toContain(`progress: read ${(size / 1e6).toFixed(1)} MB of ${(size / 1e6).toFixed(1)} MB (100%) ${SHARD_B}`);
    // Without --progress and without a TTY there is none.
    expect((await runBuiltCli(['summarize', '--json', SHARD_A])).stderr).toBe('');
  });
});
