/**
 * Command-line parsing shared by `summarize` and `report`: `node:util`'s `parseArgs` in strict mode (an
 * unknown flag is a usage error), then the shared options turned into checked values.
 *
 * @module
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { closestName } from '../suggest.js';
import { createRecordFilter } from './filter.js';
import type { CliOutcome } from './outcome.js';
import { parseBucket, parseInstant } from './values.js';
import type { InvocationMetric } from '../record.js';

/** Options every reading command accepts. */
export const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  bucket: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  agent: { type: 'string', multiple: true },
  strict: { type: 'boolean' },
  progress: { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

/** The parsed shared options. */
export interface CommonOptions {
  /** Bucket width in ms. */
  bucketMs: number;
  /** Record filter; undefined keeps all. */
  filter: ((record: InvocationMetric) => boolean) | undefined;
  /** The filter flags given, as typed (`--agent nobody`), for the "no records matched" message. */
  filterFlags: string[];
  /** `--strict`. */
  strict: boolean;
  /** `--progress`. */
  progress: boolean;
}

/** Parsed values of the shared options (as `parseArgs` returns them). */
export interface CommonValues {
  bucket?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  agent?: string[] | undefined;
  strict?: boolean | undefined;
  progress?: boolean | undefined;
}

/**
 * The first option of `argv` that the command does not know, as a usage message with the closest known
 * flag: `unknown option --jsn (did you mean --json?)`. Node's own message for it quotes the flag with an
 * unbalanced quote and suggests nothing.
 */
function unknownOption(argv: string[], options: NonNullable<ParseArgsConfig['options']>): string | undefined {
  // A lenient pass only to find the tokens: it reads `--bucket --jsn` as --bucket's value, as the strict pass does.
  const { tokens } = parseArgs({ args: argv, options, allowPositionals: true, strict: false, tokens: true });
  for (const token of tokens) {
    if (token.kind !== 'option' || Object.hasOwn(options, token.name)) continue;
    const suggestion = token.rawName.startsWith('--') ? closestName(token.name, Object.keys(options)) : undefined;
    return `unknown option ${token.rawName}${suggestion === undefined ? '' : ` (did you mean --${suggestion}?)`}`;
  }
  return undefined;
}

/**
 * Runs `parseArgs` and turns its exceptions (unknown flag, missing value) into a usage outcome.
 *
 * @param command - Command name, for the message.
 * @param argv - Arguments after the command name.
 * @param options - The command's option config.
 * @returns The parsed values and positionals, or a usage outcome.
 */
export function parseCommandLine<O extends NonNullable<ParseArgsConfig['options']>>(
  command: string,
  argv: string[],
  options: O,
): { values: ReturnType<typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>>['values']; positionals: string[] } | { problem: CliOutcome } {
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values, positionals };
  } catch (error) {
    const message = unknownOption(argv, options) ?? (error as Error).message;
    return { problem: { kind: 'usage', command, message } };
  }
}

const usage = (command: string, message: string): { problem: CliOutcome } => ({ problem: { kind: 'usage', command, message } });

/**
 * Checks and converts the shared options.
 *
 * @param command - Command name, for messages.
 * @param values - Parsed values.
 * @returns The options, or a usage outcome naming the bad value.
 */
export function resolveCommonOptions(command: string, values: CommonValues): CommonOptions | { problem: CliOutcome } {
  let bucketMs = 60_000;
  if (values.bucket !== undefined) {
    const parsed = parseBucket(values.bucket);
    if (parsed === undefined)
      return usage(command, `Expected --bucket to be a positive whole number of milliseconds with an optional unit (500ms, 30s, 2m, 1h), got '${values.bucket}'`);
    bucketMs = parsed;
  }
  const instants: { sinceMs?: number; untilMs?: number } = {};
  for (const name of ['since', 'until'] as const) {
    const raw = values[name];
    if (raw === undefined) continue;
    const ms = parseInstant(raw);
    if (ms === undefined)
      return usage(command, `Expected --${name} to be an ISO 8601 time with a zone (2026-11-20T09:00Z, 2026-11-20T10:00:00+01:00), got '${raw}'`);
    instants[name === 'since' ? 'sinceMs' : 'untilMs'] = ms;
  }
  const filterFlags = [
    ...(values.since === undefined ? [] : [`--since ${values.since}`]),
    ...(values.until === undefined ? [] : [`--until ${values.until}`]),
    ...(values.agent ?? []).map((a) => `--agent ${a}`),
  ];
  return {
    bucketMs,
    filter: createRecordFilter({ ...instants, agents: values.agent ?? [] }),
    filterFlags,
    strict: values.strict === true,
    progress: values.progress === true,
  };
}
