/**
 * The demo's simulated fleet: a pure, seeded plan of a realistic multi-agent run (a dozen agent roles
 * over six phases, parallel waves, infra and code retries, escalation between model tiers, token, cache
 * and cost figures shaped like real ones), in simulated time. The demo replays it in compressed time.
 *
 * @module
 */
import { prng } from './prng.js';

/** One invocation of the plan, in simulated milliseconds (whole numbers) from the run's start. */
export interface PlannedInvocation {
  /** Simulated start, ms since the run's start. */
  startMs: number;
  /** Simulated duration, ms. */
  durationMs: number;
  /** Record fields known at the start. */
  begin: { invocationId: string; agent: string; phase: number; taskId: string; attempt: number; model: string; tier: string };
  /** Record fields known at the end. */
  end: {
    success: boolean;
    exitCode: number;
    tokens: number;
    inputTokens: number;
    outputTokens: number;
    cachedTokens: number;
    cost: number;
    outputParsed: boolean;
    errorClass?: string;
  };
}

/** A model tier with its price list (USD per million tokens), shaped like current public price lists. */
export interface ModelTier {
  tier: string;
  model: string;
  inputPerM: number;
  cachedPerM: number;
  outputPerM: number;
  /** Multiplier of the role's duration. */
  speed: number;
}

/**
 * The model tiers, cheapest first, and their prices. An invocation's cost is
 * `((inputTokens - cachedTokens) * inputPerM + cachedTokens * cachedPerM + outputTokens * outputPerM) / 1e6`,
 * rounded to the micro-dollar.
 */
export const MODEL_TIERS: readonly ModelTier[] = Object.freeze([
  { tier: 'small', model: 'claude-haiku-4-5', inputPerM: 1, cachedPerM: 0.1, outputPerM: 5, speed: 0.6 },
  { tier: 'standard', model: 'claude-sonnet-4-5', inputPerM: 3, cachedPerM: 0.3, outputPerM: 15, speed: 1 },
  { tier: 'large', model: 'claude-opus-4-1', inputPerM: 15, cachedPerM: 1.5, outputPerM: 75, speed: 1.6 },
]);

interface Role {
  agent: string;
  /** Median duration in simulated seconds at the standard tier. */
  seconds: number;
  /** Typical input and output tokens. */
  input: number;
  output: number;
  /** Tier of the first attempt. */
  tier: number;
  /** Chance that an attempt fails from its own output (a code error). */
  codeFail: number;
}

const ROLES: Record<string, Role> = {
  planner: { agent: 'planner', seconds: 45, input: 18_000, output: 3_500, tier: 2, codeFail: 0.03 },
  researcher: { agent: 'researcher', seconds: 60, input: 40_000, output: 2_500, tier: 1, codeFail: 0.04 },
  architect: { agent: 'architect', seconds: 70, input: 30_000, output: 5_000, tier: 2, codeFail: 0.05 },
  coder: { agent: 'coder', seconds: 95, input: 26_000, output: 7_000, tier: 0, codeFail: 0.18 },
  'test-writer': { agent: 'test-writer', seconds: 55, input: 20_000, output: 5_500, tier: 0, codeFail: 0.12 },
  tester: { agent: 'tester', seconds: 40, input: 12_000, output: 1_500, tier: 0, codeFail: 0.1 },
  debugger: { agent: 'debugger', seconds: 80, input: 35_000, output: 4_000, tier: 1, codeFail: 0.15 },
  reviewer: { agent: 'reviewer', seconds: 50, input: 28_000, output: 2_000, tier: 1, codeFail: 0.05 },
  'security-auditor': { agent: 'security-auditor', seconds: 65, input: 30_000, output: 1_800, tier: 1, codeFail: 0.04 },
  'doc-writer': { agent: 'doc-writer', seconds: 35, input: 15_000, output: 4_500, tier: 0, codeFail: 0.06 },
  integrator: { agent: 'integrator', seconds: 75, input: 22_000, output: 3_000, tier: 1, codeFail: 0.08 },
  'release-manager': { agent: 'release-manager', seconds: 30, input: 9_000, output: 1_200, tier: 0, codeFail: 0.03 },
};

/** The phases: which roles run, how many tasks each, and how many may run at once (also the benchmarks' fleet). */
export const PHASES: readonly { roles: readonly [string, number][]; parallel: number }[] = [
  { roles: [['planner', 1], ['researcher', 3]], parallel: 4 },
  { roles: [['architect', 2]], parallel: 2 },
  { roles: [['coder', 14], ['test-writer', 6]], parallel: 8 },
  { roles: [['tester', 8], ['debugger', 3]], parallel: 6 },
  { roles: [['reviewer', 4], ['security-auditor', 2], ['doc-writer', 3]], parallel: 5 },
  { roles: [['integrator', 2], ['release-manager', 1]], parallel: 2 },
];

/** Infra error classes and their relative weights. */
const INFRA: readonly [string, number][] = [
  ['rate_limit', 5],
  ['timeout', 3],
  ['overloaded', 2],
  ['network', 1],
];
const INFRA_FAIL = 0.07;
const MAX_ATTEMPTS = 3;

/**
 * The demo's default seed: a run of 66 invocations over about 19 simulated minutes with every kind of
 * event (infra retries of all four error classes, code retries that escalate, third attempts).
 */
export const DEFAULT_SEED = 8;

/**
 * Builds the plan of a simulated run.
 *
 * Every task runs attempt 1 on its role's tier; an infra failure (rate limit, timeout, ...) retries on the
 * same tier after a back-off, a code failure (bad output, failing tests) escalates one tier up; at most
 * three attempts. Within a phase at most `parallel` invocations run at once (a worker pool); phases run
 * one after another.
 *
 * @param seed - PRNG seed; the same seed gives the same plan.
 * @returns The invocations, ordered by start.
 */
export function planRun(seed: number): PlannedInvocation[] {
  const rnd = prng(seed);
  // Log-normal around a median: agent durations and sizes have long right tails.
  const lognormal = (median: number, sigma: number): number => {
    const u = Math.max(rnd(), 1e-12);
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd());
    return median * Math.exp(sigma * z);
  };
  const infraClass = (): string => {
    let r = rnd() * INFRA.reduce((s, [, w]) => s + w, 0);
    for (const [name, w] of INFRA) if ((r -= w) < 0) return name;
    return INFRA[0]![0];
  };
  const out: PlannedInvocation[] = [];
  let phaseStart = 0;
  let seq = 0;
  PHASES.forEach((phase, phaseIndex) => {
    const tasks: { role: Role; taskId: string }[] = [];
    for (const [name, count] of phase.roles) {
      for (let i = 1; i <= count; i++) tasks.push({ role: ROLES[name]!, taskId: `p${phaseIndex}-${name}-${i}` });
    }
    // Worker pool: each worker runs whole tasks (all attempts) one after another.
    const free = new Array<number>(phase.parallel).fill(phaseStart);
    let phaseEnd = phaseStart;
    for (const { role, taskId } of tasks) {
      const w = free.indexOf(Math.min(...free));
      // Whole milliseconds throughout, so that replayed timestamps and durations carry no float noise.
      let t = free[w]! + Math.round(rnd() * 2_000);
      let tier = role.tier;
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        const spec = MODEL_TIERS[tier]!;
        const infra = rnd() < INFRA_FAIL;
        const code = !infra && rnd() < role.codeFail / attempt;
        const input = Math.round(lognormal(role.input, 0.35));
        const cached = Math.round(input * (attempt > 1 ? 0.75 : 0.35 + rnd() * 0.3));
        let output = Math.round(lognormal(role.output, 0.4));
        let durationMs = lognormal(role.seconds * 1000 * spec.speed, 0.45);
        if (infra) {
          // Infra failures end early (a timeout ends at the limit) and produce little or no output.
          output = Math.round(output * rnd() * 0.2);
          durationMs = infraClassDuration(durationMs, rnd());
        }
        const errorClass = infra ? infraClass() : undefined;
        const cost = ((input - cached) * spec.inputPerM + cached * spec.cachedPerM + output * spec.outputPerM) / 1e6;
        out.push({
          startMs: t,
          durationMs: Math.round(durationMs),
          begin: { invocationId: `inv-${seed}-${++seq}`, agent: role.agent, phase: phaseIndex, taskId, attempt, model: spec.model, tier: spec.tier },
          end: {
            success: !infra && !code,
            exitCode: infra ? 75 : code ? 1 : 0,
            tokens: input + output,
            inputTokens: input,
            outputTokens: output,
            cachedTokens: cached,
            cost: Math.round(cost * 1e6) / 1e6,
            outputParsed: !code || rnd() < 0.5,
            ...(errorClass !== undefined ? { errorClass } : {}),
          },
        });
        t += Math.round(durationMs);
        if (!infra && !code) break;
        if (infra) t += 1_000 * 2 ** attempt; // back-off before an infra retry
        else tier = Math.min(tier + 1, MODEL_TIERS.length - 1); // escalate after a code error
      }
      free[w] = t;
      phaseEnd = Math.max(phaseEnd, t);
    }
    phaseStart = phaseEnd + 3_000;
  });
  return out.sort((a, b) => a.startMs - b.startMs);
}

function infraClassDuration(full: number, r: number): number {
  return full * (0.1 + 0.5 * r);
}

/**
 * Simulated length of a plan: from 0 to the latest end.
 *
 * @param plan - A plan from {@link planRun}.
 * @returns Milliseconds.
 */
export function planSpanMs(plan: readonly PlannedInvocation[]): number {
  let end = 0;
  for (const p of plan) end = Math.max(end, p.startMs + p.durationMs);
  return end;
}
