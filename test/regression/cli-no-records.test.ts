/**
 * Regression (issue 20, item 5): zero results were silent. An empty file, an all-garbage file or
 * `--agent nobody` exited 0 with an all-zero summary, and `report` on an empty file wrote a 10 KB report
 * of nothing. The built CLI now says "no records matched" on stderr, prints and writes nothing, and exits
 * 3 ("nothing valid was read", documented in `--help` and the README's CLI section).
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runBuiltCli } from '../cli/helpers/built-cli.js';

const RUN = 'test/fixtures/cli/shards/a.jsonl';
let dir: string;
let empty: string;
let garbage: string;

beforeAll(async () => {
  await ensureBuilt();
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'im-regr-none-'));
  empty = path.join(dir, 'empty.jsonl');
  garbage = path.join(dir, 'garbage.jsonl');
  await fs.writeFile(empty, '');
  await fs.writeFile(garbage, 'not json\n{"agent":"x"}\n');
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('summarize with nothing valid to read', () => {
  it('an empty file exits 3 with "no records matched" and no summary', async () => {
    for (const args of [['summarize', empty], ['summarize', '--json', empty]]) {
      const r = await runBuiltCli(args);
      expect(r).toEqual({ code: 3, stdout: '', stderr: 'invocation-metrics: no records matched: the input holds no valid record\n' });
    }
  });

  it('an all-garbage file: the warnings, then "no records matched", exit 3', async () => {
    const r = await runBuiltCli(['summarize', garbage]);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/skipped 2 malformed lines\ninvocation-metrics: no records matched: the input holds no valid record \(2 malformed lines skipped\)\n$/);
  });

  it('--agent nobody on a good log exits 3 and names the filter', async () => {
    const r = await runBuiltCli(['summarize', RUN, '--agent', 'nobody']);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^invocation-metrics: no records matched: \d+ valid records in 1 file, none kept by --agent nobody\n$/);
  });

  it('--help documents exit code 3', async () => {
    for (const args of [['--help'], ['summarize', '--help'], ['report', '--help']]) expect((await runBuiltCli(args)).stdout).toMatch(/3 no records/);
  });
});

describe('report with nothing valid to read', () => {
  it('writes no report, exits 3', async () => {
    const out = path.join(dir, 'r.html');
    const r = await runBuiltCli(['report', empty, '--out', out]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('no records matched');
    await expect(fs.stat(out)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
