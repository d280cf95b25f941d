/**
 * The CLI's relaunch with transparent huge pages (src/cli/huge-pages.ts): the decision as a function, then
 * the built executable on this machine, whose starts are seen by a `--require`d probe that writes each
 * start's pid and `GLIBC_TUNABLES` into a file (`process.execve` keeps the pid and the environment's
 * `NODE_OPTIONS`, so a relaunch shows as two starts of one pid).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HUGE_PAGES_ENV, HUGE_PAGES_MIN_BYTES, hugePagesEnv, runsOnGlibc, transparentHugePageMode, type HugePagesFacts } from '../../src/cli/huge-pages.js';
import { metric, tempDir } from '../helpers/records.js';
import { ensureBuilt, runBuiltCli } from './helpers/built-cli.js';

const big = HUGE_PAGES_MIN_BYTES;
/** The facts of a relaunch, `thpMode` and `glibc` given as values. */
const facts = (patch: Partial<Omit<HugePagesFacts, 'thpMode' | 'glibc'>> & { thpMode?: string | undefined; glibc?: boolean } = {}): HugePagesFacts => {
  const { thpMode, glibc, ...rest } = { thpMode: 'madvise', glibc: true, ...patch };
  return { bytes: big, env: {}, platform: 'linux', ...rest, thpMode: () => thpMode, glibc: () => glibc };
};

describe('hugePagesEnv', () => {
  it('sets the tunable for a summarize of 256 MiB or more on Linux, glibc, huge pages in madvise mode', () => {
    expect(hugePagesEnv(facts({ env: { PATH: '/bin' } }))).toEqual({ PATH: '/bin', GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' });
    expect(hugePagesEnv(facts({ bytes: big - 1 }))).toBeUndefined();
    expect(hugePagesEnv(facts({ bytes: 0 }))).toBeUndefined();
  });

  it('keeps the tunables already set, and a hugetlb setting of the user', () => {
    expect(hugePagesEnv(facts({ env: { GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' } }))?.GLIBC_TUNABLES).toBe('glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1');
    // Also what stops the started process from starting itself again.
    expect(hugePagesEnv(facts({ env: { GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' } }))).toBeUndefined();
    expect(hugePagesEnv(facts({ env: { GLIBC_TUNABLES: 'glibc.malloc.arena_max=2:glibc.malloc.hugetlb=0' } }))).toBeUndefined();
  });

  it('does nothing where it cannot help: another system, musl, huge pages always or never or unknown', () => {
    expect(hugePagesEnv(facts({ platform: 'darwin' }))).toBeUndefined();
    expect(hugePagesEnv(facts({ glibc: false }))).toBeUndefined();
    for (const thpMode of ['always', 'never', undefined]) expect(hugePagesEnv(facts({ thpMode }))).toBeUndefined();
  });

  it(`follows ${HUGE_PAGES_ENV}: off never, on at any size of a summarize that scans, anything else by size`, () => {
    expect(hugePagesEnv(facts({ env: { [HUGE_PAGES_ENV]: 'off' } }))).toBeUndefined();
    expect(hugePagesEnv(facts({ bytes: 1, env: { [HUGE_PAGES_ENV]: 'on' } }))?.GLIBC_TUNABLES).toBe('glibc.malloc.hugetlb=1');
    expect(hugePagesEnv(facts({ bytes: 0, env: { [HUGE_PAGES_ENV]: 'on' } }))).toBeUndefined();
    expect(hugePagesEnv(facts({ bytes: 1, env: { [HUGE_PAGES_ENV]: 'auto' } }))).toBeUndefined();
    expect(hugePagesEnv(facts({ env: { [HUGE_PAGES_ENV]: 'auto' } }))).toBeDefined();
  });
});

describe("this machine's facts", () => {
  it('reads the huge page mode as the kernel shows it', () => {
    const file = '/sys/kernel/mm/transparent_hugepage/enabled';
    if (!fs.existsSync(file)) expect(transparentHugePageMode()).toBeUndefined();
    else expect(fs.readFileSync(file, 'latin1')).toContain(`[${transparentHugePageMode()!}]`);
  });

  it("tells glibc as Node's own report does", () => {
    const header = (process.report.getReport() as { header: { glibcVersionRuntime?: string } }).header;
    expect(runsOnGlibc()).toBe(process.platform === 'linux' && header.glibcVersionRuntime !== undefined);
  });
});

describe('the built CLI', () => {
  let dir: string;
  let cleanup: () => void;
  let log: string;
  let probe: string;
  // Whether a relaunch can happen here at all (Linux, glibc, madvise), with nothing set by the caller.
  const possible = process.platform === 'linux' && runsOnGlibc() && transparentHugePageMode() === 'madvise' && !(process.env.GLIBC_TUNABLES ?? '').includes('glibc.malloc.hugetlb');

  beforeAll(async () => {
    ({ dir, cleanup } = tempDir('im-huge-pages-'));
    log = path.join(dir, 'run.jsonl');
    const records = Array.from({ length: 40 }, (_, i) => metric({ invocationId: `i-${i}`, agent: i % 3 === 0 ? 'planner' : 'coder', attempt: 1 + (i % 2), success: i % 5 !== 0 }));
    fs.writeFileSync(log, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    probe = path.join(dir, 'probe.cjs');
    fs.writeFileSync(probe, `require('node:fs').appendFileSync(${JSON.stringify(path.join(dir, 'starts'))}, process.pid + ' ' + (process.env.GLIBC_TUNABLES ?? '-') + '\\n');`);
    await ensureBuilt();
  }, 180_000);
  afterAll(() => cleanup());

  /** The CLI's run and each of its starts as [pid, GLIBC_TUNABLES or '-']. */
  const run = async (mode: string, args: string[]) => {
    fs.rmSync(path.join(dir, 'starts'), { force: true });
    const result = await runBuiltCli(args, { env: { [HUGE_PAGES_ENV]: mode, NODE_OPTIONS: `--require ${probe}`, GLIBC_TUNABLES: undefined } });
    const starts = fs.readFileSync(path.join(dir, 'starts'), 'utf8').trim().split('\n').map((line) => line.split(' '));
    return { ...result, starts };
  };

  it('starts itself again with the tunable, same pid, same output and exit code, where it can (else once)', async () => {
    const on = await run('on', ['summarize', '--json', log]);
    const off = await run('off', ['summarize', '--json', log]);
    expect(off.starts).toHaveLength(1);
    expect(off.starts[0]![1]).toBe('-');
    if (possible) {
      expect(on.starts).toHaveLength(2);
      expect(on.starts[1]![0]).toBe(on.starts[0]![0]);
      expect(on.starts.map((s) => s[1])).toEqual(['-', 'glibc.malloc.hugetlb=1']);
    } else expect(on.starts).toHaveLength(1);
    expect(on.code).toBe(0);
    expect(on.stderr).toBe(off.stderr);
    expect(JSON.parse(on.stdout)).toEqual(JSON.parse(off.stdout));
    expect((JSON.parse(on.stdout) as { totalInvocations: number }).totalInvocations).toBe(40);
  });

  it('keeps the exit code of a failing run, and starts once for a small summarize or another command', async () => {
    const bad = path.join(dir, 'bad.jsonl');
    fs.writeFileSync(bad, fs.readFileSync(log, 'utf8') + '{"not":"a record"}\n');
    const on = await run('on', ['summarize', '--strict', bad]);
    const off = await run('off', ['summarize', '--strict', bad]);
    expect(on.code).toBe(1);
    expect(off.code).toBe(1);
    expect(on.stderr).toBe(off.stderr);
    expect(on.starts).toHaveLength(possible ? 2 : 1);
    expect((await run('auto', ['summarize', '--json', log])).starts).toHaveLength(1);
    expect((await run('on', ['report', log, '--out', path.join(dir, 'r.md')])).starts).toHaveLength(1);
  });
});
