/**
 * The collector's held records (what `getAll()`, `getCount()` and `aggregate()` read), kept compact: a
 * record of the type's fields, in the type's key order, is held as columns (its numbers in a
 * `Float64Array`, its low-cardinality strings as indexes into a string table, its flags in a byte) plus
 * three references (`invocationId`, `taskId`, `timestamp`); any other record (unknown fields, another key
 * order, a field of another type) is held as the object it is. {@link RecordStore.toArray} makes the
 * objects back, each a new object equal to the one pushed, keys in the same order.
 *
 * Why: the collector keeps every record, and an object of 17 fields costs about 300 bytes of heap; the
 * columns take about 110 bytes plus the three strings. Making the objects again costs `getAll()` time and
 * memory for the array it returns (see BENCHMARKS.md).
 *
 * @module
 */
import type { InvocationMetric } from './record.js';

/** The type's keys in the order the serializer writes them (and records built from the type have). */
const ORDER = [
  'invocationId', 'agent', 'phase', 'taskId', 'durationMs', 'tokens', 'inputTokens', 'outputTokens', 'cachedTokens', 'cost', 'exitCode',
  'success', 'attempt', 'outputParsed', 'model', 'tier', 'timestamp', 'errorClass', 'provider', 'costSource', 'priceTable',
] as const;
/** Per key: 's' a string, 'n' a number, 'b' a boolean. */
const KIND = 'ssnsnnnnnnnbnbsssssss';

/** Records per chunk: columns are allocated a chunk at a time, so that no capacity is left unused beyond one chunk. */
const CHUNK = 4096;
/** Number columns: phase, durationMs, tokens, inputTokens, outputTokens, cachedTokens, cost, exitCode, attempt. */
const NUMBERS = 9;
/** Interned string columns: agent, model, tier, errorClass, provider, costSource, priceTable (0 = absent). */
const INTERNED = 7;
/** Most distinct interned strings; past it, a record with a new one is held as an object. */
const MAX_STRINGS = 0xffff;

const SUCCESS = 1;
const PARSED = 2;
const HAS_INPUT = 4;
const HAS_OUTPUT = 8;
const HAS_CACHED = 16;

interface Chunk {
  numbers: Float64Array;
  strings: Uint16Array;
  flags: Uint8Array;
  /** The invocation id of a compact record, or the record itself when it is held as an object. */
  ids: (string | InvocationMetric)[];
  taskIds: (string | undefined)[];
  timestamps: (string | undefined)[];
}

const newChunk = (): Chunk => ({
  numbers: new Float64Array(CHUNK * NUMBERS),
  strings: new Uint16Array(CHUNK * INTERNED),
  flags: new Uint8Array(CHUNK),
  ids: new Array<string | InvocationMetric>(CHUNK),
  taskIds: new Array<string | undefined>(CHUNK),
  timestamps: new Array<string | undefined>(CHUNK),
});

/** An append-only list of records, held compactly (see the module's documentation). */
export class RecordStore {
  readonly #chunks: Chunk[] = [];
  readonly #table: string[] = [''];
  readonly #index = new Map<string, number>();
  #length = 0;

  /** How many records are held. */
  get length(): number {
    return this.#length;
  }

  /**
   * Holds `record` (the caller's object is not kept when it is held as columns; do not change it after
   * when it is not).
   *
   * @param record - A valid record.
   * @returns Whether it is held as columns (false: the object itself is held).
   */
  push(record: InvocationMetric): boolean {
    const i = this.#length % CHUNK;
    if (i === 0) this.#chunks.push(newChunk());
    const chunk = this.#chunks[this.#chunks.length - 1]!;
    const compact = this.#compact(record, chunk, i);
    if (!compact) {
      chunk.ids[i] = record;
      chunk.taskIds[i] = undefined;
      chunk.timestamps[i] = undefined;
    }
    this.#length++;
    return compact;
  }

  /** Writes `m` into the columns at `i` when its keys are the type's, in order, each of its type; false otherwise. */
  #compact(m: InvocationMetric, chunk: Chunk, i: number): boolean {
    const r = m as unknown as Record<string, unknown>;
    // Keys are compared by identity with the type's, walking forward (no hashing): a key that is not
    // found further on is unknown or out of order.
    let p = 0;
    for (const key in r) {
      while (p < ORDER.length && ORDER[p] !== key) p++;
      if (p === ORDER.length) return false;
      const v = r[key];
      const kind = KIND.charCodeAt(p);
      if (kind === 0x73 ? typeof v !== 'string' : kind === 0x6e ? typeof v !== 'number' : typeof v !== 'boolean') return false;
      p++;
    }
    // Symbol keys are not seen by for-in: such a record is held as it is.
    if (Object.getOwnPropertySymbols(m).length !== 0) return false;
    // The required fields must be there (validation ensures it; a record without one is held as it is).
    if (typeof m.invocationId !== 'string' || typeof m.agent !== 'string' || typeof m.timestamp !== 'string') return false;
    if (typeof m.phase !== 'number' || typeof m.durationMs !== 'number' || typeof m.tokens !== 'number' || typeof m.cost !== 'number') return false;
    if (typeof m.exitCode !== 'number' || typeof m.attempt !== 'number' || typeof m.success !== 'boolean' || typeof m.outputParsed !== 'boolean') return false;
    const s = i * INTERNED;
    const agent = this.#id(m.agent);
    const model = m.model === undefined ? 0 : this.#id(m.model);
    const tier = m.tier === undefined ? 0 : this.#id(m.tier);
    const errorClass = m.errorClass === undefined ? 0 : this.#id(m.errorClass);
    const provider = m.provider === undefined ? 0 : this.#id(m.provider);
    const costSource = m.costSource === undefined ? 0 : this.#id(m.costSource);
    const priceTable = m.priceTable === undefined ? 0 : this.#id(m.priceTable);
    if (agent < 0 || model < 0 || tier < 0 || errorClass < 0 || provider < 0 || costSource < 0 || priceTable < 0) return false;
    const strings = chunk.strings;
    strings[s] = agent;
    strings[s + 1] = model;
    strings[s + 2] = tier;
    strings[s + 3] = errorClass;
    strings[s + 4] = provider;
    strings[s + 5] = costSource;
    strings[s + 6] = priceTable;
    const n = i * NUMBERS;
    const numbers = chunk.numbers;
    numbers[n] = m.phase;
    numbers[n + 1] = m.durationMs;
    numbers[n + 2] = m.tokens;
    numbers[n + 3] = m.inputTokens ?? 0;
    numbers[n + 4] = m.outputTokens ?? 0;
    numbers[n + 5] = m.cachedTokens ?? 0;
    numbers[n + 6] = m.cost;
    numbers[n + 7] = m.exitCode;
    numbers[n + 8] = m.attempt;
    chunk.flags[i] =
      (m.success ? SUCCESS : 0) |
      (m.outputParsed ? PARSED : 0) |
      (m.inputTokens === undefined ? 0 : HAS_INPUT) |
      (m.outputTokens === undefined ? 0 : HAS_OUTPUT) |
      (m.cachedTokens === undefined ? 0 : HAS_CACHED);
    chunk.ids[i] = m.invocationId;
    chunk.taskIds[i] = m.taskId;
    chunk.timestamps[i] = m.timestamp;
    return true;
  }

  /** The table index of `value` (added when new), or -1 when the table is full. */
  #id(value: string): number {
    const known = this.#index.get(value);
    if (known !== undefined) return known;
    if (this.#table.length > MAX_STRINGS) return -1;
    const id = this.#table.length;
    this.#table.push(value);
    this.#index.set(value, id);
    return id;
  }

  /**
   * Every record, in the order pushed: new objects for the compact ones (equal to what was pushed, keys in
   * the same order), the held objects themselves for the others.
   *
   * @returns A new array.
   */
  toArray(): InvocationMetric[] {
    const out = new Array<InvocationMetric>(this.#length);
    for (let k = 0; k < this.#length; k++) out[k] = this.#at(k);
    return out;
  }

  /**
   * The records one at a time, in the order pushed (as {@link RecordStore.toArray} makes them), without an
   * array of them all: what `aggregate()` reads, so that only one made object is alive at a time.
   *
   * @returns An iterator over the records.
   */
  *values(): IterableIterator<InvocationMetric> {
    for (let k = 0; k < this.#length; k++) yield this.#at(k);
  }

  #at(k: number): InvocationMetric {
    const chunk = this.#chunks[Math.floor(k / CHUNK)]!;
    const i = k % CHUNK;
    const id = chunk.ids[i]!;
    if (typeof id !== 'string') return id;
    const t = this.#table;
    const s = i * INTERNED;
    const n = i * NUMBERS;
    const { numbers, strings } = chunk;
    const flags = chunk.flags[i]!;
    const r = { invocationId: id, agent: t[strings[s]!]!, phase: numbers[n]! } as Record<string, unknown>;
    const taskId = chunk.taskIds[i];
    if (taskId !== undefined) r.taskId = taskId;
    r.durationMs = numbers[n + 1];
    r.tokens = numbers[n + 2];
    if ((flags & HAS_INPUT) !== 0) r.inputTokens = numbers[n + 3];
    if ((flags & HAS_OUTPUT) !== 0) r.outputTokens = numbers[n + 4];
    if ((flags & HAS_CACHED) !== 0) r.cachedTokens = numbers[n + 5];
    r.cost = numbers[n + 6];
    r.exitCode = numbers[n + 7];
    r.success = (flags & SUCCESS) !== 0;
    r.attempt = numbers[n + 8];
    r.outputParsed = (flags & PARSED) !== 0;
    if (strings[s + 1] !== 0) r.model = t[strings[s + 1]!];
    if (strings[s + 2] !== 0) r.tier = t[strings[s + 2]!];
    r.timestamp = chunk.timestamps[i];
    if (strings[s + 3] !== 0) r.errorClass = t[strings[s + 3]!];
    if (strings[s + 4] !== 0) r.provider = t[strings[s + 4]!];
    if (strings[s + 5] !== 0) r.costSource = t[strings[s + 5]!];
    if (strings[s + 6] !== 0) r.priceTable = t[strings[s + 6]!];
    return r as unknown as InvocationMetric;
  }
}
