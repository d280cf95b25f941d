/**
 * `invocation-metrics report <file|dir>... --out FILE`: an HTML or Markdown report, chosen by extension.
 *
 * @module
 */
import path from 'node:path';
import { OutputWriteError } from '../errors.js';
import { writeFileAtomically } from '../output/atomic-write.js';
import type { InvocationMetric } from '../record.js';
import { createGanttSampler, DEFAULT_GANTT_LIMIT, toGanttItem } from '../report/gantt.js';
import { renderHtmlReport } from '../report/html.js';
import { renderMarkdownReport } from '../report/markdown.js';
import { diffRuns } from '../diff/compare.js';
import type { DiffResult } from '../diff/types.js';
import { aggregateInputs } from './aggregate-inputs.js';
import { readSide, sideOfAggregator } from './diff-inputs.js';
import { COMMON_OPTIONS, parseCommandLine, resolveCommonOptions } from './args.js';
import { REPORT_HELP } from './help.js';
import type { CliIO } from './io.js';
import type { CliOutcome } from './outcome.js';

const OPTIONS = {
  ...COMMON_OPTIONS,
  out: { type: 'string', short: 'o' },
  title: { type: 'string' },
  'gantt-limit': { type: 'string' },
  baseline: { type: 'string' },
} as const;

/**
 * Without `--bucket`, the report widens the default one-minute buckets (to 5 min, 15 min, ... 1 day, 7
 * days...) when the run would need more than this many: its chart draws at most 600 columns, and the
 * series is embedded in the HTML file.
 */
export const REPORT_MAX_BUCKETS = 10_000;

const FORMATS: Record<string, 'html' | 'md'> = { '.html': 'html', '.htm': 'html', '.md': 'md', '.markdown': 'md' };

/**
 * Runs `report`.
 *
 * @param argv - Arguments after `report`.
 * @param io - Process streams.
 * @returns The outcome.
 */
export async function runReport(argv: string[], io: CliIO): Promise<CliOutcome> {
  const parsed = parseCommandLine('report', argv, OPTIONS);
  if ('problem' in parsed) return parsed.problem;
  const { values, positionals } = parsed;
  const usage = (message: string): CliOutcome => ({ kind: 'usage', command: 'report', message });
  if (values.help === true) {
    io.stdout.write(REPORT_HELP);
    return { kind: 'ok' };
  }
  if (values.out === undefined) return usage('Expected --out <file.html|file.md>');
  const format = FORMATS[path.extname(values.out).toLowerCase()];
  if (format === undefined) return usage(`Expected --out to end in .html, .htm, .md or .markdown, got '${values.out}'`);
  let limit = DEFAULT_GANTT_LIMIT;
  if (values['gantt-limit'] !== undefined) {
    limit = Number(values['gantt-limit']);
    if (!/^\d+$/.test(values['gantt-limit']) || limit > 100_000)
      return usage(`Expected --gantt-limit to be a whole number from 0 to 100000, got '${values['gantt-limit']}'`);
  }
  if (positionals.length === 0) return usage('Expected at least one <file|dir>');
  const common = resolveCommonOptions('report', values);
  if ('problem' in common) return common.problem;

  const sampler = createGanttSampler(limit);
  // --gantt-limit 0 turns the timeline off, and with it the per-record sampling.
  const onRecord =
    limit > 0 ? { fn: (record: InvocationMetric) => sampler.add(toGanttItem(record)), need: 'the timeline needs the records themselves (give --gantt-limit 0, or the logs)' } : undefined;
  const read = await aggregateInputs(positionals, common, io, false, onRecord, values.bucket === undefined ? REPORT_MAX_BUCKETS : undefined);
  if ('problem' in read) return read.problem.kind === 'usage' ? { ...read.problem, command: 'report' } : read.problem;
  let comparison: { diff: DiffResult; baseline: string } | undefined;
  if (values.baseline !== undefined) {
    // --since/--until choose the report's time window, which the baseline run is not in; --agent applies.
    const baseOptions = resolveCommonOptions('report', { ...values, since: undefined, until: undefined });
    if ('problem' in baseOptions) return baseOptions.problem;
    const base = await readSide(values.baseline, baseOptions, io, false);
    if ('problem' in base) return base.problem.kind === 'usage' ? { ...base.problem, command: 'report' } : base.problem;
    comparison = { diff: diffRuns(base.side, sideOfAggregator(read.aggregator, read.aggregate)), baseline: values.baseline };
  }
  const options = {
    comparison,
    invocations: limit > 0 ? sampler.items() : undefined,
    ganttLimit: limit,
    sources: read.files,
    skippedLines: read.skipped,
    ...(values.title === undefined ? {} : { title: values.title }),
  };
  const content = format === 'html' ? renderHtmlReport(read.aggregate, options) : renderMarkdownReport(read.aggregate, options);
  try {
    await writeFileAtomically(values.out, [content]);
  } catch (error) {
    if (!(error instanceof OutputWriteError)) throw error;
    return { kind: 'output-failed', path: error.path, reason: error.reason };
  }
  io.stderr.write(`wrote ${values.out} (${Buffer.byteLength(content)} bytes)\n`);
  return { kind: 'ok' };
}
