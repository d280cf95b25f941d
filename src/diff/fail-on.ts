/**
 * `--fail-on`: gates a CI job on a diff. A spec is a comma list of `metric[@agent](+|-)amount[%|pp]`,
 * such as `cost+10%,success-rate-2pp,p95+20%,retries.infra+5,p95@coder+30%`. Parsing is strict: any
 * item that is not of that form is refused with the item named.
 *
 * A gate compares the observed values, not the noise test: `cost+10%` trips when the candidate's cost
 * is more than 10% above the baseline's, whether or not the row is beyond noise (pick thresholds above
 * the run-to-run noise; the row's flag says where that is).
 *
 * @module
 */
import type { DiffMetric, DiffResult, DiffRow } from './types.js';

/** One gate of a `--fail-on` spec. */
export interface FailGate {
  /** The item as written (`cost+10%`). */
  text: string;
  /** The row's metric. */
  metric: DiffMetric;
  /** An agent's row instead of the whole run's; `undefined` for the whole run. */
  agent: string | undefined;
  /** `+`: trips on an increase beyond `amount`; `-`: on a decrease beyond it. */
  direction: 1 | -1;
  /** The threshold, in `unit`. */
  amount: number;
  /** `%` of the baseline's value; `pp` percentage points (rates only); `abs` the metric's own unit. */
  unit: '%' | 'pp' | 'abs';
}

/** The names a gate may use, and the row metric each stands for. */
const NAMES: Readonly<Record<string, DiffMetric>> = Object.freeze({
  invocations: 'invocations',
  'success-rate': 'success-rate',
  retries: 'retries',
  'retries.infra': 'retries.infra',
  'retries.code': 'retries.code',
  escalations: 'escalations',
  'peak-parallelism': 'peak-parallelism',
  cost: 'cost',
  tokens: 'tokens',
  p50: 'duration.p50',
  p90: 'duration.p90',
  p95: 'duration.p95',
  p99: 'duration.p99',
  'duration.p50': 'duration.p50',
  'duration.p90': 'duration.p90',
  'duration.p95': 'duration.p95',
  'duration.p99': 'duration.p99',
  'duration.mean': 'duration.mean',
});

/** Metrics the aggregate has for the whole run only. */
const RUN_ONLY: ReadonlySet<DiffMetric> = new Set(['escalations', 'peak-parallelism']);

// Greedy: the threshold is the last sign, so an agent named `code-reviewer` or `a+b` stays whole.
const ITEM = /^(.+)([+-])(\d+(?:\.\d+)?)(%|pp)?$/;

/**
 * Parses a `--fail-on` spec.
 *
 * @param spec - The option's value.
 * @returns The gates, or the problem as a sentence that names the bad item.
 */
export function parseFailOn(spec: string): { gates: FailGate[] } | { problem: string } {
  const gates: FailGate[] = [];
  for (const raw of spec.split(',')) {
    const text = raw.trim();
    const bad = (why: string): { problem: string } => ({ problem: `Bad --fail-on item '${text}': ${why}` });
    if (text === '') return { problem: `Bad --fail-on '${spec}': an empty item (expected a comma list such as cost+10%,success-rate-2pp)` };
    const m = ITEM.exec(text);
    if (m === null) return bad('expected <metric>[@<agent>](+|-)<amount>[%|pp], e.g. cost+10%, p95@coder+20%, retries.infra+5');
    const [, target, sign, number, unit] = m as unknown as [string, string, string, string, '%' | 'pp' | undefined];
    const at = target.indexOf('@');
    const name = at < 0 ? target : target.slice(0, at);
    const agent = at < 0 ? undefined : target.slice(at + 1);
    const metric = NAMES[name];
    if (metric === undefined) return bad(`unknown metric '${name}' (expected one of ${Object.keys(NAMES).join(', ')})`);
    if (agent === '') return bad('an empty agent name after @');
    if (agent !== undefined && RUN_ONLY.has(metric)) return bad(`${name} is a figure of the whole run, not of an agent`);
    if (unit === 'pp' && metric !== 'success-rate') return bad(`pp (percentage points) applies to success-rate only; use % or an absolute amount`);
    if (unit === undefined && metric === 'success-rate') return bad('give the success rate\'s change in pp (percentage points) or %');
    gates.push({ text, metric, agent, direction: sign === '+' ? 1 : -1, amount: Number(number), unit: unit ?? 'abs' });
  }
  return { gates };
}

/** A gate applied to a diff. */
export interface GateOutcome {
  /** The gate. */
  gate: FailGate;
  /** The row it read; `undefined` when the diff has no such row (an agent in neither run). */
  row: DiffRow | undefined;
  /** Whether it trips. */
  tripped: boolean;
}

/**
 * Applies gates to a diff. A gate trips when the change in its direction is strictly beyond its amount:
 * `%` relative to the baseline (a baseline of 0 and a candidate above it is an infinite increase), `pp`
 * in percentage points, otherwise in the metric's unit. A row with no value on a side (a duration of an
 * agent that did not run there) does not trip.
 *
 * @param diff - The diff.
 * @param gates - From {@link parseFailOn}.
 * @returns One outcome per gate, in order.
 */
export function applyGates(diff: DiffResult, gates: readonly FailGate[]): GateOutcome[] {
  return gates.map((gate) => {
    const row = diff.rows.find((r) => r.metric === gate.metric && (gate.agent === undefined ? r.scope === 'total' : r.scope === 'agent' && r.key === gate.agent));
    if (row === undefined || row.baseline === null || row.candidate === null) return { gate, row, tripped: false };
    const change = (row.candidate - row.baseline) * gate.direction;
    let beyond: number;
    if (gate.unit === '%') beyond = row.baseline === 0 ? (change > 0 ? Infinity : 0) : (change / Math.abs(row.baseline)) * 100;
    else if (gate.unit === 'pp') beyond = change * 100;
    else beyond = change;
    // A tolerance for binary fractions: 0.95 - 0.93 is 0.020000000000000018, which is not beyond 2pp.
    return { gate, row, tripped: beyond - gate.amount > 1e-9 * Math.max(1, gate.amount) };
  });
}
