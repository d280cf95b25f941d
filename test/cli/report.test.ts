/**
 * `report`, run as the built CLI: the Markdown report as a stored expected output, the HTML file, and the
 * usage errors of --out.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runBuiltCli } from './helpers/built-cli.js';

const RUN = 'test/fixtures/cli/run.jsonl';
const HOSTILE = 'test/fixtures/cli/hostile.jsonl';
let dir: string;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'im-report-'));
  await ensureBuilt();
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('report --out FILE.md', () => {
  it('writes the tables and a mermaid Gantt block (stored expected output)', async () => {
    const out = path.join(dir, 'run.md');
    const r = await runBuiltCli(['report', RUN, '--out', out, '--title', 'Fixture run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('skipped 2 malformed lines');
    expect(r.stderr).toContain(`wrote ${out}`);
    const md = await fs.readFile(out, 'utf8');
    await expect(md).toMatchFileSnapshot('./__snapshots__/report-run.md');
    expect(md).toMatch(/```mermaid\ngantt\n/);
    expect(md).toContain(':crit, active, t'); // a failed retry carries both marks
  });

  it('shows a documented subset with --gantt-limit and says so', async () => {
    const out = path.join(dir, 'limited.md');
    const r = await runBuiltCli(['report', RUN, '-o', out, '--gantt-limit', '4']);
    expect(r.code).toBe(0);
    const md = await fs.readFile(out, 'utf8');
    expect(md).toContain('Showing 4 of 10 invocations: failures and retries first, then the longest');
    const gantt = md.slice(md.indexOf('```mermaid'));
    expect(gantt.match(/ :.*t\d+, \d+, \d+$/gm)).toHaveLength(4);
    // The 4 failures and retries rank first; inv-08 is both.
    for (const id of ['inv-03', 'inv-07', 'inv-08', 'inv-09']) expect(gantt).toContain(id);
  });

  it('keeps hostile agent names from breaking tables and the diagram', async () => {
    const out = path.join(dir, 'hostile.md');
    expect((await runBuiltCli(['report', HOSTILE, '--out', out])).code).toBe(0);
    const md = await fs.readFile(out, 'utf8');
    expect(md).not.toContain('<img');
    expect(md).not.toContain('<script');
    expect(md).toContain('| pipe\\|agent |');
    expect(md).toContain('\\`tick\\` agent');
    const gantt = md.slice(md.indexOf('```mermaid') + 10, md.lastIndexOf('```'));
    expect(gantt).not.toContain('`');
    expect(gantt).toContain('section img src=x onerror=alert(1)');
    expect(gantt).toContain('P2 h-4 title x'); // `:` `;` `#` stripped, the keyword behind a prefix
  });
});

describe('report --out FILE.html', () => {
  it('writes one self-contained document with the charts', async () => {
    const out = path.join(dir, 'run.html');
    const r = await runBuiltCli(['report', RUN, HOSTILE, '--out', out]);
    expect(r.code).toBe(0);
    const html = await fs.readFile(out, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    for (const id of ['chart-parallelism', 'chart-timeline', 'chart-cost-agent', 'chart-tokens-phase', 'chart-duration-agent', 'chart-retries-agent', 'chart-escalations'])
      expect(html).toContain(`id="${id}"`);
    expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//); // nothing to fetch
    expect(html).not.toContain('<img');
  });
});

describe('report usage errors and bad input', () => {
  it.each([
    ['no --out', ['report', RUN], 'Expected --out'],
    ['an unknown extension', ['report', RUN, '--out', 'r.pdf'], "got 'r.pdf'"],
    ['a bad --gantt-limit', ['report', RUN, '--out', 'r.md', '--gantt-limit', '-1'], "'--gantt-limit"],
    ['an unknown flag', ['report', RUN, '--out', 'r.md', '--open'], 'unknown option --open'],
  ])('%s exits 2', async (_name, args, message) => {
    const r = await runBuiltCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it('a missing input exits 1 and writes nothing', async () => {
    const out = path.join(dir, 'never.md');
    const r = await runBuiltCli(['report', 'missing.jsonl', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('missing.jsonl');
    await expect(fs.stat(out)).rejects.toThrow();
  });

  it('--strict with a malformed line exits 1 and writes nothing', async () => {
    const out = path.join(dir, 'strict.md');
    const r = await runBuiltCli(['report', RUN, '--strict', '--out', out]);
    expect(r.code).toBe(1);
    await expect(fs.stat(out)).rejects.toThrow();
  });

  it('an output in a missing directory exits 1', async () => {
    const r = await runBuiltCli(['report', RUN, '--out', path.join(dir, 'no/such/dir/r.md')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot write');
  });
});
