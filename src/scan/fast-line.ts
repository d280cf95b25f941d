/**
 * The fast path: parses a line in exactly the form `serializeMetric` writes (known fields in the order of
 * the `InvocationMetric` type, no whitespace, strings without escapes), straight from bytes, and accepts
 * it only when `JSON.parse` + `findMetricProblem` would accept it with the same values. Anything else
 * (another key order, whitespace, escapes, a duplicate key, an invalid value) is answered {@link NOT_FAST}
 * and the caller parses the line with `JSON.parse`, which gives the reader's exact warning. The caller
 * finds the line's `\n` first (a native search), so the parser never runs past a line.
 *
 * @module
 */
import { isUtf8 } from 'node:buffer';
import { endOfString, literalOf, matches, NOT_FAST, scanInteger, scanned, scanNumber, scanString, skipValue, type Literal } from './json-bytes.js';
import { isoTimestampMs, timestampMs } from './timestamp-bytes.js';

const key = (name: string, first = false): Literal => literalOf(`${first ? '{' : ','}"${name}":`);
const K = {
  invocationId: key('invocationId', true),
  agent: key('agent'),
  phase: key('phase'),
  taskId: key('taskId'),
  durationMs: key('durationMs'),
  tokens: key('tokens'),
  inputTokens: key('inputTokens'),
  outputTokens: key('outputTokens'),
  cachedTokens: key('cachedTokens'),
  cost: key('cost'),
  exitCode: key('exitCode'),
  success: key('success'),
  attempt: key('attempt'),
  outputParsed: key('outputParsed'),
  model: key('model'),
  tier: key('tier'),
  timestamp: key('timestamp'),
  errorClass: key('errorClass'),
};
/** Known field names as bytes: an unknown field with one of these names is a duplicate key. */
const KNOWN_NAMES = Object.keys(K).map((name) => Buffer.from(name));
const TRUE = literalOf('true');
const FALSE = literalOf('false');
const QUOTE = 0x22;
const COMMA = 0x2c;
const CLOSE = 0x7d;
const CR = 0x0d;

/** A string field: its bytes `[start, end)`. `start` is -1 when the field is absent. */
export class StringField {
  start = -1;
  end = -1;
}

/** What {@link FastLineParser.parse} read from the last accepted line. One instance is reused. */
export class FastLine {
  readonly invocationId = new StringField();
  readonly agent = new StringField();
  readonly taskId = new StringField();
  readonly model = new StringField();
  readonly tier = new StringField();
  readonly errorClass = new StringField();
  readonly timestamp = new StringField();
  phase = 0;
  durationMs = 0;
  tokens = 0;
  /** -1 when absent. */
  inputTokens = -1;
  /** -1 when absent. */
  outputTokens = -1;
  /** -1 when absent. */
  cachedTokens = -1;
  cost = 0;
  exitCode = 0;
  success = false;
  attempt = 1;
  outputParsed = false;
  /** `Date.parse(timestamp)`. */
  start = 0;
  /** Whether fields beyond the known ones follow. */
  unknownFields = false;
}

const isNonNegInt = (v: number): boolean => Number.isInteger(v) && v >= 0;

/** Parses lines of the writer's form into a reused {@link FastLine}. */
export class FastLineParser {
  /** The last accepted line. */
  readonly line = new FastLine();

  /**
   * Parses the line `buf[pos, nl)` (`nl`: its `\n`).
   *
   * @param buf - The bytes.
   * @param view - A `DataView` of the same bytes.
   * @param pos - Start of the line.
   * @param nl - Index of the line's `\n`.
   * @returns Whether the line was accepted (its fields are then in {@link line}); `false` when it must be
   *   parsed by `JSON.parse`.
   */
  parse(buf: Buffer, view: DataView, pos: number, nl: number): boolean {
    const l = this.line;
    // The line's end without its `\r`: the last byte must close the object.
    const end = buf[nl - 1] === CR ? nl - 1 : nl;
    if (buf[end - 1] !== CLOSE) return false;
    let i = pos;
    if (!matches(buf, view, i, end, K.invocationId) || (i = this.#string(buf, i + K.invocationId.length, end, l.invocationId)) < 0) return false;
    if (l.invocationId.end === l.invocationId.start) return false;
    if (!matches(buf, view, i, end, K.agent) || (i = this.#string(buf, i + K.agent.length, end, l.agent)) < 0) return false;
    if (l.agent.end === l.agent.start) return false;
    if (!matches(buf, view, i, end, K.phase) || (i = scanInteger(buf, i + K.phase.length, end)) < 0) return false;
    if (!isNonNegInt((l.phase = scanned.number))) return false;
    l.taskId.start = -1;
    if (matches(buf, view, i, end, K.taskId)) {
      if ((i = this.#string(buf, i + K.taskId.length, end, l.taskId)) < 0) return false;
      // Task ids are interned by their bytes: only valid UTF-8 is canonical (invalid bytes decode to U+FFFD).
      if (!scanned.ascii && !isUtf8(buf.subarray(l.taskId.start, l.taskId.end))) return false;
    }
    if (!matches(buf, view, i, end, K.durationMs) || (i = scanInteger(buf, i + K.durationMs.length, end)) < 0) return false;
    l.durationMs = scanned.number;
    if (!(l.durationMs >= 0 && l.durationMs < Infinity)) return false;
    if (!matches(buf, view, i, end, K.tokens) || (i = scanInteger(buf, i + K.tokens.length, end)) < 0) return false;
    if (!isNonNegInt((l.tokens = scanned.number))) return false;
    l.inputTokens = l.outputTokens = l.cachedTokens = -1;
    if (matches(buf, view, i, end, K.inputTokens)) {
      if ((i = scanInteger(buf, i + K.inputTokens.length, end)) < 0 || !isNonNegInt((l.inputTokens = scanned.number))) return false;
    }
    if (matches(buf, view, i, end, K.outputTokens)) {
      if ((i = scanInteger(buf, i + K.outputTokens.length, end)) < 0 || !isNonNegInt((l.outputTokens = scanned.number))) return false;
    }
    if (matches(buf, view, i, end, K.cachedTokens)) {
      if ((i = scanInteger(buf, i + K.cachedTokens.length, end)) < 0 || !isNonNegInt((l.cachedTokens = scanned.number))) return false;
    }
    if (!matches(buf, view, i, end, K.cost) || (i = scanNumber(buf, i + K.cost.length, end)) < 0) return false;
    l.cost = scanned.number;
    if (!(l.cost >= 0 && l.cost < Infinity)) return false;
    if (!matches(buf, view, i, end, K.exitCode) || (i = scanInteger(buf, i + K.exitCode.length, end)) < 0) return false;
    if (!Number.isInteger((l.exitCode = scanned.number))) return false;
    if (!matches(buf, view, i, end, K.success)) return false;
    if ((i = this.#boolean(buf, view, i + K.success.length, end)) < 0) return false;
    l.success = this.#bool;
    if (!matches(buf, view, i, end, K.attempt) || (i = scanInteger(buf, i + K.attempt.length, end)) < 0) return false;
    l.attempt = scanned.number;
    if (!(Number.isInteger(l.attempt) && l.attempt >= 1)) return false;
    if (!matches(buf, view, i, end, K.outputParsed)) return false;
    if ((i = this.#boolean(buf, view, i + K.outputParsed.length, end)) < 0) return false;
    l.outputParsed = this.#bool;
    l.model.start = l.tier.start = l.errorClass.start = -1;
    if (matches(buf, view, i, end, K.model) && (i = this.#string(buf, i + K.model.length, end, l.model)) < 0) return false;
    if (matches(buf, view, i, end, K.tier) && (i = this.#string(buf, i + K.tier.length, end, l.tier)) < 0) return false;
    if (!matches(buf, view, i, end, K.timestamp)) return false;
    i += K.timestamp.length;
    const ts = l.timestamp;
    // The writer's form, `"YYYY-MM-DDTHH:MM:SS.sssZ"`, read in place (its bytes need no string scan).
    if (buf[i] === QUOTE && i + 25 < end && buf[i + 25] === QUOTE && !Number.isNaN((l.start = isoTimestampMs(buf, i + 1)))) {
      ts.start = i + 1;
      ts.end = i + 25;
      i += 26;
    } else {
      if ((i = this.#string(buf, i, end, ts)) < 0) return false;
      l.start = timestampMs(buf, ts.start, ts.end);
      if (Number.isNaN(l.start)) return false;
    }
    if (matches(buf, view, i, end, K.errorClass) && (i = this.#string(buf, i + K.errorClass.length, end, l.errorClass)) < 0) return false;
    l.unknownFields = false;
    while (buf[i] === COMMA && i < end) {
      l.unknownFields = true;
      if ((i = this.#unknownField(buf, view, i + 1, end)) < 0) return false;
    }
    return i === end - 1; // the closing brace, checked first
  }

  #bool = false;

  #boolean(buf: Buffer, view: DataView, i: number, end: number): number {
    this.#bool = buf[i] === 0x74;
    const lit = this.#bool ? TRUE : FALSE;
    return matches(buf, view, i, end, lit) ? i + lit.length : NOT_FAST;
  }

  /** Reads `"..."` at `i` (after its key) into `field`; returns the index after the closing quote. */
  #string(buf: Buffer, i: number, end: number, field: StringField): number {
    if (buf[i] !== QUOTE) return NOT_FAST;
    const close = endOfString(buf, i + 1, end);
    if (close < 0) return NOT_FAST;
    field.start = i + 1;
    field.end = close;
    return close + 1;
  }

  /** Reads `"name":value` of a field the type does not know; a known name is a duplicate key: not fast. */
  #unknownField(buf: Buffer, view: DataView, i: number, end: number): number {
    if (buf[i] !== QUOTE) return NOT_FAST;
    const close = scanString(buf, i + 1, end);
    if (close < 0) return NOT_FAST;
    const length = close - i - 1;
    for (const name of KNOWN_NAMES) {
      if (name.length === length && buf.compare(name, 0, length, i + 1, close) === 0) return NOT_FAST;
    }
    if (buf[close + 1] !== 0x3a) return NOT_FAST;
    return skipValue(buf, view, close + 2, end);
  }
}
