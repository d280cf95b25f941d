/**
 * `invocation-metrics summarize <file|dir>...`: the aggregate as text tables or JSON on stdout.
 *
 * @module
 */
import { aggregateInputs } from './aggregate-inputs.js';
import { COMMON_OPTIONS, parseCommandLine, resolveCommonOptions } from './args.js';
import { SUMMARIZE_HELP } from './help.js';
import type { CliIO } from './io.js';
import { writeJson } from './json-output.js';
import type { CliOutcome } from './outcome.js';

const OPTIONS = { ...COMMON_OPTIONS, json: { type: 'boolean' }, table: { type: 'boolean' } } as const;

/**
 * Runs `summarize`.
 *
 * @param argv - Arguments after `summarize`.
 * @param io - Process streams.
 * @returns The outcome (the caller prints failures and maps the exit code).
 */
export async function runSummarize(argv: string[], io: CliIO): Promise<CliOutcome> {
  const parsed = parseCommandLine('summarize', argv, OPTIONS);
  if ('problem' in parsed) return parsed.problem;
  const { values, positionals } = parsed;
  if (values.help === true) {
    io.stdout.write(SUMMARIZE_HELP);
    return { kind: 'ok' };
  }
  if (values.json === true && values.table === true) return { kind: 'usage', command: 'summarize', message: '--json and --table cannot be combined' };
  if (positionals.length === 0) return { kind: 'usage', command: 'summarize', message: 'Expected at least one <file|dir>' };
  const common = resolveCommonOptions('summarize', values);
  if ('problem' in common) return common.problem;
  const read = await aggregateInputs(positionals, common, io, values.json === true);
  if ('problem' in read) return read.problem.kind === 'usage' ? { ...read.problem, command: 'summarize' } : read.problem;
  // In pieces: the JSON of a run with a million agents is longer than a string may be.
  if (values.json === true) writeJson(io.stdout, read.aggregate);
  else {
    // The text renderer is loaded only for text output.
    const { renderTextSummary } = await import('../report/text.js');
    io.stdout.write(renderTextSummary(read.aggregate, { color: io.stdoutIsTTY && !io.env.NO_COLOR }));
  }
  return { kind: 'ok' };
}
