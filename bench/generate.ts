/**
 * The benchmark data: a seeded, realistic fleet of multi-agent runs written as JSONL by the library's own
 * serializer, so the lines look exactly like the writer's. Deterministic: the same `records` give the same
 * bytes. Runs overlap in time (a new run starts every 45 simulated seconds, each lasting tens of minutes),
 * with parallel waves inside a phase, infra retries (same tier, after a back-off), code retries escalated
 * one tier up, token, cache and cost figures shaped like public price lists.
 *
 * Usage: `tsx bench/generate.ts <records> <file> [seed]`; or import {@link generateLog} / {@link generateRecords}.
 * The seed (an integer, {@link DEFAULT_SEED} by default) picks another fleet of the same shape: a
 * measurement repeated on data from a seed one did not tune on should agree within noise.
 *
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import { PHASES } from '../src/demo/plan.js';
import { prng } from '../src/demo/prng.js';
import type { InvocationMetric } from '../src/record.js';
import { serializeMetric } from '../src/serialize.js';

/** Bump when the records change: cached data files carry it in their name. */
export const GENERATOR_VERSION = 1;

/** The seed of the data the published figures were measured on. */
export const DEFAULT_SEED = 0x5eed;

const TIERS = [
  { tier: 'small', model: 'claude-haiku-4-5', inputPerM: 1, cachedPerM: 0.1, outputPerM: 5, speed: 0.6 },
  { tier: 'standard', model: 'claude-sonnet-4-5', inputPerM: 3, cachedPerM: 0.3, outputPerM: 15, speed: 1 },
  { tier: 'large', model: 'claude-opus-4-1', inputPerM: 15, cachedPerM: 1.5, outputPerM: 75, speed: 1.6 },
] as const;

/** agent, median seconds, input tokens, output tokens, first tier, code failure chance. */
const ROLES: Record<string, readonly [number, number, number, number, number]> = {
  planner: [45, 18_000, 3_500, 2, 0.03],
  researcher: [60, 40_000, 2_500, 1, 0.04],
  architect: [70, 30_000, 5_000, 2, 0.05],
  coder: [95, 26_000, 7_000, 0, 0.18],
  'test-writer': [55, 20_000, 5_500, 0, 0.12],
  tester: [40, 12_000, 1_500, 0, 0.1],
  debugger: [80, 35_000, 4_000, 1, 0.15],
  reviewer: [50, 28_000, 2_000, 1, 0.05],
  'security-auditor': [65, 30_000, 1_800, 1, 0.04],
  'doc-writer': [35, 15_000, 4_500, 0, 0.06],
  integrator: [75, 22_000, 3_000, 1, 0.08],
  'release-manager': [30, 9_000, 1_200, 0, 0.03],
};

const INFRA = ['rate_limit', 'rate_limit', 'rate_limit', 'timeout', 'timeout', 'overloaded', 'network'] as const;
const RUN_EVERY_MS = 45_000;
const EPOCH = Date.parse('2026-11-20T00:00:00.000Z');

/** One simulated run's records, in the order its collector would write them (by end time). */
function run(index: number, seed: number): InvocationMetric[] {
  const rnd = prng(seed + index * 7919);
  const lognormal = (median: number, sigma: number): number =>
    median * Math.exp(sigma * Math.sqrt(-2 * Math.log(Math.max(rnd(), 1e-12))) * Math.cos(2 * Math.PI * rnd()));
  const out: { end: number; m: InvocationMetric }[] = [];
  let phaseStart = EPOCH + index * RUN_EVERY_MS;
  let seq = 0;
  PHASES.forEach((phase, phaseIndex) => {
    const free = new Array<number>(phase.parallel).fill(phaseStart);
    let phaseEnd = phaseStart;
    for (const [agent, count] of phase.roles) {
      const [seconds, inputTokens, outputTokens, firstTier, codeFail] = ROLES[agent]!;
      for (let task = 1; task <= count; task++) {
        const w = free.indexOf(Math.min(...free));
        let t = free[w]! + Math.round(rnd() * 2_000);
        let tier = firstTier;
        for (let attempt = 1; attempt <= 3; attempt++) {
          const spec = TIERS[tier]!;
          const infra = rnd() < 0.07;
          const code = !infra && rnd() < codeFail / attempt;
          const input = Math.round(lognormal(inputTokens, 0.35));
          const cached = Math.round(input * (attempt > 1 ? 0.75 : 0.35 + rnd() * 0.3));
          let output = Math.round(lognormal(outputTokens, 0.4));
          let durationMs = Math.round(lognormal(seconds * 1000 * spec.speed, 0.45));
          if (infra) {
            output = Math.round(output * rnd() * 0.2);
            durationMs = Math.round(durationMs * (0.1 + 0.5 * rnd()));
          }
          const cost = Math.round((((input - cached) * spec.inputPerM + cached * spec.cachedPerM + output * spec.outputPerM) / 1e6) * 1e6) / 1e6;
          const m: InvocationMetric = {
            invocationId: `r${index.toString(36)}-${(++seq).toString(36)}-${Math.floor(rnd() * 2 ** 32).toString(16).padStart(8, '0')}`,
            agent,
            phase: phaseIndex,
            taskId: `r${index.toString(36)}/p${phaseIndex}-${agent}-${task}`,
            durationMs,
            tokens: input + output,
            inputTokens: input,
            outputTokens: output,
            cachedTokens: cached,
            cost,
            exitCode: infra ? 75 : code ? 1 : 0,
            success: !infra && !code,
            attempt,
            outputParsed: !code || rnd() < 0.5,
            model: spec.model,
            tier: spec.tier,
            timestamp: new Date(t).toISOString(),
          };
          if (infra) m.errorClass = INFRA[Math.floor(rnd() * INFRA.length)]!;
          out.push({ end: t + durationMs, m });
          t += durationMs;
          if (!infra && !code) break;
          if (infra) t += 1_000 * 2 ** attempt;
          else tier = Math.min(tier + 1, TIERS.length - 1);
        }
        free[w] = t;
        phaseEnd = Math.max(phaseEnd, t);
      }
    }
    phaseStart = phaseEnd + 3_000;
  });
  return out.sort((a, b) => a.end - b.end).map((e) => e.m);
}

/**
 * The first `count` records of the fleet, in log order: runs interleaved by end time, as one collector
 * per host would have written them. Held in memory: use {@link generateLog} for large counts.
 *
 * @param count - Number of records.
 * @returns The records.
 */
export function generateRecords(count: number, seed = DEFAULT_SEED): InvocationMetric[] {
  const out: InvocationMetric[] = [];
  for (const m of fleet(count, seed)) out.push(m);
  return out;
}

/** Streams the fleet's records: runs merged by end time with a window of open runs. */
function* fleet(count: number, seed: number): Generator<InvocationMetric> {
  // Runs overlap; within the window of runs that can still end before the next run starts, records are
  // emitted in end order. Exact global order is not needed, only determinism and realistic interleaving.
  const open: { records: InvocationMetric[]; next: number }[] = [];
  let nextRun = 0;
  let emitted = 0;
  while (emitted < count) {
    if (open.length < 24) {
      open.push({ records: run(nextRun++, seed), next: 0 });
      continue;
    }
    let best = 0;
    let bestEnd = Infinity;
    for (let i = 0; i < open.length; i++) {
      const m = open[i]!.records[open[i]!.next]!;
      const end = Date.parse(m.timestamp) + m.durationMs;
      if (end < bestEnd) {
        bestEnd = end;
        best = i;
      }
    }
    const r = open[best]!;
    yield r.records[r.next++]!;
    emitted++;
    if (r.next === r.records.length) open.splice(best, 1);
  }
}

/**
 * Writes `count` records to `file` (created with its directory), one serialized line each.
 *
 * @param count - Number of records.
 * @param file - Output path.
 * @param seed - The fleet's seed. @default {@link DEFAULT_SEED}
 * @returns Bytes written.
 */
export function generateLog(count: number, file: string, seed = DEFAULT_SEED): number {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = fs.openSync(tmp, 'w');
  let bytes = 0;
  let batch: string[] = [];
  const flush = (): void => {
    const chunk = Buffer.from(batch.join(''));
    fs.writeSync(fd, chunk);
    bytes += chunk.length;
    batch = [];
  };
  for (const m of fleet(count, seed)) {
    batch.push(`${serializeMetric(m)}\n`);
    if (batch.length === 10_000) flush();
  }
  flush();
  fs.closeSync(fd);
  fs.renameSync(tmp, file);
  return bytes;
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const [count, file, seed] = process.argv.slice(2);
  if (count === undefined || file === undefined || !/^\d+$/.test(count) || (seed !== undefined && !/^\d+$/.test(seed))) {
    process.stderr.write('usage: tsx bench/generate.ts <records> <file> [seed]\n');
    process.exit(2);
  }
  const bytes = generateLog(Number(count), file, seed === undefined ? DEFAULT_SEED : Number(seed));
  process.stdout.write(`${file}: ${count} records, ${(bytes / 1e6).toFixed(1)} MB\n`);
}
