// Shared by the scenario scripts: loading records from a generated log, and printing one JSON result.
import { performance } from 'node:perf_hooks';
import fs from 'node:fs';

/** The first `count` records of a JSONL file (parsed before any timing starts). */
export function loadRecords(file, count) {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const out = [];
  for (let i = 0; i < lines.length && out.length < count; i++) if (lines[i] !== '') out.push(JSON.parse(lines[i]));
  if (out.length < count) throw new Error(`${file} holds ${out.length} records, fewer than ${count}`);
  return out;
}

/** Prints the result line the runner reads (the last line of stdout), with this process's peak RSS. */
export function report(result) {
  const { maxRSS } = process.resourceUsage();
  process.stdout.write(`${JSON.stringify({ ...result, rssMB: maxRSS / 1024 })}\n`);
}

/** Seconds since `t0` (from performance.now()). */
export const since = (t0) => (performance.now() - t0) / 1000;
