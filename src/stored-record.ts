/**
 * What the collector keeps and writes of a caller's record: a private shallow copy (validated after
 * copying; made by an object literal of the record's shape when it can be, see {@link copyRecord}), its
 * low-cardinality strings interned, and its JSON line, refused with an {@link InvalidMetricError} naming
 * the field when it cannot be written or would not load back.
 *
 * @module
 */
import { InvalidMetricError } from './errors.js';
import { DEFAULT_MAX_LINE_BYTES } from './log/lines.js';
import { findMetricProblem, type InvocationMetric } from './record.js';
import { FIELD_ORDER, serializeMetric } from './serialize.js';

/**
 * A shallow copy of the caller's record, or the error when it is not an object whose fields can be read.
 *
 * The copy is what `{ ...metric }` makes: the same own enumerable keys in the same order, each getter read
 * once. A record of known fields in the type's order (as frameworks build them, and as records parsed
 * from the log are) is copied by an object literal of exactly its shape (see {@link shapeCopier}); any
 * other by the spread.
 *
 * @param metric - What the caller passed to `record()`.
 * @returns The copy (not yet validated), or the error.
 */
export function copyRecord(metric: unknown): InvocationMetric | InvalidMetricError {
  try {
    if (typeof metric !== 'object' || metric === null || Array.isArray(metric)) return findMetricProblem(metric)!;
    const copy = shapeCopier(metric);
    return copy === undefined ? ({ ...metric } as InvocationMetric) : copy(metric);
  } catch {
    return new InvalidMetricError('(record)', 'an object whose fields can be read', metric);
  }
}

const OPTIONAL: readonly string[] = ['taskId', 'inputTokens', 'outputTokens', 'cachedTokens', 'model', 'tier', 'errorClass'];
/** For each field of {@link FIELD_ORDER}: its bit in a shape's mask when it is optional, 0 when it is required. */
const OPTIONAL_BIT = FIELD_ORDER.map((f) => (OPTIONAL.includes(f) ? 1 << OPTIONAL.indexOf(f) : 0));

/** Copies a record of one shape (see {@link shapeCopier}). */
export type Copier = (m: object) => InvocationMetric;
/** One copier per set of optional fields present (at most 2^7); `null` once code generation was refused. */
const copiers: (Copier | null | undefined)[] = new Array<Copier | null | undefined>(1 << OPTIONAL.length).fill(undefined);

/**
 * The copier of `m`'s shape, when `m` is a plain object whose own enumerable keys are known fields in the
 * type's order (every required one, any optional ones) and which has no symbol keys; else `undefined`
 * (copy with the spread).
 *
 * Why: the collector keeps every record, so each copy survives the young generation. An object literal
 * is an allocation site that V8 learns to allocate in the old generation at once ("pretenuring"), which
 * the spread is not: the garbage collector then no longer copies every record twice, and the record()
 * loop with a user's meter ran about 7% faster. A literal has a fixed set of keys, so there is one per
 * shape: built from our own field names (never from the record's data) by `new Function` the first
 * time the shape is seen. Where code generation is disallowed
 * (`--disallow-code-generation-from-strings`), the spread does the copy.
 *
 * @param m - A non-null object.
 * @returns The copier, or `undefined`.
 */
export function shapeCopier(m: object): Copier | undefined {
  if (Object.getPrototypeOf(m) !== Object.prototype) return undefined;
  let k = 0;
  let mask = 0;
  // for-in visits own enumerable string keys in order (and inherited enumerable ones: none on a plain
  // object, and any there would be no field in order) without reading a value.
  for (const key in m) {
    while (k < FIELD_ORDER.length && FIELD_ORDER[k] !== key) {
      if (OPTIONAL_BIT[k] === 0) return undefined; // a required field missing here (or out of order)
      k++;
    }
    if (k === FIELD_ORDER.length) return undefined; // an unknown key, or a known one out of order
    mask |= OPTIONAL_BIT[k]!;
    k++;
  }
  for (; k < FIELD_ORDER.length; k++) if (OPTIONAL_BIT[k] === 0) return undefined;
  if (Object.getOwnPropertySymbols(m).length !== 0) return undefined; // the spread copies those too
  let copier = copiers[mask];
  if (copier === undefined) copier = copiers[mask] = makeCopier(mask);
  return copier ?? undefined;
}

function makeCopier(mask: number): Copier | null {
  const fields = FIELD_ORDER.filter((_, i) => OPTIONAL_BIT[i] === 0 || (mask & OPTIONAL_BIT[i]!) !== 0);
  try {
    // A literal of our own field names only (see shapeCopier).
    return new Function('m', `return { ${fields.map((f) => `${f}: m.${f}`).join(', ')} };`) as Copier;
  } catch {
    return null;
  }
}

/** Distinct strings a collector interns (agent, model, tier, errorClass values); past it, strings are kept as given. */
const MAX_INTERNED = 4096;

/**
 * Makes the low-cardinality strings of a stored record (`agent`, `model`, `tier`, `errorClass`) share one
 * string per distinct value: records parsed from JSON or built by a framework carry a fresh copy of each,
 * and the collector keeps every record. The values are equal strings, so nothing observable changes.
 *
 * @param stored - The collector's own copy (changed in place).
 * @param table - The collector's intern table.
 */
export function internFields(stored: InvocationMetric, table: Map<string, string>): void {
  stored.agent = intern(stored.agent, table);
  if (typeof stored.model === 'string') stored.model = intern(stored.model, table);
  if (typeof stored.tier === 'string') stored.tier = intern(stored.tier, table);
  if (typeof stored.errorClass === 'string') stored.errorClass = intern(stored.errorClass, table);
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
  const { cost, exitCode, success, attempt, outputParsed, model, tier, timestamp, errorClass } = m;
  return { invocationId, agent, phase, taskId, durationMs, tokens, inputTokens, outputTokens, cachedTokens, cost, exitCode, success, attempt, outputParsed, model, tier, timestamp, errorClass };
}
