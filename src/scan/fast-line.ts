/**
 * The fast path: parses a line in exactly the form `serializeMetric` writes (known fields in the order of
 * the `InvocationMetric` type, no whitespace, strings without escapes), straight from bytes, and accepts
 * it only when `JSON.parse` + `findMetricProblem` would accept it with the same values. Anything else
 * (another key order, whitespace, escapes, a duplicate key, an invalid value) is answered `NOT_FAST` and
 * the caller parses the line with `JSON.parse`, which gives the reader's exact warning. The parser finds
 * the line's end itself (see {@link FastLineParser.parse}): a native search for each line's `\n` would
 * cost a tenth of the parse.
 *
 * Written for speed, and for a quick start. Keys are compared in line as 32-bit words against constants;
 * values are read by small functions shared by all fields (`fieldNumber`, `stringEnd`...), which agents,
 * models and tiers mostly skip: their interners recognize a value seen before from its first bytes. A
 * worker thread scans a few hundred thousand lines while the optimizing compiler, on another thread,
 * compiles what it runs: small functions are optimized sooner and share their type feedback among call
 * sites, whereas a large unrolled parser runs unoptimized for much of a scan, and deoptimizes again at
 * the first line that takes one of its rare branches (measured: the unrolled one was faster once
 * optimized, slower over a worker's share of the 1M-line benchmark).
 *
 * @module
 */
import { isUtf8 } from 'node:buffer';
import type { ByteInterner } from './byte-interner.js';
import { fieldNumber, hashedStringEnd, NOT_FAST, scanned, scanString, skipValue, stringEnd } from './json-bytes.js';
import { minuteMs, secondsMs, timestampMs } from './timestamp-bytes.js';
import { MAX_COST_USD, MAX_TIME_MS } from '../record.js';

/** The little-endian 32-bit word of the four bytes of `text` at `at` (ASCII), as `DataView.getInt32(i, true)` reads it. */
const w = (text: string, at: number): number => Buffer.from(text, 'latin1').readInt32LE(at);

// Keys with their punctuation, and the words compared: one at every multiple of 4 and, when the length is
// not one, the last four bytes (overlapping). Constants are named after their offset in the literal.
const IID = '{"invocationId":"'; // 17
const IID_0 = w(IID, 0), IID_4 = w(IID, 4), IID_8 = w(IID, 8), IID_12 = w(IID, 12), IID_13 = w(IID, 13);
const AGENT = ',"agent":"'; // 10
const AGENT_0 = w(AGENT, 0), AGENT_4 = w(AGENT, 4), AGENT_6 = w(AGENT, 6);
const PHASE = ',"phase":'; // 9
const PHASE_0 = w(PHASE, 0), PHASE_4 = w(PHASE, 4), PHASE_5 = w(PHASE, 5);
const TASK = ',"taskId":"'; // 11
const TASK_0 = w(TASK, 0), TASK_4 = w(TASK, 4), TASK_7 = w(TASK, 7);
const DURATION = ',"durationMs":'; // 14
const DURATION_0 = w(DURATION, 0), DURATION_4 = w(DURATION, 4), DURATION_8 = w(DURATION, 8), DURATION_10 = w(DURATION, 10);
const TOKENS = ',"tokens":'; // 10
const TOKENS_0 = w(TOKENS, 0), TOKENS_4 = w(TOKENS, 4), TOKENS_6 = w(TOKENS, 6);
const INPUT = ',"inputTokens":'; // 15
const INPUT_0 = w(INPUT, 0), INPUT_4 = w(INPUT, 4), INPUT_8 = w(INPUT, 8), INPUT_11 = w(INPUT, 11);
const OUTPUT = ',"outputTokens":'; // 16
const OUTPUT_0 = w(OUTPUT, 0), OUTPUT_4 = w(OUTPUT, 4), OUTPUT_8 = w(OUTPUT, 8), OUTPUT_12 = w(OUTPUT, 12);
const CACHED = ',"cachedTokens":'; // 16
const CACHED_0 = w(CACHED, 0), CACHED_4 = w(CACHED, 4), CACHED_8 = w(CACHED, 8), CACHED_12 = w(CACHED, 12);
const COST = ',"cost":'; // 8
const COST_0 = w(COST, 0), COST_4 = w(COST, 4);
const EXIT = ',"exitCode":'; // 12
const EXIT_0 = w(EXIT, 0), EXIT_4 = w(EXIT, 4), EXIT_8 = w(EXIT, 8);
const SUCCESS = ',"success":'; // 11
const SUCCESS_0 = w(SUCCESS, 0), SUCCESS_4 = w(SUCCESS, 4), SUCCESS_7 = w(SUCCESS, 7);
const ATTEMPT = ',"attempt":'; // 11
const ATTEMPT_0 = w(ATTEMPT, 0), ATTEMPT_4 = w(ATTEMPT, 4), ATTEMPT_7 = w(ATTEMPT, 7);
const PARSED = ',"outputParsed":'; // 16
const PARSED_0 = w(PARSED, 0), PARSED_4 = w(PARSED, 4), PARSED_8 = w(PARSED, 8), PARSED_12 = w(PARSED, 12);
const MODEL = ',"model":"'; // 10
const MODEL_0 = w(MODEL, 0), MODEL_4 = w(MODEL, 4), MODEL_6 = w(MODEL, 6);
const TIER = ',"tier":"'; // 9
const TIER_0 = w(TIER, 0), TIER_4 = w(TIER, 4), TIER_5 = w(TIER, 5);
const STAMP = ',"timestamp":"'; // 14
const STAMP_0 = w(STAMP, 0), STAMP_4 = w(STAMP, 4), STAMP_8 = w(STAMP, 8), STAMP_10 = w(STAMP, 10);
const ERROR = ',"errorClass":"'; // 15
const ERROR_0 = w(ERROR, 0), ERROR_4 = w(ERROR, 4), ERROR_8 = w(ERROR, 8), ERROR_11 = w(ERROR, 11);
const TRUE_0 = w('true', 0);
const FALS_0 = w('fals', 0);

/** Slots of the minute memo of {@link FastLineParser}: 2^MINUTE_BITS. */
const MINUTE_BITS = 4;
const MINUTE_SLOTS = 1 << MINUTE_BITS;

/** The optional string fields after `errorClass`, in the writer's order; rare enough to be matched byte by byte. */
const PROVIDER = Buffer.from(',"provider":"');
const COST_SOURCE = Buffer.from(',"costSource":"');
const PRICE_TABLE = Buffer.from(',"priceTable":"');
/** The values `costSource` may take, as bytes. */
const COST_SOURCES = ['provider', 'table', 'none'].map((value) => Buffer.from(value));

/** Known field names as bytes: an unknown field with one of these names is a duplicate key. */
const KNOWN_NAMES = [IID, AGENT, PHASE, TASK, DURATION, TOKENS, INPUT, OUTPUT, CACHED, COST, EXIT, SUCCESS, ATTEMPT, PARSED, MODEL, TIER, STAMP, ERROR, PROVIDER, COST_SOURCE, PRICE_TABLE].map((key) =>
  Buffer.from(key.slice(2, key.indexOf('":'))),
);
const QUOTE = 0x22;
const COMMA = 0x2c;
const CLOSE = 0x7d;
const CR = 0x0d;
const NEWLINE = 0x0a;

/**
 * What {@link FastLineParser.parse} read from the last accepted line. One instance is reused. Strings are
 * byte ranges `[start, end)` of the line (`end` at the closing quote); an absent optional string has
 * `start` -1, an absent optional count is -1.
 */
export class FastLine {
  invocationIdStart = 0;
  invocationIdEnd = 0;
  agentStart = 0;
  agentEnd = 0;
  /** The agent's entry in the parser's agent interner, or -1 when it is not known yet: intern the bytes. */
  agentEntry = -1;
  taskIdStart = -1;
  taskIdEnd = -1;
  /** FNV-1a hash of the task id's bytes (`hashBytes` of `src/aggregate/key-table.ts`), when present. */
  taskIdHash = 0;
  modelStart = -1;
  modelEnd = -1;
  /** Like {@link agentEntry}. */
  modelEntry = -1;
  tierStart = -1;
  tierEnd = -1;
  /** Like {@link agentEntry}. */
  tierEntry = -1;
  timestampStart = 0;
  timestampEnd = 0;
  errorClassStart = -1;
  errorClassEnd = -1;
  phase = 0;
  durationMs = 0;
  tokens = 0;
  inputTokens = -1;
  outputTokens = -1;
  cachedTokens = -1;
  cost = 0;
  exitCode = 0;
  success = false;
  attempt = 1;
  outputParsed = false;
  /** `Date.parse(timestamp)`. */
  start = 0;
  /**
   * Whether the record must be built by `JSON.parse`: fields beyond the known ones follow, or one of the
   * rare optional ones after `errorClass` (`provider`, `costSource`, `priceTable`) is there.
   */
  unknownFields = false;
  /** The line's end (its `\r` or `\n`): the bound of `ByteInterner.remember`. */
  end = 0;
}

const isNonNegInt = (v: number): boolean => Number.isInteger(v) && v >= 0;
/** Token counts: safe integers, as `findMetricProblem` requires. */
const isCount = (v: number): boolean => Number.isSafeInteger(v) && v >= 0;
const isNonNegFinite = (v: number): boolean => v >= 0 && v < Infinity;
const isCost = (v: number): boolean => v >= 0 && v <= MAX_COST_USD;

/**
 * Parses lines of the writer's form into a reused {@link FastLine}. Agents, models and tiers seen before
 * are recognized by the interners it is given (which it only reads: the caller interns the values of the
 * lines it accepts, as only those may reach the aggregate).
 */
export class FastLineParser {
  /** The last accepted line. */
  readonly line = new FastLine();
  readonly #agents: ByteInterner;
  readonly #models: ByteInterner;
  readonly #tiers: ByteInterner;
  // The minute memo, direct-mapped (a log interleaves runs, so several minutes are current at once): the
  // first 16 bytes (`YYYY-MM-DDTHH:MM`) of writer-form timestamps whose minute was valid, as 4 words per
  // slot, and that minute's epoch ms. A slot's ms is NaN until filled: never matched then.
  readonly #minuteWords = new Int32Array(4 * MINUTE_SLOTS);
  readonly #minuteMs = new Float64Array(MINUTE_SLOTS).fill(Number.NaN);

  /**
   * @param agents - The interner of agents.
   * @param models - The interner of models.
   * @param tiers - The interner of tiers.
   */
  constructor(agents: ByteInterner, models: ByteInterner, tiers: ByteInterner) {
    this.#agents = agents;
    this.#models = models;
    this.#tiers = tiers;
  }

  /**
   * Parses the line that starts at `pos`, up to its `\n`.
   *
   * The parser finds the line's end itself. No token it accepts spans a `\n` (keys, numbers and literals
   * have none; strings, which stop at any control byte, neither), so it cannot read a line as part of
   * another; and `buf[limit]` is a `\n`, which ends every loop over the bytes (neither a quote nor a digit)
   * before it runs past `limit`: those loops need no bound check. Checks that read ahead (keys, four bytes
   * of a string...) first make sure the bytes are before `limit`.
   *
   * @param buf - The bytes.
   * @param view - A `DataView` of the same bytes.
   * @param pos - Start of the line.
   * @param limit - Index of a `\n` at or after the line's own (the last one of the bytes read, say).
   * @returns Index of the line's `\n` when the line was accepted (its fields are then in {@link line});
   *   {@link NOT_FAST} when it must be parsed by `JSON.parse`.
   */
  parse(buf: Buffer, view: DataView, pos: number, limit: number): number {
    const l = this.line;
    // Bound of the read-ahead checks: `i + length <= end` before reading `length` bytes at `i`.
    const end = limit;
    if (buf[end] !== NEWLINE) return NOT_FAST; // the sentinel the loops rely on
    let i = pos;
    let from = 0;
    let v = 0;
    let entry = -1;

    // {"invocationId":"..."  (non-empty: `i <= from` is an empty string or NOT_FAST)
    if (!(i + 17 <= end && view.getInt32(i, true) === IID_0 && view.getInt32(i + 4, true) === IID_4 && view.getInt32(i + 8, true) === IID_8 && view.getInt32(i + 12, true) === IID_12 && view.getInt32(i + 13, true) === IID_13))
      return NOT_FAST;
    from = i += 17;
    if ((i = stringEnd(buf, view, i, end)) <= from) return NOT_FAST;
    l.invocationIdStart = from;
    l.invocationIdEnd = i++;

    // ,"agent":"..."  (non-empty) A value seen before is recognized whole by the interner, without a scan;
    // any other is scanned here and interned by the caller once the line is accepted.
    if (!(i + 10 <= end && view.getInt32(i, true) === AGENT_0 && view.getInt32(i + 4, true) === AGENT_4 && view.getInt32(i + 6, true) === AGENT_6)) return NOT_FAST;
    from = i += 10;
    entry = this.#agents.guess(buf, view, i, end);
    if ((i = entry >= 0 ? i + this.#agents.lengthOf(entry) : stringEnd(buf, view, i, end)) <= from) return NOT_FAST;
    l.agentStart = from;
    l.agentEnd = i++;
    l.agentEntry = entry;

    // ,"phase":N
    if (!(i + 9 <= end && view.getInt32(i, true) === PHASE_0 && view.getInt32(i + 4, true) === PHASE_4 && view.getInt32(i + 5, true) === PHASE_5)) return NOT_FAST;
    if ((i = fieldNumber(buf, i + 9, end)) < 0 || !isNonNegInt((v = scanned.number))) return NOT_FAST;
    l.phase = v;

    // ,"taskId":"..."  (optional): hashed while read, as task ids are interned by their bytes.
    l.taskIdStart = -1;
    if (i + 11 <= end && view.getInt32(i, true) === TASK_0 && view.getInt32(i + 4, true) === TASK_4 && view.getInt32(i + 7, true) === TASK_7) {
      from = i += 11;
      if ((i = taskIdEnd(buf, view, i, end)) < 0) return NOT_FAST;
      l.taskIdStart = from;
      l.taskIdEnd = i++;
      l.taskIdHash = scanned.hash;
    }

    // ,"durationMs":N
    if (!(i + 14 <= end && view.getInt32(i, true) === DURATION_0 && view.getInt32(i + 4, true) === DURATION_4 && view.getInt32(i + 8, true) === DURATION_8 && view.getInt32(i + 10, true) === DURATION_10))
      return NOT_FAST;
    if ((i = fieldNumber(buf, i + 14, end)) < 0 || !isNonNegFinite((v = scanned.number))) return NOT_FAST;
    l.durationMs = v;

    // ,"tokens":N
    if (!(i + 10 <= end && view.getInt32(i, true) === TOKENS_0 && view.getInt32(i + 4, true) === TOKENS_4 && view.getInt32(i + 6, true) === TOKENS_6)) return NOT_FAST;
    if ((i = fieldNumber(buf, i + 10, end)) < 0 || !isCount((v = scanned.number))) return NOT_FAST;
    l.tokens = v;

    // ,"inputTokens":N  ,"outputTokens":N  ,"cachedTokens":N  (each optional)
    l.inputTokens = l.outputTokens = l.cachedTokens = -1;
    if (i + 15 <= end && view.getInt32(i, true) === INPUT_0 && view.getInt32(i + 4, true) === INPUT_4 && view.getInt32(i + 8, true) === INPUT_8 && view.getInt32(i + 11, true) === INPUT_11) {
      if ((i = fieldNumber(buf, i + 15, end)) < 0 || !isCount((v = scanned.number))) return NOT_FAST;
      l.inputTokens = v;
    }
    if (i + 16 <= end && view.getInt32(i, true) === OUTPUT_0 && view.getInt32(i + 4, true) === OUTPUT_4 && view.getInt32(i + 8, true) === OUTPUT_8 && view.getInt32(i + 12, true) === OUTPUT_12) {
      if ((i = fieldNumber(buf, i + 16, end)) < 0 || !isCount((v = scanned.number))) return NOT_FAST;
      l.outputTokens = v;
    }
    if (i + 16 <= end && view.getInt32(i, true) === CACHED_0 && view.getInt32(i + 4, true) === CACHED_4 && view.getInt32(i + 8, true) === CACHED_8 && view.getInt32(i + 12, true) === CACHED_12) {
      if ((i = fieldNumber(buf, i + 16, end)) < 0 || !isCount((v = scanned.number))) return NOT_FAST;
      l.cachedTokens = v;
    }

    // ,"cost":N
    if (!(i + 8 <= end && view.getInt32(i, true) === COST_0 && view.getInt32(i + 4, true) === COST_4)) return NOT_FAST;
    if ((i = fieldNumber(buf, i + 8, end)) < 0 || !isCost((v = scanned.number))) return NOT_FAST;
    l.cost = v;

    // ,"exitCode":N  (any integer)
    if (!(i + 12 <= end && view.getInt32(i, true) === EXIT_0 && view.getInt32(i + 4, true) === EXIT_4 && view.getInt32(i + 8, true) === EXIT_8)) return NOT_FAST;
    if ((i = fieldNumber(buf, i + 12, end)) < 0 || !Number.isInteger((v = scanned.number))) return NOT_FAST;
    l.exitCode = v;

    // ,"success":true|false  (the guard covers `true`; `false`'s last byte is at most the sentinel)
    if (!(i + 15 <= end && view.getInt32(i, true) === SUCCESS_0 && view.getInt32(i + 4, true) === SUCCESS_4 && view.getInt32(i + 7, true) === SUCCESS_7)) return NOT_FAST;
    if ((v = boolean(buf, view, i + 11)) < 0) return NOT_FAST;
    l.success = v === 1;
    i += 16 - v; // 11 + 5 for false (0), 11 + 4 for true (1)

    // ,"attempt":N  (an integer >= 1)
    if (!(i + 11 <= end && view.getInt32(i, true) === ATTEMPT_0 && view.getInt32(i + 4, true) === ATTEMPT_4 && view.getInt32(i + 7, true) === ATTEMPT_7)) return NOT_FAST;
    if ((i = fieldNumber(buf, i + 11, end)) < 0 || !(Number.isInteger((v = scanned.number)) && v >= 1)) return NOT_FAST;
    l.attempt = v;

    // ,"outputParsed":true|false
    if (!(i + 20 <= end && view.getInt32(i, true) === PARSED_0 && view.getInt32(i + 4, true) === PARSED_4 && view.getInt32(i + 8, true) === PARSED_8 && view.getInt32(i + 12, true) === PARSED_12))
      return NOT_FAST;
    if ((v = boolean(buf, view, i + 16)) < 0) return NOT_FAST;
    l.outputParsed = v === 1;
    i += 21 - v;

    // ,"model":"..."  ,"tier":"..."  (each optional; recognized or scanned as the agent)
    l.modelStart = l.tierStart = l.errorClassStart = -1;
    if (i + 10 <= end && view.getInt32(i, true) === MODEL_0 && view.getInt32(i + 4, true) === MODEL_4 && view.getInt32(i + 6, true) === MODEL_6) {
      from = i += 10;
      entry = this.#models.guess(buf, view, i, end);
      if ((i = entry >= 0 ? i + this.#models.lengthOf(entry) : stringEnd(buf, view, i, end)) < 0) return NOT_FAST;
      l.modelStart = from;
      l.modelEnd = i++;
      l.modelEntry = entry;
    }
    if (i + 9 <= end && view.getInt32(i, true) === TIER_0 && view.getInt32(i + 4, true) === TIER_4 && view.getInt32(i + 5, true) === TIER_5) {
      from = i += 9;
      entry = this.#tiers.guess(buf, view, i, end);
      if ((i = entry >= 0 ? i + this.#tiers.lengthOf(entry) : stringEnd(buf, view, i, end)) < 0) return NOT_FAST;
      l.tierStart = from;
      l.tierEnd = i++;
      l.tierEntry = entry;
    }

    // ,"timestamp":"..."
    if (!(i + 14 <= end && view.getInt32(i, true) === STAMP_0 && view.getInt32(i + 4, true) === STAMP_4 && view.getInt32(i + 8, true) === STAMP_8 && view.getInt32(i + 10, true) === STAMP_10))
      return NOT_FAST;
    from = i += 14;
    if ((i = this.#timestamp(buf, view, i, end)) < 0) return NOT_FAST;
    l.timestampStart = from;
    l.timestampEnd = i++;
    // An end past the last valid date is invalid: JSON.parse gives the reader's warning.
    if (l.start + l.durationMs > MAX_TIME_MS) return NOT_FAST;

    // ,"errorClass":"..."  (optional)
    if (i + 15 <= end && view.getInt32(i, true) === ERROR_0 && view.getInt32(i + 4, true) === ERROR_4 && view.getInt32(i + 8, true) === ERROR_8 && view.getInt32(i + 11, true) === ERROR_11) {
      from = i += 15;
      if ((i = stringEnd(buf, view, i, end)) < 0) return NOT_FAST;
      l.errorClassStart = from;
      l.errorClassEnd = i++;
    }

    // The fields after it, rare: a line holding one is built by JSON.parse (as one with unknown fields is).
    l.unknownFields = false;
    if (buf[i] === COMMA) {
      if (startsWith(buf, i, end, PROVIDER)) {
        if ((i = stringEnd(buf, view, i + PROVIDER.length, end)) < 0) return NOT_FAST;
        i++;
        l.unknownFields = true;
      }
      if (startsWith(buf, i, end, COST_SOURCE)) {
        const from = i + COST_SOURCE.length;
        if ((i = stringEnd(buf, view, from, end)) < 0 || !COST_SOURCES.some((v) => v.length === i - from && buf.compare(v, 0, v.length, from, i) === 0)) return NOT_FAST;
        i++;
        l.unknownFields = true;
      }
      if (startsWith(buf, i, end, PRICE_TABLE)) {
        if ((i = stringEnd(buf, view, i + PRICE_TABLE.length, end)) < 0) return NOT_FAST;
        i++;
        l.unknownFields = true;
      }
    }
    while (buf[i] === COMMA && i < end) {
      l.unknownFields = true;
      if ((i = unknownField(buf, i + 1, end)) < 0) return NOT_FAST;
    }
    // The closing brace, then the line's end: `\n`, or `\r\n` (the reader drops one `\r`).
    if (buf[i] !== CLOSE) return NOT_FAST;
    l.end = ++i;
    if (buf[i] === CR) i++;
    return buf[i] === NEWLINE ? i : NOT_FAST;
  }

  /**
   * Reads the timestamp string whose body starts at `i`: its closing quote's index, or NOT_FAST. Sets
   * `line.start`. The writer's form, `YYYY-MM-DDTHH:MM:SS.sssZ`, is read in place (a valid one is only
   * digits and `-T:.Z`, so its bytes need no string scan) and its minute computed once for all the
   * timestamps of that minute; any other form is scanned and given to `timestampMs`.
   */
  #timestamp(buf: Buffer, view: DataView, i: number, end: number): number {
    if (i + 25 <= end && buf[i + 24] === QUOTE) {
      const seconds = secondsMs(buf, i);
      if (seconds >= 0) {
        const w0 = view.getInt32(i, true);
        const w4 = view.getInt32(i + 4, true);
        const w8 = view.getInt32(i + 8, true);
        const w12 = view.getInt32(i + 12, true);
        const slot = Math.imul(w4 ^ w8 ^ w12, 0x9e3779b1) >>> (32 - MINUTE_BITS);
        const words = this.#minuteWords;
        const k = slot * 4;
        let minute = this.#minuteMs[slot]!;
        if (!(words[k] === w0 && words[k + 1] === w4 && words[k + 2] === w8 && words[k + 3] === w12 && minute === minute)) {
          // Filled, then read back from the array: `minute` then only ever comes from the array, a raw
          // double. Assigned the call's result instead, it would be a boxed number on every line, hit or
          // miss (a heap allocation per line, measured). A NaN minute (not a date) never matches.
          this.#minuteMs[slot] = buf[i + 4] === 0x2d && buf[i + 7] === 0x2d && buf[i + 10] === 0x54 && buf[i + 13] === 0x3a ? minuteMs(buf, i) : Number.NaN;
          words[k] = w0;
          words[k + 1] = w4;
          words[k + 2] = w8;
          words[k + 3] = w12;
          minute = this.#minuteMs[slot]!;
        }
        if (minute === minute) {
          this.line.start = minute + seconds;
          return i + 24;
        }
      }
    }
    const close = stringEnd(buf, view, i, end);
    if (close < 0) return NOT_FAST;
    const start = timestampMs(buf, i, close);
    if (start !== start) return NOT_FAST;
    this.line.start = start;
    return close;
  }
}

/** The closing quote of a task id (hash and ascii flag in `scanned`), or NOT_FAST when it is not canonical. */
function taskIdEnd(buf: Buffer, view: DataView, i: number, end: number): number {
  const close = hashedStringEnd(buf, view, i, end);
  // Task ids are interned by their bytes: only valid UTF-8 is canonical (invalid bytes decode to U+FFFD,
  // which other bytes may also give).
  return close >= 0 && !scanned.ascii && !isUtf8(buf.subarray(i, close)) ? NOT_FAST : close;
}

/** Whether `buf` holds `literal` at `i`, before `end`. */
function startsWith(buf: Buffer, i: number, end: number, literal: Buffer): boolean {
  return i + literal.length <= end && buf.compare(literal, 0, literal.length, i, i + literal.length) === 0;
}

/** 1 for `true` at `i`, 0 for `false`, -1 for anything else. */
function boolean(buf: Buffer, view: DataView, i: number): number {
  const w = view.getInt32(i, true);
  return w === TRUE_0 ? 1 : w === FALS_0 && buf[i + 4] === 0x65 ? 0 : -1;
}

/** Reads `"name":value` of a field the type does not know; a known name is a duplicate key: not fast. */
function unknownField(buf: Buffer, i: number, end: number): number {
  if (buf[i] !== QUOTE) return NOT_FAST;
  const close = scanString(buf, i + 1, end);
  if (close < 0) return NOT_FAST;
  const length = close - i - 1;
  for (const name of KNOWN_NAMES) {
    if (name.length === length && buf.compare(name, 0, length, i + 1, close) === 0) return NOT_FAST;
  }
  if (buf[close + 1] !== 0x3a) return NOT_FAST;
  return skipValue(buf, close + 2, end);
}
