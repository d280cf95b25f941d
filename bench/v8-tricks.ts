/**
 * `npm run bench:v8 [-- --pairs P] [--lines 22,24,26]`: the V8-specific decision that is left, measured
 * on and off, alternately (A B A B ..., fresh processes), on every Node line given (installed through
 * scripts/with-node.sh), with the benchmark data of `npm run bench` (generated there first): the CLI's
 * `--no-concurrent-recompilation` for its scan workers (src/cli/prestart.ts), summarize of the 1M-record
 * log with the CLI as built against a copy of dist whose prestart sets no flag. (The other, the
 * collector's generated copiers, was measured here on 22, 24 and 26, paid nothing, and was removed:
 * BENCHMARKS.md has the figures.)
 *
 * Prints, per line, the medians of both and the ratio with/without pair by pair (median [min, max]): below
 * 1 the flag pays.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DATA = path.join(ROOT, 'bench/data');
const args = process.argv.slice(2);
const opt = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
};
const pairs = Number(opt('--pairs', '5'));
const lines = opt('--lines', '22,24,26').split(',');

const file = (n: number): string => {
  const f = fs.readdirSync(DATA).find((x) => x.startsWith(`records-${n}.v`) && x.endsWith('.jsonl'));
  if (f === undefined) throw new Error(`no ${n}-record data in bench/data: run npm run bench -- summarize record --pairs 1 first`);
  return path.join(DATA, f);
};

// dist without the flag: a copy whose prestart does not call setFlagsFromString.
const noFlag = path.join(DATA, 'dist-no-v8-flag');
fs.rmSync(noFlag, { recursive: true, force: true });
fs.cpSync(path.join(ROOT, 'dist'), noFlag, { recursive: true });
const prestart = path.join(noFlag, 'cli/prestart.js');
const text = fs.readFileSync(prestart, 'utf8');
if (!text.includes("v8.setFlagsFromString('--no-concurrent-recompilation');")) throw new Error('prestart.js no longer sets the flag: update this script');
fs.writeFileSync(prestart, text.replace("v8.setFlagsFromString('--no-concurrent-recompilation');", ''));

/** Wall seconds of `node ...command` on `line`. */
function wall(line: string, command: string[]): number {
  const r = spawnSync(path.join(ROOT, 'scripts/with-node.sh'), [line, '/usr/bin/time', '-f', '%e %M', 'node', ...command], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${command.join(' ')} failed on Node ${line}:\n${r.stderr}`);
  return Number(r.stderr.trim().split('\n').at(-1)!.split(' ')[0]);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const f = (x: number): string => x.toFixed(3);

const summarize = file(1_000_000);
const rows: string[] = [];
for (const line of lines) {
  const version = spawnSync(path.join(ROOT, 'scripts/with-node.sh'), [line, 'node', '--version'], { encoding: 'utf8' }).stdout.trim();
  const on: number[] = [];
  const off: number[] = [];
  for (let p = 0; p < pairs; p++) {
    on.push(wall(line, ['dist/cli/main.js', 'summarize', '--json', summarize]));
    off.push(wall(line, [path.join(noFlag, 'cli/main.js'), 'summarize', '--json', summarize]));
    process.stderr.write(`  ${version} pair ${p + 1}/${pairs}: with the flag ${f(on.at(-1)!)} s, without ${f(off.at(-1)!)} s\n`);
  }
  const ratios = on.map((x, i) => x / off[i]!);
  rows.push(`| ${version} | ${f(median(on))} | ${f(median(off))} | ${median(ratios).toFixed(3)} [${Math.min(...ratios).toFixed(3)}, ${Math.max(...ratios).toFixed(3)}] |`);
}
fs.rmSync(noFlag, { recursive: true, force: true });
console.log(['| Node | summarize 1M, s wall, with the flag (median) | without (median) | ratio with/without: median [min, max] |', '| --- | --- | --- | --- |', ...rows].join('\n'));
