/**
 * Scale figures of the exact SQL (BENCHMARKS.md, "Exact SQL"): `summarize --json` (the built CLI) against
 * DuckDB and chDB running `invocation-metrics sql` over the same JSONL files, each in its own process under
 * `/usr/bin/time -v` (wall time and peak RSS), the three alternating, run after run. Each engine's JSON is
 * checked against summarize's (numbers within 1e-9 relative) so that a figure is never of a wrong answer.
 *
 * Usage: `tsx bench/sql-scale.ts <runs> <file>...` (the files are given to the engines as one glob: pass
 * files named so that `<dir>/<prefix>*.jsonl` matches exactly them, in order).
 *
 * @module
 */
import { execFileSync, spawnSync } from 'node:child_process';
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
const cases: [string, string[]][] = [
  ['summarize --json', [node, 'dist/cli/main.js', 'summarize', ...files, '--json']],
  ['DuckDB exact SQL', [node, tsx, 'bench/sql-engine.ts', 'duckdb', glob]],
  ['chDB exact SQL', [node, tsx, 'bench/sql-engine.ts', 'clickhouse', glob]],
];
const results = new Map<string, { seconds: number[]; rssMb: number[] }>(cases.map(([name]) => [name, { seconds: [], rssMb: [] }]));
let reference: unknown;
for (let run = 0; run < runs; run++) {
  for (const [name, command] of cases) {
    const m = measure(command);
    const value: unknown = JSON.parse(m.out);
    if (reference === undefined) reference = value;
    else if (!close(reference, value)) throw new Error(`${name} does not equal summarize --json`);
    results.get(name)!.seconds.push(m.seconds);
    results.get(name)!.rssMb.push(m.rssMb);
    console.error(`run ${run + 1}: ${name}: ${m.seconds.toFixed(1)} s, ${m.rssMb.toFixed(0)} MB`);
  }
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`| path | wall (median of ${runs}) | peak RSS (median) |\n|---|---|---|`);
for (const [name, r] of results) console.log(`| ${name} | ${median(r.seconds).toFixed(1)} s | ${median(r.rssMb).toFixed(0)} MB |`);
