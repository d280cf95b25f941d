/**
 * The bytes of a state file: an {@link AggregatorState} as a compact, versioned, checksummed binary, and
 * back. Pure: bytes in, bytes out; the file I/O is in `state-file.ts`.
 *
 * Layout (all integers little-endian):
 *
 * | offset | size | field |
 * |---|---|---|
 * | 0 | 8 | magic `89 49 4D 53 0D 0A 1A 0A` (`\x89IMS\r\n\x1a\n`: a text-mode copy or a truncated transfer breaks it, as PNG's does) |
 * | 8 | 4 | format version, {@link STATE_FILE_VERSION} |
 * | 12 | 4 | flags: bit 0 = the body is raw DEFLATE (RFC 1951); no other bit may be set |
 * | 16 | 8 | stored body length (bytes after the header) |
 * | 24 | 8 | body length once inflated |
 * | 32 | 4 | CRC-32 of the stored body |
 * | 36 | 4 | CRC-32 of bytes 0..35 |
 *
 * The inflated body: a u32 length and that many bytes of UTF-8 JSON (the string tables, the counts and
 * the token totals; sums past 2^53 as decimal strings), zero padding to a multiple of 8, then the
 * float64 arrays `phases`, `tokens.byAgent`, `byPhase`, `byModel`, the columns `start`, `durationMs`,
 * `cost`, `attempt`, the int32 columns `agent`, `phase`, `taskId`, `model`, `tier`, `errorClass` and the
 * uint8 column `flags`. The sizes of all of them follow from the JSON part, and must add up to the body
 * length exactly. A reader allocates nothing larger than the file before these checks: the body is
 * inflated with the declared length as its ceiling, which itself may not exceed what DEFLATE can expand
 * the stored bytes to.
 *
 * @module
 */
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';
import { checkState, STATE_FORMAT } from '../aggregate/aggregator-state.js';
import { FLOAT_COLUMNS, ID_COLUMNS } from '../aggregate/record-columns.js';
import type { AggregatorColumns, AggregatorState, AggregatorTokenSums, ExactTokenSums } from '../aggregate/types.js';
import { InvalidOptionError } from '../errors.js';

/** The first 8 bytes of every state file. */
export const STATE_FILE_MAGIC: Readonly<Uint8Array> = Uint8Array.of(0x89, 0x49, 0x4d, 0x53, 0x0d, 0x0a, 0x1a, 0x0a);
/** The format version this code writes and reads. A file of another version is refused by name. */
export const STATE_FILE_VERSION = 1;
/** Bytes of the fixed header. */
export const STATE_HEADER_BYTES = 40;

const FLAG_DEFLATE = 1;
/** DEFLATE expands at most about 1032:1; a declared length above this bound is a lie, refused before inflating. */
const MAX_DEFLATE_RATIO = 1032;
/** Bytes per record in the columns: four float64, six int32, one uint8. */
const ROW_BYTES = 8 * FLOAT_COLUMNS.length + 4 * ID_COLUMNS.length + 1;
/** A body this long or longer is refused (2^45 bytes: 32 TiB, some 600 billion records). */
const MAX_BODY_BYTES = 2 ** 45;
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Why bytes are not a state file; the file I/O layer adds the path. */
export class StateFormatProblem extends Error {}

/** The JSON part of the body. */
interface Meta {
  count: number;
  phases: number;
  agents: string[];
  taskIds: string[];
  models: string[];
  tiers: string[];
  errorClasses: string[];
  tokens: { total: number; input: number; output: number; cached: number; cachedWithInput: number; exact?: ExactJson };
}

type ExactJson = Record<'total' | 'input' | 'output' | 'cached' | 'cachedWithInput', string> &
  Record<'byAgent' | 'byPhase' | 'byModel', [number, string][]>;

const TOTALS = ['total', 'input', 'output', 'cached', 'cachedWithInput'] as const;
const PER_ID = ['byAgent', 'byPhase', 'byModel'] as const;

/** Options of {@link encodeState}. */
export interface EncodeOptions {
  /** Compress the body with raw DEFLATE (level 1: most of the gain, little of the time). @default true */
  compress?: boolean;
}

/**
 * Encodes a state as the bytes of a state file.
 *
 * @param state - A state from `serialize()` (checked first: a malformed state is never written).
 * @param options - See {@link EncodeOptions}.
 * @returns The header and the stored body, to be written one after the other.
 * @throws `InvalidOptionError` when `state` is not a well-formed {@link AggregatorState}.
 */
export function encodeState(state: AggregatorState, options: EncodeOptions = {}): [Buffer, Buffer] {
  checkState(state);
  const compress = options.compress ?? true;
  const body = encodeBody(state);
  const stored = compress ? deflateRawSync(body, { level: 1 }) : body;
  const header = Buffer.alloc(STATE_HEADER_BYTES);
  header.set(STATE_FILE_MAGIC, 0);
  header.writeUInt32LE(STATE_FILE_VERSION, 8);
  header.writeUInt32LE(compress ? FLAG_DEFLATE : 0, 12);
  header.writeBigUInt64LE(BigInt(stored.length), 16);
  header.writeBigUInt64LE(BigInt(body.length), 24);
  header.writeUInt32LE(crc32(stored), 32);
  header.writeUInt32LE(crc32(header.subarray(0, 36)), 36);
  return [header, stored];
}

function encodeBody(state: AggregatorState): Buffer {
  const t = state.tokens;
  const meta: Meta = {
    count: state.count,
    phases: state.phases.length,
    agents: state.agents,
    taskIds: state.taskIds,
    models: state.models,
    tiers: state.tiers,
    errorClasses: state.errorClasses,
    tokens: { total: t.total, input: t.input, output: t.output, cached: t.cached, cachedWithInput: t.cachedWithInput },
  };
  if (t.exact !== undefined) {
    const e = t.exact;
    const pairs = (list: [number, bigint][]): [number, string][] => list.map(([i, v]) => [i, v.toString()]);
    meta.tokens.exact = {
      total: e.total.toString(),
      input: e.input.toString(),
      output: e.output.toString(),
      cached: e.cached.toString(),
      cachedWithInput: e.cachedWithInput.toString(),
      byAgent: pairs(e.byAgent),
      byPhase: pairs(e.byPhase),
      byModel: pairs(e.byModel),
    };
  }
  // JSON.stringify writes lone surrogates as \uXXXX escapes, so every string table survives as it was.
  const json = Buffer.from(JSON.stringify(meta), 'utf8');
  const arrays: ArrayBufferView[] = [state.phases, t.byAgent, t.byPhase, t.byModel];
  for (const name of FLOAT_COLUMNS) arrays.push(state.columns[name]);
  for (const name of ID_COLUMNS) arrays.push(state.columns[name]);
  arrays.push(state.columns.flags);
  const jsonEnd = align8(4 + json.length);
  const body = Buffer.alloc(jsonEnd + arrays.reduce((s, a) => s + a.byteLength, 0));
  body.writeUInt32LE(json.length, 0);
  json.copy(body, 4);
  let at = jsonEnd;
  for (const array of arrays) {
    const bytes = Buffer.from(array.buffer, array.byteOffset, array.byteLength);
    bytes.copy(body, at);
    if (!LITTLE_ENDIAN) swap(body.subarray(at, at + bytes.length), array);
    at += bytes.length;
  }
  return body;
}

const align8 = (n: number): number => Math.ceil(n / 8) * 8;

/** Converts a typed array's bytes between this machine's order and little-endian (a big-endian host only). */
function swap(bytes: Buffer, like: ArrayBufferView): void {
  if (like instanceof Float64Array) bytes.swap64();
  else if (like instanceof Int32Array) bytes.swap32();
}

/**
 * Whether bytes start like a state file (the magic), whatever follows.
 *
 * @param head - The first bytes of a file (8 or more to say yes).
 * @returns True when they begin with {@link STATE_FILE_MAGIC}.
 */
export function hasStateMagic(head: Uint8Array): boolean {
  return head.length >= STATE_FILE_MAGIC.length && STATE_FILE_MAGIC.every((b, i) => head[i] === b);
}

/**
 * What the header declares, checked against the bytes that are there.
 *
 * @param header - The first {@link STATE_HEADER_BYTES} bytes (fewer is a truncated file).
 * @param fileBytes - The file's whole length.
 * @returns The stored and inflated body lengths and whether the body is compressed.
 * @throws {@link StateFormatProblem} naming what is wrong.
 */
export function readHeader(header: Uint8Array, fileBytes: number): { stored: number; body: number; deflated: boolean; crc: number } {
  if (!hasStateMagic(header)) throw new StateFormatProblem('not a state file of invocation-metrics (its first bytes are not the state magic)');
  if (header.length < STATE_HEADER_BYTES || fileBytes < STATE_HEADER_BYTES)
    throw new StateFormatProblem(`truncated: ${fileBytes} bytes, shorter than the ${STATE_HEADER_BYTES}-byte header`);
  const view = Buffer.from(header.buffer, header.byteOffset, STATE_HEADER_BYTES);
  if (crc32(view.subarray(0, 36)) !== view.readUInt32LE(36)) throw new StateFormatProblem('corrupt: the header checksum does not match');
  const version = view.readUInt32LE(8);
  if (version !== STATE_FILE_VERSION)
    throw new StateFormatProblem(`format version ${version}; this invocation-metrics reads version ${STATE_FILE_VERSION} (write the state again with this version)`);
  const flags = view.readUInt32LE(12);
  if ((flags & ~FLAG_DEFLATE) !== 0) throw new StateFormatProblem(`corrupt: unknown flags 0x${flags.toString(16)} in the header`);
  const stored = Number(view.readBigUInt64LE(16));
  const body = Number(view.readBigUInt64LE(24));
  if (stored !== fileBytes - STATE_HEADER_BYTES)
    throw new StateFormatProblem(
      stored > fileBytes - STATE_HEADER_BYTES
        ? `truncated: the header declares ${stored} bytes of body, the file has ${fileBytes - STATE_HEADER_BYTES}`
        : `corrupt: ${fileBytes - STATE_HEADER_BYTES - stored} bytes past the declared end of the body`,
    );
  const deflated = (flags & FLAG_DEFLATE) !== 0;
  const ceiling = deflated ? Math.min(MAX_BODY_BYTES, stored * MAX_DEFLATE_RATIO + 64) : stored;
  if (body > ceiling || (!deflated && body !== stored) || body < 8)
    throw new StateFormatProblem(`corrupt: a body of ${body} bytes cannot come from ${stored} stored bytes`);
  return { stored, body, deflated, crc: view.readUInt32LE(32) };
}

/**
 * Decodes a whole state file.
 *
 * @param bytes - The file's bytes.
 * @returns The state, checked as `mergeState()` checks one.
 * @throws {@link StateFormatProblem} for bytes that are not a valid state file of this version.
 */
export function decodeState(bytes: Uint8Array): AggregatorState {
  const head = readHeader(bytes.subarray(0, STATE_HEADER_BYTES), bytes.length);
  const stored = bytes.subarray(STATE_HEADER_BYTES);
  if (crc32(stored) !== head.crc) throw new StateFormatProblem('corrupt: the body checksum does not match (the file was changed or damaged)');
  let body: Buffer;
  try {
    // maxOutputLength caps what inflating may allocate at the declared length, however the stream lies.
    body = head.deflated ? inflateRawSync(stored, { maxOutputLength: head.body }) : Buffer.from(stored.buffer, stored.byteOffset, stored.length);
  } catch (error) {
    throw new StateFormatProblem(`corrupt: the body does not inflate (${(error as Error).message})`);
  }
  if (body.length !== head.body) throw new StateFormatProblem(`corrupt: the body inflates to ${body.length} bytes, the header declares ${head.body}`);
  return decodeBody(body);
}

function decodeBody(body: Buffer): AggregatorState {
  const jsonBytes = body.readUInt32LE(0);
  if (jsonBytes > body.length - 4) throw new StateFormatProblem(`corrupt: a table part of ${jsonBytes} bytes in a body of ${body.length}`);
  const meta = parseMeta(body.toString('utf8', 4, 4 + jsonBytes));
  const { count, phases } = meta;
  const sizes = [phases, meta.agents.length, phases, meta.models.length + 1];
  const jsonEnd = align8(4 + jsonBytes);
  const expected = jsonEnd + 8 * sizes.reduce((s, n) => s + n, 0) + ROW_BYTES * count;
  // Every array below is sized from these numbers: they must account for the body exactly first.
  if (expected !== body.length)
    throw new StateFormatProblem(`corrupt: ${count} records and their tables take ${expected} bytes, the body has ${body.length}`);
  let at = jsonEnd;
  const take = <A extends Float64Array | Int32Array | Uint8Array>(make: (n: number) => A, n: number): A => {
    const array = make(n);
    const bytes = new Uint8Array(array.buffer, 0, array.byteLength);
    bytes.set(body.subarray(at, at + array.byteLength));
    if (!LITTLE_ENDIAN) swap(Buffer.from(bytes.buffer, 0, bytes.length), array);
    at += array.byteLength;
    return array;
  };
  const f64 = (n: number): Float64Array => take((k) => new Float64Array(k), n);
  const i32 = (n: number): Int32Array => take((k) => new Int32Array(k), n);
  const phaseValues = f64(phases);
  const byAgent = f64(sizes[1]!);
  const byPhase = f64(phases);
  const byModel = f64(sizes[3]!);
  const columns = {} as AggregatorColumns;
  for (const name of FLOAT_COLUMNS) columns[name] = f64(count);
  for (const name of ID_COLUMNS) columns[name] = i32(count);
  columns.flags = take((k) => new Uint8Array(k), count);
  const tokens: AggregatorTokenSums = { ...pickTotals(meta.tokens), byAgent, byPhase, byModel };
  if (meta.tokens.exact !== undefined) tokens.exact = exactOf(meta.tokens.exact);
  const state: AggregatorState = {
    format: STATE_FORMAT,
    count,
    agents: meta.agents,
    phases: phaseValues,
    taskIds: meta.taskIds,
    models: meta.models,
    tiers: meta.tiers,
    errorClasses: meta.errorClasses,
    columns,
    tokens,
  };
  try {
    checkState(state);
  } catch (error) {
    if (error instanceof InvalidOptionError) throw new StateFormatProblem(`corrupt: ${error.message}`);
    throw error;
  }
  return state;
}

const pickTotals = (t: Meta['tokens']): Pick<AggregatorTokenSums, (typeof TOTALS)[number]> => ({
  total: t.total,
  input: t.input,
  output: t.output,
  cached: t.cached,
  cachedWithInput: t.cachedWithInput,
});

function exactOf(e: ExactJson): ExactTokenSums {
  const big = (s: string): bigint => BigInt(s);
  const pairs = (list: [number, string][]): [number, bigint][] => list.map(([i, v]) => [i, big(v)]);
  return {
    total: big(e.total),
    input: big(e.input),
    output: big(e.output),
    cached: big(e.cached),
    cachedWithInput: big(e.cachedWithInput),
    byAgent: pairs(e.byAgent),
    byPhase: pairs(e.byPhase),
    byModel: pairs(e.byModel),
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isDecimal = (v: unknown): v is string => typeof v === 'string' && /^\d{1,400}$/.test(v);

/** Parses and shape-checks the JSON part; the values' domains are left to `checkState`. */
function parseMeta(text: string): Meta {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new StateFormatProblem('corrupt: the table part is not JSON');
  }
  const fail = (field: string): never => {
    throw new StateFormatProblem(`corrupt: the table part's \`${field}\` is missing or of the wrong type`);
  };
  if (!isRecord(value)) return fail('(root)');
  if (!isCount(value.count)) fail('count');
  if (!isCount(value.phases)) fail('phases');
  for (const name of ['agents', 'taskIds', 'models', 'tiers', 'errorClasses'])
    if (!Array.isArray(value[name]) || !(value[name] as unknown[]).every((s) => typeof s === 'string')) fail(name);
  const tokens = value.tokens;
  if (!isRecord(tokens)) return fail('tokens');
  for (const name of TOTALS) if (typeof tokens[name] !== 'number') fail(`tokens.${name}`);
  if (tokens.exact !== undefined) {
    const exact = tokens.exact;
    if (!isRecord(exact)) return fail('tokens.exact');
    for (const name of TOTALS) if (!isDecimal(exact[name])) fail(`tokens.exact.${name}`);
    for (const name of PER_ID) {
      const list = exact[name];
      if (!Array.isArray(list) || !list.every((p) => Array.isArray(p) && p.length === 2 && isCount(p[0]) && isDecimal(p[1]))) fail(`tokens.exact.${name}`);
    }
  }
  return value as unknown as Meta;
}
