/**
 * `diff` and `report --baseline`, run as the built CLI on generated runs: the baseline a log file, the
 * candidate a directory of two logs (the two kinds of input `summarize` takes), with a known change.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAggregator } from '../../src/aggregate/aggregator.js';
import { diffRuns, type DiffSide } from '../../src/diff/compare.js';
import { samplesOfState } from '../../src/diff/samples.js';
import type { InvocationMetric } from '../../src/record.js';
import { tempDir } from '../helpers/records.js';
import { FLEET, generateRun, writeRun } from '../helpers/runs.js';
import { ensureBuilt, runBuiltCli } from './helpers/built-cli.js';

const tmp = tempDir('im-diff-');
const BASE = path.join(tmp.dir, 'base.jsonl');
const CAND = path.join(tmp.dir, 'cand');
const SAME = path.join(tmp.dir, 'same.jsonl');
const EMPTY = path.join(tmp.dir, 'empty.jsonl');
const LONG = path.join(tmp.dir, 'long.jsonl');
const EARLY = path.join(tmp.dir, 'early.jsonl');
const DAY = 86_400_000;
let baseRecords: InvocationMetric[];
let candRecords: InvocationMetric[];

const sideOf = (records: readonly InvocationMetric[]): DiffSide => {
  const aggregator = createAggregator();
  for (const r of records) aggregator.add(r);
  return { aggregate: aggregator.result(), samples: samplesOfState(aggregator.serialize()) };
};

beforeAll(async () => {
  baseRecords = generateRun({ seed: 1, tasksPerAgent: 600 });
  candRecords = generateRun({ seed: 2, tasksPerAgent: 600, changes: { coder: { medianMs: FLEET.coder!.medianMs * 1.3 }, tester: { infraFailure: FLEET.tester!.infraFailure * 2 } } });
  writeRun(BASE, baseRecords);
  fs.mkdirSync(CAND);
  // Split by agent into two files: the directory's files are read in path order, a-*.jsonl first.
  writeRun(path.join(CAND, 'a-coder.jsonl'), candRecords.filter((r) => r.agent === 'coder'));
  writeRun(path.join(CAND, 'b-rest.jsonl'), candRecords.filter((r) => r.agent !== 'coder'));
  candRecords = [...candRecords.filter((r) => r.agent === 'coder'), ...candRecords.filter((r) => r.agent !== 'coder')];
  writeRun(SAME, generateRun({ seed: 3, tasksPerAgent: 600 }));
  fs.writeFileSync(EMPTY, '');
  // 200 days of one-minute buckets would be 288,000 buckets: more than an aggregate may hold.
  writeRun(LONG, baseRecords.map((r, i) => ({ ...r, timestamp: new Date(Date.parse(r.timestamp) + (i % 2) * 200 * DAY).toISOString() })));
  // The baseline a month before the candidate.
  writeRun(EARLY, baseRecords.map((r) => ({ ...r, timestamp: new Date(Date.parse(r.timestamp) - 30 * DAY).toISOString() })));
  await ensureBuilt();
});
afterAll(() => tmp.cleanup());

describe('diff', () => {
  it('reads state files (summarize --state) as sides: the same rows as from the logs', async () => {
    const baseState = path.join(tmp.dir, 'base.state');
    const candState = path.join(tmp.dir, 'cand.state');
    expect((await runBuiltCli(['summarize', BASE, '--state', baseState])).code).toBe(0);
    expect((await runBuiltCli(['summarize', CAND, '--state', candState])).code).toBe(0);
    const fromLogs = JSON.parse((await runBuiltCli(['diff', BASE, CAND, '--json'])).stdout) as { rows: unknown[]; flagged: number };
    const fromStates = await runBuiltCli(['diff', baseState, candState, '--json']);
    expect(fromStates.code).toBe(0);
    const parsed = JSON.parse(fromStates.stdout) as { rows: unknown[]; flagged: number };
    expect(parsed.rows).toEqual(fromLogs.rows);
    expect(parsed.flagged).toBeGreaterThan(0);
    // A state and a log side mix too.
    expect(JSON.parse((await runBuiltCli(['diff', baseState, CAND, '--json'])).stdout).rows).toEqual(fromLogs.rows);
  });

  it('--json: the rows of diffRuns over the same records, the inputs, and exactly the known change beyond noise', async () => {
    const r = await runBuiltCli(['diff', BASE, CAND, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    const expected = diffRuns(sideOf(baseRecords), sideOf(candRecords));
    expect(json).toEqual({
      ...JSON.parse(JSON.stringify(expected)),
      inputs: { baseline: { path: BASE, files: [BASE], skipped: 0 }, candidate: { path: CAND, files: [path.join(CAND, 'a-coder.jsonl'), path.join(CAND, 'b-rest.jsonl')], skipped: 0 } },
      gates: [],
    });
    const flagged = json.rows.filter((row: { beyondNoise: boolean }) => row.beyondNoise).map((row: { key: string | null; metric: string }) => `${row.key ?? 'total'}:${row.metric}`);
    expect(flagged).toEqual([
      'total:success-rate',
      'total:retries',
      'total:retries.infra',
      ...['p50', 'p90', 'p95', 'p99', 'mean'].map((p) => `coder:duration.${p}`),
      'tester:success-rate',
      'tester:retries',
      'tester:retries.infra',
    ]);
  });

  it('text: both inputs, the verdict and the tables, "yes" on exactly the flagged rows', async () => {
    const r = await runBuiltCli(['diff', BASE, CAND]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`baseline : ${BASE} (3,324 invocations in 1 file)\ncandidate: ${CAND} (3,433 invocations in 2 files)\n`);
    expect(r.stdout).toContain('11 rows beyond noise: 61 tests at a family-wise level of 0.05 (Holm)');
    expect(r.stdout.split('\n').filter((line) => line.endsWith('  yes'))).toHaveLength(11);
    expect(r.stdout).toMatch(/\ncoder +duration\.p50 +20\.3 s +26\.1 s +\+5\.8 s \(\+28\.7%\) +<0\.001 +yes\n/);
    expect(r.stdout).toMatch(/\nreviewer +duration\.p50 .* 1\.000\n/);
  });

  it('--agent keeps the same agents in both runs', async () => {
    const r = await runBuiltCli(['diff', BASE, CAND, '--json', '--agent', 'coder', '--agent', 'docs']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect([...new Set(json.rows.filter((row: { scope: string }) => row.scope === 'agent').map((row: { key: string }) => row.key))]).toEqual(['coder', 'docs']);
    const invocations = json.rows.find((row: { scope: string; metric: string }) => row.scope === 'total' && row.metric === 'invocations');
    expect(invocations.baseline).toBe(baseRecords.filter((x) => x.agent === 'coder' || x.agent === 'docs').length);
  });

  it('two runs of the same distributions: nothing beyond noise', async () => {
    const r = await runBuiltCli(['diff', BASE, SAME, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).flagged).toBe(0);
  });

  it('--fail-on: exit 4 with the diff printed and each tripped gate named; 0 when none trips', async () => {
    const r = await runBuiltCli(['diff', BASE, CAND, '--fail-on', 'cost+10%,p95@coder+20%,retries.infra+5,success-rate-5pp']);
    expect(r.code).toBe(4);
    expect(r.stdout).toContain('11 rows beyond noise');
    expect(r.stderr).toBe(
      'invocation-metrics: --fail-on tripped: p95@coder+20% (coder duration.p95 +14.5 s (+39.9%): 36.4 s to 50.9 s); ' +
        'retries.infra+5 (retries.infra +92 (+51.7%): 178 to 270)\n',
    );
    const json = await runBuiltCli(['diff', BASE, CAND, '--json', '--fail-on', 'cost+10%,retries.infra+5']);
    expect(json.code).toBe(4);
    expect(JSON.parse(json.stdout).gates).toEqual([
      { gate: 'cost+10%', metric: 'cost', agent: null, baseline: expect.any(Number), candidate: expect.any(Number), tripped: false },
      { gate: 'retries.infra+5', metric: 'retries.infra', agent: null, baseline: 178, candidate: 270, tripped: true },
    ]);
    const passing = await runBuiltCli(['diff', BASE, CAND, '--fail-on', 'cost+10%,p95@coder+50%,success-rate-5pp']);
    expect(passing.code).toBe(0);
    expect(passing.stderr).toBe('');
  });

  it('usage errors (exit 2) name the bad part; nothing on stdout', async () => {
    const cases: [string[], string][] = [
      [['diff', BASE, CAND, '--fail-on', 'cost+10%,latency+5%'], "invocation-metrics: Bad --fail-on item 'latency+5%': unknown metric 'latency'"],
      [['diff', BASE, CAND, '--fail-on', 'p95@codr+20%'], "invocation-metrics: --fail-on p95@codr+20%: no agent 'codr' in either run\n"],
      [['diff', BASE], 'invocation-metrics: Expected two paths, <baseline> <candidate>, got 1\n'],
      [['diff', BASE, CAND, '--alpha', '2'], "invocation-metrics: Expected --alpha to be a number between 0 and 1 (exclusive), e.g. 0.01, got '2'\n"],
      [['diff', BASE, CAND, '--min-change', '5'], "invocation-metrics: Expected --min-change to be a percentage, e.g. 5%, got '5'\n"],
      [['diff', BASE, CAND, '--bucket', '1m'], 'invocation-metrics: unknown option --bucket'],
    ];
    for (const [args, message] of cases) {
      const r = await runBuiltCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout, args.join(' ')).toBe('');
      expect(r.stderr.startsWith(message), `${args.join(' ')}: ${r.stderr}`).toBe(true);
      expect(r.stderr).toContain("Run 'invocation-metrics diff --help' for usage.");
    }
  });

  it('a missing side is exit 1, a side without records exit 3, as summarize', async () => {
    const missing = await runBuiltCli(['diff', BASE, path.join(tmp.dir, 'nope.jsonl')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`invocation-metrics: ${path.join(tmp.dir, 'nope.jsonl')}: no such file or directory\n`);
    const empty = await runBuiltCli(['diff', EMPTY, BASE]);
    expect(empty.code).toBe(3);
    expect(empty.stdout).toBe('');
  });

  it('a run spanning months reads with a bucket width that fits (diff shows no series)', async () => {
    const r = await runBuiltCli(['diff', LONG, LONG, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).flagged).toBe(0);
  });

  it('--help documents the method, the gates and exit code 4; the global help lists diff', async () => {
    const help = await runBuiltCli(['diff', '--help']);
    expect(help.code).toBe(0);
    for (const text of ['Mann-Whitney U', 'Holm', '--fail-on <gates>', '4 a --fail-on gate tripped']) expect(help.stdout).toContain(text);
    expect((await runBuiltCli(['--help'])).stdout).toContain('diff <baseline> <candidate>');
  });
});

describe('report --baseline', () => {
  it('writes the comparison into the Markdown and the HTML report', async () => {
    const md = path.join(tmp.dir, 'r.md');
    const html = path.join(tmp.dir, 'r.html');
    expect((await runBuiltCli(['report', CAND, '--baseline', BASE, '--out', md])).code).toBe(0);
    expect((await runBuiltCli(['report', CAND, '--baseline', BASE, '--out', html])).code).toBe(0);
    const text = fs.readFileSync(md, 'utf8');
    expect(text).toContain(`## Compared with the baseline\n\nBaseline: ${BASE}. 11 rows beyond noise`);
    expect(text).toContain('| coder | duration.p50 | 20.3 s | 26.1 s | +5.8 s (+28.7%) | &lt;0.001 | yes |');
    expect(fs.readFileSync(html, 'utf8')).toContain('<td>coder</td><td>duration.p50</td><td class="num">20.3 s</td><td class="num">26.1 s</td>');
    // --since chooses the report's window; the baseline, which ran at another time, is read whole.
    const since = await runBuiltCli(['report', CAND, '--baseline', EARLY, '--since', '2026-11-20T09:00:00Z', '--out', md]);
    expect(since.code).toBe(0);
    expect(fs.readFileSync(md, 'utf8')).toContain('| invocations | 3,324 | 3,433 |');
    const missing = await runBuiltCli(['report', CAND, '--baseline', path.join(tmp.dir, 'nope'), '--out', md]);
    expect(missing.code).toBe(1);
  });
});
