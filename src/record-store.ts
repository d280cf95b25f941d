/**
 * The collector's held records (what `getAll()`, `getCount()` and `aggregate()` read), kept compact: a
 * record of the type's fields, in the type's key order, is held as columns (its numbers in a
 * `Float64Array`, its low-cardinality strings as indexes into a string table, its flags in a byte) plus
 * its `invocationId`, `taskId` and `timestamp`; any other record (unknown fields, another key order, a field
 * of another type) is held as the object it is. {@link RecordStore.toArray} makes the objects back, each a
 * new object equal to the one pushed, keys in the same order.
 *
 * Records come in two ways. {@link RecordStore.push} (recorded, restored) writes a record into chunks of
 * 4096 rows, its three strings held as references. {@link RecordStore.adopt} (`loadFromDisk()` of a large
 * log) takes a whole block of rows that a scan worker built (`src/scan/columns.ts`) as a chunk, without
 * copying it: its three strings stay UTF-8 bytes, decoded each time the record is made.
 *
 * Why: the collector keeps every record, and an object of 17 fields costs about 300 bytes of heap; the
 * columns take about 90 bytes plus the three strings (about 135 bytes as references to strings, about 70
 * as bytes). Making the objects again costs `getAll()` time and memory for the array it returns (see
 * BENCHMARKS.md).
 *
 * @module
 */
import type { InvocationMetric } from './record.js';
import { latin1Slice, utf8Slice } from './scan/byte-strings.js';
// The flags and the row layout are the scan's column writer's: an adopted block's rows are read as pushed ones.
import { F_CACHED, F_INPUT, F_OBJECT, F_OUTPUT, F_PARSED, F_SUCCESS, F_TASK, ROW_NUMBERS as NUMBERS, ROW_STRINGS as INTERNED, type ColumnBlock } from './scan/columns.js';

/** The type's keys in the order the serializer writes them (and records built from the type have). */
const ORDER = [
  'invocationId', 'agent', 'phase', 'taskId', 'durationMs', 'tokens', 'inputTokens', 'outputTokens', 'cachedTokens', 'cost', 'exitCode',
  'success', 'attempt', 'outputParsed', 'model', 'tier', 'timestamp', 'errorClass', 'provider', 'costSource', 'priceTable',
] as const;
/** Per key: 's' a string, 'n' a number, 'b' a boolean. */
const KIND = 'ssnsnnnnnnnbnbsssssss';

/** Rows per pushed chunk: columns are allocated a chunk at a time, so that no capacity is left unused beyond one chunk. */
const CHUNK = 4096;
/** Most distinct interned strings; past it, a record with a new one is held as an object. */
const MAX_STRINGS = 0xffff;

/**
 * Rows `[first, first + count)` of columns. A pushed chunk holds its strings in `ids` (the record itself for
 * a record held as an object), `taskIds` and `timestamps`; an adopted one in `bytes` and `ends` (three ends a
 * row), its records held as objects in `objects` (rows flagged `F_OBJECT`).
 */
interface Chunk {
  numbers: Float64Array;
  strings: Uint16Array;
  flags: Uint8Array;
  first: number;
  count: number;
  ids: (string | InvocationMetric)[] | undefined;
  taskIds: (string | undefined)[] | undefined;
  timestamps: (string | undefined)[] | undefined;
  bytes: Buffer | undefined;
  ends: Uint32Array | undefined;
  objects: Map<number, InvocationMetric> | undefined;
}

const newChunk = (): Chunk => ({
  numbers: new Float64Array(CHUNK * NUMBERS),
  strings: new Uint16Array(CHUNK * INTERNED),
  flags: new Uint8Array(CHUNK),
  first: 0,
  count: 0,
  ids: new Array<string | InvocationMetric>(CHUNK),
  taskIds: new Array<string | undefined>(CHUNK),
  timestamps: new Array<string | undefined>(CHUNK),
  bytes: undefined,
  ends: undefined,
  objects: undefined,
});

/** An append-only list of records, held compactly (see the module's documentation). */
export class RecordStore {
  readonly #chunks: Chunk[] = [];
  readonly #table: string[] = [''];
  readonly #index = new Map<string, number>();
  #length = 0;
  /** The chunk {@link RecordStore.get} read last, and the index of its first record: rows are read in order. */
  #at = 0;
  #atBase = 0;

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
    let chunk = this.#chunks[this.#chunks.length - 1];
    if (chunk === undefined || chunk.ids === undefined || chunk.count === CHUNK) this.#chunks.push((chunk = newChunk()));
    const i = chunk.count;
    const compact = this.#compact(record, chunk, i);
    if (!compact) {
      chunk.ids![i] = record;
      chunk.taskIds![i] = undefined;
      chunk.timestamps![i] = undefined;
    }
    chunk.count++;
    this.#length++;
    return compact;
  }

  /**
   * Takes rows `[first, block.rows)` of a scan worker's block as they are (its arrays become the store's:
   * the caller must not use them after), in order after the records held: the same records, equal key for
   * key, as pushing each line's record would hold. The block's string ids are changed in place into the
   * store's (interned in record order, as `push` interns them); a row whose strings do not fit the full
   * table is held as its object, as `push` holds it. A row flagged `F_OBJECT` is held as its record in
   * `objects` (a line not in the writer's form: the object `JSON.parse` gave).
   *
   * @param block - The block.
   * @param first - Its first row to hold (the rows before are skipped).
   * @param objects - The records of its `F_OBJECT` rows from `first` on, by row.
   */
  adopt(block: ColumnBlock, first: number, objects: Map<number, InvocationMetric>): void {
    const count = block.rows - first;
    if (count <= 0) return;
    const { table, strings, flags } = block;
    const bytes = Buffer.from(block.bytes.buffer, block.bytes.byteOffset, block.bytes.byteLength);
    const map = new Int32Array(table.length).fill(-1);
    map[0] = 0;
    const chunk: Chunk = { numbers: block.numbers, strings, flags, first, count, ids: undefined, taskIds: undefined, timestamps: undefined, bytes, ends: block.ends, objects };
    for (let r = first; r < block.rows; r++) {
      if ((flags[r]! & F_OBJECT) !== 0) continue;
      // Interned in push's order (agent, model, tier, errorClass; the block's rows hold no others).
      const s = r * INTERNED;
      let full = false;
      for (let k = 0; k < 4; k++) {
        const local = strings[s + k]!;
        let id = map[local]!;
        if (id < 0 && (id = this.#id(table[local]!)) >= 0) map[local] = id;
        if (id < 0) full = true;
        scratch[k] = id;
      }
      if (full) {
        // Held as its object, made with the block's own ids.
        const row = rowStrings(chunk, r);
        objects.set(r, makeRecord(table, block.numbers, r * NUMBERS, strings, s, flags[r]!, row.id, row.taskId, row.timestamp));
        flags[r]! |= F_OBJECT;
      } else for (let k = 0; k < 4; k++) strings[s + k] = scratch[k]!;
    }
    this.#chunks.push(chunk);
    this.#length += count;
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
      (m.success ? F_SUCCESS : 0) |
      (m.outputParsed ? F_PARSED : 0) |
      (m.inputTokens === undefined ? 0 : F_INPUT) |
      (m.outputTokens === undefined ? 0 : F_OUTPUT) |
      (m.cachedTokens === undefined ? 0 : F_CACHED);
    chunk.ids![i] = m.invocationId;
    chunk.taskIds![i] = m.taskId;
    chunk.timestamps![i] = m.timestamp;
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
   * The record at `index`, as {@link RecordStore.toArray} makes it (a new object for a record held as
   * columns, the held object for another). Reading records in order costs no search.
   *
   * @param index - From 0 to `length - 1`.
   * @returns The record.
   */
  get(index: number): InvocationMetric {
    const chunks = this.#chunks;
    if (index < this.#atBase) {
      this.#at = 0;
      this.#atBase = 0;
    }
    while (index - this.#atBase >= chunks[this.#at]!.count) this.#atBase += chunks[this.#at++]!.count;
    const chunk = chunks[this.#at]!;
    return this.#make(chunk, chunk.first + index - this.#atBase);
  }

  /**
   * Every record, in the order pushed: new objects for the compact ones (equal to what was pushed, keys in
   * the same order), the held objects themselves for the others.
   *
   * @returns A new array.
   */
  toArray(): InvocationMetric[] {
    const out = new Array<InvocationMetric>(this.#length);
    let k = 0;
    for (const chunk of this.#chunks) {
      for (let i = chunk.first, end = chunk.first + chunk.count; i < end; i++) out[k++] = this.#make(chunk, i);
    }
    return out;
  }

  /**
   * The records one at a time, in the order pushed (as {@link RecordStore.toArray} makes them), without an
   * array of them all: what `aggregate()` reads, so that only one made object is alive at a time.
   *
   * @param from - Index of the first record. @default 0
   * @param to - Index after the last one. @default the number held
   * @returns An iterator over the records.
   */
  *values(from = 0, to = this.#length): IterableIterator<InvocationMetric> {
    let base = 0;
    for (const chunk of this.#chunks) {
      if (base >= to) return;
      const start = Math.max(from - base, 0);
      const stop = Math.min(to - base, chunk.count);
      for (let i = start; i < stop; i++) yield this.#make(chunk, chunk.first + i);
      base += chunk.count;
    }
  }

  #make(chunk: Chunk, i: number): InvocationMetric {
    const ids = chunk.ids;
    if (ids !== undefined) {
      const id = ids[i]!;
      if (typeof id !== 'string') return id;
      return makeRecord(this.#table, chunk.numbers, i * NUMBERS, chunk.strings, i * INTERNED, chunk.flags[i]!, id, chunk.taskIds![i], chunk.timestamps![i]!);
    }
    if ((chunk.flags[i]! & F_OBJECT) !== 0) return chunk.objects!.get(i)!;
    const row = rowStrings(chunk, i);
    return makeRecord(this.#table, chunk.numbers, i * NUMBERS, chunk.strings, i * INTERNED, chunk.flags[i]!, row.id, row.taskId, row.timestamp);
  }
}

/** Reused by {@link RecordStore.adopt}: a row's ids in the store's table. */
const scratch = new Int32Array(4);

/** Reused: the strings of the last row decoded. */
const decoded = { id: '', taskId: undefined as string | undefined, timestamp: '' };

/** The three strings of row `r` of an adopted chunk, decoded (UTF-8, as the reader decodes its line). */
function rowStrings(chunk: Chunk, r: number): typeof decoded {
  const bytes = chunk.bytes!;
  const ends = chunk.ends!;
  const e = r * 3;
  const start = e === 0 ? 0 : ends[e - 1]!;
  decoded.id = utf8Slice.call(bytes, start, ends[e]!);
  decoded.taskId = (chunk.flags[r]! & F_TASK) === 0 ? undefined : utf8Slice.call(bytes, ends[e]!, ends[e + 1]!);
  // A timestamp the fast path took is ASCII: latin1 decodes it as UTF-8 would.
  decoded.timestamp = latin1Slice.call(bytes, ends[e + 1]!, ends[e + 2]!);
  return decoded;
}

/** The record of a row: numbers at `numbers[n]`, string ids at `strings[s]` into `t`, keys in the type's order. */
function makeRecord(
  t: readonly string[],
  numbers: Float64Array,
  n: number,
  strings: Uint16Array,
  s: number,
  flags: number,
  id: string,
  taskId: string | undefined,
  timestamp: string,
): InvocationMetric {
  const r = { invocationId: id, agent: t[strings[s]!]!, phase: numbers[n]! } as Record<string, unknown>;
  if (taskId !== undefined) r.taskId = taskId;
  r.durationMs = numbers[n + 1];
  r.tokens = numbers[n + 2];
  if ((flags & F_INPUT) !== 0) r.inputTokens = numbers[n + 3];
  if ((flags & F_OUTPUT) !== 0) r.outputTokens = numbers[n + 4];
  if ((flags & F_CACHED) !== 0) r.cachedTokens = numbers[n + 5];
  r.cost = numbers[n + 6];
  r.exitCode = numbers[n + 7];
  r.success = (flags & F_SUCCESS) !== 0;
  r.attempt = numbers[n + 8];
  r.outputParsed = (flags & F_PARSED) !== 0;
  if (strings[s + 1] !== 0) r.model = t[strings[s + 1]!];
  if (strings[s + 2] !== 0) r.tier = t[strings[s + 2]!];
  r.timestamp = timestamp;
  if (strings[s + 3] !== 0) r.errorClass = t[strings[s + 3]!];
  if (strings[s + 4] !== 0) r.provider = t[strings[s + 4]!];
  if (strings[s + 5] !== 0) r.costSource = t[strings[s + 5]!];
  if (strings[s + 6] !== 0) r.priceTable = t[strings[s + 6]!];
  return r as unknown as InvocationMetric;
}
