/**
 * `invocation-metrics sql`: prints the exact aggregate as one SQL query for DuckDB or ClickHouse (see
 * src/sql/aggregate-sql.ts and the README, "Exact SQL").
 *
 * @module
 */
import { buildAggregateSql } from '../sql/aggregate-sql.js';
import { SQL_DIALECTS, SQL_FORMATS, type SqlDialect, type SqlFormat } from '../sql/dialect.js';
import { parseCommandLine } from './args.js';
import { SQL_HELP } from './help.js';
import type { CliIO } from './io.js';
import type { CliOutcome } from './outcome.js';
import { parseBucket } from './values.js';

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  dialect: { type: 'string' },
  from: { type: 'string' },
  format: { type: 'string' },
  bucket: { type: 'string' },
} as const;

/** A table name as SQL takes it unquoted: `name` or `db.name`. */
const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;

/**
 * Runs `sql`.
 *
 * @param argv - Arguments after `sql`.
 * @param io - Process streams.
 * @returns The outcome.
 */
export function runSql(argv: string[], io: CliIO): CliOutcome {
  const parsed = parseCommandLine('sql', argv, OPTIONS);
  if ('problem' in parsed) return parsed.problem;
  const { values, positionals } = parsed;
  const usage = (message: string): CliOutcome => ({ kind: 'usage', command: 'sql', message });
  if (values.help === true) {
    io.stdout.write(SQL_HELP);
    return { kind: 'ok' };
  }
  if (positionals.length > 0) return usage(`Unexpected argument '${positionals[0]}' (give the input with --from)`);
  const dialect = values.dialect ?? 'duckdb';
  if (!(SQL_DIALECTS as readonly string[]).includes(dialect)) return usage(`Expected --dialect to be one of ${SQL_DIALECTS.join(', ')}, got '${dialect}'`);
  const format = values.format ?? 'jsonl';
  if (!(SQL_FORMATS as readonly string[]).includes(format)) return usage(`Expected --format to be one of ${SQL_FORMATS.join(', ')}, got '${format}'`);
  const from = values.from ?? 'invocations.jsonl';
  if (from === '') return usage('Expected --from to be a path, a glob or a table name, got an empty string');
  if (format === 'table' && !TABLE_NAME.test(from)) return usage(`Expected --from to be a table name (name or db.name) with --format table, got '${from}'`);
  let bucketMs = 60_000;
  if (values.bucket !== undefined) {
    const ms = parseBucket(values.bucket);
    if (ms === undefined)
      return usage(`Expected --bucket to be a positive whole number of milliseconds with an optional unit (500ms, 30s, 2m, 1h), got '${values.bucket}'`);
    bucketMs = ms;
  }
  io.stdout.write(`${buildAggregateSql({ dialect: dialect as SqlDialect, format: format as SqlFormat, from, bucketMs })}\n`);
  return { kind: 'ok' };
}
