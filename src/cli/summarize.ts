/**
 * `invocation-metrics summarize <file|dir|state>... [--state out.state]`: the aggregate as text tables or
 * JSON on stdout, or the records' state written to a file for a later merge.
 *
 * @module
 */
import path from 'node:path';
import { OutputWriteError } from '../errors.js';
import { isStateFile, writeStateFile } from '../state/state-file.js';
import { aggregateOf, loadAllInputs } from './aggregate-inputs.js';
import { COMMON_OPTIONS, parseCommandLine, resolveCommonOptions } from './args.js';
import { SUMMARIZE_HELP } from './help.js';
import type { CliIO } from './io.js';
import { writeJson } from './json-output.js';
import type { CliOutcome } from './outcome.js';

const OPTIONS = { ...COMMON_OPTIONS, json: { type: 'boolean' }, table: { type: 'boolean' }, state: { type: 'string' } } as const;

/**
 * Runs `summarize`. With `--state FILE` it writes the state of every record read (the map step of a
 * fleet's summary) and prints the summary only when `--json` or `--table` asks for it too.
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
  if (positionals.length === 0) return { kind: 'usage', command: 'summarize', message: 'Expected at least one <file|dir|state>' };
  if (values.state !== undefined && values.state === '') return { kind: 'usage', command: 'summarize', message: 'Expected --state <file>, got an empty name' };
  const common = resolveCommonOptions('summarize', values);
  if ('problem' in common) return common.problem;
  const loaded = await loadAllInputs(positionals, common, io, values.json === true);
  if ('problem' in loaded) return loaded.problem.kind === 'usage' ? { ...loaded.problem, command: 'summarize' } : loaded.problem;
  if (values.state !== undefined) {
    // A running state may be replaced (`all.state logs/ --state all.state`), never a log that was read.
    const target = path.resolve(values.state);
    const log = loaded.files.find((f) => path.resolve(f) === target);
    if (log !== undefined && !isStateFile(log))
      return { kind: 'usage', command: 'summarize', message: `--state ${values.state} would replace the log ${log} that was just read; name another file` };
    let bytes: number;
    try {
      bytes = await writeStateFile(values.state, loaded.aggregator.serialize());
    } catch (error) {
      if (!(error instanceof OutputWriteError)) throw error;
      return { kind: 'output-failed', path: error.path, reason: error.reason };
    }
    const count = loaded.aggregator.count;
    io.stderr.write(`wrote ${values.state} (${count} record${count === 1 ? '' : 's'}, ${bytes} bytes)\n`);
    if (values.json !== true && values.table !== true) return { kind: 'ok' };
  }
  const result = aggregateOf(loaded.aggregator);
  if ('problem' in result) return result.problem.kind === 'usage' ? { ...result.problem, command: 'summarize' } : result.problem;
  // In pieces: the JSON of a run with a million agents is longer than a string may be.
  if (values.json === true) writeJson(io.stdout, result.aggregate);
  else {
    // The text renderer is loaded only for text output.
    const { renderTextSummary } = await import('../report/text.js');
    io.stdout.write(renderTextSummary(result.aggregate, { color: io.stdoutIsTTY && !io.env.NO_COLOR }));
  }
  return { kind: 'ok' };
}
