/**
 * `invocation-metrics diff <baseline> <candidate>`: two runs side by side, each row with its change and
 * whether the change is beyond noise; `--fail-on` turns chosen changes into exit code 4.
 *
 * @module
 */
import { diffRuns } from '../diff/compare.js';
import { applyGates, parseFailOn, type FailGate, type GateOutcome } from '../diff/fail-on.js';
import { diffTables, diffVerdict, formatChange, formatValue } from '../diff/tables.js';
import type { DiffResult, DiffRow } from '../diff/types.js';
import { formatInt } from '../report/format.js';
import { parseCommandLine, resolveCommonOptions } from './args.js';
import { readSide, type ReadSide } from './diff-inputs.js';
import { DIFF_HELP } from './help.js';
import type { CliIO } from './io.js';
import { writeJson } from './json-output.js';
import type { CliOutcome } from './outcome.js';

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
  'fail-on': { type: 'string' },
  alpha: { type: 'string' },
  'min-change': { type: 'string' },
  agent: { type: 'string', multiple: true },
  strict: { type: 'boolean' },
  progress: { type: 'boolean' },
} as const;

/** What `diff --json` prints: the diff, where each side came from, and the gates applied. */
export interface DiffJson extends DiffResult {
  /** Each side's path as given, the log files read and the malformed lines skipped. */
  inputs: Record<'baseline' | 'candidate', { path: string; files: string[]; skipped: number }>;
  /** The `--fail-on` gates in order, each with the row's values and whether it tripped (empty without `--fail-on`). */
  gates: { gate: string; metric: string; agent: string | null; baseline: number | null; candidate: number | null; tripped: boolean }[];
}

const usage = (message: string): CliOutcome => ({ kind: 'usage', command: 'diff', message });

/** Parses `--min-change 5%` (a percentage) or `--alpha 0.01`. */
function parseNumbers(values: { alpha?: string | undefined; 'min-change'?: string | undefined }): { alpha?: number; minRelativeChange?: number } | { problem: CliOutcome } {
  const out: { alpha?: number; minRelativeChange?: number } = {};
  if (values.alpha !== undefined) {
    const alpha = /^\d*\.?\d+(?:e-?\d+)?$/i.test(values.alpha) ? Number(values.alpha) : NaN;
    if (!(alpha > 0 && alpha < 1)) return { problem: usage(`Expected --alpha to be a number between 0 and 1 (exclusive), e.g. 0.01, got '${values.alpha}'`) };
    out.alpha = alpha;
  }
  const min = values['min-change'];
  if (min !== undefined) {
    const m = /^(\d+(?:\.\d+)?)%$/.exec(min);
    if (m === null) return { problem: usage(`Expected --min-change to be a percentage, e.g. 5%, got '${min}'`) };
    out.minRelativeChange = Number(m[1]) / 100;
  }
  return out;
}

/** A tripped gate in words: `cost+10% (cost +23.4%: $1.2300 to $1.5200)`. */
function describeGate(outcome: GateOutcome): string {
  const row = outcome.row!;
  const what = `${row.scope === 'agent' ? `${row.key} ` : ''}${row.metric}`;
  return `${outcome.gate.text} (${what} ${formatChange(row)}: ${formatValue(row.metric, row.baseline)} to ${formatValue(row.metric, row.candidate)})`;
}

function jsonOf(diff: DiffResult, args: [string, string], sides: [ReadSide, ReadSide], outcomes: GateOutcome[]): DiffJson {
  const input = (i: 0 | 1): DiffJson['inputs']['baseline'] => ({ path: args[i], files: sides[i].files, skipped: sides[i].skipped });
  return {
    ...diff,
    inputs: { baseline: input(0), candidate: input(1) },
    gates: outcomes.map(({ gate, row, tripped }) => ({
      gate: gate.text,
      metric: gate.metric,
      agent: gate.agent ?? null,
      baseline: row?.baseline ?? null,
      candidate: row?.candidate ?? null,
      tripped,
    })),
  };
}

async function renderText(diff: DiffResult, args: [string, string], sides: [ReadSide, ReadSide], io: CliIO): Promise<void> {
  const { renderTextTable } = await import('../report/text.js');
  const color = io.stdoutIsTTY && !io.env.NO_COLOR;
  const side = (name: string, i: 0 | 1): string =>
    `${name}: ${args[i]} (${formatInt(sides[i].side.aggregate.totalInvocations)} invocations in ${formatInt(sides[i].files.length)} file${sides[i].files.length === 1 ? '' : 's'})`;
  const head = [side('baseline ', 0), side('candidate', 1), '', diffVerdict(diff), ''].join('\n');
  io.stdout.write(`${head}\n${diffTables(diff).map((t) => renderTextTable(t, color)).join('\n')}`);
}

/** Gates naming an agent that is in neither run: a typo must not pass a CI job silently. */
function unknownAgents(gates: readonly FailGate[], rows: readonly DiffRow[]): CliOutcome | undefined {
  const agents = new Set(rows.filter((r) => r.scope === 'agent').map((r) => r.key));
  const bad = gates.find((g) => g.agent !== undefined && !agents.has(g.agent));
  return bad === undefined ? undefined : usage(`--fail-on ${bad.text}: no agent '${bad.agent}' in either run`);
}

/**
 * Runs `diff`.
 *
 * @param argv - Arguments after `diff`.
 * @param io - Process streams.
 * @returns The outcome: `gate-tripped` (exit 4) when a `--fail-on` gate trips.
 */
export async function runDiff(argv: string[], io: CliIO): Promise<CliOutcome> {
  const parsed = parseCommandLine('diff', argv, OPTIONS);
  if ('problem' in parsed) return parsed.problem;
  const { values, positionals } = parsed;
  if (values.help === true) {
    io.stdout.write(DIFF_HELP);
    return { kind: 'ok' };
  }
  if (positionals.length !== 2) return usage(`Expected two paths, <baseline> <candidate>, got ${positionals.length}`);
  const gates = values['fail-on'] === undefined ? { gates: [] } : parseFailOn(values['fail-on']);
  if ('problem' in gates) return usage(gates.problem);
  const numbers = parseNumbers(values);
  if ('problem' in numbers) return numbers.problem;
  const common = resolveCommonOptions('diff', values);
  if ('problem' in common) return common.problem;
  const args = positionals as [string, string];
  const json = values.json === true;
  const sides: ReadSide[] = [];
  for (const arg of args) {
    const read = await readSide(arg, common, io, json);
    if ('problem' in read) return read.problem.kind === 'usage' ? { ...read.problem, command: 'diff' } : read.problem;
    sides.push(read);
  }
  const pair = sides as [ReadSide, ReadSide];
  const diff = diffRuns(pair[0].side, pair[1].side, numbers);
  const unknown = unknownAgents(gates.gates, diff.rows);
  if (unknown !== undefined) return unknown;
  const outcomes = applyGates(diff, gates.gates);
  if (json) writeJson(io.stdout, jsonOf(diff, args, pair, outcomes));
  else await renderText(diff, args, pair, io);
  const tripped = outcomes.filter((o) => o.tripped);
  return tripped.length === 0 ? { kind: 'ok' } : { kind: 'gate-tripped', gates: tripped.map(describeGate) };
}
