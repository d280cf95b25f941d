/**
 * What the collector keeps and writes of a caller's record: a private shallow copy (validated after
 * copying, see {@link copyRecord}), its
 * low-cardinality strings interned, and its JSON line, refused with an {@link InvalidMetricError} naming
 * the field when it cannot be written or would not load back.
 *
 * @module
 */
import { InvalidMetricError } from './errors.js';
import { DEFAULT_MAX_LINE_BYTES } from './log/lines.js';
import { findMetricProblem, type InvocationMetric } from './record.js';
import { serializeMetric } from './serialize.js';

/**
 * A shallow copy of the caller's record, or the error when it is not an object whose fields can be read.
 *
 * The copy is `{ ...metric }`: the same own enumerable keys in the same order, each getter read once.
 * (Until Node 20 a record of known fields was copied by a generated object literal of its shape, which V8
 * pretenured: 7% on the record() loop then. Measured again on Node 22, 24 and 26 with `npm run bench:v8`
 * before it was removed, it no longer paid: 0.999x, 1.012x and 1.006x of the spread's throughput, the
 * same bytes per held record; see BENCHMARKS.md.)
 *
 * @param metric - What the caller passed to `record()`.
 * @returns The copy (not yet validated), or the error.
 */
export function copyRecord(metric: unknown): InvocationMetric | InvalidMetricError {
  try {
    if (typeof metric !== 'object' || metric === null || Array.isArray(metric)) return findMetricProblem(metric)!;
    return { ...metric } as InvocationMetric;
  } catch {
    return new InvalidMetricError('(record)', 'an object whose fields can be read', metric);
  }
}

/** Distinct strings a collector interns (agent, model, tier, errorClass values); past it, strings are kept as given. */
const MAX_INTERNED = 4096;

/**
 * Makes the low-cardinality strings of a stored record (`agent`, `model`, `tier`, `errorClass`) share one
 * string per distinct value: records parsed from JSON or built by a framework carry a fresh copy of each,
 * and the collector keeps every record (it calls this for the records its store holds as objects; the store
 * interns the strings of the others in its own table). The values are equal strings, so nothing observable changes.
 *
 * @param stored - The collector's own copy (changed in place).
 * @param table - The collector's intern table.
 */
export function internFields(stored: InvocationMetric, table: Map<string, string>): void {
  stored.agent = intern(stored.agent, table);
  if (typeof stored.model === 'string') stored.model = intern(stored.model, table);
  if (typeof stored.tier === 'string') stored.tier = intern(stored.tier, table);
  if (typeof stored.errorClass === 'string') stored.errorClass = intern(stored.errorClass, table);
  if (typeof stored.provider === 'string') stored.provider = intern(stored.provider, table);
  if (typeof stored.costSource === 'string') stored.costSource = intern(stored.costSource, table) as typeof stored.costSource;
  if (typeof stored.priceTable === 'string') stored.priceTable = intern(stored.priceTable, table);
}

/** The table's copy of `value`, adding it while the table holds fewer than {@link MAX_INTERNED}. */
function intern(value: string, table: Map<string, string>): string {
  const known = table.get(value);
  if (known !== undefined) return known;
  if (table.size < MAX_INTERNED) table.set(value, value);
  return value;
}

/**
 * A valid record's line, or the error naming the field that cannot be written (or loaded back).
 *
 * @param stored - A record that passed validation.
 * @returns Its JSON line (without the newline), or the error.
 */
export function lineOf(stored: InvocationMetric): string | InvalidMetricError {
  let line: string;
  try {
    line = serializeMetric(stored);
  } catch {
    for (const [key, value] of Object.entries(stored)) {
      try {
        JSON.stringify(value);
      } catch (error) {
        return new InvalidMetricError(key, `a JSON-serializable value (${(error as Error)?.message ?? 'not serializable'})`, value);
      }
    }
    return new InvalidMetricError('(record)', 'JSON-serializable', stored);
  }
  // UTF-8 takes at most 3 bytes per UTF-16 unit: most lines need no byte count.
  if (line.length * 3 <= DEFAULT_MAX_LINE_BYTES) return line;
  const bytes = Buffer.byteLength(line, 'utf8');
  if (bytes <= DEFAULT_MAX_LINE_BYTES) return line;
  let widest = '(record)';
  let widestBytes = -1;
  for (const [key, value] of Object.entries(stored)) {
    const size = Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
    if (size > widestBytes) [widest, widestBytes] = [key, size];
  }
  return new InvalidMetricError(
    widest,
    `small enough for the record's JSON line to fit in ${DEFAULT_MAX_LINE_BYTES} bytes (the reader's maxLineBytes; this line would be ${bytes} bytes)`,
    (stored as unknown as Record<string, unknown>)[widest],
  );
}

/**
 * The known fields of a record, without its unknown ones.
 *
 * @param m - The record.
 * @returns A new record of its known fields.
 */
export function knownFields(m: InvocationMetric): InvocationMetric {
  const { invocationId, agent, phase, taskId, durationMs, tokens, inputTokens, outputTokens, cachedTokens } = m;
  const { cost, exitCode, success, attempt, outputParsed, model, tier, timestamp, errorClass, provider, costSource, priceTable } = m;
  // prettier-ignore
  return { invocationId, agent, phase, taskId, durationMs, tokens, inputTokens, outputTokens, cachedTokens, cost, exitCode, success, attempt,
    outputParsed, model, tier, timestamp, errorClass, provider, costSource, priceTable };
}
