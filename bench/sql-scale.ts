/**
 * Scale figures of the exact SQL (BENCHMARKS.md, "Exact SQL"): `summarize --json` (the built CLI) against
 * DuckDB and chDB running `invocation-metrics sql` over the same JSONL files, and the state-file path
 * (`summarize --state`, one state per file as each host writes it, then `summarize *.state --json`, the
 * merge), each in its own process under `/usr/bin/time -v` (wall time and peak RSS), all alternating, run
 * after run. Each result's JSON is checked against summarize's (numbers within 1e-9 relative) so that a
 * figure is never of a wrong answer. Per million records: the table divides by the records the files hold.
 *
 * Usage: `tsx bench/sql-scale.ts <runs> <file>...` (the files are given to the engines as one glob: pass
 * files named so that `<dir>/<prefix>*.jsonl` matches exactly them, in order).
 *
 * @module
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [runsText, ...files] = process.argv.slice(2);
const runs = Number(runsText);
if (!(runs >= 1) || files.length === 0) {
  console.error('usage: tsx bench/sql-scale.ts <runs> <file>...');
  process.exit(2);
}
const glob = files.length === 1 ? files[0]! : path.join(path.dirname(files[0]!), `${commonPrefix(files.map((f) => path.basename(f)))}*.jsonl`);

function commonPrefix(names: string[]): string {
  let p = names[0]!;
  for (const n of names) while (!n.startsWith(p)) p = p.slice(0, -1);
  return p;
}

/** Runs a command under /usr/bin/time -v; returns stdout, wall seconds and peak RSS in MB. */
function measure(command: string[]): { out: string; seconds: number; rssMb: number } {
  const started = performance.now();
  const r = spawnSync('/usr/bin/time', ['-v', ...command], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 30 });
  const seconds = (performance.now() - started) / 1000;
  if (r.status !== 0) throw new Error(`${command.join(' ')} failed: ${r.stderr.slice(-2000)}`);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  return { out: r.stdout, seconds, rssMb: Number(rss?.[1] ?? 0) / 1024 };
}

function close(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => close(x, b[i]));
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => close((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return a === b;
}

execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
const node = process.execPath;
const tsx = path.join(ROOT, 'node_modules/tsx/dist/cli.mjs');
const stateDir = mkdtempSync(path.join(tmpdir(), 'im-sql-scale-'));
const states = files.map((f, k) => path.join(stateDir, `${String(k).padStart(4, '0')}-${path.basename(f, '.jsonl')}.state`));
const cli = (...args: string[]): string[] => [node, 'dist/cli/main.js', ...args];
// Each case: its command, and whether its stdout is the aggregate's JSON (checked) or not (the map steps).
const cases: [string, string[][], boolean][] = [
  ['summarize --json', [cli('summarize', ...files, '--json')], true],
  ['DuckDB exact SQL', [[node, tsx, 'bench/sql-engine.ts', 'duckdb', glob]], true],
  ['chDB exact SQL', [[node, tsx, 'bench/sql-engine.ts', 'clickhouse', glob]], true],
  // The map: one process per file (a host each), timed together; RSS is the largest of them.
  ['state files: map (`summarize FILE --state F.state`, one per file)', files.map((f, k) => cli('summarize', f, '--state', states[k]!)), false],
  ['state files: merge (`summarize *.state --json`)', [cli('summarize', ...states, '--json')], true],
];
const results = new Map<string, { seconds: number[]; rssMb: number[] }>(cases.map(([name]) => [name, { seconds: [], rssMb: [] }]));
let reference: unknown;
let records = 0;
try {
  for (let run = 0; run < runs; run++) {
    for (const [name, commands, checked] of cases) {
      let seconds = 0;
      let rssMb = 0;
      for (const command of commands) {
        const m = measure(command);
        seconds += m.seconds;
        rssMb = Math.max(rssMb, m.rssMb);
        if (!checked) continue;
        const value: unknown = JSON.parse(m.out);
        if (reference === undefined) {
          reference = value;
          records = (value as { totalInvocations: number }).totalInvocations;
        } else if (!close(reference, value)) throw new Error(`${name} does not equal summarize --json`);
      }
      results.get(name)!.seconds.push(seconds);
      results.get(name)!.rssMb.push(rssMb);
      console.error(`run ${run + 1}: ${name}: ${seconds.toFixed(1)} s, ${rssMb.toFixed(0)} MB`);
    }
  }
  const stateBytes = states.reduce((sum, f) => sum + statSync(f).size, 0);
  const logBytes = files.reduce((sum, f) => sum + statSync(f).size, 0);
  const perM = 1e6 / records;
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const base = median(results.get('summarize --json')!.seconds);
  console.log(`${records} records in ${files.length} file(s), ${(logBytes / 1e6).toFixed(0)} MB of JSONL; per million records:\n`);
  console.log(`| path | wall per 1M records, median of ${runs} [min, max] | x summarize | peak RSS, median (of the run, not per 1M) | bytes kept per 1M records |\n|---|---|---|---|---|`);
  for (const [name, r] of results) {
    const sorted = [...r.seconds].sort((a, b) => a - b);
    const kept = name.startsWith('state files: map') ? `${((stateBytes * perM) / 1e6).toFixed(1)} MB of state` : name.startsWith('state files: merge') ? '(reads the states)' : `${((logBytes * perM) / 1e6).toFixed(0)} MB of log`;
    console.log(
      `| ${name} | ${(median(r.seconds) * perM).toFixed(2)} s [${(sorted[0]! * perM).toFixed(2)}, ${(sorted.at(-1)! * perM).toFixed(2)}] | ` +
        `${(median(r.seconds) / base).toFixed(2)}x | ${median(r.rssMb).toFixed(0)} MB | ${kept} |`,
    );
  }
} finally {
  rmSync(stateDir, { recursive: true, force: true });
}
